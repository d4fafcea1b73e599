package store_test

import (
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// Rewriting an unchanged event, as a rescore does, skips the write but
// still points the id index at it, because EventByID returns the event
// stored last.
func TestPutUnchangedEventRepointsID(t *testing.T) {
	db := openTemp(t)
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	first := &triage.StoredEvent{Event: triage.Event{ID: "x", Conversation: "c-1", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "one"}, Seq: 1}
	second := &triage.StoredEvent{Event: triage.Event{ID: "x", Conversation: "c-2", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "two"}, Seq: 2}

	eventByID := func() string {
		t.Helper()
		var text string
		err := db.View(func(tx triage.ReadTx) error {
			e, err := tx.EventByID("x")
			if err != nil {
				return err
			}
			text = e.Text
			return nil
		})
		if err != nil {
			t.Fatalf("EventByID: %v", err)
		}
		return text
	}
	for _, step := range []struct {
		put  *triage.StoredEvent
		want string
	}{
		{first, "one"},
		{second, "two"},
		{first, "one"},  // unchanged, but stored last
		{first, "one"},  // unchanged and already indexed
		{second, "two"}, // unchanged, but stored last
	} {
		if err := db.Update(func(tx triage.Tx) error { return tx.PutEvent(step.put) }); err != nil {
			t.Fatalf("PutEvent(%s): %v", step.put.Text, err)
		}
		if got := eventByID(); got != step.want {
			t.Errorf("after PutEvent(%s): EventByID returned %q, want %q", step.put.Text, got, step.want)
		}
	}
}
