package api

import (
	"log/slog"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/ingest"
)

func newTestWebhook() *Webhook {
	return &Webhook{
		cfg:    WebhookConfig{TypingTimeout: 2 * time.Minute},
		log:    slog.New(slog.DiscardHandler),
		typing: make(map[typingKey]*heldTyping),
	}
}

func typingPayload(event string, at time.Time) *ingest.ChatwootPayload {
	p := &ingest.ChatwootPayload{Event: event, Conversation: "cw-1", Role: triage.RoleCustomer}
	if event == ingest.ChatwootTypingOn {
		p.Events = []triage.Event{{Conversation: "cw-1", At: at, Role: triage.RoleCustomer, Type: triage.TypeTyping}}
	}
	return p
}

func messagePayload(at time.Time) *ingest.ChatwootPayload {
	return &ingest.ChatwootPayload{Event: ingest.ChatwootMessageCreated, Conversation: "cw-1", Role: triage.RoleCustomer,
		Events: []triage.Event{{ID: "cw-9", Conversation: "cw-1", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hi"}}}
}

func TestPairTypingWithNextMessage(t *testing.T) {
	w := newTestWebhook()
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	if got := w.pair(typingPayload(ingest.ChatwootTypingOn, t0), t0); len(got) != 0 {
		t.Fatalf("typing start returned %d events, want it held", len(got))
	}
	// A pause and a second start keep the first start.
	w.pair(typingPayload(ingest.ChatwootTypingOff, t0), t0.Add(time.Minute))
	w.pair(typingPayload(ingest.ChatwootTypingOn, t0.Add(90*time.Second)), t0.Add(90*time.Second))
	got := w.pair(messagePayload(t0.Add(3*time.Minute)), t0.Add(3*time.Minute))
	if len(got) != 2 {
		t.Fatalf("got %d events, want typing and message", len(got))
	}
	if got[0].Type != triage.TypeTyping || !got[0].At.Equal(t0) {
		t.Errorf("first event = %s at %s, want typing at %s", got[0].Type, got[0].At, t0)
	}
	if again := w.pair(messagePayload(t0.Add(4*time.Minute)), t0.Add(4*time.Minute)); len(again) != 1 {
		t.Errorf("second message got %d events, want the typing start used once", len(again))
	}
}

func TestPairExpiresSilentTyping(t *testing.T) {
	w := newTestWebhook()
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	w.pair(typingPayload(ingest.ChatwootTypingOn, t0), t0)
	later := t0.Add(2*time.Minute + time.Second)
	if got := w.pair(messagePayload(later), later); len(got) != 1 {
		t.Errorf("got %d events, want the expired typing start dropped", len(got))
	}
	if len(w.typing) != 0 {
		t.Errorf("%d typing starts still held", len(w.typing))
	}
}

func TestPairDropsTypingAfterMessage(t *testing.T) {
	w := newTestWebhook()
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	w.pair(typingPayload(ingest.ChatwootTypingOn, t0), t0)
	// Chatwoot's message time is cut to the second and may precede the
	// typing start stamped by this clock.
	if got := w.pair(messagePayload(t0), t0); len(got) != 1 {
		t.Errorf("got %d events, want only the message", len(got))
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8088": true, "[::1]:8088": true, "localhost:8088": true,
		"0.0.0.0:8088": false, "10.0.0.1:80": false, ":8088": false, "nonsense": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
