package tui

import (
	"cmp"
	"slices"

	"github.com/charmbracelet/lipgloss"
	"github.com/triagedesk/triage/triage"
)

// queueList is the console's copy of the queue: tickets sorted in queue
// order, indexed by id, with the counts the header shows. Tickets are
// treated as immutable; a change replaces the pointer.
type queueList struct {
	tickets []*triage.Ticket
	byID    map[string]*triage.Ticket
	// queueCounts and priorityCounts count the listed tickets per queue
	// name and per priority.
	queueCounts    map[string]int
	priorityCounts [triage.PriorityUrgent + 1]int
	// widths holds the display widths of the longest id, short reason and
	// claimer seen since the last snapshot; they size the columns.
	widths contentWidths
}

// compareTickets orders tickets the way the queue serves them: highest
// priority first, then longest waiting (a ticket with no wait time last),
// then by id so that the order is total.
func compareTickets(a, b *triage.Ticket) int {
	if a.Priority != b.Priority {
		return cmp.Compare(b.Priority, a.Priority)
	}
	switch {
	case a.WaitingSince != nil && b.WaitingSince != nil:
		if c := a.WaitingSince.Compare(*b.WaitingSince); c != 0 {
			return c
		}
	case a.WaitingSince != nil:
		return -1
	case b.WaitingSince != nil:
		return 1
	}
	return cmp.Compare(a.ID, b.ID)
}

// reset replaces the whole list with a snapshot.
func (q *queueList) reset(tickets []*triage.Ticket) {
	q.tickets = make([]*triage.Ticket, 0, len(tickets))
	q.byID = make(map[string]*triage.Ticket, len(tickets))
	q.queueCounts = make(map[string]int)
	q.priorityCounts = [len(q.priorityCounts)]int{}
	q.widths = contentWidths{}
	for _, t := range tickets {
		if t == nil || q.byID[t.ID] != nil {
			continue
		}
		q.tickets = append(q.tickets, t)
		q.byID[t.ID] = t
		q.count(t, 1)
	}
	slices.SortStableFunc(q.tickets, compareTickets)
}

// upsert inserts t or replaces the ticket with its id, keeping the order.
func (q *queueList) upsert(t *triage.Ticket) {
	if q.byID == nil {
		q.reset(nil)
	}
	q.remove(t.ID)
	i, _ := slices.BinarySearchFunc(q.tickets, t, compareTickets)
	q.tickets = slices.Insert(q.tickets, i, t)
	q.byID[t.ID] = t
	q.count(t, 1)
}

// remove drops the ticket with the given id and reports whether it was
// listed.
func (q *queueList) remove(id string) bool {
	old := q.byID[id]
	if old == nil {
		return false
	}
	if i := q.index(id); i >= 0 {
		q.tickets = slices.Delete(q.tickets, i, i+1)
	}
	delete(q.byID, id)
	q.count(old, -1)
	return true
}

// index returns the position of the ticket with the given id, or -1.
func (q *queueList) index(id string) int {
	t := q.byID[id]
	if t == nil {
		return -1
	}
	i, found := slices.BinarySearchFunc(q.tickets, t, compareTickets)
	if !found {
		return -1
	}
	return i
}

func (q *queueList) count(t *triage.Ticket, delta int) {
	q.queueCounts[t.Queue] += delta
	if q.queueCounts[t.Queue] <= 0 {
		delete(q.queueCounts, t.Queue)
	}
	if t.Priority >= triage.PriorityLow && t.Priority <= triage.PriorityUrgent {
		q.priorityCounts[t.Priority] += delta
	}
	if delta > 0 {
		q.widths.id = max(q.widths.id, lipgloss.Width(sanitizeLine(t.ID)))
		q.widths.reason = max(q.widths.reason, lipgloss.Width(shortReason(t)))
		if t.ClaimedBy != nil {
			// "you" is shorter than any name the column could show
			// instead, so the name sizes the column.
			q.widths.claimed = max(q.widths.claimed, lipgloss.Width(sanitizeLine(*t.ClaimedBy)))
		}
	}
}

// listed reports whether a ticket belongs in the queue view: escalated and
// claimed tickets, or every active ticket when all is set.
//
// Incident rows and their members are the exception: without all, an
// incident's members are hidden behind its row, and with all the members
// are listed and the row is not.
func listed(t *triage.Ticket, all bool) bool {
	if isIncidentRow(t) {
		return !all && t.Status == triage.StatusEscalated
	}
	if !all && t.Incident != "" {
		return false
	}
	if all {
		return t.Status.Active()
	}
	return t.Status == triage.StatusEscalated || t.Status == triage.StatusClaimed
}
