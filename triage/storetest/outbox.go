package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// RunOutbox runs the conformance tests of triage.OutboxTx. The store's
// transactions must implement it.
func RunOutbox(t *testing.T, open func(t *testing.T) triage.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, triage.Store)
	}{
		{"Outbox/AppendOrder", testOutboxAppendOrder},
		{"Outbox/After", testOutboxAfter},
		{"Outbox/Ack", testOutboxAck},
		{"Outbox/DropsOldest", testOutboxDropsOldest},
		{"Outbox/Rollback", testOutboxRollback},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func outboxEntry(n int) *triage.OutboxEntry {
	return &triage.OutboxEntry{
		Ticket:       "T-1",
		Conversation: "c-1",
		At:           time.Date(2026, 3, 2, 9, 0, n, 0, time.UTC),
		Author:       "ana",
		Role:         triage.RoleAgent,
		Text:         fmt.Sprintf("reply %d", n),
	}
}

// appendOutbox adds entries in one transaction and returns their ids.
func appendOutbox(t *testing.T, s triage.Store, max int, entries ...*triage.OutboxEntry) []uint64 {
	t.Helper()
	var ids []uint64
	err := s.Update(func(tx triage.Tx) error {
		otx, ok := tx.(triage.OutboxTx)
		if !ok {
			t.Fatalf("%T does not implement triage.OutboxTx", tx)
		}
		for _, e := range entries {
			if _, err := otx.AppendOutbox(e, max); err != nil {
				return err
			}
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// pendingOutbox returns the texts of the pending entries after an id.
func pendingOutbox(t *testing.T, s triage.Store, after uint64) []string {
	t.Helper()
	var texts []string
	err := s.View(func(tx triage.ReadTx) error {
		return tx.(triage.OutboxReadTx).Outbox(after, func(e *triage.OutboxEntry) error {
			texts = append(texts, e.Text)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

func testOutboxAppendOrder(t *testing.T, s triage.Store) {
	ids := appendOutbox(t, s, 0, outboxEntry(1), outboxEntry(2))
	ids = append(ids, appendOutbox(t, s, 0, outboxEntry(3))...)
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids %v do not increase", ids)
		}
	}
	var got []*triage.OutboxEntry
	err := s.View(func(tx triage.ReadTx) error {
		return tx.(triage.OutboxReadTx).Outbox(0, func(e *triage.OutboxEntry) error {
			got = append(got, e)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("read %d entries, want 3", len(got))
	}
	want := outboxEntry(1)
	want.ID = ids[0]
	if *got[0] != *want {
		t.Errorf("first entry %+v, want %+v", got[0], want)
	}
	var last uint64
	_ = s.View(func(tx triage.ReadTx) error {
		last, err = tx.(triage.OutboxReadTx).OutboxLastID()
		return err
	})
	if last != ids[2] {
		t.Errorf("last id %d, want %d", last, ids[2])
	}
}

func testOutboxAfter(t *testing.T, s triage.Store) {
	ids := appendOutbox(t, s, 0, outboxEntry(1), outboxEntry(2), outboxEntry(3))
	got := pendingOutbox(t, s, ids[0])
	if len(got) != 2 || got[0] != "reply 2" || got[1] != "reply 3" {
		t.Errorf("entries after the first: %q, want reply 2 and reply 3", got)
	}
	if got := pendingOutbox(t, s, ids[2]); len(got) != 0 {
		t.Errorf("entries after the last: %q, want none", got)
	}
}

func testOutboxAck(t *testing.T, s triage.Store) {
	ids := appendOutbox(t, s, 0, outboxEntry(1), outboxEntry(2), outboxEntry(3))
	var first, again bool
	err := s.Update(func(tx triage.Tx) error {
		var err error
		if first, err = tx.(triage.OutboxTx).AckOutbox(ids[1]); err != nil {
			return err
		}
		again, err = tx.(triage.OutboxTx).AckOutbox(ids[1])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !first {
		t.Error("first acknowledgement found no pending entry")
	}
	if again {
		t.Error("second acknowledgement of one entry found it pending")
	}
	if got := pendingOutbox(t, s, 0); len(got) != 2 || got[0] != "reply 1" || got[1] != "reply 3" {
		t.Errorf("pending after ack: %q, want reply 1 and reply 3", got)
	}
}

func testOutboxDropsOldest(t *testing.T, s triage.Store) {
	appendOutbox(t, s, 3, outboxEntry(1), outboxEntry(2), outboxEntry(3))
	var dropped int
	err := s.Update(func(tx triage.Tx) error {
		var err error
		dropped, err = tx.(triage.OutboxTx).AppendOutbox(outboxEntry(4), 3)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if dropped != 1 {
		t.Errorf("dropped %d entries, want 1", dropped)
	}
	if got := pendingOutbox(t, s, 0); len(got) != 3 || got[0] != "reply 2" {
		t.Errorf("pending %q, want reply 2 to reply 4", got)
	}
}

func testOutboxRollback(t *testing.T, s triage.Store) {
	err := s.Update(func(tx triage.Tx) error {
		if _, err := tx.(triage.OutboxTx).AppendOutbox(outboxEntry(1), 0); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	if err == nil {
		t.Fatal("Update returned no error")
	}
	if got := pendingOutbox(t, s, 0); len(got) != 0 {
		t.Errorf("pending after rollback: %q, want none", got)
	}
}
