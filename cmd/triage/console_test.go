package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/triagedesk/triage/cmd/triage/internal/daemon"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/ingest"
	"github.com/triagedesk/triage/tui"
)

// consoleWait bounds every wait for the console; it only guards against
// hangs and never measures speed.
const consoleWait = 20 * time.Second

// readTranscript parses a transcript the way `triage ingest` does.
func readTranscript(t *testing.T, text string) []triage.Event {
	t.Helper()
	r, err := ingest.NewReader(strings.NewReader(text), ingest.Options{Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var events []triage.Event
	for {
		item, err := r.Next()
		if err != nil {
			break
		}
		if item.Err != nil {
			t.Fatal(item.Err)
		}
		events = append(events, *item.Event)
	}
	return events
}

// TestConsoleLiveEscalationGolden runs the console against a real daemon
// on a real socket: a furious conversation ingested while the console is
// open appears in the queue with no key press, marked new, and the ticket
// view shows its transcript and reasons.
func TestConsoleLiveEscalationGolden(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	dir := shortTempDir(t)
	d, err := daemon.Start(daemon.Config{Database: filepath.Join(dir, "t.db"), Socket: filepath.Join(dir, "t.sock")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop() })
	c := client.New(d.Socket())

	// The clock is pinned a little after the conversation, so wait times
	// in the golden file do not depend on when the test runs.
	now := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	model := tui.New(tui.Options{Desk: consoleDesk{c}, Agent: "alice", Now: func() time.Time { return now }, NoColor: true})
	tm := teatest.NewTestModel(t, model, teatest.WithInitialTermSize(80, 24))
	waitScreen(t, tm, "No escalated tickets")

	if _, err := c.Ingest(context.Background(), readTranscript(t, furiousTranscript)); err != nil {
		t.Fatal(err)
	}
	waitScreen(t, tm, "T-1", "NEW")

	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitScreen(t, tm, "Transcript", "STILL NOT WORKING", "not reviewed")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(consoleWait))
	golden.RequireEqual(t, []byte(final.View()))
}

// waitScreen waits until the console's output holds every string in want.
func waitScreen(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	var seen []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen = append(seen, b...)
		for _, w := range want {
			if !bytes.Contains(seen, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(consoleWait), teatest.WithCheckInterval(20*time.Millisecond))
}
