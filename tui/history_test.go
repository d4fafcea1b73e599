package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/triagedesk/triage/triage"
)

// run runs cmd and every command it leads to, feeding each message to
// Update. Batches are taken apart; depth bounds chains of commands.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	h.runDepth(cmd, 0)
}

func (h *harness) runDepth(cmd tea.Cmd, depth int) {
	if cmd == nil || depth > 50 {
		return
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			h.runDepth(c, depth+1)
		}
		return
	}
	if msg == nil {
		return
	}
	h.runDepth(h.send(msg), depth+1)
}

func newHistoryHarness(t *testing.T, width, height int) (*harness, *fullDesk) {
	t.Helper()
	desk := newFullDesk(sampleTickets()...)
	desk.history = sampleHistory()
	desk.reviews = append(desk.reviews, &triage.Review{Seq: 1, Record: 6, Ticket: "T-1002", Agent: "bob", Verdict: triage.VerdictWarranted})
	h := newHarnessFor(t, desk, desk.fakeDesk, width, height)
	h.run(h.key("h"))
	return h, desk
}

func TestHistoryViewTotals(t *testing.T) {
	h, _ := newHistoryHarness(t, 80, 24)
	view := h.view()
	for _, want := range []string{
		"triage · History",
		"last 7 days (t) · all queues (Q) · all kinds (K) · 26 records",
		"Escalations 7 · rate 88% of 8 tickets opened · SLA breaches 1",
		"Time to claim median 4m · p90 2h00m · 6 claims",
		"Outcomes resolved 3 · closed 1 · open 3 · reviewed 1, 1 warranted",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("history view lacks %q:\n%s", want, view)
		}
	}
}

func TestHistoryTableNewestFirst(t *testing.T) {
	h, _ := newHistoryHarness(t, 80, 24)
	lines := strings.Split(h.view(), "\n")
	if !strings.HasPrefix(lines[5], "TIME") {
		t.Fatalf("line 5 = %q, want the table header", lines[5])
	}
	if !strings.Contains(lines[6], "T-1008") || !strings.Contains(lines[6], "opened") {
		t.Errorf("first row = %q, want the newest record, T-1008 opened", lines[6])
	}
	if !strings.Contains(h.view(), "asks-for-human") {
		t.Errorf("table lacks the rule name asks-for-human:\n%s", h.view())
	}
}

func TestHistoryFiltersQueryDaemon(t *testing.T) {
	h, desk := newHistoryHarness(t, 80, 24)
	first := desk.historyCalls[0]
	if !first.Until.Equal(baseTime) || !first.Since.Equal(baseTime.Add(-7*24*time.Hour)) {
		t.Errorf("first query covers %s to %s, want the 7 days up to %s", first.Since, first.Until, baseTime)
	}
	h.run(h.key("t"))
	last := desk.historyCalls[len(desk.historyCalls)-1]
	if !last.Since.Equal(baseTime.Add(-30 * 24 * time.Hour)) {
		t.Errorf("after t the query starts at %s, want 30 days back", last.Since)
	}
	h.run(h.key("t"))
	last = desk.historyCalls[len(desk.historyCalls)-1]
	if !last.Since.Equal(baseTime.Add(-24 * time.Hour)) {
		t.Errorf("after t t the query starts at %s, want 24 hours back", last.Since)
	}
	if !strings.Contains(h.view(), "Escalations 1 ·") {
		t.Errorf("24-hour totals do not count the one escalation:\n%s", h.view())
	}
	h.run(h.key("Q"))
	last = desk.historyCalls[len(desk.historyCalls)-1]
	if last.Queue != triage.QueueSenior {
		t.Errorf("after Q the query's queue is %q, want senior", last.Queue)
	}
}

func TestHistoryKindFilterKeepsTotals(t *testing.T) {
	h, desk := newHistoryHarness(t, 80, 24)
	calls := len(desk.historyCalls)
	h.run(h.key("K"))
	view := h.view()
	if !strings.Contains(view, "escalated (K) · 7 records") {
		t.Errorf("kind filter does not show 7 escalations:\n%s", view)
	}
	if strings.Contains(view, " claimed ") {
		t.Errorf("kind filter escalated still lists claims:\n%s", view)
	}
	if !strings.Contains(view, "Time to claim median 4m") {
		t.Errorf("kind filter changed the totals:\n%s", view)
	}
	if len(desk.historyCalls) != calls {
		t.Errorf("kind filter queried the daemon again")
	}
}

func TestHistoryEnterOpensTicketAndEscReturns(t *testing.T) {
	h, desk := newHistoryHarness(t, 80, 24)
	desk.tickets["T-1007"] = ticketAt("T-1007", triage.StatusClaimed, triage.PriorityHigh, 3*time.Hour, 0.86, "get me a manager")
	desk.details["T-1007"] = sampleDetail()
	h.key("K") // escalations only; the newest is T-1007
	h.run(h.key("enter"))
	if h.m.view != viewTicket || h.m.detailID != "T-1007" {
		t.Fatalf("enter opened view %s on %q, want the ticket view on T-1007", h.m.view, h.m.detailID)
	}
	if !strings.Contains(h.view(), "Transcript") {
		t.Errorf("ticket view lacks the transcript:\n%s", h.view())
	}
	h.key("w")
	h.run(h.key("enter"))
	calls := len(desk.historyCalls)
	h.run(h.key("esc"))
	if h.m.view != viewHistory {
		t.Errorf("esc from a ticket opened in history returned to %s", h.m.view)
	}
	if len(desk.historyCalls) != calls+1 {
		t.Errorf("returning after a review mark made %d history queries, want 1", len(desk.historyCalls)-calls)
	}
	if !strings.Contains(h.view(), "[warranted] susta") {
		t.Errorf("history table does not show the new review:\n%s", h.view())
	}
	h.key("esc")
	if h.m.view != viewQueue {
		t.Errorf("esc from history returned to %s", h.m.view)
	}
}

func TestHistoryHiddenWithoutHistoryDesk(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	if cmd := h.key("h"); cmd != nil || h.m.view != viewQueue {
		t.Errorf("h acted on a desk without history: view %s", h.m.view)
	}
	if strings.Contains(h.view(), "history") {
		t.Errorf("help offers history on a desk without it:\n%s", h.view())
	}
}

func TestHistoryChartsPane(t *testing.T) {
	h, _ := newHistoryHarness(t, 80, 24)
	h.key("tab")
	view := h.view()
	for _, want := range []string{"Escalations per day · 7, at most 2 in one day", "Time to claim", "Top reasons", "sustained-frustrat", "<1m"} {
		if !strings.Contains(view, want) {
			t.Errorf("charts pane lacks %q:\n%s", want, view)
		}
	}
}

func TestHistoryGolden(t *testing.T) {
	for _, size := range []struct {
		name          string
		width, height int
		charts        bool
	}{
		{"80x24", 80, 24, false},
		{"80x24charts", 80, 24, true},
		{"200x50", 200, 50, false},
	} {
		t.Run(size.name, func(t *testing.T) {
			h, _ := newHistoryHarness(t, size.width, size.height)
			if size.charts {
				h.key("tab")
			}
			golden.RequireEqual(t, []byte(h.view()))
		})
	}
}

func TestColumnChartLevels(t *testing.T) {
	got := columnChart([]int{0, 1, 2, 4}, 2, 1, false)
	if len(got) != 2 {
		t.Fatalf("columnChart gave %d rows, want 2", len(got))
	}
	if got[0] != "   █" || got[1] != " ▄██" {
		t.Errorf("columnChart = %q, want [\"   █\" \" ▄██\"]", got)
	}
}

func TestHbarEighths(t *testing.T) {
	cases := []struct {
		value, top, width int
		want              string
	}{
		{0, 4, 4, "    "},
		{4, 4, 4, "████"},
		{2, 4, 4, "██  "},
		{1, 64, 4, "▏   "},
		{3, 8, 2, "▊ "},
	}
	for _, c := range cases {
		if got := hbar(c.value, c.top, c.width); got != c.want {
			t.Errorf("hbar(%d, %d, %d) = %q, want %q", c.value, c.top, c.width, got, c.want)
		}
	}
}

func TestHistoryWheelMovesRecords(t *testing.T) {
	h, _ := newHistoryHarness(t, 80, 24)
	queueCursor := h.m.cursor
	h.send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if h.m.history.cursor != 1 {
		t.Errorf("history cursor after wheel down = %d, want 1", h.m.history.cursor)
	}
	if h.m.cursor != queueCursor {
		t.Errorf("wheel in the history view moved the hidden queue cursor to %d", h.m.cursor)
	}
}

func TestNewViewsFitEveryTerminalSize(t *testing.T) {
	for _, size := range [][2]int{{40, 8}, {64, 16}, {80, 24}, {120, 40}, {150, 30}, {200, 50}} {
		width, height := size[0], size[1]
		desk := newScriptsDesk()
		desk.history = sampleHistory()
		h := newHarnessFor(t, desk, desk.fakeDesk, width, height)
		checks := []struct {
			name string
			keys []string
		}{
			{"history", []string{"h"}},
			{"charts", []string{"tab"}},
			{"scripts", []string{"esc", "s"}},
			{"document", []string{"j", "enter"}},
			{"versions", []string{"v"}},
		}
		for _, c := range checks {
			for _, k := range c.keys {
				h.run(h.key(k))
			}
			lines := strings.Split(h.view(), "\n")
			if len(lines) != height {
				t.Errorf("%dx%d %s view has %d lines", width, height, c.name, len(lines))
			}
			for i, line := range lines {
				if w := lipgloss.Width(line); w > width {
					t.Errorf("%dx%d %s view line %d is %d cells wide: %q", width, height, c.name, i, w, line)
				}
			}
		}
	}
}
