package storetest

import (
	"strings"
	"testing"

	"github.com/triagedesk/triage/triage"
)

// newTicket returns an active ticket. waiting is seconds after base, or
// nil for a ticket that is not waiting.
func newTicket(id string, status triage.Status, p triage.Priority, waiting *float64) *triage.Ticket {
	tk := &triage.Ticket{
		ID: id, Conversation: "c-" + id, Status: status, Priority: p,
		Queue: triage.QueueAgents, OpenedAt: at(0), UpdatedAt: at(0),
	}
	if waiting != nil {
		tk.WaitingSince = ptr(at(*waiting))
	}
	return tk
}

func putTickets(t *testing.T, s triage.Store, tickets ...*triage.Ticket) {
	t.Helper()
	update(t, s, func(tx triage.Tx) error {
		for _, tk := range tickets {
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
}

// queueIDs returns the ids Queue(all) returns, in order.
func queueIDs(t *testing.T, s triage.Store, all bool) []string {
	t.Helper()
	ids := []string{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.Queue(all, func(tk *triage.Ticket) error {
			ids = append(ids, tk.ID)
			return nil
		})
	})
	return ids
}

func readTicket(t *testing.T, s triage.Store, id string) *triage.Ticket {
	t.Helper()
	var got *triage.Ticket
	view(t, s, func(tx triage.ReadTx) error {
		var err error
		got, err = tx.Ticket(id)
		return err
	})
	return got
}

func testNewTicketID(t *testing.T, s triage.Store) {
	seen := map[string]bool{}
	for range 3 {
		update(t, s, func(tx triage.Tx) error {
			for range 4 {
				id, err := tx.NewTicketID()
				if err != nil {
					return err
				}
				if id == "" || strings.IndexByte(id, 0) >= 0 || len(id) > triage.MaxIDLength {
					t.Errorf("NewTicketID returned %q, which is not a valid id", id)
				}
				if seen[id] {
					t.Errorf("NewTicketID returned %q twice", id)
				}
				seen[id] = true
				// Use the id, so that it counts as taken.
				if err := tx.PutTicket(newTicket(id, triage.StatusOpen, triage.PriorityNormal, nil)); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

func testTicketRoundTrip(t *testing.T, s triage.Store) {
	tk := &triage.Ticket{
		ID:                  "T-1",
		Conversation:        "c-1042",
		Status:              triage.StatusClaimed,
		Queue:               triage.QueueSenior,
		Priority:            triage.PriorityHigh,
		Frustration:         0.83,
		Reasons:             []string{"negative wording 0.42", "typing speed 1.8x"},
		WaitingSince:        ptr(at(30)),
		LastCustomerMessage: "still not working!!",
		ClaimedBy:           ptr("agent-7"),
		EscalationReason:    "frustration at or above 0.8 on two turns",
		Trend:               []float64{0.2, 0.5, 0.83},
		Streaks:             map[string]int{"frustrated": 2},
		CustomerTurns:       5,
		OpenedAt:            at(0),
		UpdatedAt:           at(40.25),
		EscalatedAt:         ptr(at(35)),
		CustomerHash:        "k-3f2a",
		Version:             7,
		Script:              "refund",
		ScriptVersion:       3,
		Step:                "ask-order",
	}
	putTickets(t, s, tk)
	assertEqual(t, "Ticket", readTicket(t, s, "T-1"), tk)
}

func testTicketMissing(t *testing.T, s triage.Store) {
	putTickets(t, s, newTicket("T-10", triage.StatusOpen, triage.PriorityNormal, nil))
	view(t, s, func(tx triage.ReadTx) error {
		tk, err := tx.Ticket("T-1")
		assertNotFound(t, "Ticket of a missing id", err)
		if tk != nil {
			t.Errorf("Ticket of a missing id returned %+v", tk)
		}
		return nil
	})
}

func testTicketStoresCopy(t *testing.T, s triage.Store) {
	tk := newTicket("T-1", triage.StatusEscalated, triage.PriorityHigh, ptr(1.0))
	tk.Reasons = []string{"first"}
	want := tk.Clone()
	putTickets(t, s, tk)

	// Changing the caller's value after PutTicket, or a value that Ticket
	// returned, changes nothing stored.
	tk.Reasons[0] = "changed"
	tk.Priority = triage.PriorityLow
	*tk.WaitingSince = at(99)
	got := readTicket(t, s, "T-1")
	got.Reasons[0] = "changed too"
	assertEqual(t, "stored ticket", readTicket(t, s, "T-1"), want)
	assertEqual(t, "queue", queueIDs(t, s, false), []string{"T-1"})
}

func testTicketInvalidID(t *testing.T, s triage.Store) {
	for _, id := range []string{"", "T-1\x00", strings.Repeat("T", triage.MaxIDLength+1)} {
		err := s.Update(func(tx triage.Tx) error {
			return tx.PutTicket(newTicket(id, triage.StatusOpen, triage.PriorityNormal, nil))
		})
		if err == nil {
			t.Errorf("PutTicket(%q): got no error", id)
		}
	}
}

func testTicketOutOfRangePriority(t *testing.T, s triage.Store) {
	// A store may reject a priority outside low..urgent, but a ticket it
	// accepts must read back unchanged.
	tk := newTicket("T-1", triage.StatusEscalated, triage.Priority(9), nil)
	if err := s.Update(func(tx triage.Tx) error { return tx.PutTicket(tk) }); err != nil {
		return
	}
	assertEqual(t, "ticket with priority 9", readTicket(t, s, "T-1"), tk)
}

// queueFixture stores tickets in an order unrelated to the queue order.
// The escalated queue is B, E, A, C, D; the whole queue is F, B, E, A, C,
// D, G.
func queueFixture(t *testing.T, s triage.Store) {
	t.Helper()
	putTickets(t, s,
		newTicket("G", triage.StatusOpen, triage.PriorityLow, nil),
		newTicket("D", triage.StatusEscalated, triage.PriorityHigh, nil),
		newTicket("A", triage.StatusEscalated, triage.PriorityUrgent, ptr(20.0)),
		newTicket("H", triage.StatusResolved, triage.PriorityUrgent, ptr(0.0)),
		newTicket("E", triage.StatusEscalated, triage.PriorityUrgent, ptr(10.0)),
		newTicket("C", triage.StatusClaimed, triage.PriorityHigh, ptr(0.0)),
		newTicket("I", triage.StatusClosed, triage.PriorityUrgent, ptr(0.0)),
		newTicket("F", triage.StatusOpen, triage.PriorityUrgent, ptr(5.0)),
		newTicket("B", triage.StatusEscalated, triage.PriorityUrgent, ptr(10.0)),
	)
}

func testQueueOrder(t *testing.T, s triage.Store) {
	queueFixture(t, s)
	assertEqual(t, "Queue(false)", queueIDs(t, s, false), []string{"B", "E", "A", "C", "D"})
	assertEqual(t, "Queue(true)", queueIDs(t, s, true), []string{"F", "B", "E", "A", "C", "D", "G"})
}

func testQueueFollowsChanges(t *testing.T, s triage.Store) {
	queueFixture(t, s)
	change := func(id string, edit func(*triage.Ticket)) {
		t.Helper()
		tk := readTicket(t, s, id)
		edit(tk)
		putTickets(t, s, tk)
	}

	change("B", func(tk *triage.Ticket) { tk.Status = triage.StatusResolved })
	assertEqual(t, "Queue(false) after B is resolved", queueIDs(t, s, false), []string{"E", "A", "C", "D"})
	assertEqual(t, "Queue(true) after B is resolved", queueIDs(t, s, true), []string{"F", "E", "A", "C", "D", "G"})

	change("D", func(tk *triage.Ticket) { tk.Priority = triage.PriorityUrgent })
	assertEqual(t, "Queue(false) after D becomes urgent", queueIDs(t, s, false), []string{"E", "A", "D", "C"})

	change("A", func(tk *triage.Ticket) { tk.Status = triage.StatusOpen })
	assertEqual(t, "Queue(false) after A is de-escalated", queueIDs(t, s, false), []string{"E", "D", "C"})
	assertEqual(t, "Queue(true) after A is de-escalated", queueIDs(t, s, true), []string{"F", "E", "A", "D", "C", "G"})

	change("F", func(tk *triage.Ticket) { tk.Status = triage.StatusEscalated })
	assertEqual(t, "Queue(false) after F is escalated", queueIDs(t, s, false), []string{"F", "E", "D", "C"})

	change("E", func(tk *triage.Ticket) { tk.WaitingSince = nil })
	assertEqual(t, "Queue(false) after E stops waiting", queueIDs(t, s, false), []string{"F", "D", "E", "C"})

	change("G", func(tk *triage.Ticket) { tk.WaitingSince = ptr(at(-100)) })
	change("C", func(tk *triage.Ticket) { tk.WaitingSince = ptr(at(-1)); tk.Status = triage.StatusClaimed })
	change("H", func(tk *triage.Ticket) { tk.Status = triage.StatusOpen; tk.Priority = triage.PriorityLow })
	assertEqual(t, "Queue(true) after the last changes", queueIDs(t, s, true), []string{"F", "A", "D", "E", "C", "G", "H"})
	assertEqual(t, "Queue(false) after the last changes", queueIDs(t, s, false), []string{"F", "D", "E", "C"})

	// Storing a ticket unchanged leaves one entry for it.
	change("C", func(*triage.Ticket) {})
	assertEqual(t, "Queue(false) after storing C unchanged", queueIDs(t, s, false), []string{"F", "D", "E", "C"})
}

func testQueueWriteDuringIteration(t *testing.T, s triage.Store) {
	queueFixture(t, s)
	var visited []string
	update(t, s, func(tx triage.Tx) error {
		return tx.Queue(true, func(tk *triage.Ticket) error {
			visited = append(visited, tk.ID)
			tk.Status = triage.StatusResolved
			return tx.PutTicket(tk)
		})
	})
	assertEqual(t, "tickets visited while resolving each", visited, []string{"F", "B", "E", "A", "C", "D", "G"})
	assertEqual(t, "Queue(true) after resolving all", queueIDs(t, s, true), []string{})
	assertEqual(t, "Queue(false) after resolving all", queueIDs(t, s, false), []string{})
}

func testQueueReadOwnWrites(t *testing.T, s triage.Store) {
	update(t, s, func(tx triage.Tx) error {
		tk := newTicket("T-1", triage.StatusEscalated, triage.PriorityHigh, ptr(0.0))
		if err := tx.PutTicket(tk); err != nil {
			return err
		}
		var ids []string
		err := tx.Queue(false, func(tk *triage.Ticket) error {
			ids = append(ids, tk.ID)
			return nil
		})
		assertEqual(t, "Queue in the transaction that stored the ticket", ids, []string{"T-1"})
		got, err2 := tx.Ticket("T-1")
		if err2 != nil {
			t.Errorf("Ticket in the transaction that stored it: %v", err2)
		} else {
			assertEqual(t, "Ticket in the transaction that stored it", got, tk)
		}
		return err
	})
}
