package daemon

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

// Size of the large desk that the memory and console benchmarks run on:
// largeDeskOpen conversations end escalated and stay in the queue, and
// the others are closed.
const (
	largeDeskConversations = 100_000
	largeDeskOpen          = 10_000
)

// fillLargeDeskOnce fills the large desk's database in b's temporary
// folder and returns its path. It took about 12 seconds on two cores.
func fillLargeDeskOnce(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "large.db")
	if err := fillLargeDesk(path, largeDeskConversations, largeDeskOpen); err != nil {
		b.Fatalf("fill large desk: %v", err)
	}
	return path
}

// copyDatabase copies the database at from into dir and returns the
// copy's path.
func copyDatabase(b *testing.B, from, dir string) string {
	b.Helper()
	path := filepath.Join(dir, "t.db")
	if err := copyFile(path, from); err != nil {
		b.Fatal(err)
	}
	return path
}

func copyFile(to, from string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// openConversation names the i-th conversation that ends escalated.
func openConversation(i int) string { return fmt.Sprintf("c-open-%d", i) }

// fillLargeDesk fills a new database at path through the real engine,
// which scores every event, runs the policy and scripts and writes in
// the store's own encoding, over a store opened without fsync. Of total
// conversations, open ones end escalated because the customer asks for
// a manager; the rest are answered and closed. All events lie between ten
// and three days in the past, so every SLA timer they arm is fired before
// this returns.
func fillLargeDesk(path string, total, open int) error {
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer db.Close()

	start := time.Now().Add(-10 * 24 * time.Hour)
	span := 7 * 24 * time.Hour
	requests := make(chan []triage.Event)
	go func() {
		defer close(requests)
		var batch []triage.Event
		for i := range total {
			at := start.Add(span * time.Duration(i) / time.Duration(total))
			if i%(total/open) == 0 && i/(total/open) < open {
				n := i / (total / open)
				batch = append(batch, furiousConversation(openConversation(n), 100_000+n, at)...)
			} else {
				batch = append(batch, calmConversation(fmt.Sprintf("c-done-%d", i), at)...)
			}
			if len(batch) >= 1000 {
				requests <- batch
				batch = nil
			}
		}
		if len(batch) > 0 {
			requests <- batch
		}
	}()

	eng, err := engine.New(db, engine.Options{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	go eng.Run(ctx)
	// Two submitters let the engine group one request's commit with the
	// next request's events.
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range 2 {
		wg.Go(func() {
			for events := range requests {
				if _, err := eng.Ingest(ctx, events); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		})
	}
	wg.Wait()
	cancel()
	<-eng.Done()
	if firstErr != nil {
		return firstErr
	}
	if err := fireDueTimers(db); err != nil {
		return err
	}
	return checkQueue(db, open)
}

// checkQueue fails unless exactly want tickets are active, all of them
// in the escalation queue, and no incident groups them.
func checkQueue(db *store.DB, want int) error {
	incidents := 0
	err := db.View(func(tx triage.ReadTx) error {
		return tx.(triage.IncidentReadTx).Incidents(func(*triage.Incident) error { incidents++; return nil })
	})
	if err != nil {
		return err
	}
	if incidents > 0 {
		return fmt.Errorf("%d incidents group the escalated tickets, want none", incidents)
	}
	for _, all := range []bool{false, true} {
		n := 0
		err := db.View(func(tx triage.ReadTx) error {
			return tx.Queue(all, func(*triage.Ticket) error { n++; return nil })
		})
		if err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("queue (all=%v) holds %d tickets, want %d", all, n, want)
		}
	}
	return nil
}

// fireDueTimers runs an engine until it has fired every timer already
// due: Run fires them before it takes its first request.
func fireDueTimers(db *store.DB) error {
	eng, err := engine.New(db, engine.Options{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() {
		cancel()
		<-eng.Done()
	}()
	go eng.Run(ctx)
	_, err = eng.Ingest(ctx, calmConversation("c-fixture-done", time.Now().Add(-time.Hour)))
	return err
}

// furiousConversation returns a conversation that the default policy
// escalates: the customer asks for a manager. The customer's only content
// words are "order" and the order number, so that no two escalations
// share the two words that would group them into one incident, and each
// ticket keeps its own row in the queue.
func furiousConversation(id string, order int, at time.Time) []triage.Event {
	return conversationEvents(id, at, []scriptedEvent{
		{0, triage.RoleCustomer, triage.TypeTyping, ""},
		{10 * time.Second, triage.RoleCustomer, triage.TypeMessage, fmt.Sprintf("Where is order %d?", order)},
		{40 * time.Second, triage.RoleBot, triage.TypeMessage, "Have you checked the tracking page?"},
		{63 * time.Second, triage.RoleCustomer, triage.TypeMessage, fmt.Sprintf("Yes. Order %d: STILL NOT WORKING!!!", order)},
		{69 * time.Second, triage.RoleCustomer, triage.TypeMessage, "I want to speak to a manager now"},
	})
}

// calmConversation returns a question that an agent answers, thanked and
// closed.
func calmConversation(id string, at time.Time) []triage.Event {
	return conversationEvents(id, at, []scriptedEvent{
		{0, triage.RoleCustomer, triage.TypeMessage, "Hi, where can I find my invoice?"},
		{30 * time.Second, triage.RoleAgent, triage.TypeMessage, "Under Settings, then Billing."},
		{60 * time.Second, triage.RoleCustomer, triage.TypeMessage, "Found it, thanks a lot!"},
		{90 * time.Second, triage.RoleAgent, triage.TypeClosed, ""},
	})
}

// scriptedEvent is one event of a scripted conversation, offset from its start.
type scriptedEvent struct {
	after time.Duration
	role  triage.Role
	kind  triage.EventType
	text  string
}

func conversationEvents(id string, at time.Time, turns []scriptedEvent) []triage.Event {
	events := make([]triage.Event, len(turns))
	for i, t := range turns {
		events[i] = triage.Event{
			ID:           fmt.Sprintf("%s-%d", id, i),
			Conversation: id,
			At:           at.Add(t.after).UTC(),
			Role:         t.role,
			Type:         t.kind,
			Text:         t.text,
		}
	}
	return events
}

// liveEvent returns the i-th event of a stream that arrives now: a
// customer message on one of the open conversations, and every fourth
// event a message that starts a new conversation.
func liveEvent(i int, at time.Time) triage.Event {
	e := triage.Event{
		ID:           fmt.Sprintf("live-%d-%d", at.UnixNano(), i),
		Conversation: openConversation((i * 7919) % largeDeskOpen),
		At:           at.UTC(),
		Role:         triage.RoleCustomer,
		Type:         triage.TypeMessage,
		Text:         "Still nothing. I have waited for hours and nobody answers!!",
	}
	if i%4 == 3 {
		e.Conversation = fmt.Sprintf("c-live-%d-%d", at.UnixNano(), i)
		e.Text = "Hello, my last bill looks too high, can someone check it?"
	}
	return e
}
