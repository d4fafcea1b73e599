package storetest

import (
	"errors"
	"testing"

	"github.com/triagedesk/triage/triage"
)

// RunHistory runs the conformance tests of reviews and of the deletions
// that retention purges use, as subtests of t. open works as for Run.
func RunHistory(t *testing.T, open func(t *testing.T) triage.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, triage.Store)
	}{
		{"Reviews/OrderAndPrefix", testReviewsOrder},
		{"Reviews/RejectsNonEscalation", testReviewRejectsNonEscalation},
		{"Reviews/RejectsMissingRecord", testReviewRejectsMissingRecord},
		{"Delete/Record", testDeleteRecord},
		{"Delete/Conversation", testDeleteConversation},
		{"Delete/Ticket", testDeleteTicket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func reviewVerdicts(t *testing.T, s triage.Store, record uint64) []string {
	t.Helper()
	got := []string{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.Reviews(record, func(r *triage.Review) error {
			got = append(got, string(r.Verdict)+":"+r.Note)
			return nil
		})
	})
	return got
}

func putReview(t *testing.T, s triage.Store, rev *triage.Review) {
	t.Helper()
	update(t, s, func(tx triage.Tx) error { return tx.PutReview(rev) })
}

func testReviewsOrder(t *testing.T, s triage.Store) {
	e1 := recordAt("T-1", at(1), triage.KindEscalated, "rule a")
	var others []*triage.Record
	// 301 records, so that the last Seq needs more than one byte.
	for i := range 300 {
		others = append(others, recordAt("T-2", at(float64(2+i)), triage.KindEscalated, "rule b"))
	}
	appendRecords(t, s, append([]*triage.Record{e1}, others...)...)
	e2 := others[len(others)-1]

	putReview(t, s, &triage.Review{Record: e1.Seq, Ticket: "T-1", At: at(10), Agent: "ann", Verdict: triage.VerdictUnwarranted, Note: "first"})
	putReview(t, s, &triage.Review{Record: e2.Seq, Ticket: "T-2", At: at(11), Agent: "bob", Verdict: triage.VerdictWarranted})
	last := &triage.Review{Record: e1.Seq, Ticket: "T-1", At: at(12), Agent: "ann", Verdict: triage.VerdictWarranted, Note: "second"}
	putReview(t, s, last)

	if last.Seq != 3 {
		t.Errorf("third PutReview set Seq %d, want 3", last.Seq)
	}
	assertEqual(t, "reviews of e1", reviewVerdicts(t, s, e1.Seq), []string{"unwarranted:first", "warranted:second"})
	assertEqual(t, "reviews of e2", reviewVerdicts(t, s, e2.Seq), []string{"warranted:"})
	assertEqual(t, "reviews of an unreviewed record", reviewVerdicts(t, s, others[0].Seq), []string{})
}

func testReviewRejectsNonEscalation(t *testing.T, s triage.Store) {
	opened := recordAt("T-1", at(1), triage.KindOpened, "conversation started")
	appendRecords(t, s, opened)
	err := s.Update(func(tx triage.Tx) error {
		return tx.PutReview(&triage.Review{Record: opened.Seq, Ticket: "T-1", At: at(2), Agent: "ann", Verdict: triage.VerdictWarranted})
	})
	if err == nil {
		t.Errorf("PutReview of an opened record succeeded, want an error")
	}
	err = s.Update(func(tx triage.Tx) error {
		return tx.PutReview(&triage.Review{Record: opened.Seq, Ticket: "T-1", At: at(2), Agent: "ann", Verdict: "maybe"})
	})
	if err == nil {
		t.Errorf("PutReview with verdict \"maybe\" succeeded, want an error")
	}
}

func testReviewRejectsMissingRecord(t *testing.T, s triage.Store) {
	e := recordAt("T-1", at(1), triage.KindEscalated, "rule a")
	appendRecords(t, s, e)
	err := s.Update(func(tx triage.Tx) error {
		return tx.PutReview(&triage.Review{Record: e.Seq, Ticket: "T-9", At: at(2), Agent: "ann", Verdict: triage.VerdictWarranted})
	})
	if !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("PutReview under the wrong ticket: got %v, want an error wrapping ErrNotFound", err)
	}
}

func testDeleteRecord(t *testing.T, s triage.Store) {
	keep := recordAt("T-1", at(1), triage.KindOpened, "keep")
	gone := recordAt("T-1", at(2), triage.KindEscalated, "gone")
	appendRecords(t, s, keep, gone)
	putReview(t, s, &triage.Review{Record: gone.Seq, Ticket: "T-1", At: at(3), Agent: "ann", Verdict: triage.VerdictWarranted})

	var removed []uint64
	update(t, s, func(tx triage.Tx) error {
		return tx.DeleteRecord(gone, func(r *triage.Review) error {
			removed = append(removed, r.Record)
			return nil
		})
	})
	assertEqual(t, "reviews passed to fn", removed, []uint64{gone.Seq})
	assertEqual(t, "Records after delete", recordReasons(t, s, at(0), at(10)), []string{"keep"})
	assertEqual(t, "TicketRecords after delete", ticketRecordReasons(t, s, "T-1"), []string{"keep"})
	assertEqual(t, "reviews after delete", reviewVerdicts(t, s, gone.Seq), []string{})
}

func testDeleteConversation(t *testing.T, s triage.Store) {
	putTwoEventConversations(t, s, "c-1", "c-10")
	var seen int
	update(t, s, func(tx triage.Tx) error {
		return tx.DeleteConversation("c-1", func(*triage.StoredEvent) error {
			seen++
			return nil
		})
	})
	if seen != 2 {
		t.Errorf("DeleteConversation passed %d events to fn, want 2", seen)
	}
	view(t, s, func(tx triage.ReadTx) error {
		if c, err := tx.Conversation("c-1"); err != nil || c != nil {
			t.Errorf("Conversation(c-1) after delete = %v, %v; want nil, nil", c, err)
		}
		if _, err := tx.EventByID("c-1-e1"); !errors.Is(err, triage.ErrNotFound) {
			t.Errorf("EventByID(c-1-e1) after delete: got %v, want ErrNotFound", err)
		}
		if _, err := tx.EventByID("c-10-e1"); err != nil {
			t.Errorf("EventByID(c-10-e1) of the other conversation: %v", err)
		}
		n := 0
		err := tx.ConversationEvents("c-10", func(*triage.StoredEvent) error { n++; return nil })
		if n != 2 {
			t.Errorf("c-10 has %d events after deleting c-1, want 2", n)
		}
		return err
	})
}

// putTwoEventConversations stores two events and a conversation record for each id.
func putTwoEventConversations(t *testing.T, s triage.Store, ids ...string) {
	t.Helper()
	update(t, s, func(tx triage.Tx) error {
		for _, id := range ids {
			if err := tx.PutConversation(&triage.Conversation{ID: id, Ticket: "T-" + id}); err != nil {
				return err
			}
			for i, name := range []string{"e1", "e2"} {
				seq, err := tx.NextEventSeq()
				if err != nil {
					return err
				}
				ev := &triage.StoredEvent{Seq: seq, Event: triage.Event{
					ID: id + "-" + name, Conversation: id, At: at(float64(i)),
					Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hello",
				}}
				if err := tx.PutEvent(ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func testDeleteTicket(t *testing.T, s triage.Store) {
	waiting := at(1)
	update(t, s, func(tx triage.Tx) error {
		for _, id := range []string{"T-1", "T-2"} {
			err := tx.PutTicket(&triage.Ticket{ID: id, Conversation: "c-" + id, Status: triage.StatusEscalated,
				Priority: triage.PriorityHigh, WaitingSince: &waiting})
			if err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, func(tx triage.Tx) error { return tx.DeleteTicket("T-1") })
	view(t, s, func(tx triage.ReadTx) error {
		if _, err := tx.Ticket("T-1"); !errors.Is(err, triage.ErrNotFound) {
			t.Errorf("Ticket(T-1) after delete: got %v, want ErrNotFound", err)
		}
		for _, all := range []bool{false, true} {
			var ids []string
			if err := tx.Queue(all, func(tk *triage.Ticket) error {
				ids = append(ids, tk.ID)
				return nil
			}); err != nil {
				return err
			}
			assertEqual(t, "queue after delete", ids, []string{"T-2"})
		}
		return nil
	})
	update(t, s, func(tx triage.Tx) error { return tx.DeleteTicket("T-404") })
}
