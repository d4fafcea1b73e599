package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
	"github.com/triagedesk/triage/triage/ingest"
)

// SetRedactor makes the server pass every event through fn before it is
// ingested, on the socket's ingest route and on the webhook. Call it
// before serving.
func (s *Server) SetRedactor(fn func(*triage.Event)) { s.redactor = fn }

// redact applies the redactor, if any, to events in place.
func (s *Server) redact(events []triage.Event) {
	if s.redactor == nil {
		return
	}
	for i := range events {
		s.redactor(&events[i])
	}
}

// Chatwoot webhook headers.
const (
	HeaderChatwootSignature = "X-Chatwoot-Signature"
	HeaderChatwootTimestamp = "X-Chatwoot-Timestamp"
	HeaderChatwootDelivery  = "X-Chatwoot-Delivery"
)

// Defaults of WebhookConfig.
const (
	// MaxWebhookBodyBytes bounds one webhook delivery.
	MaxWebhookBodyBytes = 1 << 20
	// DefaultWebhookMaxSkew is how far a delivery's timestamp may be from
	// the daemon's clock, in the past or the future.
	DefaultWebhookMaxSkew = 5 * time.Minute
	// DefaultTypingTimeout is how long a typing start waits for the
	// message it belongs to after the last typing signal of its author.
	DefaultTypingTimeout = 2 * time.Minute
	// DefaultDeliveryWindow is how long a delivery id is remembered.
	DefaultDeliveryWindow = 72 * time.Hour
)

// WebhookConfig configures the Chatwoot webhook receiver.
type WebhookConfig struct {
	// Secret is the webhook's signing secret. When it is empty,
	// signatures are not checked.
	Secret []byte
	// MaxSkew, TypingTimeout and DeliveryWindow default to the constants
	// above when zero.
	MaxSkew        time.Duration
	TypingTimeout  time.Duration
	DeliveryWindow time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Webhook receives Chatwoot webhook deliveries and ingests their events.
//
// The response to a delivery is sent only after its events are durable. A delivery
// id (X-Chatwoot-Delivery) seen within DeliveryWindow gets a response of
// duplicate without ingesting again. Delivery ids are kept in memory and
// in the store's meta settings, one key per hour of arrival, and loaded
// again when the daemon starts. Events also carry Chatwoot's message ids,
// so a delivery replayed after its id is forgotten adds nothing new
// either.
//
// A typing start is held in memory and ingested with the next message of
// the same author in the same conversation, stamped with the time it
// arrived. It is dropped when that author sends no typing signal and no
// message for TypingTimeout, or when the message is not later than it.
// Held typing starts are lost when the daemon stops.
type Webhook struct {
	s   *Server
	cfg WebhookConfig
	log *slog.Logger

	mu         sync.Mutex
	typing     map[typingKey]*heldTyping
	deliveries map[string]time.Time // delivery id -> arrival
	lastHour   string               // the hour key written last
}

type typingKey struct {
	conversation string
	role         triage.Role
}

type heldTyping struct {
	event triage.Event
	last  time.Time // the latest typing signal from this author
}

// NewWebhook returns the Chatwoot receiver of s. It loads the delivery ids
// remembered in the store.
func (s *Server) NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = DefaultWebhookMaxSkew
	}
	if cfg.TypingTimeout == 0 {
		cfg.TypingTimeout = DefaultTypingTimeout
	}
	if cfg.DeliveryWindow == 0 {
		cfg.DeliveryWindow = DefaultDeliveryWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	w := &Webhook{s: s, cfg: cfg, log: s.log.With("part", "webhook"),
		typing: make(map[typingKey]*heldTyping), deliveries: make(map[string]time.Time)}
	if err := w.loadDeliveries(); err != nil {
		return nil, err
	}
	return w, nil
}

// HTTPServer wraps the receiver in an http.Server with timeouts.
func (w *Webhook) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           w,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(w.log.Handler(), slog.LevelWarn),
	}
}

// WebhookResult is the JSON response body for a delivery.
type WebhookResult struct {
	// Status is "ingested", "pending" (a typing start held for its
	// message), "skipped" (nothing to ingest) or "duplicate" (the
	// delivery id was seen before).
	Status  string          `json:"status"`
	Reason  string          `json:"reason,omitempty"`
	Results []engine.Result `json:"results,omitempty"`
}

// ServeHTTP handles one delivery: POST with a Chatwoot payload as body.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		writeError(rw, http.StatusMethodNotAllowed, errors.New("use POST with a Chatwoot webhook payload"))
		return
	}
	delivery := r.Header.Get(HeaderChatwootDelivery)
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, MaxWebhookBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.log.Warn("webhook delivery too large", "delivery", delivery, "limit", MaxWebhookBodyBytes)
			writeError(rw, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d bytes", MaxWebhookBodyBytes))
			return
		}
		writeError(rw, http.StatusBadRequest, fmt.Errorf("read body: %w", err))
		return
	}
	now := w.cfg.Now()
	if status, err := w.authenticate(r.Header, body, now); err != nil {
		w.log.Warn("webhook delivery rejected", "delivery", delivery, "err", err, "remote", r.RemoteAddr)
		writeError(rw, status, err)
		return
	}
	if delivery != "" && w.seen(delivery) {
		writeJSON(rw, http.StatusOK, WebhookResult{Status: "duplicate", Reason: "delivery " + delivery + " was received before"})
		return
	}
	payload, err := ingest.ParseChatwoot(body, ingest.ChatwootOptions{Now: func() time.Time { return now }})
	if err != nil {
		// The payload is logged and kept for review with its delivery id;
		// the sender must fix it, so a retry would fail the same way.
		w.log.Warn("webhook payload rejected", "delivery", delivery, "err", err, "body_bytes", len(body))
		w.keepRejected(delivery, body, err, now)
		writeError(rw, http.StatusUnprocessableEntity, fmt.Errorf("rejected Chatwoot payload: %w", err))
		return
	}
	result, status := w.handle(r.Context(), payload, now)
	if status == http.StatusOK && delivery != "" {
		if err := w.remember(delivery, now); err != nil {
			w.log.Error("store webhook delivery id", "delivery", delivery, "err", err)
		}
	}
	writeJSON(rw, status, result)
}

// authenticate checks the delivery's timestamp and, with a secret, its
// signature: "sha256=" and the hex HMAC-SHA256 of "{timestamp}.{body}".
func (w *Webhook) authenticate(h http.Header, body []byte, now time.Time) (int, error) {
	stamp := h.Get(HeaderChatwootTimestamp)
	if stamp == "" {
		if len(w.cfg.Secret) > 0 {
			return http.StatusUnauthorized, fmt.Errorf("missing %s header: signed deliveries carry one", HeaderChatwootTimestamp)
		}
		return 0, nil
	}
	seconds, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return http.StatusBadRequest, fmt.Errorf("invalid %s %q: expected Unix seconds", HeaderChatwootTimestamp, stamp)
	}
	sent := time.Unix(seconds, 0)
	if age := now.Sub(sent); age > w.cfg.MaxSkew {
		return http.StatusUnauthorized, fmt.Errorf("stale delivery: sent %s ago, more than %s; check the clocks", age.Round(time.Second), w.cfg.MaxSkew)
	} else if -age > w.cfg.MaxSkew {
		return http.StatusUnauthorized, fmt.Errorf("delivery from the future: sent %s ahead of this clock, more than %s; check the clocks", (-age).Round(time.Second), w.cfg.MaxSkew)
	}
	if len(w.cfg.Secret) == 0 {
		return 0, nil
	}
	given, ok := strings.CutPrefix(h.Get(HeaderChatwootSignature), "sha256=")
	if !ok {
		return http.StatusUnauthorized, fmt.Errorf("missing or malformed %s header: expected sha256=<hex>", HeaderChatwootSignature)
	}
	sig, err := hex.DecodeString(given)
	if err != nil || !hmac.Equal(sig, Sign(w.cfg.Secret, stamp, body)) {
		return http.StatusUnauthorized, errors.New("signature mismatch: check the webhook secret")
	}
	return 0, nil
}

// Sign returns the HMAC-SHA256 with which Chatwoot signs a delivery:
// over the timestamp header, ".", and the raw body.
func Sign(secret []byte, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// handle pairs typing with messages, redacts and ingests a parsed payload.
func (w *Webhook) handle(ctx context.Context, p *ingest.ChatwootPayload, now time.Time) (WebhookResult, int) {
	events := w.pair(p, now)
	if len(events) == 0 {
		reason := p.Skipped
		if p.Event == ingest.ChatwootTypingOn && reason == "" {
			return WebhookResult{Status: "pending", Reason: "typing start held for the next message"}, http.StatusAccepted
		}
		return WebhookResult{Status: "skipped", Reason: reason}, http.StatusOK
	}
	w.s.redact(events)
	if p.Updated {
		if err := w.resolveEdit(&events[len(events)-1]); err != nil {
			w.s.log.Error("look up edited message", "err", err, "id", events[len(events)-1].ID)
			return WebhookResult{Status: "error", Reason: "look up edited message: " + err.Error()}, http.StatusInternalServerError
		}
	}
	results, err := w.s.engine.Ingest(ctx, events)
	if err != nil {
		w.log.Error("webhook ingest failed", "err", err, "conversation", p.Conversation)
		status := http.StatusInternalServerError
		if errors.Is(err, engine.ErrStopped) {
			status = http.StatusServiceUnavailable
		}
		return WebhookResult{Status: "error", Reason: "ingest: " + err.Error()}, status
	}
	return WebhookResult{Status: "ingested", Results: results}, http.StatusOK
}

// pair holds typing starts and returns the events to ingest now: a
// message preceded by the held typing start of its author, if any.
func (w *Webhook) pair(p *ingest.ChatwootPayload, now time.Time) []triage.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	for key, held := range w.typing {
		if now.Sub(held.last) > w.cfg.TypingTimeout {
			w.log.Debug("typing start expired", "conversation", key.conversation, "role", key.role)
			delete(w.typing, key)
		}
	}
	key := typingKey{p.Conversation, p.Role}
	switch p.Event {
	case ingest.ChatwootTypingOn:
		if len(p.Events) == 0 {
			return nil
		}
		if held, ok := w.typing[key]; ok {
			held.last = now
		} else {
			w.typing[key] = &heldTyping{event: p.Events[0], last: now}
		}
		return nil
	case ingest.ChatwootTypingOff:
		if held, ok := w.typing[key]; ok {
			held.last = now
		}
		return nil
	}
	events := p.Events
	if len(events) > 0 && events[0].Type == triage.TypeMessage {
		if held, ok := w.typing[key]; ok {
			delete(w.typing, key)
			if held.event.At.Before(events[0].At) {
				events = append([]triage.Event{held.event}, events...)
			}
		}
	}
	return events
}

// resolveEdit gives a message_updated event its final id: the original
// one when the stored text is the same (a duplicate), else
// ingest.ChatwootEditID.
func (w *Webhook) resolveEdit(ev *triage.Event) error {
	return w.s.engine.Store().View(func(tx triage.ReadTx) error {
		stored, err := tx.EventByID(ev.ID)
		if errors.Is(err, triage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if stored.Text != ev.Text {
			ev.ID = ingest.ChatwootEditID(ev.ID, ev.Text)
		}
		return nil
	})
}

// deliveryKeyPrefix starts the meta keys of remembered delivery ids; the
// hour of arrival (UTC, "2006010215") follows.
const deliveryKeyPrefix = "webhook/deliveries/"

func deliveryKey(t time.Time) string { return deliveryKeyPrefix + t.UTC().Format("2006010215") }

// loadDeliveries reads the delivery ids of the last DeliveryWindow.
func (w *Webhook) loadDeliveries() error {
	now := w.cfg.Now()
	return w.s.engine.Store().View(func(tx triage.ReadTx) error {
		for t := now.Add(-w.cfg.DeliveryWindow).Truncate(time.Hour); !t.After(now); t = t.Add(time.Hour) {
			data, err := tx.Meta(deliveryKey(t))
			if err != nil {
				return fmt.Errorf("load webhook delivery ids: %w", err)
			}
			for _, id := range strings.Split(string(data), "\n") {
				if id != "" {
					w.deliveries[id] = t
				}
			}
		}
		return nil
	})
}

// seen reports whether a delivery id was stored within the window, and
// drops older ones from memory.
func (w *Webhook) seen(id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	cutoff := w.cfg.Now().Add(-w.cfg.DeliveryWindow - time.Hour)
	if len(w.deliveries) > 0 && len(w.deliveries)%1024 == 0 {
		for d, at := range w.deliveries {
			if at.Before(cutoff) {
				delete(w.deliveries, d)
			}
		}
	}
	at, ok := w.deliveries[id]
	return ok && !at.Before(cutoff)
}

// remember stores a delivery id under the hour it arrived. On the first
// write of an hour it clears the key of the hour that has just left the
// window.
//
// NOTE: keys of hours that pass while the daemon is down are never
// cleared; each holds at most that hour's ids.
func (w *Webhook) remember(id string, now time.Time) error {
	w.mu.Lock()
	w.deliveries[id] = now
	key := deliveryKey(now)
	newHour := key != w.lastHour
	w.lastHour = key
	w.mu.Unlock()
	return w.s.engine.Store().Update(func(tx triage.Tx) error {
		old, err := tx.Meta(key)
		if err != nil {
			return err
		}
		if err := tx.SetMeta(key, append(old, id+"\n"...)); err != nil {
			return err
		}
		if newHour {
			return tx.SetMeta(deliveryKey(now.Add(-w.cfg.DeliveryWindow-2*time.Hour)), nil)
		}
		return nil
	})
}

// IsLoopback reports whether addr ("host:port") names a loopback host:
// localhost or an address in 127.0.0.0/8 or ::1.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
