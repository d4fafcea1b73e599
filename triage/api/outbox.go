package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

// outboxPoll is how often a following outbox stream reads the store
// when no update woke it, in case an entry was added without one.
const outboxPoll = time.Second

// outboxReadBatch is how many entries one read transaction of the outbox
// stream takes. Entries are sent after the transaction ends, so that a
// slow client never holds a read transaction open.
const outboxReadBatch = 1000

// MaxAckIDs is the most ids one acknowledgement request may carry.
const MaxAckIDs = 10000

// ReplyBody is the request body of POST /v1/tickets/{id}/reply.
type ReplyBody struct {
	Text string `json:"text"`
}

// AckBody is the request body of POST /v1/outbox/ack.
type AckBody struct {
	IDs []uint64 `json:"ids"`
}

func (s *Server) registerOutbox() {
	s.mux.HandleFunc("POST /v1/tickets/{id}/reply", s.handleReply)
	s.mux.HandleFunc("GET /v1/outbox", s.handleOutbox)
	s.mux.HandleFunc("POST /v1/outbox/ack", s.handleAck)
}

// handleReply stores an agent's reply in the conversation and the outbox,
// under the caller's name, and responds with the outbox entry.
func (s *Server) handleReply(w http.ResponseWriter, r *http.Request) {
	id := normalizeTicketID(r.PathValue("id"))
	var body ReplyBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf(`invalid reply body: send {"text": "..."}: %w`, err))
		return
	}
	agent := s.agent(r)
	entry, err := s.engine.Reply(r.Context(), engine.ReplyRequest{
		Ticket: id, Agent: agent, Text: body.Text, At: s.now().UTC(), Redact: s.redactor,
	})
	switch {
	case err == nil:
		s.log.Info("reply queued", "ticket", id, "agent", agent, "outbox_id", entry.ID)
		writeJSON(w, http.StatusCreated, entry)
	case errors.Is(err, triage.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Errorf("ticket %s not found", id))
	case errors.Is(err, engine.ErrEmptyReply):
		writeError(w, http.StatusBadRequest, err)
	case errors.Is(err, engine.ErrReplyTooLong):
		writeError(w, http.StatusRequestEntityTooLarge, err)
	default:
		s.log.Error("reply failed", "err", err, "ticket", id, "agent", agent)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("reply to %s: %w", id, err))
	}
}

// handleAck acknowledges delivered outbox entries and responds with one
// result per id.
func (s *Server) handleAck(w http.ResponseWriter, r *http.Request) {
	var body AckBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf(`invalid acknowledgement body: send {"ids": [1, 2]}: %w`, err))
		return
	}
	if len(body.IDs) > MaxAckIDs {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("more than %d ids in one acknowledgement", MaxAckIDs))
		return
	}
	results, err := s.engine.AckOutbox(r.Context(), body.IDs)
	if err != nil {
		s.log.Error("outbox acknowledgement failed", "err", err, "ids", len(body.IDs))
		writeError(w, http.StatusInternalServerError, fmt.Errorf("acknowledge: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, results)
}

// outboxQuery is the parsed query of GET /v1/outbox.
type outboxQuery struct {
	after         uint64
	follow        bool
	conversations map[string]bool // nil means every conversation
}

func parseOutboxQuery(r *http.Request) (outboxQuery, error) {
	q := r.URL.Query()
	var oq outboxQuery
	if v := q.Get("after"); v != "" {
		after, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return oq, fmt.Errorf("invalid after %q: use an outbox id", v)
		}
		oq.after = after
	}
	oq.follow = q.Get("follow") == "true"
	for _, list := range q["conversation"] {
		for _, c := range strings.Split(list, ",") {
			if c = strings.TrimSpace(c); c != "" {
				if oq.conversations == nil {
					oq.conversations = make(map[string]bool)
				}
				oq.conversations[c] = true
			}
		}
	}
	return oq, nil
}

// handleOutbox sends the pending outbox entries after an id as JSON Lines,
// oldest first. With follow=true it keeps the stream open and sends new
// entries as they are added, until the client leaves or the daemon stops.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) {
	q, err := parseOutboxQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	hub := s.engine.Hub()
	var sub *engine.Subscription
	if q.follow {
		// Subscribe before the first read, so that no entry added in
		// between goes unnoticed.
		sub = hub.Subscribe(hub.Seq(), hub.Epoch())
		defer func() { sub.Close() }()
	}
	w.Header().Set("Content-Type", "application/jsonl")
	w.WriteHeader(http.StatusOK)
	flusher := http.NewResponseController(w)
	enc := json.NewEncoder(w)

	after := q.after
	send := func() error {
		for {
			entries, err := s.readOutbox(after, outboxReadBatch)
			if err != nil {
				return err
			}
			for _, e := range entries {
				after = e.ID
				if q.conversations != nil && !q.conversations[e.Conversation] {
					continue
				}
				if err := enc.Encode(e); err != nil {
					return nil // the client left
				}
			}
			if len(entries) < outboxReadBatch {
				return nil
			}
		}
	}
	if err := send(); err != nil {
		s.log.Error("read outbox", "err", err)
		return
	}
	_ = flusher.Flush()
	if !q.follow {
		return
	}

	poll := time.NewTicker(outboxPoll)
	defer poll.Stop()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-keepalive.C:
			if _, err := io.WriteString(w, "\n"); err != nil {
				return
			}
		case <-poll.C:
		case _, ok := <-sub.Updates():
			if !ok {
				if !errors.Is(sub.Err(), engine.ErrSubscriberTooSlow) {
					return // the daemon is stopping
				}
				sub = hub.Subscribe(hub.Seq(), hub.Epoch())
			}
			// Drain what is queued, so that a burst costs one read.
			for pending := len(sub.Updates()); pending > 0; pending-- {
				<-sub.Updates()
			}
		}
		if err := send(); err != nil {
			s.log.Error("read outbox", "err", err)
			return
		}
		if err := flusher.Flush(); err != nil {
			return
		}
	}
}

// readOutbox returns at most limit pending entries after an id.
func (s *Server) readOutbox(after uint64, limit int) ([]*triage.OutboxEntry, error) {
	var entries []*triage.OutboxEntry
	err := s.engine.Outbox(after, func(e *triage.OutboxEntry) error {
		entries = append(entries, e)
		if len(entries) >= limit {
			return triage.ErrStop
		}
		return nil
	})
	return entries, err
}
