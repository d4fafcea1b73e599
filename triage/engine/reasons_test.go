package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestTicketReasonsAreEvidence(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	msg := func(sec int, text string) triage.Event {
		return triage.Event{Conversation: "c-1", At: at.Add(time.Duration(sec) * time.Second),
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: text}
	}
	if _, err := e.Ingest(ctx, []triage.Event{msg(0, "This is useless, STILL NOT WORKING!!!")}); err != nil {
		t.Fatal(err)
	}
	angry, _ := ticketOf(t, e, "T-1")
	if len(angry.Reasons) == 0 {
		t.Fatal("an angry turn left the ticket without reasons")
	}
	for _, r := range angry.Reasons {
		if strings.HasPrefix(r, "rise") || strings.HasPrefix(r, "decay") || strings.Contains(r, "calm turn") {
			t.Errorf("ticket reason %q is bookkeeping, not evidence", r)
		}
	}
	reply := msg(60, "Sorry about that, I have reset your line.")
	reply.Role = triage.RoleAgent
	if _, err := e.Ingest(ctx, []triage.Event{reply, msg(90, "ok thanks")}); err != nil {
		t.Fatal(err)
	}
	calm, _ := ticketOf(t, e, "T-1")
	if strings.Join(calm.Reasons, "|") != strings.Join(angry.Reasons, "|") {
		t.Errorf("after a calm turn reasons = %q, want the evidence kept: %q", calm.Reasons, angry.Reasons)
	}
}

func TestLateEarlierEventMovesOpenedAt(t *testing.T) {
	e := startEngine(t)
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	msg := func(sec int) triage.Event {
		return triage.Event{Conversation: "c-1", At: at.Add(time.Duration(sec) * time.Second),
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hello"}
	}
	ctx := context.Background()
	if _, err := e.Ingest(ctx, []triage.Event{msg(60)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Ingest(ctx, []triage.Event{msg(0)}); err != nil {
		t.Fatal(err)
	}
	tk, _ := ticketOf(t, e, "T-1")
	if !tk.OpenedAt.Equal(at) {
		t.Errorf("opened_at = %s, want the earliest event %s", tk.OpenedAt, at)
	}
}
