package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

// registerOps adds the operator routes: a hot backup of the database and
// the erasure of one customer's data.
func (s *Server) registerOps() {
	s.mux.HandleFunc("GET /v1/backup", s.handleBackup)
	s.mux.HandleFunc("POST /v1/forget", s.handleForget)
}

// handleBackup streams, to a lead, a consistent copy of the database file from one
// read transaction, with its length in Content-Length. Ingest goes on
// meanwhile.
func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request) {
	bw, ok := s.engine.Store().(triage.BackupWriter)
	if !ok {
		writeError(w, http.StatusNotImplemented, errors.New("this daemon's store cannot write backups"))
		return
	}
	id, ok := s.requireLead(w, r, "backup")
	if !ok {
		return
	}
	start := time.Now()
	agent := id.Name
	s.log.Info("backup started", "agent", agent)
	n, err := bw.WriteBackup(w, func(size int64) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
	})
	if err != nil {
		// The status line is already sent, so the client sees a short
		// body and reports it.
		s.log.Error("backup failed", "err", err, "agent", agent, "bytes", n)
		return
	}
	s.log.Info("backup sent", "agent", agent, "bytes", n, "took", time.Since(start))
}

// handleForget erases one customer's data at a lead's request. The body is a JSON
// triage.CustomerMatch; the response a triage.ErasureSummary.
func (s *Server) handleForget(w http.ResponseWriter, r *http.Request) {
	id, ok := s.requireLead(w, r, "forget")
	if !ok {
		return
	}
	var match triage.CustomerMatch
	if err := json.NewDecoder(r.Body).Decode(&match); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("invalid forget request: %w", err))
		return
	}
	if err := match.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	agent := id.Name
	sum, err := s.engine.Forget(r.Context(), match, agent)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, sum)
	case sum != nil:
		// The data is deleted, so the request succeeded, but the file
		// rewrite failed.
		s.log.Error("rewrite after erasure failed", "err", err, "agent", agent)
		sum.RewriteError = err.Error()
		writeJSON(w, http.StatusOK, sum)
	case errors.Is(err, engine.ErrStopped):
		writeError(w, http.StatusServiceUnavailable, err)
	default:
		s.log.Error("forget failed", "err", err, "agent", agent)
		writeError(w, http.StatusInternalServerError, err)
	}
}
