package engine

import (
	"context"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// storedTicket reads a ticket straight from the store.
func storedTicket(t *testing.T, e *Engine, id string) *triage.Ticket {
	t.Helper()
	var got *triage.Ticket
	err := e.Store().View(func(tx triage.ReadTx) error {
		var err error
		got, err = tx.Ticket(id)
		return err
	})
	if err != nil {
		t.Fatalf("read ticket %s: %v", id, err)
	}
	return got
}

func TestCachedConversationKeepsClaim(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	message := func(i int) triage.Event {
		return triage.Event{Conversation: "c-1", At: at.Add(time.Duration(i) * time.Second),
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hello again"}
	}

	if _, err := e.Ingest(ctx, []triage.Event{message(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Claim(ctx, "T-1", "ana", at); err != nil {
		t.Fatal(err)
	}

	// The next batches start from the cached conversation, which must
	// carry the claim and the version it wrote.
	for i := 1; i <= 3; i++ {
		if _, err := e.Ingest(ctx, []triage.Event{message(i)}); err != nil {
			t.Fatal(err)
		}
	}

	got := storedTicket(t, e, "T-1")
	if got.ClaimedBy == nil || *got.ClaimedBy != "ana" {
		t.Errorf("ticket claimed by %v after more messages, want ana", got.ClaimedBy)
	}
	if got.CustomerTurns != 4 {
		t.Errorf("ticket counts %d customer turns, want 4", got.CustomerTurns)
	}
	if got.Version != 5 {
		t.Errorf("ticket version %d, want 5: one per write", got.Version)
	}
}

func TestForgottenConversationStartsAgain(t *testing.T) {
	e, _ := startLiveEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	customer := &triage.Customer{Email: "ines@example.org"}
	first := triage.Event{Conversation: "c-1", At: at, Role: triage.RoleCustomer,
		Type: triage.TypeMessage, Text: "my order never came", Customer: customer}

	if _, err := e.Ingest(ctx, []triage.Event{first}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Forget(ctx, triage.CustomerMatch{Email: customer.Email}, "auditor"); err != nil {
		t.Fatal(err)
	}

	// After the erasure the conversation is unknown again, so its next
	// event opens a new ticket rather than reviving the erased one.
	again := first
	again.At = at.Add(time.Hour)
	again.Text = "hello"
	if _, err := e.Ingest(ctx, []triage.Event{again}); err != nil {
		t.Fatal(err)
	}

	got := storedTicket(t, e, "T-2")
	if got.Conversation != "c-1" {
		t.Errorf("ticket T-2 is for conversation %q, want c-1", got.Conversation)
	}
	if got.CustomerTurns != 1 {
		t.Errorf("new ticket counts %d customer turns, want 1", got.CustomerTurns)
	}
	if got.LastCustomerMessage != "hello" {
		t.Errorf("new ticket's last message %q, want %q", got.LastCustomerMessage, "hello")
	}
}
