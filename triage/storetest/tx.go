package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// writeOneOfEach calls every write method of tx once.
func writeOneOfEach(tx triage.Tx) error {
	seq, err := tx.NextEventSeq()
	if err != nil {
		return err
	}
	e := newEvent("e-1", "c-1", at(1))
	e.Seq = seq
	if err := tx.PutEvent(e); err != nil {
		return err
	}
	if err := tx.PutConversation(&triage.Conversation{ID: "c-1", Ticket: "T-1", Events: 1}); err != nil {
		return err
	}
	id, err := tx.NewTicketID()
	if err != nil {
		return err
	}
	if err := tx.PutTicket(newTicket(id, triage.StatusEscalated, triage.PriorityHigh, ptr(1.0))); err != nil {
		return err
	}
	if err := tx.AppendRecord(recordAt(id, at(1), triage.KindOpened, "opened")); err != nil {
		return err
	}
	if err := tx.PutDocument(documentFixture("script", "refund", "body")); err != nil {
		return err
	}
	return tx.SetMeta("setting", []byte("value"))
}

// assertEmpty fails the test unless every read of s finds nothing.
func assertEmpty(t *testing.T, s triage.Store) {
	t.Helper()
	view(t, s, func(tx triage.ReadTx) error {
		found := func(what string) error {
			t.Errorf("%s found after the transaction failed", what)
			return nil
		}
		if _, err := tx.EventByID("e-1"); !errors.Is(err, triage.ErrNotFound) {
			t.Errorf("EventByID after the transaction failed: got error %v, want triage.ErrNotFound", err)
		}
		if err := tx.ConversationEvents("c-1", func(*triage.StoredEvent) error { return found("event") }); err != nil {
			return err
		}
		if c, err := tx.Conversation("c-1"); c != nil || err != nil {
			t.Errorf("Conversation after the transaction failed: %+v, %v", c, err)
		}
		if err := tx.Queue(true, func(*triage.Ticket) error { return found("queued ticket") }); err != nil {
			return err
		}
		if err := tx.Records(time.Time{}, time.Time{}, func(*triage.Record) error { return found("record") }); err != nil {
			return err
		}
		if err := tx.Documents(func(*triage.Document) error { return found("document") }); err != nil {
			return err
		}
		if v, err := tx.Meta("setting"); v != nil || err != nil {
			t.Errorf("Meta after the transaction failed: %q, %v", v, err)
		}
		return nil
	})
}

func testRollbackOnError(t *testing.T, s triage.Store) {
	errFail := errors.New("fail after writing")
	err := s.Update(func(tx triage.Tx) error {
		if err := writeOneOfEach(tx); err != nil {
			t.Fatalf("write: %v", err)
		}
		return fmt.Errorf("wrapped: %w", errFail)
	})
	if !errors.Is(err, errFail) {
		t.Errorf("Update returned %v, want the error of fn", err)
	}
	assertEmpty(t, s)

	// The store still takes writes.
	update(t, s, writeOneOfEach)
	assertEqual(t, "events after a successful write", eventIDs(t, s, "c-1"), []string{"e-1"})
}

func testRollbackOnPanic(t *testing.T, s triage.Store) {
	func() {
		defer func() {
			if r := recover(); r != "panic after writing" {
				t.Errorf("recovered %v, want the panic of fn to reach the caller", r)
			}
		}()
		_ = s.Update(func(tx triage.Tx) error {
			if err := writeOneOfEach(tx); err != nil {
				t.Fatalf("write: %v", err)
			}
			panic("panic after writing")
		})
	}()
	assertEmpty(t, s)

	// The write lock was released.
	update(t, s, writeOneOfEach)
	assertEqual(t, "events after a successful write", eventIDs(t, s, "c-1"), []string{"e-1"})
}

func testConcurrentUpdates(t *testing.T, s triage.Store) {
	const writers, perWriter = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*2)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				err := s.Update(func(tx triage.Tx) error {
					return tx.AppendRecord(recordAt(fmt.Sprintf("T-%d", w), at(float64(i)), triage.KindOpened, "opened"))
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() {
			for range perWriter {
				err := s.View(func(tx triage.ReadTx) error {
					return tx.Records(time.Time{}, time.Time{}, func(*triage.Record) error { return nil })
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent transaction: %v", err)
	}

	seqs := map[uint64]bool{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.Records(time.Time{}, time.Time{}, func(r *triage.Record) error {
			if seqs[r.Seq] {
				t.Errorf("Seq %d assigned twice", r.Seq)
			}
			seqs[r.Seq] = true
			return nil
		})
	})
	if len(seqs) != writers*perWriter {
		t.Errorf("found %d records, want %d", len(seqs), writers*perWriter)
	}
}

// fillForIteration stores three of everything that can be iterated.
func fillForIteration(t *testing.T, s triage.Store) {
	t.Helper()
	for i := range 3 {
		putEvents(t, s, newEvent(fmt.Sprintf("e-%d", i), "c-1", at(float64(i))))
		putTickets(t, s, newTicket(fmt.Sprintf("T-%d", i), triage.StatusEscalated, triage.PriorityHigh, ptr(float64(i))))
		appendRecords(t, s, recordAt("T-1", at(float64(i)), triage.KindOpened, "opened"))
		putDocument(t, s, documentFixture("script", fmt.Sprintf("s-%d", i), "body"))
		putDocument(t, s, documentFixture("script", "refund", "body"))
	}
}

// iterators calls each iteration method of tx with fn and returns each
// method's error by its name. fn receives the name of the method that
// calls it.
func iterators(tx triage.ReadTx, fn func(method string) error) map[string]error {
	return map[string]error{
		"ConversationEvents": tx.ConversationEvents("c-1", func(*triage.StoredEvent) error {
			return fn("ConversationEvents")
		}),
		"ConversationEventsAfter": tx.ConversationEventsAfter("c-1", time.Time{}, 0, func(*triage.StoredEvent) error {
			return fn("ConversationEventsAfter")
		}),
		"Queue(false)": tx.Queue(false, func(*triage.Ticket) error { return fn("Queue(false)") }),
		"Queue(true)":  tx.Queue(true, func(*triage.Ticket) error { return fn("Queue(true)") }),
		"Records": tx.Records(time.Time{}, time.Time{}, func(*triage.Record) error {
			return fn("Records")
		}),
		"TicketRecords": tx.TicketRecords("T-1", func(*triage.Record) error { return fn("TicketRecords") }),
		"Documents":     tx.Documents(func(*triage.Document) error { return fn("Documents") }),
		"DocumentVersions": tx.DocumentVersions("script", "refund", func(*triage.Document) error {
			return fn("DocumentVersions")
		}),
	}
}

// assertCalledOnce checks that each iteration method, given a callback
// that returns result, calls it exactly once and returns an error
// matching want, or no error when want is nil.
func assertCalledOnce(t *testing.T, tx triage.ReadTx, result, want error) {
	t.Helper()
	calls := map[string]int{}
	errs := iterators(tx, func(method string) error {
		calls[method]++
		return result
	})
	for method, err := range errs {
		if want == nil && err != nil {
			t.Errorf("%s: got error %v, want nil", method, err)
		}
		if want != nil && !errors.Is(err, want) {
			t.Errorf("%s: got error %v, want %v", method, err, want)
		}
		if calls[method] != 1 {
			t.Errorf("%s called its callback %d times, want once", method, calls[method])
		}
	}
}

func testErrStop(t *testing.T, s triage.Store) {
	fillForIteration(t, s)
	view(t, s, func(tx triage.ReadTx) error {
		assertCalledOnce(t, tx, triage.ErrStop, nil)
		return nil
	})
	// Write transactions iterate the same way.
	update(t, s, func(tx triage.Tx) error {
		assertCalledOnce(t, tx, triage.ErrStop, nil)
		return nil
	})
}

func testIterationError(t *testing.T, s triage.Store) {
	fillForIteration(t, s)
	errCallback := errors.New("callback failed")
	view(t, s, func(tx triage.ReadTx) error {
		assertCalledOnce(t, tx, errCallback, errCallback)
		return nil
	})
}
