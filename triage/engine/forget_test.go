package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
)

// startLiveEngine runs an engine over a store.Live until the test ends.
func startLiveEngine(t *testing.T) (*Engine, *store.Live) {
	t.Helper()
	live, err := store.OpenLive(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go e.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-e.Done()
		live.Close()
	})
	return e, live
}

func TestForgetErasesOneCustomer(t *testing.T) {
	e, live := startLiveEngine(t)
	ctx := context.Background()
	const email, phrase = "Quentin.Marlow@example.org", "my parrot Archibald"
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	var events []triage.Event
	for c := range 20 {
		for i := range 5 {
			// Conversations start ten minutes apart, so that each keeps its
			// own ticket rather than joining the customer's previous one.
			ev := triage.Event{Conversation: fmt.Sprintf("c-%d", c), At: at.Add(time.Duration(c)*10*time.Minute + time.Duration(i)*time.Second),
				Role: triage.RoleCustomer, Type: triage.TypeMessage}
			if c%4 == 0 {
				ev.Customer = &triage.Customer{Name: "Quentin", Email: email}
				ev.Text = fmt.Sprintf("%s still cannot log in!!! speak to a manager, %d", phrase, i)
			} else {
				ev.Customer = &triage.Customer{Email: fmt.Sprintf("other%d@example.com", c)}
				ev.Text = fmt.Sprintf("where is my invoice %d", i)
			}
			events = append(events, ev)
		}
	}
	if _, err := e.Ingest(ctx, events); err != nil {
		t.Fatal(err)
	}

	sum, err := e.Forget(ctx, triage.CustomerMatch{Email: strings.ToLower(email)}, "auditor")
	if err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if sum.Conversations != 5 || sum.Events != 25 || sum.Tickets != 5 {
		t.Errorf("Forget removed %d conversations, %d events, %d tickets; want 5, 25, 5",
			sum.Conversations, sum.Events, sum.Tickets)
	}
	if sum.Records == 0 {
		t.Errorf("Forget erased no history records, want the records of 5 tickets")
	}
	if sum.SizeAfter == 0 {
		t.Errorf("Forget did not rewrite the file")
	}

	data, err := os.ReadFile(live.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{email, strings.ToLower(email), phrase, "Archibald"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the database file still contains %q", secret)
		}
	}
	if !bytes.Contains(data, []byte("other1@example.com")) {
		t.Errorf("the database file lost another customer's email")
	}

	err = live.View(func(tx triage.ReadTx) error {
		n := 0
		if err := tx.ConversationEvents("c-1", func(*triage.StoredEvent) error { n++; return nil }); err != nil {
			return err
		}
		if n != 5 {
			t.Errorf("conversation c-1 has %d events, want 5", n)
		}
		if c, err := tx.Conversation("c-0"); err != nil || c != nil {
			t.Errorf("conversation c-0 = %v, %v; want deleted", c, err)
		}
		escalations := 0
		err := tx.Records(time.Time{}, time.Time{}, func(rec *triage.Record) error {
			if rec.Conversation == "c-0" || rec.Conversation == "c-4" {
				t.Errorf("record %d still names conversation %s", rec.Seq, rec.Conversation)
			}
			if rec.Conversation == triage.ErasedText && rec.Kind == triage.KindEscalated {
				escalations++
				if !strings.HasPrefix(rec.Reason, "rule ") || strings.Contains(rec.Reason, "manager,") {
					t.Errorf("erased escalation reason = %q, want the rule name only", rec.Reason)
				}
			}
			return nil
		})
		if escalations != 5 {
			t.Errorf("%d erased escalation records remain, want 5 kept for the counts", escalations)
		}
		if err != nil {
			return err
		}
		entry, err := tx.Meta(triage.MetaErasurePrefix + sum.At.Format(time.RFC3339Nano))
		if err != nil {
			return err
		}
		if entry == nil {
			t.Errorf("no erasure entry in the meta settings")
		}
		if bytes.Contains(entry, []byte("example.org")) {
			t.Errorf("the erasure entry names the customer: %s", entry)
		}
		if !bytes.Contains(entry, []byte("auditor")) {
			t.Errorf("the erasure entry does not name who asked: %s", entry)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Check(); err != nil {
		t.Errorf("Check after Forget: %v", err)
	}

	// The desk goes on taking events after the rewrite.
	res, err := e.Ingest(ctx, []triage.Event{{Conversation: "c-new", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hi"}})
	if err != nil || res[0].Status != StatusAccepted {
		t.Errorf("ingest after Forget = %v, %v; want accepted", res, err)
	}
}

func TestForgetByHashAndHandle(t *testing.T) {
	e, live := startLiveEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	var secret []byte
	err := live.Update(func(tx triage.Tx) error {
		var err error
		secret, err = triage.EnsureCustomerSecret(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	events := []triage.Event{
		{Conversation: "c-email", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "one",
			Customer: &triage.Customer{Email: "ivy@example.com"}},
		{Conversation: "c-handle", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "two",
			Customer: &triage.Customer{Handle: "ivy_h"}},
		{Conversation: "c-keep", At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "three",
			Customer: &triage.Customer{Handle: "someone"}},
	}
	if _, err := e.Ingest(ctx, events); err != nil {
		t.Fatal(err)
	}
	hash := triage.HashIdentifier(secret, "email", "IVY@example.com ")
	sum, err := e.Forget(ctx, triage.CustomerMatch{Hash: hash}, "auditor")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Conversations != 1 {
		t.Errorf("Forget by hash removed %d conversations, want 1", sum.Conversations)
	}
	sum, err = e.Forget(ctx, triage.CustomerMatch{Handle: "ivy_h"}, "auditor")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Conversations != 1 {
		t.Errorf("Forget by handle removed %d conversations, want 1", sum.Conversations)
	}
	err = live.View(func(tx triage.ReadTx) error {
		c, err := tx.Conversation("c-keep")
		if err == nil && c == nil {
			t.Errorf("conversation c-keep was removed")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Forget(ctx, triage.CustomerMatch{}, "auditor"); err == nil {
		t.Errorf("Forget with no customer succeeded, want an error")
	}
}

func TestProbeAfterStop(t *testing.T) {
	e, _ := startLiveEngine(t)
	if _, err := e.Probe(context.Background()); err != nil {
		t.Fatalf("Probe on a running engine: %v", err)
	}
	live, err := store.OpenLive(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stopped, err := New(live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go stopped.Run(ctx)
	cancel()
	<-stopped.Done()
	live.Close()
	if _, err := stopped.Probe(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("Probe on a stopped engine = %v, want ErrStopped", err)
	}
}

func TestForgetWhileIngesting(t *testing.T) {
	e, live := startLiveEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	target := &triage.Customer{Email: "gone@example.com"}
	var seed []triage.Event
	for i := range 200 {
		// The customer's conversations start two minutes apart, so that
		// each keeps its own ticket.
		seed = append(seed, triage.Event{Conversation: fmt.Sprintf("gone-%d", i%10), At: at.Add(time.Duration(i%10)*2*time.Minute + time.Duration(i/10)*time.Second),
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "erase me", Customer: target})
	}
	if _, err := e.Ingest(ctx, seed); err != nil {
		t.Fatal(err)
	}

	// Writers keep ingesting other conversations while the erasure and
	// its rewrite run. Every event acknowledged as accepted must survive.
	stop := make(chan struct{})
	accepted := make(chan int, 4)
	for w := range 4 {
		go func() {
			n := 0
			defer func() { accepted <- n }()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ev := triage.Event{ID: fmt.Sprintf("w%d-%d", w, i), Conversation: fmt.Sprintf("keep-%d", w),
					At: at.Add(time.Duration(i) * time.Millisecond), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "still here"}
				res, err := e.Ingest(ctx, []triage.Event{ev})
				if err != nil {
					t.Errorf("ingest during forget: %v", err)
					return
				}
				if res[0].Status == StatusAccepted {
					n++
				}
			}
		}()
	}
	sum, err := e.Forget(ctx, triage.CustomerMatch{Email: "gone@example.com"}, "auditor")
	close(stop)
	total := 0
	for range 4 {
		total += <-accepted
	}
	if err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if sum.Events != 200 || sum.Conversations != 10 {
		t.Errorf("Forget removed %d events in %d conversations, want 200 in 10", sum.Events, sum.Conversations)
	}
	stored := 0
	err = live.View(func(tx triage.ReadTx) error {
		for w := range 4 {
			if err := tx.ConversationEvents(fmt.Sprintf("keep-%d", w), func(*triage.StoredEvent) error {
				stored++
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored != total {
		t.Errorf("%d events stored after the rewrite, %d were acknowledged", stored, total)
	}
}
