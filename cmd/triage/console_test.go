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

// startConsoleOn runs the console on a fresh daemon with the furious
// conversation already escalated, and returns the program and the client.
func startConsoleOn(t *testing.T, width, height int) (*teatest.TestModel, *client.Client) {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	dir := shortTempDir(t)
	d, err := daemon.Start(daemon.Config{Database: filepath.Join(dir, "t.db"), Socket: filepath.Join(dir, "t.sock")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop() })
	c := client.New(d.Socket())
	if _, err := c.Ingest(context.Background(), readTranscript(t, furiousTranscript)); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	model := tui.New(tui.Options{Desk: consoleDesk{c}, Agent: "alice", Now: func() time.Time { return now }, NoColor: true})
	tm := teatest.NewTestModel(t, model, teatest.WithInitialTermSize(width, height))
	waitScreen(t, tm, "T-1", "● live")
	return tm, c
}

// TestConsoleReviewMarkStored marks an escalation through a real daemon
// and reads the review back with the client.
func TestConsoleReviewMarkStored(t *testing.T) {
	tm, c := startConsoleOn(t, 80, 24)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitScreen(t, tm, "Transcript", "not reviewed")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	tm.Type("quiet customer")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitScreen(t, tm, "reviewed: not warranted")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.FinalModel(t, teatest.WithFinalTimeout(consoleWait))

	var reviews []*triage.Review
	err := c.History(context.Background(), client.HistoryQuery{Ticket: "T-1", Kind: string(triage.KindEscalated)}, func(e *triage.HistoryEntry) error {
		if e.Review != nil {
			reviews = append(reviews, e.Review)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reviews) != 1 {
		t.Fatalf("got %d reviews of T-1, want 1", len(reviews))
	}
	if reviews[0].Verdict != triage.VerdictUnwarranted {
		t.Errorf("verdict = %q, want unwarranted", reviews[0].Verdict)
	}
	if reviews[0].Note != "quiet customer" {
		t.Errorf("note = %q, want \"quiet customer\" (q typed into the note must not quit)", reviews[0].Note)
	}
}

// TestConsoleHistoryGolden opens the history view on a real daemon's
// records.
func TestConsoleHistoryGolden(t *testing.T) {
	tm, _ := startConsoleOn(t, 80, 24)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("h")})
	waitScreen(t, tm, "Escalations 1 ·", "Outcomes resolved 0 · closed 0 · open 1")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(consoleWait))
	golden.RequireEqual(t, []byte(final.View()))
}
