// Package api serves the desk's engine over HTTP on a Unix socket (or
// loopback TCP): ingest, the queue, tickets and their actions, history,
// and a live stream of updates. Package client speaks to it.
//
// Every route lives under /v1. Bodies and streams are JSON or JSON Lines;
// errors are a JSON object {"error": "..."} with a fitting status code.
package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

// Limits on requests, so that one client cannot exhaust the daemon.
const (
	// MaxEventsPerRequest is the most events one ingest request may carry.
	MaxEventsPerRequest = 5000
	// MaxLineBytes is the longest JSON line an ingest request may hold.
	MaxLineBytes = 1 << 20
	// MaxBodyBytes bounds any request body.
	MaxBodyBytes = 64 << 20
)

// AgentHeader lets the daemon's own user act under another agent name,
// for demos and tests; other users are always named by their login.
const AgentHeader = "X-Triage-Agent"

// Info describes the running daemon.
type Info struct {
	PID      int       `json:"pid"`
	Socket   string    `json:"socket"`
	Database string    `json:"database"`
	Started  time.Time `json:"started"`
	Version  string    `json:"version"`
	Epoch    string    `json:"epoch"`
	Seq      uint64    `json:"seq"`
}

// Server is the daemon's HTTP API.
type Server struct {
	engine *engine.Engine
	log    *slog.Logger
	info   Info
	now    func() time.Time
	mux    *http.ServeMux
	// leads are the logins with the lead role on the Unix socket.
	leads map[string]bool
	// redactor, when set, rewrites every event before ingest; see SetRedactor.
	redactor func(*triage.Event)
}

// NewServer returns a server for eng. info is reported by /v1/info.
func NewServer(eng *engine.Engine, info Info, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{engine: eng, log: log, info: info, now: time.Now, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /v1/info", s.handleInfo)
	s.mux.HandleFunc("POST /v1/events", s.handleEvents)
	s.mux.HandleFunc("GET /v1/queue", s.handleQueue)
	s.mux.HandleFunc("GET /v1/tickets/{id}", s.handleTicket)
	s.mux.HandleFunc("POST /v1/tickets/{id}/{action}", s.handleTicketAction)
	s.registerHistory()
	s.mux.HandleFunc("GET /v1/stream", s.handleStream)
	s.registerDocuments()
	s.registerOps()
	s.registerOutbox()
	s.registerWebhookReview()
	s.registerIncidents()
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	s.mux.ServeHTTP(w, r)
}

// HTTPServer wraps the handler in an http.Server with timeouts and
// records the Unix peer of each connection for agent identity.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

type connKey struct{}

// agent names the caller; see identity.
func (s *Server) agent(r *http.Request) string { return s.identity(r).Name }

// unixAgent names the caller on the Unix socket by the login of the peer's
// uid, and reports whether the peer runs as the daemon's own user. That
// user may name another agent with AgentHeader, for demos and tests.
func (s *Server) unixAgent(r *http.Request) (name string, own bool) {
	uid, ok := peerUID(r)
	if ok {
		own = uid == syscall.Getuid()
		if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
			name = u.Username
		} else {
			name = "uid-" + strconv.Itoa(uid)
		}
	}
	if h := strings.TrimSpace(r.Header.Get(AgentHeader)); h != "" && (!ok || own) {
		return h, own
	}
	if name == "" {
		name = "unknown"
	}
	return name, own
}

// peerUID reads the uid of the process on the other end of a Unix socket.
func peerUID(r *http.Request) (int, bool) {
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return 0, false
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var cred *syscall.Ucred
	var credErr error
	err = raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	})
	if err != nil || credErr != nil {
		return 0, false
	}
	return int(cred.Uid), true
}

func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	info := s.info
	info.Epoch = s.engine.Hub().Epoch()
	info.Seq = s.engine.Hub().Seq()
	writeJSON(w, http.StatusOK, info)
}

// IngestResult is the result for one line of an ingest request.
type IngestResult struct {
	Line int `json:"line"`
	engine.Result
}

// handleEvents takes JSON Lines events and responds, after they are
// durable, one JSON line per input line in order.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	reader := bufio.NewReaderSize(r.Body, 64<<10)
	var events []triage.Event
	var lines []int
	var results []IngestResult
	occurrences := make(map[string]int)
	for line := 1; ; line++ {
		raw, err := readLine(reader, MaxLineBytes)
		if errors.Is(err, io.EOF) && len(raw) == 0 {
			break
		}
		if errors.Is(err, errLineTooLong) {
			results = append(results, IngestResult{Line: line, Result: engine.Result{Status: engine.StatusRejected,
				Error: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}})
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("request body larger than %d bytes: send fewer events per request", MaxBodyBytes))
				return
			}
			writeError(w, http.StatusBadRequest, fmt.Errorf("read request: %w", err))
			return
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		if len(events) >= MaxEventsPerRequest {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("more than %d events in one request", MaxEventsPerRequest))
			return
		}
		// Calling UnmarshalJSON directly skips the syntax check that
		// json.Unmarshal runs before it, because UnmarshalJSON runs its own.
		var ev triage.Event
		if err := ev.UnmarshalJSON(raw); err != nil {
			results = append(results, IngestResult{Line: line, Result: engine.Result{Status: engine.StatusRejected,
				Error: "invalid JSON: " + err.Error()}})
			continue
		}
		if ev.ID == "" && ev.Validate() == nil {
			key := triage.TupleKey(&ev)
			ev.ID = triage.DeriveID(&ev, occurrences[key])
			occurrences[key]++
		}
		events = append(events, ev)
		lines = append(lines, line)
		results = append(results, IngestResult{Line: line})
	}
	s.redact(events)
	engineResults, err := s.engine.Ingest(r.Context(), events)
	if err != nil {
		s.log.Error("ingest failed", "err", err, "events", len(events))
		status := http.StatusInternalServerError
		if errors.Is(err, engine.ErrStopped) {
			status = http.StatusServiceUnavailable
		}
		writeError(w, status, fmt.Errorf("ingest: %w", err))
		return
	}
	// Fill in the engine's results for the lines that reached it.
	next := 0
	for i := range results {
		if next < len(lines) && results[i].Line == lines[next] && results[i].Status == "" {
			results[i].Result = engineResults[next]
			next++
		}
	}
	w.Header().Set("Content-Type", "application/jsonl")
	enc := json.NewEncoder(w)
	for _, res := range results {
		if err := enc.Encode(res); err != nil {
			return
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline. A line longer than max is
// consumed to its end and reported with errLineTooLong.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+1 {
				tooLong = true
				line = nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			if err == nil || errors.Is(err, io.EOF) {
				return nil, errLineTooLong
			}
			return nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		return line, err
	}
}

func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	all := r.URL.Query().Get("all") == "true"
	tickets := []*triage.Ticket{}
	err := s.engine.Store().View(func(tx triage.ReadTx) error {
		return tx.Queue(all, func(t *triage.Ticket) error {
			tickets = append(tickets, t)
			return nil
		})
	})
	if err != nil {
		s.log.Error("read queue", "err", err)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("read queue: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, tickets)
}

// normalizeTicketID accepts "42" as well as "T-42".
func normalizeTicketID(id string) string {
	if _, err := strconv.Atoi(id); err == nil {
		return "T-" + id
	}
	if rest, ok := strings.CutPrefix(id, "t-"); ok {
		return "T-" + rest
	}
	return id
}

func (s *Server) handleTicket(w http.ResponseWriter, r *http.Request) {
	id := normalizeTicketID(r.PathValue("id"))
	detail := &triage.TicketDetail{Events: []triage.StoredEvent{}, History: []*triage.Record{}}
	err := s.engine.Store().View(func(tx triage.ReadTx) error {
		t, err := tx.Ticket(id)
		if err != nil {
			return err
		}
		detail.Ticket = t
		if err := tx.ConversationEvents(t.Conversation, func(e *triage.StoredEvent) error {
			detail.Events = append(detail.Events, *e)
			return nil
		}); err != nil {
			return err
		}
		return tx.TicketRecords(id, func(rec *triage.Record) error {
			detail.History = append(detail.History, rec)
			return nil
		})
	})
	if errors.Is(err, triage.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Errorf("ticket %q not found: ticket ids look like T-12 (or 12); list them with triage queue --all", r.PathValue("id")))
		return
	}
	if err != nil {
		s.log.Error("read ticket", "err", err, "ticket", id)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("read ticket %s: %w", id, err))
		return
	}
	writeJSON(w, http.StatusOK, detail)
}

func (s *Server) handleTicketAction(w http.ResponseWriter, r *http.Request) {
	id := normalizeTicketID(r.PathValue("id"))
	agent := s.agent(r)
	now := s.now().UTC()
	var (
		t   *triage.Ticket
		err error
	)
	switch action := r.PathValue("action"); action {
	case "claim":
		t, err = s.engine.Claim(r.Context(), id, agent, now)
	case "release":
		t, err = s.engine.Release(r.Context(), id, agent, now)
	case "resolve":
		t, err = s.engine.Resolve(r.Context(), id, agent, now)
	default:
		writeError(w, http.StatusNotFound, fmt.Errorf("unknown ticket action %q: use claim, release or resolve", action))
		return
	}
	var conflict *engine.ConflictError
	switch {
	case err == nil:
		s.log.Info("ticket action", "action", r.PathValue("action"), "ticket", id, "agent", agent)
		writeJSON(w, http.StatusOK, t)
	case errors.As(err, &conflict):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error(), "holder": conflict.Holder})
	case errors.Is(err, triage.ErrNotFound):
		writeError(w, http.StatusNotFound, err)
	case errors.Is(err, engine.ErrInactive):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error(), "code": codeInactive})
	default:
		s.log.Error("ticket action failed", "err", err, "ticket", id)
		writeError(w, http.StatusInternalServerError, err)
	}
}

// codeInactive marks, in a conflict response, an action refused because
// the ticket is resolved or closed rather than claimed by someone else.
const codeInactive = "inactive"

// handleStream sends live updates as JSON Lines, flushed one by one.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	sub := s.engine.Hub().Subscribe(since, r.URL.Query().Get("epoch"))
	defer sub.Close()
	w.Header().Set("Content-Type", "application/jsonl")
	w.WriteHeader(http.StatusOK)
	flusher := http.NewResponseController(w)
	enc := json.NewEncoder(w)
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
			_ = flusher.Flush()
		case u, ok := <-sub.Updates():
			if !ok {
				switch err := sub.Err(); {
				case errors.Is(err, engine.ErrSubscriberTooSlow):
					s.log.Warn("stream subscriber dropped", "err", err)
				case err != nil:
					s.log.Debug("stream closed", "err", err)
				}
				return
			}
			if err := enc.Encode(u); err != nil {
				return
			}
			// Send what is queued before flushing, so a burst costs one flush.
			for pending := len(sub.Updates()); pending > 0; pending-- {
				if err := enc.Encode(<-sub.Updates()); err != nil {
					return
				}
			}
			if err := flusher.Flush(); err != nil {
				return
			}
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
