package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/redact"
)

// Bounds on the rejected webhook payloads kept for review.
const (
	// MaxRejectedPayloads is how many rejected payloads are kept; the
	// oldest goes first.
	MaxRejectedPayloads = 100
	// MaxRejectedBody is how many bytes of each payload are kept.
	MaxRejectedBody = 16 << 10
)

// rejectedKey is the meta key of the rejected payloads, a JSON array.
const rejectedKey = "webhook/rejected"

// RejectedPayload is a webhook delivery that the listener could not read,
// kept so that an operator can see what the sender posted.
type RejectedPayload struct {
	At       time.Time `json:"at"`
	Delivery string    `json:"delivery,omitempty"`
	Reason   string    `json:"reason"`
	// Body is the payload as received, with personal data redacted when
	// the daemon redacts, cut to MaxRejectedBody bytes.
	Body      string `json:"body"`
	Bytes     int    `json:"bytes"`
	Truncated bool   `json:"truncated,omitempty"`
}

// keepRejected stores a rejected payload for review. A failure is logged
// and otherwise ignored, because the delivery gets its 422 response anyway.
func (w *Webhook) keepRejected(delivery string, body []byte, reason error, now time.Time) {
	kept := body
	truncated := len(kept) > MaxRejectedBody
	if truncated {
		kept = kept[:MaxRejectedBody]
		for len(kept) > 0 && !utf8.Valid(kept) {
			kept = kept[:len(kept)-1]
		}
	}
	text := string(kept)
	if w.s.redactor != nil {
		text = redact.Text(text)
	}
	entry := RejectedPayload{At: now.UTC(), Delivery: delivery, Reason: reason.Error(), Body: text, Bytes: len(body), Truncated: truncated}
	err := w.s.engine.Store().Update(func(tx triage.Tx) error {
		list, err := readRejected(tx)
		if err != nil {
			return err
		}
		list = append(list, entry)
		if len(list) > MaxRejectedPayloads {
			list = list[len(list)-MaxRejectedPayloads:]
		}
		data, err := json.Marshal(list)
		if err != nil {
			return err
		}
		return tx.SetMeta(rejectedKey, data)
	})
	if err != nil {
		w.log.Error("store rejected webhook payload for review", "err", err, "delivery", delivery)
	}
}

func readRejected(tx triage.ReadTx) ([]RejectedPayload, error) {
	data, err := tx.Meta(rejectedKey)
	if err != nil || len(data) == 0 {
		return nil, err
	}
	var list []RejectedPayload
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("decode rejected webhook payloads: %w", err)
	}
	return list, nil
}

func (s *Server) registerWebhookReview() {
	s.mux.HandleFunc("GET /v1/webhook/rejected", s.handleRejected)
}

// handleRejected responds with the kept rejected payloads, oldest first.
func (s *Server) handleRejected(w http.ResponseWriter, r *http.Request) {
	list := []RejectedPayload{}
	err := s.engine.Store().View(func(tx triage.ReadTx) error {
		got, err := readRejected(tx)
		if got != nil {
			list = got
		}
		return err
	})
	if err != nil {
		s.log.Error("read rejected webhook payloads", "err", err)
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}
