package tui

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/triagedesk/triage/triage"
)

// TestMain pins the colour profile, so that golden files hold plain text
// on every machine, and the background, so that lipgloss never queries
// the terminal.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// waitLimit bounds every wait for the program's output. It is a guard
// against a hung test, not a measurement.
const waitLimit = 10 * time.Second

// startProgram runs the console on desk in a teatest program of the given
// size and waits until the queue shows want and the stream is live.
func startProgram(t *testing.T, desk *fakeDesk, width, height int, want string) *teatest.TestModel {
	t.Helper()
	clock := &testClock{now: baseTime}
	tm := teatest.NewTestModel(t, New(Options{Desk: desk, Agent: "alice", Now: clock.Now}),
		teatest.WithInitialTermSize(width, height))
	t.Cleanup(func() { _ = tm.Quit() })
	waitFor(t, tm, want, "● live")
	return tm
}

// waitFor waits until the program's output contains every string in want.
// The output is consumed as it is read, so each call matches only what the
// program wrote after the previous call.
func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	var seen bytes.Buffer
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen.Write(b)
		for _, w := range want {
			if !bytes.Contains(seen.Bytes(), []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(waitLimit), teatest.WithCheckInterval(10*time.Millisecond))
}

// waitSubscribed waits until the console calls desk.Subscribe once more.
func waitSubscribed(t *testing.T, desk *fakeDesk) {
	t.Helper()
	select {
	case <-desk.subscribed:
	case <-time.After(waitLimit):
		t.Fatalf("the console did not subscribe within %s", waitLimit)
	}
}

// finalView quits the program and returns the last screen it rendered.
func finalView(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(waitLimit)).View()
}

func TestQueueGolden(t *testing.T) {
	for _, size := range []struct {
		name          string
		width, height int
	}{
		{"80x24", 80, 24},
		{"120x40", 120, 40},
	} {
		t.Run(size.name, func(t *testing.T) {
			tm := startProgram(t, newFakeDesk(sampleTickets()...), size.width, size.height, "T-1005")
			golden.RequireEqual(t, []byte(finalView(t, tm)))
		})
	}
}

func TestNewEscalationAppearsWithoutKeyPress(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	tm := startProgram(t, desk, 80, 24, "T-1005")
	desk.push(ticketAt("T-2000", triage.StatusEscalated, triage.PriorityUrgent, 10*time.Second, 0.97, "WHERE IS MY REFUND"))
	waitFor(t, tm, "T-2000", "NEW")
	view := finalView(t, tm)
	if !strings.Contains(view, "NEW") {
		t.Errorf("final view has no NEW badge:\n%s", view)
	}
	golden.RequireEqual(t, []byte(view))
}

func TestTicketViewGolden(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	desk.details["T-1002"] = sampleDetail()
	tm := startProgram(t, desk, 80, 24, "T-1005")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Transcript", "History")
	golden.RequireEqual(t, []byte(finalView(t, tm)))
}

func TestResizeGolden(t *testing.T) {
	for _, size := range []struct {
		name          string
		width, height int
	}{
		{"60x16", 60, 16},
		{"30x6", 30, 6},
	} {
		t.Run(size.name, func(t *testing.T) {
			tm := startProgram(t, newFakeDesk(sampleTickets()...), 80, 24, "T-1005")
			tm.Send(tea.WindowSizeMsg{Width: size.width, Height: size.height})
			golden.RequireEqual(t, []byte(finalView(t, tm)))
		})
	}
}

func TestReconnectAfterStreamError(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	tm := startProgram(t, desk, 80, 24, "T-1005")
	waitSubscribed(t, desk)
	desk.failStream(errStreamClosed)
	waitFor(t, tm, "disconnected — retrying")
	waitSubscribed(t, desk)
	desk.push(ticketAt("T-2001", triage.StatusEscalated, triage.PriorityUrgent, 0, 0.9, "hello??"))
	waitFor(t, tm, "T-2001", "● live")
	finalView(t, tm)
	desk.mu.Lock()
	defer desk.mu.Unlock()
	if len(desk.subscribeCalls) != 2 || desk.subscribeCalls[1] != "0@epoch-1" {
		t.Errorf("Subscribe calls = %v, want a resubscription from 0@epoch-1", desk.subscribeCalls)
	}
}
