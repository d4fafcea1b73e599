package storetest_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/storetest"
)

// faultEnv names the fault that TestFaultyStore injects. It is set only
// in the child processes that TestSuiteCatchesFaults starts.
const faultEnv = "STORETEST_FAULT"

// faults maps each injected bug to the subtest that must catch it.
var faults = map[string]string{
	"queue-ignores-all":       "Queue/Order",
	"events-in-arrival-order": "Events/TimeOrderWithLateInserts",
	"prefix-leak":             "Events/ConversationPrefixIsolation",
	"records-to-inclusive":    "Records/Range",
	"errstop-returned":        "Iteration/ErrStop",
	"latest-is-first":         "Documents/Versions",
	"commit-on-error":         "Update/RollbackOnError",
}

// TestSuiteCatchesFaults runs the suite against a bbolt store with one
// injected bug at a time, in a child process, and checks that the
// expected subtest fails. A clean run must pass, so that a failure is the
// fault's and not the harness's.
func TestSuiteCatchesFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once per fault")
	}
	names := append(slices.Sorted(func(yield func(string) bool) {
		for name := range faults {
			if !yield(name) {
				return
			}
		}
	}), "none")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestFaultyStore$", "-test.v")
			cmd.Env = append(os.Environ(), faultEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if name == "none" {
				if err != nil {
					t.Fatalf("suite failed on the store without a fault: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("suite passed a store with fault %s", name)
			}
			if want := "--- FAIL: TestFaultyStore/" + faults[name]; !strings.Contains(string(out), want) {
				t.Errorf("fault %s: output lacks %q:\n%s", name, want, out)
			}
		})
	}
}

// TestFaultyStore is the child process of TestSuiteCatchesFaults.
func TestFaultyStore(t *testing.T) {
	fault := os.Getenv(faultEnv)
	if fault == "" {
		t.Skip("run by TestSuiteCatchesFaults")
	}
	storetest.Run(t, func(t *testing.T) triage.Store {
		db, err := store.Open(filepath.Join(t.TempDir(), "triage.db"), store.Options{NoSync: true})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return &faultyStore{Store: db, fault: fault}
	})
}

type faultyStore struct {
	triage.Store
	fault string
}

func (s *faultyStore) Update(fn func(triage.Tx) error) error {
	if s.fault == "commit-on-error" {
		var fnErr error
		err := s.Store.Update(func(tx triage.Tx) error {
			fnErr = fn(&faultyTx{Tx: tx, fault: s.fault})
			return nil
		})
		return errors.Join(fnErr, err)
	}
	return s.Store.Update(func(tx triage.Tx) error {
		return fn(&faultyTx{Tx: tx, fault: s.fault})
	})
}

func (s *faultyStore) View(fn func(triage.ReadTx) error) error {
	return s.Store.View(func(tx triage.ReadTx) error {
		return fn(&faultyTx{Tx: readOnlyTx{tx}, fault: s.fault})
	})
}

var errReadOnly = errors.New("read-only transaction")

// readOnlyTx lets faultyTx wrap a read transaction.
type readOnlyTx struct{ triage.ReadTx }

func (readOnlyTx) NextEventSeq() (uint64, error)              { return 0, errReadOnly }
func (readOnlyTx) PutEvent(*triage.StoredEvent) error         { return errReadOnly }
func (readOnlyTx) PutConversation(*triage.Conversation) error { return errReadOnly }
func (readOnlyTx) NewTicketID() (string, error)               { return "", errReadOnly }
func (readOnlyTx) PutTicket(*triage.Ticket) error             { return errReadOnly }
func (readOnlyTx) AppendRecord(*triage.Record) error          { return errReadOnly }
func (readOnlyTx) PutDocument(*triage.Document) error         { return errReadOnly }
func (readOnlyTx) SetMeta(string, []byte) error               { return errReadOnly }

// faultyTx passes every call through except the one its fault breaks.
type faultyTx struct {
	triage.Tx
	fault string
}

func (tx *faultyTx) Queue(all bool, fn func(*triage.Ticket) error) error {
	if tx.fault == "queue-ignores-all" {
		all = true
	}
	return tx.Tx.Queue(all, fn)
}

func (tx *faultyTx) ConversationEvents(conversation string, fn func(*triage.StoredEvent) error) error {
	switch tx.fault {
	case "events-in-arrival-order":
		var events []*triage.StoredEvent
		err := tx.Tx.ConversationEvents(conversation, func(e *triage.StoredEvent) error {
			events = append(events, e)
			return nil
		})
		slices.SortFunc(events, func(a, b *triage.StoredEvent) int { return int(a.Seq) - int(b.Seq) })
		for _, e := range events {
			if err := fn(e); err != nil {
				return err
			}
		}
		return err
	case "prefix-leak":
		if err := tx.Tx.ConversationEvents(conversation, fn); err != nil {
			return err
		}
		return tx.Tx.ConversationEvents(conversation+"0", fn)
	}
	return tx.Tx.ConversationEvents(conversation, fn)
}

func (tx *faultyTx) Records(from, to time.Time, fn func(*triage.Record) error) error {
	if tx.fault == "records-to-inclusive" && !to.IsZero() {
		to = to.Add(time.Nanosecond)
	}
	return tx.Tx.Records(from, to, fn)
}

func (tx *faultyTx) Documents(fn func(*triage.Document) error) error {
	if tx.fault != "errstop-returned" {
		return tx.Tx.Documents(fn)
	}
	stopped := false
	err := tx.Tx.Documents(func(d *triage.Document) error {
		err := fn(d)
		stopped = errors.Is(err, triage.ErrStop)
		return err
	})
	if stopped {
		return triage.ErrStop
	}
	return err
}

func (tx *faultyTx) Document(kind, name string, version int) (*triage.Document, error) {
	if tx.fault == "latest-is-first" && version <= 0 {
		version = 1
	}
	return tx.Tx.Document(kind, name, version)
}
