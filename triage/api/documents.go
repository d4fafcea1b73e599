package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// Document routes:
//
//	GET  /v1/documents                                 latest version of every document
//	GET  /v1/documents/{kind}/{name}[?version=N]       one version, the latest by default
//	GET  /v1/documents/{kind}/{name}/versions          every version, oldest first
//	PUT  /v1/documents/{kind}/{name}[?comment=TEXT]    save the YAML body as a new version
//	POST /v1/documents/{kind}/{name}/rollback/{N}      save version N again as a new version
//
// A PUT or rollback whose document is invalid stores nothing and answers
// 422 with a ValidationProblems body.

// ValidationProblems is the body of a 422 answer: the error as text and
// every problem with its position.
type ValidationProblems struct {
	Error    string    `json:"error"`
	Problems []Problem `json:"problems"`
}

// Problem is one problem of an invalid document, at a 1-based line and
// column of its body.
type Problem struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// MaxDocumentBytes bounds the body of a PUT.
const MaxDocumentBytes = scripts.MaxDocumentSize

func (s *Server) registerDocuments() {
	s.mux.HandleFunc("GET /v1/documents", s.handleDocuments)
	s.mux.HandleFunc("GET /v1/documents/{kind}/{name}", s.handleDocument)
	s.mux.HandleFunc("GET /v1/documents/{kind}/{name}/versions", s.handleDocumentVersions)
	s.mux.HandleFunc("PUT /v1/documents/{kind}/{name}", s.handlePutDocument)
	s.mux.HandleFunc("POST /v1/documents/{kind}/{name}/rollback/{version}", s.handleRollback)
}

func (s *Server) handleDocuments(w http.ResponseWriter, _ *http.Request) {
	docs := []*triage.Document{}
	err := s.engine.Store().View(func(tx triage.ReadTx) error {
		return tx.Documents(func(d *triage.Document) error {
			docs = append(docs, d)
			return nil
		})
	})
	if err != nil {
		s.log.Error("read documents", "err", err)
		writeError(w, http.StatusInternalServerError, fmt.Errorf("read documents: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, docs)
}

func (s *Server) handleDocument(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, fmt.Errorf("invalid version %q: use a whole number from 1", v))
			return
		}
		version = n
	}
	var doc *triage.Document
	err := s.engine.Store().View(func(tx triage.ReadTx) error {
		d, err := tx.Document(kind, name, version)
		doc = d
		return err
	})
	if s.writeDocumentError(w, err, kind, name) {
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

func (s *Server) handleDocumentVersions(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	docs := []*triage.Document{}
	err := s.engine.Store().View(func(tx triage.ReadTx) error {
		return tx.DocumentVersions(kind, name, func(d *triage.Document) error {
			docs = append(docs, d)
			return nil
		})
	})
	if err == nil && len(docs) == 0 {
		err = fmt.Errorf("document %s/%s: %w", kind, name, triage.ErrNotFound)
	}
	if s.writeDocumentError(w, err, kind, name) {
		return
	}
	writeJSON(w, http.StatusOK, docs)
}

func (s *Server) handlePutDocument(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	lead, ok := s.requireLead(w, r, "saving "+kind+" "+name)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxDocumentBytes+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("read document body: %w", err))
		return
	}
	if len(body) > MaxDocumentBytes {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("document larger than %d bytes", MaxDocumentBytes))
		return
	}
	agent := lead.Name
	doc, err := s.engine.PutDocument(r.Context(), kind, name, body, agent, s.now(), r.URL.Query().Get("comment"))
	if s.writeDocumentError(w, err, kind, name) {
		return
	}
	s.log.Info("document saved", "kind", kind, "name", name, "version", doc.Version, "agent", agent)
	writeJSON(w, http.StatusCreated, doc)
}

func (s *Server) handleRollback(w http.ResponseWriter, r *http.Request) {
	kind, name := r.PathValue("kind"), r.PathValue("name")
	version, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || version < 1 {
		writeError(w, http.StatusBadRequest, fmt.Errorf("invalid version %q: use a whole number from 1", r.PathValue("version")))
		return
	}
	lead, ok := s.requireLead(w, r, "rolling back "+kind+" "+name)
	if !ok {
		return
	}
	agent := lead.Name
	doc, err := s.engine.Rollback(r.Context(), kind, name, version, agent, s.now())
	if s.writeDocumentError(w, err, kind, name) {
		return
	}
	s.log.Info("document rolled back", "kind", kind, "name", name, "to_version", version, "new_version", doc.Version, "agent", agent)
	writeJSON(w, http.StatusCreated, doc)
}

// writeDocumentError writes the answer for a failed document request and
// reports whether err was an error.
func (s *Server) writeDocumentError(w http.ResponseWriter, err error, kind, name string) bool {
	var verr *scripts.ValidationError
	switch {
	case err == nil:
		return false
	case errors.As(err, &verr):
		body := ValidationProblems{Error: verr.Error(), Problems: make([]Problem, 0, len(verr.Problems))}
		for _, p := range verr.Problems {
			body.Problems = append(body.Problems, Problem{Line: p.Line, Column: p.Column, Path: p.Path, Message: p.Message})
		}
		writeJSON(w, http.StatusUnprocessableEntity, body)
	case errors.Is(err, triage.ErrNotFound):
		writeError(w, http.StatusNotFound, err)
	default:
		s.log.Error("document request failed", "err", err, "kind", kind, "name", name)
		writeError(w, http.StatusInternalServerError, err)
	}
	return true
}
