package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/triagedesk/triage/triage"
)

// harness drives a Model by hand: messages go straight to Update, and only
// commands that cannot block are run.
type harness struct {
	t      testing.TB
	m      *Model
	desk   *fakeDesk
	clock  *testClock
	stream *fakeStream
}

// newHarness starts a console on desk at the given size, with the queue
// snapshot loaded and the stream subscribed.
func newHarness(t testing.TB, desk *fakeDesk, width, height int) *harness {
	t.Helper()
	return newHarnessFor(t, desk, desk, width, height)
}

// newHarnessFor is newHarness on a desk that wraps fake.
func newHarnessFor(t testing.TB, desk Desk, fake *fakeDesk, width, height int) *harness {
	t.Helper()
	clock := &testClock{now: baseTime}
	m := newModel(context.Background(), Options{Desk: desk, Agent: "alice", Now: clock.Now})
	h := &harness{t: t, m: m, desk: fake, clock: clock}
	m.Init()
	h.send(tea.WindowSizeMsg{Width: width, Height: height})
	tickets, err := fake.Queue(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	h.send(queueLoadedMsg{request: m.queueRequest, tickets: tickets})
	h.stream = &fakeStream{updates: make(chan triage.Update, 8), errs: make(chan error, 1), closed: make(chan struct{})}
	h.send(subscribedMsg{generation: m.generation, stream: h.stream})
	return h
}

func (h *harness) send(msg tea.Msg) tea.Cmd {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	return cmd
}

func (h *harness) key(s string) tea.Cmd {
	h.t.Helper()
	var msg tea.KeyMsg
	switch s {
	case "enter":
		msg = tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		msg = tea.KeyMsg{Type: tea.KeyEsc}
	case "down":
		msg = tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		msg = tea.KeyMsg{Type: tea.KeyPgDown}
	case "tab":
		msg = tea.KeyMsg{Type: tea.KeyTab}
	default:
		msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
	}
	return h.send(msg)
}

// update sends one stream update with the next sequence number.
func (h *harness) update(t *triage.Ticket) tea.Cmd {
	h.t.Helper()
	h.m.seq++
	return h.send(updateMsg{generation: h.m.generation, update: triage.Update{Seq: h.m.seq, Epoch: "epoch-1", Ticket: t}})
}

// ids returns the listed ticket ids in order.
func (h *harness) ids() []string {
	var out []string
	for _, t := range h.m.queue.tickets {
		out = append(out, t.ID)
	}
	return out
}

func (h *harness) view() string { return h.m.View() }

// row returns the rendered line that shows ticket id.
func (h *harness) row(id string) string {
	h.t.Helper()
	for _, line := range strings.Split(h.view(), "\n") {
		if strings.Contains(line, id) {
			return line
		}
	}
	h.t.Fatalf("no line shows %s in:\n%s", id, h.view())
	return ""
}

func TestQueueSortedInQueueOrder(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	h.m.epoch = "epoch-1"
	got := strings.Join(h.ids(), " ")
	want := "T-1002 T-1006 T-1003 T-1001 T-1005"
	if got != want {
		t.Fatalf("queue order = %s, want %s", got, want)
	}
}

func TestQueueHidesOpenTicketsUntilToggled(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	h := newHarness(t, desk, 80, 24)
	if strings.Contains(h.view(), "T-1004") {
		t.Fatalf("open ticket T-1004 shown in the escalated view:\n%s", h.view())
	}
	cmd := h.key("a")
	if cmd == nil {
		t.Fatal("a returned no command to reload the queue")
	}
	h.send(cmd())
	if len(desk.queueCalls) != 2 || !desk.queueCalls[1] {
		t.Fatalf("Queue calls = %v, want a second call with all set", desk.queueCalls)
	}
	if !strings.Contains(h.view(), "T-1004") {
		t.Errorf("open ticket T-1004 missing after a:\n%s", h.view())
	}
	if !strings.Contains(h.view(), "All active tickets") {
		t.Errorf("title does not say all active tickets:\n%s", h.view())
	}
}

func TestQueueHeaderCounts(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 120, 24)
	lines := strings.Split(h.view(), "\n")
	want := "5 tickets │ senior 5 │ urgent 1 · high 3 · normal 1 · low 0"
	if strings.TrimSpace(lines[1]) != want {
		t.Errorf("counts line = %q, want %q", strings.TrimSpace(lines[1]), want)
	}
}

func TestQueueHeaderCountsOneTicket(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()[0]), 80, 24)
	lines := strings.Split(h.view(), "\n")
	if !strings.HasPrefix(lines[1], "1 ticket │") {
		t.Errorf("counts line = %q, want it to start with \"1 ticket │\"", lines[1])
	}
}

func TestQueueColumnTitlesNotCut(t *testing.T) {
	// Short ids and no claimer must not cut the column titles.
	short := ticketAt("T-1", triage.StatusEscalated, triage.PriorityHigh, time.Minute, 0.9, "help")
	for _, width := range []int{80, 120} {
		h := newHarness(t, newFakeDesk(short), width, 24)
		header := strings.Split(h.view(), "\n")[2]
		for _, title := range []string{"TICKET", "REASON", "CLAIMED", "TREND", "LAST MESSAGE"} {
			if !strings.Contains(header, title) {
				t.Errorf("%d columns: header %q lacks %s", width, header, title)
			}
		}
		if strings.Contains(header, "…") {
			t.Errorf("%d columns: header %q is cut", width, header)
		}
	}
}

func TestQueueRowShowsRuleName(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	row := h.row("T-1002")
	if !strings.Contains(row, "asks-for-human") {
		t.Errorf("row %q lacks the rule name asks-for-human", row)
	}
	if strings.Contains(row, "rule ") {
		t.Errorf("row %q shows the reason's \"rule\" prefix", row)
	}
}

func TestQueueLongWaitFits(t *testing.T) {
	old := ticketAt("T-1", triage.StatusEscalated, triage.PriorityHigh, 333*24*time.Hour+5*time.Hour, 0.9, "hello?")
	h := newHarness(t, newFakeDesk(old), 80, 24)
	row := h.row("T-1")
	if !strings.Contains(row, " 333d ") {
		t.Errorf("row %q lacks the whole wait 333d", row)
	}
}

func TestQueueRowColumns(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 120, 24)
	row := h.row("T-1005")
	for _, want := range []string{"normal", "3h05m", "0.55", "ok, trying that now", "you"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	if !strings.Contains(h.row("T-1003"), "bob") {
		t.Errorf("row %q does not name the claimer bob", h.row("T-1003"))
	}
	if !strings.Contains(h.row("T-1006"), "1d02h") {
		t.Errorf("row %q lacks the wait 1d02h", h.row("T-1006"))
	}
	if !strings.Contains(h.row("T-1002"), sparkline([]float64{0.1, 0.2, 0.35, 0.5, 0.62, 0.7, 0.93}, 12)) {
		t.Errorf("row %q lacks the trend sparkline", h.row("T-1002"))
	}
}

func TestStreamedEscalationMarkedNew(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	cmd := h.update(ticketAt("T-2000", triage.StatusEscalated, triage.PriorityUrgent, 10*time.Second, 0.9, "manager now"))
	if cmd == nil {
		t.Fatal("an update returned no command to read the next one")
	}
	if !strings.Contains(h.row("T-2000"), "NEW") {
		t.Errorf("new escalation row %q has no NEW badge", h.row("T-2000"))
	}
	if strings.Contains(h.row("T-1001"), "NEW") {
		t.Errorf("row from the snapshot %q has a NEW badge", h.row("T-1001"))
	}
	if h.m.selectedID != "T-1002" {
		t.Errorf("selection moved to %s, want it to stay on T-1002", h.m.selectedID)
	}
}

func TestNewBadgeClearedBySelecting(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	// Waited longest among urgent tickets, so it sorts second.
	h.update(ticketAt("T-2000", triage.StatusEscalated, triage.PriorityUrgent, 10*time.Second, 0.9, "manager now"))
	if got := strings.Join(h.ids()[:2], " "); got != "T-1002 T-2000" {
		t.Fatalf("first rows = %s, want T-1002 T-2000", got)
	}
	h.key("j")
	if h.m.selectedID != "T-2000" {
		t.Fatalf("selected %s after j, want T-2000", h.m.selectedID)
	}
	if strings.Contains(h.row("T-2000"), "NEW") {
		t.Errorf("row %q keeps its NEW badge after the cursor moved onto it", h.row("T-2000"))
	}
}

func TestNewBadgeExpiresOnInjectedClock(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	h.update(ticketAt("T-2000", triage.StatusEscalated, triage.PriorityLow, 10*time.Second, 0.9, "manager now"))
	h.clock.Advance(newBadgeTTL - time.Second)
	h.send(tickMsg{})
	if !strings.Contains(h.row("T-2000"), "NEW") {
		t.Fatalf("NEW badge gone before %s passed: %q", newBadgeTTL, h.row("T-2000"))
	}
	h.clock.Advance(time.Second)
	h.send(tickMsg{})
	if strings.Contains(h.row("T-2000"), "NEW") {
		t.Errorf("NEW badge still shown after %s: %q", newBadgeTTL, h.row("T-2000"))
	}
}

func TestUpdateRemovesResolvedTicket(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	h.key("j") // T-1006
	resolved := ticketAt("T-1006", triage.StatusResolved, triage.PriorityHigh, time.Minute, 0.2, "thanks")
	resolved.Version = 2
	h.update(resolved)
	if strings.Contains(h.view(), "T-1006") {
		t.Fatalf("resolved T-1006 still listed:\n%s", h.view())
	}
	if h.m.selectedID != "T-1003" {
		t.Errorf("selected %s after the selected ticket left, want the next one T-1003", h.m.selectedID)
	}
}

func TestUpdateIgnoresOlderVersion(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	newer := ticketAt("T-1001", triage.StatusEscalated, triage.PriorityHigh, 4*time.Minute, 0.9, "newer text")
	newer.Version = 3
	h.update(newer)
	older := ticketAt("T-1001", triage.StatusEscalated, triage.PriorityHigh, 4*time.Minute, 0.9, "older text")
	older.Version = 2
	h.update(older)
	if got := h.m.queue.byID["T-1001"].LastCustomerMessage; got != "newer text" {
		t.Errorf("last message = %q after an older version arrived, want %q", got, "newer text")
	}
}

func TestResetReloadsSnapshot(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	h := newHarness(t, desk, 80, 24)
	request := h.m.queueRequest
	h.send(updateMsg{generation: h.m.generation, update: triage.Update{Seq: 40, Epoch: "epoch-2", Reset: true}})
	if !h.m.loading || h.m.queueRequest != request+1 {
		t.Fatalf("after Reset loading=%v request=%d, want a new request %d", h.m.loading, h.m.queueRequest, request+1)
	}
	if h.m.seq != 40 || h.m.epoch != "epoch-2" {
		t.Errorf("position = %d@%s, want 40@epoch-2", h.m.seq, h.m.epoch)
	}
	// An update that arrives while the snapshot loads is applied on top.
	h.send(updateMsg{generation: h.m.generation, update: triage.Update{Seq: 41, Epoch: "epoch-2",
		Ticket: ticketAt("T-3000", triage.StatusEscalated, triage.PriorityNormal, 0, 0.8, "hello?")}})
	snapshot := []*triage.Ticket{ticketAt("T-1001", triage.StatusEscalated, triage.PriorityHigh, 4*time.Minute, 0.86, "x")}
	h.send(queueLoadedMsg{request: request, tickets: sampleTickets()}) // stale reply, dropped
	h.send(queueLoadedMsg{request: h.m.queueRequest, tickets: snapshot})
	if got := strings.Join(h.ids(), " "); got != "T-1001 T-3000" {
		t.Errorf("queue after reload = %s, want T-1001 T-3000", got)
	}
}

func TestSequenceGapReloadsSnapshot(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	h.m.seq, h.m.epoch = 10, "epoch-1"
	h.send(updateMsg{generation: h.m.generation, update: triage.Update{Seq: 12, Epoch: "epoch-1",
		Ticket: ticketAt("T-3000", triage.StatusEscalated, triage.PriorityNormal, 0, 0.8, "hello?")}})
	if !h.m.loading {
		t.Error("a skipped sequence number did not start a snapshot reload")
	}
}

func TestStreamErrorRetriesFromLastSeq(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	h := newHarness(t, desk, 80, 24)
	h.m.seq, h.m.epoch = 7, "epoch-1"
	generation := h.m.generation
	cmd := h.send(streamErrMsg{generation: generation, err: errors.New("read unix: connection reset by peer")})
	if cmd == nil {
		t.Fatal("a stream error scheduled no retry")
	}

	lines := strings.Split(h.view(), "\n")
	status := lines[len(lines)-2]
	if !strings.Contains(status, "disconnected — retrying") {
		t.Errorf("status line = %q, want it to say disconnected — retrying", status)
	}
	if !strings.Contains(status, "connection reset") {
		t.Errorf("status line = %q, want the stream error", status)
	}
	select {
	case <-h.stream.closed:
	default:
		t.Error("the failed stream was not closed")
	}

	if h.send(resubscribeMsg{generation: generation - 1}) != nil {
		t.Error("a retry of an older stream generation was not ignored")
	}
	cmd = h.send(resubscribeMsg{generation: generation})
	if cmd == nil {
		t.Fatal("the retry returned no subscribe command")
	}
	msg := cmd()
	if got := desk.subscribeCalls; len(got) != 1 || got[0] != "7@epoch-1" {
		t.Errorf("Subscribe calls = %v, want one resuming from 7@epoch-1", got)
	}
	h.send(msg)
	if !strings.Contains(h.view(), "● live") {
		t.Errorf("status does not show live after resubscribing:\n%s", h.view())
	}
}

func TestRetryDelayDoublesToMax(t *testing.T) {
	cases := []struct {
		attempt int
		want    time.Duration
	}{
		{0, 500 * time.Millisecond},
		{1, time.Second},
		{2, 2 * time.Second},
		{4, 8 * time.Second},
		{5, retryMax},
		{50, retryMax},
	}
	for _, c := range cases {
		if got := retryDelay(c.attempt); got != c.want {
			t.Errorf("retryDelay(%d) = %s, want %s", c.attempt, got, c.want)
		}
	}
}

// openTicket opens the selected ticket and delivers its detail.
func (h *harness) openTicket() {
	h.t.Helper()
	cmd := h.key("enter")
	if cmd == nil {
		h.t.Fatal("enter returned no command to load the ticket")
	}
	h.send(cmd())
}

func TestTicketViewHighlightsScoredWords(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	desk.details["T-1001"] = sampleDetail()
	h := newHarness(t, desk, 100, 40)
	h.m.moveCursor(h.m.queue.index("T-1001"))
	h.openTicket()
	view := h.view()
	for _, want := range []string{
		"«NOT working!!»",
		"«useless»",
		"«dropping»",
		"frustration 0.86 · negativity 0.70 · valence -0.80 · 9.5 chars/s",
		"+0.30 negative word: \"useless\"",
		"escalated  senior/high",
		"claimed by nobody",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("ticket view lacks %q:\n%s", want, view)
		}
	}
	if got := strings.Count(view, " customer "); got != 2 {
		t.Errorf("ticket view shows %d customer events, want the 2 messages without the typing event:\n%s", got, view)
	}
	h.key("esc")
	if h.m.view != viewQueue {
		t.Errorf("view = %s after esc, want queue", h.m.view)
	}
}

func TestClaimUpdatesTicketAndQueue(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	h := newHarness(t, desk, 100, 30)
	h.m.moveCursor(h.m.queue.index("T-1001"))
	h.openTicket()
	cmd := h.key("c")
	if cmd == nil {
		t.Fatal("c returned no command")
	}
	h.send(cmd())
	if len(desk.actionCalls) != 1 || desk.actionCalls[0] != "claim T-1001" {
		t.Fatalf("actions = %v, want claim T-1001", desk.actionCalls)
	}
	if !strings.Contains(h.view(), "claimed by you") {
		t.Errorf("ticket view does not show the claim:\n%s", h.view())
	}
	if !strings.Contains(h.view(), "claimed T-1001") {
		t.Errorf("status line does not confirm the claim:\n%s", h.view())
	}
	h.key("esc")
	if !strings.Contains(h.row("T-1001"), "you") {
		t.Errorf("queue row %q does not show the claim", h.row("T-1001"))
	}
}

func TestClaimConflictShownInStatusLine(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	desk.actionErr = fmt.Errorf("claim: %w", triage.ErrConflict)
	h := newHarness(t, desk, 100, 30)
	h.openTicket()
	h.send(h.key("c")())
	want := "claim T-1002 failed: someone else changed or claimed it first"
	if !strings.Contains(h.view(), want) {
		t.Errorf("view lacks %q:\n%s", want, h.view())
	}
	if !h.m.detailBusy {
		t.Error("a conflict did not reload the ticket")
	}
}

func TestActionKeysInactiveInQueueView(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	h := newHarness(t, desk, 80, 24)
	for _, k := range []string{"c", "u", "r"} {
		if cmd := h.key(k); cmd != nil {
			t.Errorf("key %s in the queue view returned a command", k)
		}
	}
}

func TestHelpToggleShowsFullHelp(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 100, 24)
	if strings.Contains(h.view(), "page down") {
		t.Fatalf("short help already lists page down:\n%s", h.view())
	}
	h.key("?")
	if !strings.Contains(h.view(), "page down") {
		t.Errorf("full help lacks page down:\n%s", h.view())
	}
	if got := lipgloss.Height(h.view()); got != 24 {
		t.Errorf("view height with full help = %d, want 24", got)
	}
}

func TestViewFitsEveryTerminalSize(t *testing.T) {
	tickets := sampleTickets()
	tickets[0].LastCustomerMessage = strings.Repeat("很生气 😡👨‍👩‍👧 ", 20)
	tickets[1].ID = "T-99999999999999999999"
	desk := newFakeDesk(tickets...)
	desk.details["T-99999999999999999999"] = sampleDetail()
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI256} {
		lipgloss.SetColorProfile(profile)
		for _, size := range [][2]int{{40, 8}, {52, 12}, {64, 16}, {80, 24}, {99, 30}, {120, 40}, {200, 50}} {
			width, height := size[0], size[1]
			h := newHarness(t, desk, width, height)
			h.key("?")
			for _, v := range []string{"queue", "ticket"} {
				if v == "ticket" {
					h.openTicket()
				}
				if !strings.Contains(h.view(), "T-9999") {
					t.Errorf("%dx%d %s view lacks the selected ticket id:\n%s", width, height, v, h.view())
				}
				lines := strings.Split(h.view(), "\n")
				if len(lines) != height {
					t.Errorf("%dx%d %s view has %d lines", width, height, v, len(lines))
				}
				for i, line := range lines {
					if w := lipgloss.Width(line); w > width {
						t.Errorf("profile %d %dx%d %s view line %d is %d cells wide: %q", profile, width, height, v, i, w, line)
					}
				}
			}
		}
	}
}

func TestNarrowQueueDropsColumns(t *testing.T) {
	cases := []struct {
		width                  int
		trend, reason, claimed bool
	}{
		{120, true, true, true},
		{80, true, true, true},
		{70, false, true, true},
		{58, false, false, true},
		{45, false, false, false},
	}
	for _, c := range cases {
		got := queueLayout(c.width, contentWidths{id: 6, reason: 21, claimed: 5})
		if (got.trend > 0) != c.trend || (got.reason > 0) != c.reason || (got.claimed > 0) != c.claimed {
			t.Errorf("queueLayout(%d) = %+v, want trend=%v reason=%v claimed=%v", c.width, got, c.trend, c.reason, c.claimed)
		}
		if used := got.used() + got.message; used != c.width {
			t.Errorf("queueLayout(%d) fills %d cells", c.width, used)
		}
		if got.message < minMessageWidth {
			t.Errorf("queueLayout(%d) leaves the message %d cells, want at least %d", c.width, got.message, minMessageWidth)
		}
	}
}

func TestTooSmallTerminal(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 30, 6)
	view := h.view()
	if !strings.Contains(view, "Terminal too small") {
		t.Errorf("view at 30x6 does not say the terminal is too small:\n%s", view)
	}
	if h.key("j") != nil || h.m.cursor != 0 {
		t.Error("a navigation key acted while the terminal is too small")
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if strings.Contains(h.view(), "Terminal too small") {
		t.Error("the notice stays after the terminal grew")
	}
}

func TestHostileTextRenderedInert(t *testing.T) {
	hostile := "pay now\x1b[2J\x1b]8;;http://evil\x07link\x1b]8;;\x07\r\u009b31m\u202eevil\bX"
	tickets := sampleTickets()
	tickets[0].LastCustomerMessage = hostile
	tickets[0].EscalationReason = "\x1b[31mred"
	tickets[0].ClaimedBy = ptr("m\x1b[0mallory")
	desk := newFakeDesk(tickets...)
	detail := sampleDetail()
	detail.Events[0].Text = hostile
	detail.Events[0].Analysis.Reasons[0].Spans = []triage.Span{{Start: 2, End: 9}, {Start: -5, End: 1 << 20}}
	desk.details["T-1001"] = detail
	h := newHarness(t, desk, 120, 40)
	h.m.moveCursor(h.m.queue.index("T-1001"))
	check := func(where, view string) {
		for _, bad := range []string{"\x1b", "\u009b", "\u202e", "\r", "\b", "\a"} {
			if strings.Contains(view, bad) {
				t.Errorf("%s view contains %q:\n%q", where, bad, view)
			}
		}
	}
	check("queue", h.view())
	h.openTicket()
	check("ticket", h.view())
	if !strings.Contains(h.view(), "^[[2J") {
		t.Errorf("ticket view does not show the escape as ^[:\n%s", h.view())
	}
}

func TestQuitClosesStream(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	cmd := h.key("q")
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q did not quit")
	}
	select {
	case <-h.stream.closed:
	default:
		t.Error("quitting left the stream open")
	}
	if h.m.ctx.Err() == nil {
		t.Error("quitting left the request context live")
	}
}

func TestEmptyQueueMessage(t *testing.T) {
	h := newHarness(t, newFakeDesk(), 80, 24)
	if !strings.Contains(h.view(), "No escalated tickets.") {
		t.Errorf("empty queue view:\n%s", h.view())
	}
	if h.key("enter") != nil {
		t.Error("enter on an empty queue returned a command")
	}
}

func TestEscalationDuringReloadMarkedNew(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	h := newHarness(t, desk, 80, 24)
	h.send(updateMsg{generation: h.m.generation, update: triage.Update{Seq: 5, Epoch: "epoch-1", Reset: true}})
	arrived := ticketAt("T-2000", triage.StatusEscalated, triage.PriorityUrgent, 0, 0.9, "manager now")
	h.send(updateMsg{generation: h.m.generation, update: triage.Update{Seq: 6, Epoch: "epoch-1", Ticket: arrived}})
	// The snapshot was taken after the update, so it holds the ticket too.
	h.send(queueLoadedMsg{request: h.m.queueRequest, tickets: append(sampleTickets(), arrived)})
	if !strings.Contains(h.row("T-2000"), "NEW") {
		t.Errorf("escalation that arrived during a reload has no NEW badge: %q", h.row("T-2000"))
	}
}

func TestTicketViewReloadsOnUpdate(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	h := newHarness(t, desk, 80, 24)
	h.openTicket()
	if h.m.detailBusy {
		t.Fatal("ticket still loading after its detail arrived")
	}
	changed := ticketAt("T-1002", triage.StatusEscalated, triage.PriorityUrgent, time.Minute, 0.95, "HELLO?")
	changed.Version = 2
	h.update(changed)
	if !h.m.detailBusy {
		t.Error("an update of the open ticket did not reload it")
	}
	h.update(ticketAt("T-2000", triage.StatusEscalated, triage.PriorityLow, 0, 0.1, "hi"))
	if !h.m.detailBusy || h.m.detailStale {
		t.Errorf("an update of another ticket queued a reload (busy=%v stale=%v)", h.m.detailBusy, h.m.detailStale)
	}
}

func TestTicketViewScrolls(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	desk.details["T-1002"] = sampleDetail()
	h := newHarness(t, desk, 80, 12)
	h.openTicket()
	if h.m.viewport.YOffset != 0 {
		t.Fatalf("ticket opened at offset %d, want 0", h.m.viewport.YOffset)
	}
	h.key("j")
	if h.m.viewport.YOffset != 1 {
		t.Errorf("offset after j = %d, want 1", h.m.viewport.YOffset)
	}
	h.key("G")
	if !h.m.viewport.AtBottom() {
		t.Error("G did not scroll to the bottom")
	}
	if !strings.Contains(h.view(), "History") {
		t.Errorf("bottom of the ticket view lacks the history:\n%s", h.view())
	}
	h.key("g")
	if h.m.viewport.YOffset != 0 {
		t.Errorf("offset after g = %d, want 0", h.m.viewport.YOffset)
	}
}

func TestQueuePagingKeepsCursorVisible(t *testing.T) {
	h := newHarness(t, newFakeDesk(benchTickets(100)...), 80, 12)
	h.key("pgdown")
	rows := h.m.listHeight()
	if h.m.cursor != rows {
		t.Errorf("cursor after pgdn = %d, want %d", h.m.cursor, rows)
	}
	h.key("G")
	if h.m.cursor != 99 {
		t.Errorf("cursor after G = %d, want 99", h.m.cursor)
	}
	if !strings.Contains(h.view(), h.m.selectedID) {
		t.Errorf("the selected ticket %s is not on screen:\n%s", h.m.selectedID, h.view())
	}
	h.send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	if h.m.cursor != 98 {
		t.Errorf("cursor after a wheel step up = %d, want 98", h.m.cursor)
	}
}

func TestRunRejectsMissingDesk(t *testing.T) {
	if err := Run(context.Background(), Options{}); err == nil {
		t.Error("Run without a Desk returned no error")
	}
}

func TestDaemonNoticeShownUntilKeyPress(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	h.update(ticketAt("T-2000", triage.StatusEscalated, triage.PriorityLow, 0, 0.9, "hi"))
	seq := h.m.seq
	cmd := h.send(updateMsg{generation: h.m.generation, update: triage.Update{Notice: "the daemon is stopping"}})
	if cmd == nil {
		t.Fatal("a notice returned no command to read the next update")
	}
	lines := strings.Split(h.view(), "\n")
	status := lines[len(lines)-2]
	if !strings.Contains(status, "daemon: the daemon is stopping") {
		t.Errorf("status line = %q, want the notice", status)
	}
	if h.m.seq != seq {
		t.Errorf("a notice without a sequence number moved seq from %d to %d", seq, h.m.seq)
	}
	if len(h.desk.queueCalls) != 1 {
		t.Errorf("a notice reloaded the queue: Queue calls = %v", h.desk.queueCalls)
	}

	h.send(updateMsg{generation: h.m.generation, update: triage.Update{Notice: "back in a minute\x1b[2J"}})
	if view := h.view(); !strings.Contains(view, "daemon: back in a minute") || strings.Contains(view, "is stopping") {
		t.Errorf("a second notice does not replace the first:\n%s", view)
	}
	if strings.Contains(h.view(), "\x1b[2J") {
		t.Error("the notice reached the screen with its escape sequence")
	}

	h.key("j")
	if strings.Contains(h.view(), "daemon:") {
		t.Errorf("the notice stays after a key press:\n%s", h.view())
	}
}

func TestQueueKeysReadTogether(t *testing.T) {
	h := newHarness(t, newFakeDesk(sampleTickets()...), 80, 24)
	if h.m.cursor != 0 {
		t.Fatalf("cursor starts at %d, want 0", h.m.cursor)
	}
	// Keys typed faster than the terminal is read come as one message.
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	if h.m.cursor != 2 {
		t.Errorf("cursor at %d after \"jj\" in one message, want 2", h.m.cursor)
	}
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jk")})
	if h.m.cursor != 2 {
		t.Errorf("cursor at %d after \"jk\" in one message, want 2", h.m.cursor)
	}
}

func TestResolvedTicketShownInStatusLine(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	desk.actionErr = fmt.Errorf("resolve: %w", errors.Join(triage.ErrConflict, triage.ErrInactive))
	h := newHarness(t, desk, 100, 30)
	h.openTicket()
	h.send(h.key("c")())
	want := "claim T-1002 failed: the ticket is already resolved or closed"
	if !strings.Contains(h.view(), want) {
		t.Errorf("view lacks %q:\n%s", want, h.view())
	}
}

func TestStreamFailureLoadsQueueOnce(t *testing.T) {
	desk := newFakeDesk(sampleTickets()...)
	m := newModel(context.Background(), Options{Desk: desk, Agent: "alice", Now: (&testClock{now: baseTime}).Now})
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.queueRequest != 0 {
		t.Fatalf("Init requested the queue (%d requests); it waits for the stream", m.queueRequest)
	}

	// No stream, so no Reset: the queue loads at the first failure.
	m.Update(streamErrMsg{generation: m.generation, err: errors.New("connection refused")})
	if m.queueRequest != 1 || !m.loading {
		t.Errorf("after the first stream failure: %d queue requests, loading %v; want 1, true", m.queueRequest, m.loading)
	}
	m.Update(streamErrMsg{generation: m.generation, err: errors.New("connection refused")})
	if m.queueRequest != 1 {
		t.Errorf("after a second stream failure: %d queue requests, want still 1", m.queueRequest)
	}
}
