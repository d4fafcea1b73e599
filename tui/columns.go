package tui

import (
	"strings"

	"github.com/triagedesk/triage/triage"
)

// Widths of the queue columns that never change. The lead column holds the
// cursor and the NEW badge.
const (
	leadWidth        = 4
	priorityWidth    = 6
	waitWidth        = 6
	frustrationWidth = 5
	minMessageWidth  = 12
	// wideLayout is the terminal width from which the optional columns
	// get their wide sizes.
	wideLayout = 110
)

// contentWidths are the display widths of the longest id, short reason
// and claimer among the listed tickets. Columns shrink to them, so that
// the last message gets the cells they leave free.
type contentWidths struct {
	id, reason, claimed int
}

// columns is the queue's column layout for one terminal width. A zero
// width means the column is dropped; the message column takes the rest.
type columns struct {
	id, trend, message, reason, claimed int
}

// queueLayout fits the columns into width. Each variable column is as
// wide as its content and its title, up to a cap that depends on width.
// When the last message would get fewer than minMessageWidth cells, it
// drops the trend, then the reason, then the claimer.
func queueLayout(width int, content contentWidths) columns {
	idCap, trend, reasonCap, claimedCap := 10, 5, 14, 8
	if width >= wideLayout {
		idCap, trend, reasonCap, claimedCap = 14, triage.TrendLength, 22, 12
	}
	c := columns{
		id:      columnWidth(content.id, len("TICKET"), idCap),
		trend:   trend,
		reason:  columnWidth(content.reason, len("REASON"), reasonCap),
		claimed: columnWidth(content.claimed, len("CLAIMED"), claimedCap),
	}
	drops := []*int{&c.trend, &c.reason, &c.claimed}
	for {
		c.message = width - c.used()
		if c.message >= minMessageWidth || len(drops) == 0 {
			break
		}
		*drops[0] = 0
		drops = drops[1:]
	}
	c.message = max(c.message, 1)
	return c
}

// columnWidth is content clamped between the title's width and limit.
func columnWidth(content, title, limit int) int {
	return min(max(content, title), limit)
}

// used is the width of every column but the message, with the one-cell
// gaps between columns.
func (c columns) used() int {
	n := leadWidth + 1 + priorityWidth + 1 + waitWidth + 1 + frustrationWidth + 1 + c.id + 1
	for _, w := range []int{c.trend, c.reason, c.claimed} {
		if w > 0 {
			n += w + 1
		}
	}
	return n
}

// join lays out one line from the cell texts, each already fitted.
func (c columns) join(lead, priority, wait, frustration, trend, id, message, reason, claimed string) string {
	cells := []string{lead, priority, wait, frustration}
	if c.trend > 0 {
		cells = append(cells, trend)
	}
	cells = append(cells, id, message)
	if c.reason > 0 {
		cells = append(cells, reason)
	}
	if c.claimed > 0 {
		cells = append(cells, claimed)
	}
	return strings.Join(cells, " ")
}

func (c columns) header() string {
	return c.join(
		fit("", leadWidth),
		fit("PRI", priorityWidth),
		fitRight("WAIT", waitWidth),
		fitRight("FRUST", frustrationWidth),
		fit("TREND", c.trend),
		fit("TICKET", c.id),
		fit("LAST MESSAGE", c.message),
		fit("REASON", c.reason),
		fit("CLAIMED", c.claimed),
	)
}

// queueRow renders one ticket. The selected row is drawn without cell
// styles so that its own style covers the whole line.
func (m *Model) queueRow(t *triage.Ticket, selected bool, c columns) string {
	st := m.styles
	cursor, badge := " ", "   "
	if selected {
		cursor = "▸"
	}
	isNew := m.isNew(t.ID)
	if isNew {
		badge = "NEW"
	}
	wait := "—"
	if t.WaitingSince != nil && t.Status.Active() {
		wait = formatWait(m.now().Sub(*t.WaitingSince))
	}
	reason := shortReason(t)
	claimed, mine := m.claimedCell(t)

	priority := fit(t.Priority.String(), priorityWidth)
	frustration := fitRight(frustrationText(t.Frustration), frustrationWidth)
	if !selected {
		if isNew {
			badge = st.Badge.Render(badge)
		}
		switch t.Priority {
		case triage.PriorityUrgent:
			priority = st.Urgent.Render(priority)
		case triage.PriorityHigh:
			priority = st.High.Render(priority)
		case triage.PriorityLow:
			priority = st.Low.Render(priority)
		}
		frustration = fitRight(m.frustration(t.Frustration), frustrationWidth)
	}
	claimedCell := fit(claimed, c.claimed)
	if !selected && mine {
		claimedCell = st.Mine.Render(claimedCell)
	}
	row := c.join(
		cursor+badge,
		priority,
		fitRight(wait, waitWidth),
		frustration,
		fitRight(sparkline(t.Trend, c.trend), c.trend),
		fit(sanitizeLine(t.ID), c.id),
		fit(sanitizeLine(t.LastCustomerMessage), c.message),
		fit(reason, c.reason),
		claimedCell,
	)
	if selected {
		return st.Selected.Render(row)
	}
	return row
}

// shortReason names why a ticket is listed in a few words: the rule
// behind its last escalation, such as "manager" for a reason "rule
// manager: …", or else its frustration reasons.
func shortReason(t *triage.Ticket) string {
	if t.EscalationReason != "" {
		return sanitizeLine(triage.RuleOf(&triage.Record{Reason: t.EscalationReason}))
	}
	return sanitizeLine(strings.Join(t.Reasons, ", "))
}

// claimedCell names who claimed t, as "you" for the agent at the console,
// and reports whether it is that agent.
func (m *Model) claimedCell(t *triage.Ticket) (string, bool) {
	if t.ClaimedBy == nil {
		return "", false
	}
	if m.agent != "" && *t.ClaimedBy == m.agent {
		return "you", true
	}
	return sanitizeLine(*t.ClaimedBy), false
}
