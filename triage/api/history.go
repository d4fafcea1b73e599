package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

// historyPage is how many records one read transaction of the history
// stream copies, so that no read transaction stays open while the client
// reads.
const historyPage = 1000

func (s *Server) registerHistory() {
	s.mux.HandleFunc("GET /v1/history", s.handleHistory)
	s.mux.HandleFunc("POST /v1/history/reviews", s.handleReview)
	s.mux.HandleFunc("POST /v1/history/purge", s.handlePurge)
}

// handleHistory streams history entries as JSON Lines: each record, and
// for an escalation its latest review. The read transaction is held only
// while a page of records is copied into memory, never across a write to
// the client.
func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err := parseTimeParam(q.Get("since"))
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("since: %w", err))
		return
	}
	to, err := parseTimeParam(q.Get("until"))
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("until: %w", err))
		return
	}
	filter := recordFilter{
		queue: q.Get("queue"), reason: q.Get("reason"), kind: q.Get("kind"),
		ticket: q.Get("ticket"), agent: q.Get("agent"), script: q.Get("script"),
	}
	if filter.ticket != "" {
		filter.ticket = normalizeTicketID(filter.ticket)
	}
	w.Header().Set("Content-Type", "application/jsonl")
	enc := json.NewEncoder(w)
	cursor := from
	var lastSeq uint64
	for {
		var page []*triage.HistoryEntry
		read := 0
		err := s.engine.Store().View(func(tx triage.ReadTx) error {
			return tx.Records(cursor, to, func(rec *triage.Record) error {
				if rec.At.Equal(cursor) && rec.Seq <= lastSeq {
					return nil
				}
				read++
				cursor, lastSeq = rec.At, rec.Seq
				if filter.match(rec) {
					entry := &triage.HistoryEntry{Record: *rec}
					if rec.Kind == triage.KindEscalated {
						if err := tx.Reviews(rec.Seq, func(rev *triage.Review) error {
							entry.Review = rev
							return nil
						}); err != nil {
							return err
						}
					}
					page = append(page, entry)
				}
				if read == historyPage {
					return triage.ErrStop
				}
				return nil
			})
		})
		if err != nil {
			// The status line is already sent, so a last line carries
			// the error and the client reports it.
			s.log.Error("read history", "err", err, "cursor", cursor)
			_ = enc.Encode(map[string]string{"error": "read history: " + err.Error()})
			return
		}
		for _, entry := range page {
			if err := enc.Encode(entry); err != nil {
				return
			}
		}
		if read < historyPage {
			return
		}
	}
}

// recordFilter selects history records. Empty fields match everything.
type recordFilter struct{ queue, reason, kind, ticket, agent, script string }

func (f recordFilter) match(rec *triage.Record) bool {
	if f.queue != "" && rec.Queue != f.queue {
		return false
	}
	if f.kind != "" && string(rec.Kind) != f.kind {
		return false
	}
	if f.ticket != "" && rec.Ticket != f.ticket {
		return false
	}
	if f.agent != "" && (rec.Agent == nil || *rec.Agent != f.agent) {
		return false
	}
	if f.script != "" && (rec.Script == nil || *rec.Script != f.script) {
		return false
	}
	if f.reason != "" && !strings.Contains(strings.ToLower(rec.Reason), strings.ToLower(f.reason)) {
		return false
	}
	return true
}

func parseTimeParam(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid time %q: use RFC 3339", s)
	}
	return t, nil
}

// ReviewRequest is the body of POST /v1/history/reviews.
type ReviewRequest struct {
	Ticket  string         `json:"ticket"`
	Record  uint64         `json:"record"`
	Verdict triage.Verdict `json:"verdict"`
	Note    string         `json:"note,omitempty"`
}

// handleReview stores the calling agent's verdict on one escalation.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) {
	var req ReviewRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("invalid review request: %w", err))
		return
	}
	if req.Ticket == "" || req.Record == 0 {
		writeError(w, http.StatusBadRequest, errors.New("invalid review request: ticket and record are required"))
		return
	}
	rev := triage.Review{
		Record: req.Record, Ticket: normalizeTicketID(req.Ticket), At: s.now().UTC(),
		Agent: s.agent(r), Verdict: req.Verdict, Note: req.Note,
	}
	stored, err := s.engine.Review(r.Context(), rev)
	switch {
	case err == nil:
		s.log.Info("review stored", "ticket", rev.Ticket, "record", rev.Record, "verdict", rev.Verdict, "agent", rev.Agent)
		writeJSON(w, http.StatusOK, stored)
	case errors.Is(err, engine.ErrInvalidReview):
		writeError(w, http.StatusBadRequest, err)
	case errors.Is(err, triage.ErrNotFound):
		writeError(w, http.StatusNotFound, err)
	default:
		s.log.Error("review failed", "err", err, "ticket", rev.Ticket, "record", rev.Record)
		writeError(w, http.StatusInternalServerError, err)
	}
}

// handlePurge removes history and ended tickets before the time given in
// "before". An "export" parameter names an absolute path on the daemon's
// machine for a new JSON Lines file of everything removed.
func (s *Server) handlePurge(w http.ResponseWriter, r *http.Request) {
	lead, ok := s.requireLead(w, r, "purging history")
	if !ok {
		return
	}
	q := r.URL.Query()
	before, err := parseTimeParam(q.Get("before"))
	if err != nil || before.IsZero() {
		writeError(w, http.StatusBadRequest, errors.New("invalid or missing before: give an RFC 3339 time"))
		return
	}
	export := q.Get("export")
	if export != "" && !filepath.IsAbs(export) {
		writeError(w, http.StatusBadRequest, fmt.Errorf("export path %q is not absolute", export))
		return
	}
	sum, err := s.engine.Purge(r.Context(), before, export)
	if errors.Is(err, fs.ErrExist) {
		writeError(w, http.StatusConflict, fmt.Errorf("export file %s exists: choose a new name", export))
		return
	}
	if err != nil {
		s.log.Error("purge failed", "err", err, "before", before, "removed_records", recordsOf(sum))
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	s.log.Info("purge done", "before", before, "records", sum.Records, "tickets", sum.Tickets,
		"agent", lead.Name, "export", export)
	writeJSON(w, http.StatusOK, sum)
}

func recordsOf(sum *triage.PurgeSummary) string {
	if sum == nil {
		return "0"
	}
	return strconv.Itoa(sum.Records)
}
