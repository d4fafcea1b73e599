package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

func (s *Server) registerIncidents() {
	s.mux.HandleFunc("GET /v1/incidents", s.handleIncidents)
	s.mux.HandleFunc("GET /v1/incidents/{id}", s.handleIncident)
	s.mux.HandleFunc("POST /v1/incidents/{id}/resolve", s.handleResolveIncident)
	s.mux.HandleFunc("POST /v1/incidents/{id}/reply", s.handleReplyIncident)
	s.mux.HandleFunc("POST /v1/tickets/{id}/ungroup", s.handleUngroup)
}

// normalizeIncidentID accepts "3" as well as "I-3".
func normalizeIncidentID(id string) string {
	if id != "" && strings.Trim(id, "0123456789") == "" {
		return "I-" + id
	}
	return id
}

// handleIncidents answers with every incident and its members; with
// ?open=true only the open ones.
func (s *Server) handleIncidents(w http.ResponseWriter, r *http.Request) {
	list, err := s.engine.Incidents(r.URL.Query().Get("open") == "true")
	if err != nil {
		s.log.Error("read incidents", "err", err)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("read incidents: %w", err))
		return
	}
	if list == nil {
		list = []*triage.IncidentDetail{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) handleIncident(w http.ResponseWriter, r *http.Request) {
	id := normalizeIncidentID(r.PathValue("id"))
	d, err := s.engine.Incident(id)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, d)
	case errors.Is(err, triage.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Errorf("incident %s not found", id))
	default:
		s.log.Error("read incident", "err", err, "incident", id)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("read incident %s: %w", id, err))
	}
}

// handleResolveIncident resolves an incident and its member tickets under
// the caller's name.
func (s *Server) handleResolveIncident(w http.ResponseWriter, r *http.Request) {
	id := normalizeIncidentID(r.PathValue("id"))
	agent := s.agent(r)
	inc, err := s.engine.ResolveIncident(r.Context(), id, agent, s.now().UTC())
	if err == nil {
		s.log.Info("incident resolved", "incident", id, "agent", agent)
		writeJSON(w, http.StatusOK, inc)
		return
	}
	s.writeIncidentError(w, "resolve", id, agent, err)
}

// handleReplyIncident sends one reply to the customers of every active
// member ticket and answers with their outbox entries.
func (s *Server) handleReplyIncident(w http.ResponseWriter, r *http.Request) {
	id := normalizeIncidentID(r.PathValue("id"))
	var body ReplyBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf(`invalid reply body: send {"text": "..."}: %w`, err))
		return
	}
	agent := s.agent(r)
	entries, err := s.engine.ReplyIncident(r.Context(), engine.IncidentReplyRequest{
		Incident: id, Agent: agent, Text: body.Text, At: s.now().UTC(), Redact: s.redactor,
	})
	switch {
	case err == nil:
		s.log.Info("incident reply queued", "incident", id, "agent", agent, "replies", len(entries))
		if entries == nil {
			entries = []*triage.OutboxEntry{}
		}
		writeJSON(w, http.StatusCreated, entries)
	case errors.Is(err, engine.ErrEmptyReply):
		writeError(w, http.StatusBadRequest, err)
	case errors.Is(err, engine.ErrReplyTooLong):
		writeError(w, http.StatusRequestEntityTooLarge, err)
	default:
		s.writeIncidentError(w, "reply to", id, agent, err)
	}
}

// handleUngroup takes a ticket out of its incident.
func (s *Server) handleUngroup(w http.ResponseWriter, r *http.Request) {
	id := normalizeTicketID(r.PathValue("id"))
	agent := s.agent(r)
	t, err := s.engine.UngroupTicket(r.Context(), id, agent, s.now().UTC())
	switch {
	case err == nil:
		s.log.Info("ticket taken out of its incident", "ticket", id, "agent", agent)
		writeJSON(w, http.StatusOK, t)
	case errors.Is(err, triage.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Errorf("ticket %s not found", id))
	case errors.Is(err, engine.ErrNotGrouped):
		writeError(w, http.StatusConflict, err)
	default:
		s.log.Error("ungroup failed", "err", err, "ticket", id, "agent", agent)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("ungroup %s: %w", id, err))
	}
}

func (s *Server) writeIncidentError(w http.ResponseWriter, op, id, agent string, err error) {
	switch {
	case errors.Is(err, triage.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Errorf("incident %s not found", id))
	case errors.Is(err, engine.ErrIncidentClosed):
		writeError(w, http.StatusConflict, err)
	default:
		s.log.Error(op+" incident failed", "err", err, "incident", id, "agent", agent)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("%s %s: %w", op, id, err))
	}
}
