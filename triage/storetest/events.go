package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// newEvent returns a customer message event with the given id.
func newEvent(id, conversation string, when time.Time) *triage.StoredEvent {
	return &triage.StoredEvent{Event: triage.Event{
		ID:           id,
		Conversation: conversation,
		At:           when,
		Role:         triage.RoleCustomer,
		Type:         triage.TypeMessage,
		Text:         "message " + id,
	}}
}

// putEvents stores each event in its own transaction, in the order
// given, with a Seq from NextEventSeq.
func putEvents(t *testing.T, s triage.Store, events ...*triage.StoredEvent) {
	t.Helper()
	for _, e := range events {
		update(t, s, func(tx triage.Tx) error {
			seq, err := tx.NextEventSeq()
			if err != nil {
				return err
			}
			e.Seq = seq
			return tx.PutEvent(e)
		})
	}
}

// eventIDs returns the ids of the conversation's events in the order
// ConversationEvents returns them.
func eventIDs(t *testing.T, s triage.Store, conversation string) []string {
	t.Helper()
	var ids []string
	view(t, s, func(tx triage.ReadTx) error {
		return tx.ConversationEvents(conversation, func(e *triage.StoredEvent) error {
			ids = append(ids, e.ID)
			return nil
		})
	})
	return ids
}

// eventIDsAfter is eventIDs for ConversationEventsAfter.
func eventIDsAfter(t *testing.T, s triage.Store, conversation string, after time.Time, seq uint64) []string {
	t.Helper()
	ids := []string{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.ConversationEventsAfter(conversation, after, seq, func(e *triage.StoredEvent) error {
			ids = append(ids, e.ID)
			return nil
		})
	})
	return ids
}

func testEventOrder(t *testing.T, s triage.Store) {
	// Arrival order differs from time order: "late" events arrive after
	// events with later timestamps, and two events share a timestamp.
	putEvents(t, s,
		newEvent("at-10", "c-1", at(10)),
		newEvent("at-30", "c-1", at(30)),
		newEvent("at-20-late", "c-1", at(20)),
		newEvent("at-10-second", "c-1", at(10)),
		newEvent("at-minus-5-late", "c-1", at(-5)),
		newEvent("year-8999", "c-1", time.Date(8999, 1, 1, 0, 0, 0, 0, time.UTC)),
		newEvent("at-10-plus-1ns", "c-1", at(10).Add(time.Nanosecond)),
		newEvent("year-1970", "c-1", time.Unix(0, 0).UTC()),
	)
	want := []string{
		"year-1970", "at-minus-5-late", "at-10", "at-10-second", "at-10-plus-1ns",
		"at-20-late", "at-30", "year-8999",
	}
	assertEqual(t, "ConversationEvents order", eventIDs(t, s, "c-1"), want)
}

func testEventRoundTrip(t *testing.T, s triage.Store) {
	e := &triage.StoredEvent{
		Event: triage.Event{
			ID:           "e-77",
			Conversation: "c-1042",
			At:           time.Date(2026, 3, 2, 14, 5, 9, 120_000_000, time.UTC),
			Role:         triage.RoleCustomer,
			Type:         triage.TypeMessage,
			Text:         "still not working!!",
			Customer:     &triage.Customer{Name: "Ada", Email: "ada@example.com", Handle: "@ada"},
			Extra: map[string]json.RawMessage{
				"channel": json.RawMessage(`"web"`),
				"meta":    json.RawMessage(`{"browser":"firefox","tabs":[1,2]}`),
			},
		},
		Analysis: &triage.Analysis{
			Valence: -0.6, Negativity: 0.42, Frustration: 0.55,
			TypingSpeed: 4.5, SpeedRatio: 1.8, Language: "en",
			Reasons: []triage.Reason{{
				Rule: "exclamations", Text: `"!!"`, Weight: 0.1,
				Spans: []triage.Span{{Start: 17, End: 19}},
			}},
		},
	}
	putEvents(t, s, e)
	if e.Seq == 0 {
		t.Fatal("NextEventSeq returned 0")
	}
	view(t, s, func(tx triage.ReadTx) error {
		got, err := tx.EventByID("e-77")
		if err != nil {
			t.Fatalf("EventByID: %v", err)
		}
		assertEqual(t, "EventByID", got, e)
		var listed []*triage.StoredEvent
		err = tx.ConversationEvents("c-1042", func(e *triage.StoredEvent) error {
			listed = append(listed, e)
			return nil
		})
		assertEqual(t, "ConversationEvents", listed, []*triage.StoredEvent{e})
		return err
	})
}

func testEventPrefixIsolation(t *testing.T, s triage.Store) {
	// Each id is a prefix of, or extends, another one.
	conversations := []string{"c-1", "c-10", "c-1 ", "c-", "c-1\x01", "c-100"}
	for i, c := range conversations {
		putEvents(t, s,
			newEvent(c+"/a", c, at(float64(i))),
			newEvent(c+"/b", c, at(100-float64(i))),
		)
	}
	for _, c := range conversations {
		assertEqual(t, "events of "+c, eventIDs(t, s, c), []string{c + "/a", c + "/b"})
		assertEqual(t, "events after the start of "+c, eventIDsAfter(t, s, c, time.Time{}, 0),
			[]string{c + "/a", c + "/b"})
	}
	if got := eventIDs(t, s, "c-1000"); len(got) != 0 {
		t.Errorf("events of a conversation that has none: got %q", got)
	}
}

func testEventsAfter(t *testing.T, s triage.Store) {
	events := []*triage.StoredEvent{
		newEvent("e1", "c-1", at(1)),
		newEvent("e2", "c-1", at(2)),
		newEvent("e3", "c-1", at(2)),
		newEvent("e4", "c-1", at(3)),
	}
	putEvents(t, s, events...)
	putEvents(t, s, newEvent("other", "c-10", at(2)))
	seq := func(i int) uint64 { return events[i-1].Seq }

	cases := []struct {
		name  string
		after time.Time
		seq   uint64
		want  []string
	}{
		{"before all", at(0), 0, []string{"e1", "e2", "e3", "e4"}},
		{"zero time", time.Time{}, 0, []string{"e1", "e2", "e3", "e4"}},
		{"after e1", at(1), seq(1), []string{"e2", "e3", "e4"}},
		{"same time, seq 0", at(2), 0, []string{"e2", "e3", "e4"}},
		{"after e2, same time as e3", at(2), seq(2), []string{"e3", "e4"}},
		{"after e3", at(2), seq(3), []string{"e4"}},
		{"between e3 and e4", at(2.5), 0, []string{"e4"}},
		{"after e4", at(3), seq(4), []string{}},
		{"largest seq", at(2), ^uint64(0), []string{"e4"}},
	}
	for _, c := range cases {
		assertEqual(t, c.name, eventIDsAfter(t, s, "c-1", c.after, c.seq), c.want)
	}
}

func testEventByID(t *testing.T, s triage.Store) {
	e := newEvent("e-1", "c-9", at(5))
	putEvents(t, s, e)
	putEvents(t, s, newEvent("e-2", "c-10", at(1)))

	view(t, s, func(tx triage.ReadTx) error {
		got, err := tx.EventByID("e-1")
		if err != nil {
			t.Fatalf("EventByID(e-1): %v", err)
		}
		if got.Conversation != "c-9" || got.Seq != e.Seq {
			t.Errorf("EventByID(e-1) = conversation %q seq %d, want c-9 seq %d", got.Conversation, got.Seq, e.Seq)
		}
		_, err = tx.EventByID("e-3")
		assertNotFound(t, "EventByID of a missing id", err)
		return nil
	})

	// Storing the event again under the same key replaces it.
	e.Analysis = &triage.Analysis{Frustration: 0.9}
	update(t, s, func(tx triage.Tx) error { return tx.PutEvent(e) })
	view(t, s, func(tx triage.ReadTx) error {
		got, err := tx.EventByID("e-1")
		if err != nil {
			t.Fatalf("EventByID after replace: %v", err)
		}
		assertEqual(t, "replaced event", got, e)
		return nil
	})
	assertEqual(t, "events after replace", eventIDs(t, s, "c-9"), []string{"e-1"})
}

func testEventReplaceChangesID(t *testing.T, s triage.Store) {
	e := newEvent("old-id", "c-1", at(1))
	putEvents(t, s, e)
	e.ID = "new-id"
	update(t, s, func(tx triage.Tx) error { return tx.PutEvent(e) })
	view(t, s, func(tx triage.ReadTx) error {
		if _, err := tx.EventByID("new-id"); err != nil {
			t.Errorf("EventByID(new-id): %v", err)
		}
		_, err := tx.EventByID("old-id")
		assertNotFound(t, "EventByID of the replaced id", err)
		return nil
	})
	assertEqual(t, "events", eventIDs(t, s, "c-1"), []string{"new-id"})
}

func testEventSameIDDifferentKey(t *testing.T, s triage.Store) {
	first := newEvent("dup", "c-1", at(1))
	second := newEvent("dup", "c-1", at(2))
	second.Text = "different content"
	putEvents(t, s, first, second)

	assertEqual(t, "both events are kept", eventIDs(t, s, "c-1"), []string{"dup", "dup"})
	view(t, s, func(tx triage.ReadTx) error {
		got, err := tx.EventByID("dup")
		if err != nil {
			t.Fatalf("EventByID: %v", err)
		}
		if got.Seq != second.Seq {
			t.Errorf("EventByID returned seq %d, want %d, the event stored last", got.Seq, second.Seq)
		}
		return nil
	})
}

func testEventWithoutID(t *testing.T, s triage.Store) {
	putEvents(t, s, newEvent("", "c-1", at(1)), newEvent("", "c-1", at(2)))
	assertEqual(t, "events without id", eventIDs(t, s, "c-1"), []string{"", ""})
}

func testEventInvalidConversation(t *testing.T, s triage.Store) {
	for name, c := range map[string]string{
		"empty":    "",
		"NUL byte": "c-1\x00x",
		"too long": strings.Repeat("c", triage.MaxIDLength+1),
	} {
		err := s.Update(func(tx triage.Tx) error {
			return tx.PutEvent(newEvent("e-1", c, at(1)))
		})
		if err == nil {
			t.Errorf("PutEvent with a conversation id that is %s: got no error", name)
		}
	}
	// An id of the maximum length is valid.
	long := strings.Repeat("c", triage.MaxIDLength)
	putEvents(t, s, newEvent("e-long", long, at(1)))
	assertEqual(t, "events of a conversation with the longest id", eventIDs(t, s, long), []string{"e-long"})
}

func testNextEventSeq(t *testing.T, s triage.Store) {
	var seqs []uint64
	for range 3 {
		update(t, s, func(tx triage.Tx) error {
			for range 3 {
				seq, err := tx.NextEventSeq()
				if err != nil {
					return err
				}
				seqs = append(seqs, seq)
			}
			return nil
		})
	}
	for i, seq := range seqs {
		if seq == 0 {
			t.Errorf("NextEventSeq returned 0")
		}
		if i > 0 && seq <= seqs[i-1] {
			t.Errorf("NextEventSeq returned %d after %d, want an increasing sequence", seq, seqs[i-1])
		}
	}
}

func testConversationMissing(t *testing.T, s triage.Store) {
	view(t, s, func(tx triage.ReadTx) error {
		c, err := tx.Conversation("c-404")
		if err != nil {
			t.Errorf("Conversation of a missing id: got error %v, want nil", err)
		}
		if c != nil {
			t.Errorf("Conversation of a missing id: got %+v, want nil", c)
		}
		return nil
	})
}

func testConversationRoundTrip(t *testing.T, s triage.Store) {
	c := &triage.Conversation{
		ID: "c-1", Ticket: "T-1", LastAt: at(12.5), Events: 3,
		ScorerState: []byte(`{"baseline":4.2,"turns":[1,2]}`),
	}
	update(t, s, func(tx triage.Tx) error { return tx.PutConversation(c) })
	update(t, s, func(tx triage.Tx) error {
		return tx.PutConversation(&triage.Conversation{ID: "c-10", Events: 1})
	})
	read := func() *triage.Conversation {
		var got *triage.Conversation
		view(t, s, func(tx triage.ReadTx) error {
			var err error
			got, err = tx.Conversation("c-1")
			return err
		})
		return got
	}
	assertEqual(t, "Conversation", read(), c)

	c.Events, c.LastAt, c.ScorerState = 4, at(20), nil
	update(t, s, func(tx triage.Tx) error { return tx.PutConversation(c) })
	assertEqual(t, "Conversation after replace", read(), c)
}

func testConversationInvalidID(t *testing.T, s triage.Store) {
	for _, id := range []string{"", "c\x00", strings.Repeat("c", triage.MaxIDLength+1)} {
		err := s.Update(func(tx triage.Tx) error {
			return tx.PutConversation(&triage.Conversation{ID: id})
		})
		if err == nil {
			t.Errorf("PutConversation(%q): got no error", id)
		}
	}
}
