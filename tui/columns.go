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

// columns is the queue's column layout for one terminal width. A zero
// width means the column is dropped; the message column takes the rest.
type columns struct {
	id, trend, message, reason, claimed int
}

// queueLayout fits the columns into width. When the last message would
// get fewer than minMessageWidth cells, it drops the trend, then the
// reason, then the claimer.
func queueLayout(width, idWidth int) columns {
	c := columns{id: min(max(idWidth, 4), 10), trend: 6, reason: 12, claimed: 8}
	if width >= wideLayout {
		c = columns{id: min(max(idWidth, 4), 14), trend: triage.TrendLength, reason: 22, claimed: 12}
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
	if t.WaitingSince != nil {
		wait = formatWait(m.now().Sub(*t.WaitingSince))
	}
	reason := t.EscalationReason
	if reason == "" {
		reason = strings.Join(t.Reasons, ", ")
	}
	claimed := ""
	mine := false
	if t.ClaimedBy != nil {
		claimed = sanitizeLine(*t.ClaimedBy)
		if m.agent != "" && *t.ClaimedBy == m.agent {
			claimed, mine = "you", true
		}
	}

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
		fit(sanitizeLine(reason), c.reason),
		claimedCell,
	)
	if selected {
		return st.Selected.Render(row)
	}
	return row
}
