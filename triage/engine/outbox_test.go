package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func pendingEntries(t *testing.T, e *Engine, after uint64) []*triage.OutboxEntry {
	t.Helper()
	var out []*triage.OutboxEntry
	if err := e.Outbox(after, func(x *triage.OutboxEntry) error {
		out = append(out, x)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScriptMessageGoesToOutbox(t *testing.T) {
	e := startEngine(t)
	ingest(t, e, customer("c-1", 0, "Hi, I can't log in to my account"))
	entries := pendingEntries(t, e, 0)
	if len(entries) == 0 {
		t.Fatal("the script's question is not in the outbox")
	}
	got := entries[len(entries)-1]
	for _, x := range entries {
		if strings.Contains(x.Text, "Ask for the exact error") {
			t.Errorf("the step's prompt for the agent went to the outbox: %q", x.Text)
		}
	}
	if !strings.Contains(got.Text, "What does the message on the sign-in screen say?") {
		t.Errorf("outbox text %q, want the step's question", got.Text)
	}
	if got.Ticket != "T-1" || got.Conversation != "c-1" || got.Role != triage.RoleBot || got.Author != "bot" {
		t.Errorf("entry %+v, want ticket T-1, conversation c-1, author bot", got)
	}
	if got.Script != "sign-in-or-connection" || got.Step != "ask-sign-in-error" {
		t.Errorf("entry names script %q step %q", got.Script, got.Step)
	}
	if !got.At.Equal(scriptBase) {
		t.Errorf("entry at %v, want the customer's turn at %v", got.At, scriptBase)
	}
}

func TestReplyStoresEventAndOutbox(t *testing.T) {
	e := startEngine(t)
	ingest(t, e, customer("c-9", 0, "my parcel never arrived"))
	before := pendingEntries(t, e, 0)
	at := scriptBase.Add(time.Minute)
	var redacted int
	entry, err := e.Reply(context.Background(), ReplyRequest{
		Ticket: "T-1", Agent: "ana", Text: "  Call me on +44 20 7946 0958  ", At: at,
		Redact: func(ev *triage.Event) { redacted++; ev.Text = "Call me on [phone]" },
	})
	if err != nil {
		t.Fatal(err)
	}
	if entry.Text != "Call me on +44 20 7946 0958" {
		t.Errorf("outbox text %q, want the text as written without the outer spaces", entry.Text)
	}
	if entry.Author != "ana" || entry.Role != triage.RoleAgent || entry.EventID == "" {
		t.Errorf("entry %+v, want author ana, role agent and an event id", entry)
	}
	after := pendingEntries(t, e, 0)
	if len(after) != len(before)+1 || after[len(after)-1].ID != entry.ID {
		t.Fatalf("outbox has %d entries after the reply, want %d ending with it", len(after), len(before)+1)
	}
	if redacted != 1 {
		t.Errorf("redact called %d times, want once", redacted)
	}
	var stored *triage.StoredEvent
	err = e.Store().View(func(tx triage.ReadTx) error {
		stored, err = tx.EventByID(entry.EventID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored.Role != triage.RoleAgent || stored.Text != "Call me on [phone]" || !stored.At.Equal(at) {
		t.Errorf("stored event %+v, want the redacted agent message at %v", stored.Event, at)
	}
	ticket, _ := ticketOf(t, e, "T-1")
	if ticket.LastAgentAt == nil || !ticket.LastAgentAt.Equal(at) {
		t.Errorf("ticket's last agent time %v, want %v", ticket.LastAgentAt, at)
	}
}

func TestReplyErrors(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	if _, err := e.Reply(ctx, ReplyRequest{Ticket: "T-404", Agent: "ana", Text: "hi", At: scriptBase}); !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("reply to a missing ticket: %v, want ErrNotFound", err)
	}
	ingest(t, e, customer("c-1", 0, "hello"))
	if _, err := e.Reply(ctx, ReplyRequest{Ticket: "T-1", Agent: "ana", Text: " \n ", At: scriptBase}); !errors.Is(err, ErrEmptyReply) {
		t.Errorf("empty reply: %v, want ErrEmptyReply", err)
	}
}

func TestAckOutboxStatuses(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	ingest(t, e, customer("c-1", 0, "hello"))
	first, err := e.Reply(ctx, ReplyRequest{Ticket: "T-1", Agent: "ana", Text: "one", At: scriptBase.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.Reply(ctx, ReplyRequest{Ticket: "T-1", Agent: "ana", Text: "two", At: scriptBase.Add(2 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	results, err := e.AckOutbox(ctx, []uint64{first.ID, first.ID, second.ID + 100})
	if err != nil {
		t.Fatal(err)
	}
	want := []AckStatus{AckDone, AckEarlier, AckUnknown}
	for i, r := range results {
		if r.Status != want[i] {
			t.Errorf("result %d: %s, want %s", i, r.Status, want[i])
		}
	}
	left := pendingEntries(t, e, 0)
	if len(left) != 1 || left[0].ID != second.ID {
		t.Errorf("pending after ack: %+v, want only the second reply", left)
	}
}
