package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/triagedesk/triage/triage"
)

// Lines that the queue view and the ticket view use above their content.
const (
	queueChromeLines  = 3 // title, counts, column titles
	ticketChromeLines = 2 // title, ticket summary
)

// View renders the whole screen: height lines, none wider than width
// cells. The notice for a too small terminal may be shorter.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		return m.tooSmallView()
	}
	var top string
	switch m.view {
	case viewTicket:
		top = m.ticketView()
	case viewHistory:
		top = m.historyView()
	case viewScripts:
		top = m.scriptsView()
	default:
		top = m.queueView()
	}
	bottom := m.statusLine() + "\n" + clip(m.helpView(), m.width)
	if m.reply.active {
		bottom = m.replyBox() + "\n" + bottom
	}
	gap := m.height - lipgloss.Height(top) - lipgloss.Height(bottom)
	if gap > 0 {
		top += strings.Repeat("\n", gap)
	}
	return top + "\n" + bottom
}

// layout resizes the parts that depend on the terminal size, the view
// and the help mode.
func (m *Model) layout() {
	m.help.Width = m.width
	m.helpHeight = lipgloss.Height(m.helpView())
	m.viewport.Width = m.width
	m.viewport.Height = max(1, m.height-ticketChromeLines-m.bottomLines())
	m.scrollToCursor()
	if m.view == viewTicket {
		m.renderDetail()
	}
}

// minContentLines is the number of rows of tickets or transcript that the
// full help must leave free. On a shorter terminal the short help shows.
const minContentLines = 3

// helpView renders the help bar, or the full help when the agent asked for
// it and it fits.
func (m *Model) helpView() string {
	if !m.help.ShowAll {
		return m.help.ShortHelpView(m.keys.ShortHelp())
	}
	full := m.help.FullHelpView(m.keys.FullHelp())
	if queueChromeLines+minContentLines+1+lipgloss.Height(full) > m.height {
		return m.help.ShortHelpView(m.keys.ShortHelp())
	}
	return full
}

// bottomLines is the height of the status line and the help bar.
func (m *Model) bottomLines() int {
	if m.reply.active {
		return 1 + m.helpHeight + 1 + replyBoxLines
	}
	return 1 + m.helpHeight
}

// listHeight is the number of ticket rows the queue view has room for.
func (m *Model) listHeight() int {
	return max(1, m.height-queueChromeLines-m.bottomLines())
}

func (m *Model) tooSmallView() string {
	text := fmt.Sprintf("Terminal too small: %dx%d. The console needs at least %dx%d. Enlarge the window, or press q to quit.",
		m.width, m.height, minWidth, minHeight)
	wrapped := lipgloss.NewStyle().Width(max(m.width, 1)).Render(text)
	lines := strings.Split(wrapped, "\n")
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return clip(strings.Join(lines, "\n"), m.width)
}

// statusLine shows the last action's result or error on the left and the
// connection state on the right.
func (m *Model) statusLine() string {
	if m.review.active {
		prompt := m.styles.Title.Render(m.reviewPrompt())
		return fit(prompt+m.review.input.view(m.width-lipgloss.Width(prompt)), m.width)
	}
	var conn string
	switch m.conn {
	case connConnecting:
		conn = m.styles.Dim.Render("connecting…")
	case connLive:
		conn = m.styles.Live.Render("● live")
	case connDown:
		conn = m.styles.Error.Render("disconnected — retrying")
	}
	status := m.status
	if m.conn == connDown && status == "" {
		status = m.streamErr
	}
	if m.statusIsErr {
		status = m.styles.Error.Render(status)
	}
	if m.notice != "" {
		status = m.styles.Notice.Render("daemon: " + m.notice)
	}
	return spread(status, conn, m.width)
}

func (m *Model) queueView() string {
	title := "Escalation queue"
	if m.all {
		title = "All active tickets"
	}
	right := ""
	if m.agent != "" {
		right = "agent " + sanitizeLine(m.agent)
	}

	lines := []string{
		spread(m.styles.Title.Render("triage · "+title), m.styles.Dim.Render(right), m.width),
		fit(m.countsLine(), m.width),
	}
	cols := queueLayout(m.width, m.queue.widths)
	lines = append(lines, m.styles.Header.Render(cols.header()))

	rows := m.listHeight()
	if len(m.queue.tickets) == 0 {
		empty := "No escalated tickets."
		if m.all {
			empty = "No active tickets."
		}
		if m.loading {
			empty = "Loading the queue…"
		}
		lines = append(lines, m.styles.Dim.Render(fit(empty, m.width)))
	}

	end := min(m.offset+rows, len(m.queue.tickets))
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.queueRow(m.queue.tickets[i], i == m.cursor, cols))
	}
	return strings.Join(lines, "\n")
}

// countsLine sums the listed tickets per queue and per priority.
func (m *Model) countsLine() string {
	if !m.loadedOnce {
		return "loading…"
	}
	q := &m.queue
	parts := []string{plural(len(q.tickets), "ticket", "tickets")}

	names := make([]string, 0, len(q.queueCounts))
	for name := range q.queueCounts {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := queueRank(names[i]), queueRank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})

	var queues []string
	for _, name := range names {
		label := sanitizeLine(name)
		if label == "" {
			label = "(no queue)"
		}
		queues = append(queues, fmt.Sprintf("%s %d", label, q.queueCounts[name]))
	}
	if len(queues) > 0 {
		parts = append(parts, strings.Join(queues, " · "))
	}

	var priorities []string
	for p := triage.PriorityUrgent; p >= triage.PriorityLow; p-- {
		priorities = append(priorities, fmt.Sprintf("%s %d", p, q.priorityCounts[p]))
	}
	parts = append(parts, strings.Join(priorities, " · "))
	return strings.Join(parts, " │ ")
}

// queueRank puts the default queues first, most senior first.
func queueRank(name string) int {
	switch name {
	case triage.QueueSenior:
		return 0
	case triage.QueueAgents:
		return 1
	case triage.QueueBot:
		return 2
	}
	return 3
}

// ticketView renders the ticket title, its summary and the scrolled
// transcript.
func (m *Model) ticketView() string {
	id := sanitizeLine(m.detailID)
	var title, summary string
	if m.detail == nil || m.detail.Ticket == nil {
		title = m.styles.Title.Render("Ticket " + id)
	} else {
		t := m.detail.Ticket
		parts := []string{
			m.styles.Title.Render("Ticket " + id),
			sanitizeLine(string(t.Status)),
			sanitizeLine(t.Queue),
			t.Priority.String(),
		}
		// A resolved or closed ticket keeps the time of its last
		// message, but no one waits on it any more.
		if t.WaitingSince != nil && t.Status.Active() {
			parts = append(parts, "waiting "+formatWait(m.now().Sub(*t.WaitingSince)))
		}
		parts = append(parts, "frustration "+m.frustration(t.Frustration)+" "+sparkline(t.Trend, triage.TrendLength))
		title = strings.Join(parts, " · ")
		summary = "claimed by " + m.claimer(t)
		if review := m.reviewSummary(); review != "" {
			summary += " · " + review
		}
		if t.EscalationReason != "" {
			summary += " · reason: " + sanitizeLine(t.EscalationReason)
		}
		if t.Script != "" {
			summary += fmt.Sprintf(" · script %s v%d", sanitizeLine(t.Script), t.ScriptVersion)
			if t.Step != "" {
				summary += ", step " + sanitizeLine(t.Step)
			}
		}
	}
	if m.detailErr != "" && m.detail != nil {
		summary = m.styles.Error.Render(m.detailErr)
	}
	return fit(title, m.width) + "\n" + fit(summary, m.width) + "\n" + m.viewport.View()
}

// claimer names who claimed the ticket, as "you" for the agent at the
// console.
func (m *Model) claimer(t *triage.Ticket) string {
	if t.ClaimedBy == nil || *t.ClaimedBy == "" {
		return "nobody"
	}
	if m.agent != "" && *t.ClaimedBy == m.agent {
		return m.styles.Mine.Render("you")
	}
	return sanitizeLine(*t.ClaimedBy)
}

// frustration renders a score coloured by how high it is.
func (m *Model) frustration(f float64) string {
	text := frustrationText(f)
	switch {
	case f >= 0.8:
		return m.styles.Hot.Render(text)
	case f >= 0.5:
		return m.styles.Warm.Render(text)
	}
	return text
}
