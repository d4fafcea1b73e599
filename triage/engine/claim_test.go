package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
)

// startEngine runs an engine over a real bbolt file until the test ends.
func startEngine(t *testing.T) *Engine {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go e.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-e.Done()
		db.Close()
	})
	return e
}

func TestConcurrentClaimsOneWinner(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	const tickets = 1000
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	events := make([]triage.Event, tickets)
	for i := range events {
		events[i] = triage.Event{Conversation: fmt.Sprintf("c-%d", i), At: at, Role: triage.RoleCustomer,
			Type: triage.TypeMessage, Text: "hello"}
	}
	if _, err := e.Ingest(ctx, events); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wins := make([][2]bool, tickets)
	for i := range tickets {
		for agent := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.Claim(ctx, fmt.Sprintf("T-%d", i+1), fmt.Sprintf("agent-%d", agent), at)
				var conflict *ConflictError
				switch {
				case err == nil:
					wins[i][agent] = true
				case errors.As(err, &conflict):
					if conflict.Holder == fmt.Sprintf("agent-%d", agent) || conflict.Holder == "" {
						t.Errorf("ticket %d: conflict names %q", i+1, conflict.Holder)
					}
				default:
					t.Errorf("ticket %d: %v", i+1, err)
				}
			}()
		}
	}
	wg.Wait()
	for i, w := range wins {
		if w[0] == w[1] {
			t.Fatalf("ticket T-%d: claims won %v, want exactly one winner", i+1, w)
		}
	}
	// The store agrees with the winners, and each ticket has one claim record.
	err := e.Store().View(func(tx triage.ReadTx) error {
		for i, w := range wins {
			id := fmt.Sprintf("T-%d", i+1)
			tk, err := tx.Ticket(id)
			if err != nil {
				return err
			}
			winner := "agent-0"
			if w[1] {
				winner = "agent-1"
			}
			if tk.ClaimedBy == nil || *tk.ClaimedBy != winner {
				t.Errorf("%s claimed by %v, want %s", id, tk.ClaimedBy, winner)
			}
			claims := 0
			if err := tx.TicketRecords(id, func(r *triage.Record) error {
				if r.Kind == triage.KindClaimed {
					claims++
				}
				return nil
			}); err != nil {
				return err
			}
			if claims != 1 {
				t.Errorf("%s has %d claim records, want 1", id, claims)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIngestDuplicateAndClash(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	ev := triage.Event{ID: "e-1", Conversation: "c-1", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hello"}
	clash := ev
	clash.Text = "a different message"
	results, err := e.Ingest(ctx, []triage.Event{ev, ev, clash, clash})
	if err != nil {
		t.Fatal(err)
	}
	want := []Status{StatusAccepted, StatusDuplicate, StatusClash, StatusDuplicate}
	for i, r := range results {
		if r.Status != want[i] {
			t.Errorf("event %d: status %s, want %s", i, r.Status, want[i])
		}
	}
	if results[2].ID == "e-1" {
		t.Errorf("clashing event kept under the taken id %q", results[2].ID)
	}
}

func TestIngestRejectsInvalidAlone(t *testing.T) {
	e := startEngine(t)
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	good := triage.Event{Conversation: "c-1", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hi"}
	bad := good
	bad.Role = "robot"
	results, err := e.Ingest(context.Background(), []triage.Event{good, bad})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != StatusAccepted || results[1].Status != StatusRejected {
		t.Errorf("statuses = %s, %s; want accepted, rejected", results[0].Status, results[1].Status)
	}
	if results[1].Error == "" {
		t.Error("rejected event has no reason")
	}
}
