package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
)

// crashEvents returns n events over 40 conversations with fixed ids, so
// that sending them again is harmless.
func crashEvents(n int) []triage.Event {
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	events := make([]triage.Event, n)
	for i := range events {
		role, text := triage.RoleCustomer, fmt.Sprintf("still not working, attempt %d", i)
		if i%3 == 1 {
			role, text = triage.RoleAgent, "Sorry, checking now."
		}
		events[i] = triage.Event{
			ID:           fmt.Sprintf("e-%05d", i),
			Conversation: fmt.Sprintf("c-%02d", i%40),
			At:           base.Add(time.Duration(i) * time.Second),
			Role:         role,
			Type:         triage.TypeMessage,
			Text:         text,
		}
	}
	return events
}

// TestCrashesKeepAcknowledgedEvents kills the daemon with SIGKILL in the
// middle of a large ingest ten times, each time after a different number
// of acknowledged requests, and checks after each crash that the file is
// consistent and, at the end, that every acknowledged event is stored
// exactly once and that resuming the ingest adds each event once.
func TestCrashesKeepAcknowledgedEvents(t *testing.T) {
	d := startDesk(t)
	events := crashEvents(3000)
	const perRequest = 50
	acked := make(map[string]bool)
	next := 0
	for round := range 10 {
		// Ingest from where the last round was acknowledged, from two
		// clients at once, and kill the daemon while requests are in flight.
		killAfter := 3 + round*2
		var mu sync.Mutex
		var wg sync.WaitGroup
		requests := make(chan []triage.Event)
		done := 0
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for part := range requests {
					res, err := d.client().Ingest(context.Background(), part)
					if err != nil {
						continue // the daemon died under this request: not acknowledged
					}
					mu.Lock()
					for i, r := range res {
						if r.Status == "accepted" || r.Status == "duplicate" {
							acked[part[i].ID] = true
						}
					}
					done++
					mu.Unlock()
				}
			}()
		}
		killed := false
		for start := next; start < len(events); start += perRequest {
			mu.Lock()
			n := done
			mu.Unlock()
			if n >= killAfter && !killed {
				d.kill()
				killed = true
				break
			}
			requests <- events[start:min(start+perRequest, len(events))]
			next = start + perRequest
		}
		close(requests)
		wg.Wait()
		if !killed {
			d.kill()
		}
		checkFile(t, d.db, round)
		d.start()
	}

	// Resume: send everything again; only the events never acknowledged
	// are new.
	for start := 0; start < len(events); start += 1000 {
		if _, err := d.client().Ingest(context.Background(), events[start:min(start+1000, len(events))]); err != nil {
			t.Fatal(err)
		}
	}
	d.stop()
	db, err := store.Open(d.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seen := make(map[string]int)
	err = db.View(func(tx triage.ReadTx) error {
		for c := range 40 {
			if err := tx.ConversationEvents(fmt.Sprintf("c-%02d", c), func(e *triage.StoredEvent) error {
				seen[e.ID]++
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
	for id := range acked {
		if seen[id] != 1 {
			t.Errorf("acknowledged event %s stored %d times, want once", id, seen[id])
		}
	}
	for _, e := range events {
		if seen[e.ID] != 1 {
			t.Errorf("after resuming, event %s stored %d times, want once", e.ID, seen[e.ID])
		}
	}
	if len(seen) != len(events) {
		t.Errorf("%d distinct events stored, want %d", len(seen), len(events))
	}
	t.Logf("%d events acknowledged across 10 crashes", len(acked))
	if err := db.Check(); err != nil {
		t.Errorf("consistency check after the last crash: %v", err)
	}
}

// checkFile opens the database of a killed daemon and runs bbolt's
// consistency check.
func checkFile(t *testing.T, path string, round int) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("round %d: open after crash: %v", round, err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("round %d: consistency check after crash: %v", round, err)
	}
}

// TestFullDiskLeavesNoPartialWrite runs the daemon with a file size limit
// (RLIMIT_FSIZE, as a full disk would act) and checks that a batch that
// does not fit fails with a clear error, stores nothing, and leaves the
// daemon answering.
func TestFullDiskLeavesNoPartialWrite(t *testing.T) {
	dir := shortTempDir(t)
	d := &desk{t: t, dir: dir, db: filepath.Join(dir, "t.db"), socket: filepath.Join(dir, "t.sock")}
	d.stderr = &bytes.Buffer{}
	// The limit is in 1024-byte blocks: the empty database fits, a batch
	// of a thousand events does not.
	d.cmd = exec.Command("bash", "-c", `ulimit -f 200 && exec "$0" serve`, triageBin)
	d.cmd.Env = d.env()
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	t.Cleanup(d.stop)
	waitForDaemon(t, d)

	_, err := d.client().Ingest(context.Background(), crashEvents(1000))
	if err == nil || !strings.Contains(err.Error(), "file too large") {
		t.Fatalf("ingest past the size limit: %v, want an error naming the cause", err)
	}
	if _, err := d.client().Info(context.Background()); err != nil {
		t.Fatalf("daemon stopped answering after a failed commit: %v", err)
	}
	tickets, err := d.client().Queue(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(tickets) != 0 {
		t.Errorf("%d tickets stored from a failed commit, want none", len(tickets))
	}
	// A small batch that fits still goes through.
	if _, err := d.client().Ingest(context.Background(), crashEvents(3)); err != nil {
		t.Errorf("small ingest after the failure: %v", err)
	}
}

// TestIngestCrashAdvisesResend kills the daemon while `triage
// ingest` is sending a large file. The command must fail with the counts
// so far and advise that sending the same input again is safe.
func TestIngestCrashAdvisesResend(t *testing.T) {
	d := startDesk(t)
	var input bytes.Buffer
	for _, ev := range crashEvents(60000) {
		line, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		input.Write(append(line, '\n'))
	}
	path := filepath.Join(d.dir, "big.jsonl")
	if err := os.WriteFile(path, input.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ingest := exec.Command(triageBin, "ingest", path)
	ingest.Env = d.env()
	var stderr bytes.Buffer
	ingest.Stderr = &stderr
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- ingest.Wait() }()

	// Kill the daemon once the first events are stored.
	for deadline := time.Now().Add(30 * time.Second); ; {
		tickets, err := d.client().Queue(context.Background(), true)
		if err == nil && len(tickets) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ticket within 30s of starting the ingest:\n%s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	d.kill()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("ingest still running 30s after the daemon was killed")
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("ingest cut off by a crash: %v, want a failure\n%s", err, stderr.String())
	}
	for _, want := range []string{"accepted", "run the same ingest again", "skipped as duplicates"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("ingest's error does not say %q:\n%s", want, stderr.String())
		}
	}
}
