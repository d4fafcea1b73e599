package engine

import (
	"context"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestSecondConversationJoinsTicket(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	ana := &triage.Customer{Name: "Ana", Email: "ana@example.com"}
	msg := func(conv string, sec int, who *triage.Customer, text string) triage.Event {
		return triage.Event{ID: conv + "-" + text, Conversation: conv, At: at.Add(time.Duration(sec) * time.Second),
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: text, Customer: who}
	}
	events := []triage.Event{
		msg("c-tab1", 0, ana, "my card was charged twice"),
		msg("c-tab2", 12, ana, "hello? charged twice"),
		msg("c-tab2", 20, nil, "anyone"),
		msg("c-later", 600, ana, "new question about invoices"),
		msg("c-other", 5, &triage.Customer{Email: "ben@example.com"}, "my card was charged twice"),
	}
	results, err := e.Ingest(ctx, events)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Status != StatusAccepted {
			t.Fatalf("event %d: %s %s", i, r.Status, r.Error)
		}
	}
	tickets := map[string]string{}
	err = e.Store().View(func(tx triage.ReadTx) error {
		for _, conv := range []string{"c-tab1", "c-tab2", "c-later", "c-other"} {
			c, err := tx.Conversation(conv)
			if err != nil {
				return err
			}
			if c != nil {
				tickets[conv] = c.Ticket
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, separate := tickets["c-tab2"]; separate {
		t.Errorf("the second conversation got its own ticket %s", tickets["c-tab2"])
	}
	if tickets["c-later"] == "" || tickets["c-later"] == tickets["c-tab1"] {
		t.Errorf("a conversation ten minutes later joined ticket %q, want its own", tickets["c-later"])
	}
	if tickets["c-other"] == tickets["c-tab1"] {
		t.Error("another customer's conversation joined the ticket")
	}
	first, _ := ticketOf(t, e, tickets["c-tab1"])
	if first.CustomerTurns != 3 {
		t.Errorf("joined ticket counts %d customer turns, want 3", first.CustomerTurns)
	}
	again, err := e.Ingest(ctx, events[1:3])
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range again {
		if r.Status != StatusDuplicate {
			t.Errorf("re-sent joined event %d: %s, want duplicate", i, r.Status)
		}
	}
}
