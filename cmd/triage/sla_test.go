package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// startDeskAt starts `triage serve` on the database in dir with its clock
// set to now through TRIAGE_TEST_NOW.
func startDeskAt(t *testing.T, dir string, now time.Time) *desk {
	t.Helper()
	d := &desk{t: t, dir: dir, db: filepath.Join(dir, "t.db"), socket: filepath.Join(dir, "t.sock")}
	d.stderr = &bytes.Buffer{}
	d.cmd = exec.Command(triageBin, "serve")
	d.cmd.Env = append(d.env(), "TRIAGE_TEST_NOW="+now.Format(time.RFC3339))
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	waitForDaemon(t, d)
	t.Cleanup(d.stop)
	return d
}

// ticketRecords returns the history of one ticket from the daemon.
func ticketRecords(t *testing.T, d *desk, id string) []*triage.Record {
	t.Helper()
	detail, err := d.client().Ticket(context.Background(), id)
	if err != nil {
		t.Fatalf("ticket %s: %v\n%s", id, err, d.stderr)
	}
	return detail.History
}

func countKind(records []*triage.Record, kind triage.RecordKind) int {
	n := 0
	for _, r := range records {
		if r.Kind == kind {
			n++
		}
	}
	return n
}

func TestScriptTimeoutFiresOnceAcrossRestarts(t *testing.T) {
	dir := shortTempDir(t)
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	d := startDeskAt(t, dir, start)
	event := triage.Event{Conversation: "c-1", At: start, Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "I can't log in"}
	if _, err := d.client().Ingest(context.Background(), []triage.Event{event}); err != nil {
		t.Fatal(err)
	}
	detail, err := d.client().Ticket(context.Background(), "T-1")
	if err != nil {
		t.Fatal(err)
	}
	st := detail.Ticket.ScriptState
	if st == nil || st.Step != "ask-sign-in-error" || st.TimeoutAt == nil {
		t.Fatalf("script state = %+v, want waiting in ask-sign-in-error with a timeout", st)
	}
	d.stop()

	// The step waits 10 minutes, then repeats its question and waits 10
	// more. Both deadlines pass while the daemon is stopped.
	d = startDeskAt(t, dir, start.Add(25*time.Minute))
	deadline := time.Now().Add(30 * time.Second)
	var records []*triage.Record
	for {
		records = ticketRecords(t, d, "T-1")
		if countKind(records, triage.KindResolved) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := countKind(records, triage.KindResolved); n != 1 {
		t.Fatalf("resolved records after the restart = %d, want 1\n%s", n, d.stderr)
	}
	var resolved *triage.Record
	for _, r := range records {
		if r.Kind == triage.KindResolved {
			resolved = r
		}
	}
	if !strings.Contains(resolved.Reason, "no reply after two reminders") || !resolved.At.Equal(start.Add(20*time.Minute)) {
		t.Errorf("resolved record at %s: %q, want the second deadline and the script's reason", resolved.At, resolved.Reason)
	}
	before := len(records)
	d.stop()

	d = startDeskAt(t, dir, start.Add(40*time.Minute))
	// The writer fires the timers due at start before it takes any
	// ingest, so once an ingest returns, the history is complete.
	other := triage.Event{Conversation: "c-2", At: start.Add(40 * time.Minute), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hello"}
	if _, err := d.client().Ingest(context.Background(), []triage.Event{other}); err != nil {
		t.Fatal(err)
	}
	records = ticketRecords(t, d, "T-1")
	if len(records) != before || countKind(records, triage.KindResolved) != 1 {
		t.Errorf("after a second restart: %d records, %d resolved; want %d and 1", len(records), countKind(records, triage.KindResolved), before)
	}
}
