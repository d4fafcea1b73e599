package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/triagedesk/triage/triage"
)

// IncidentDesk is the part of the daemon's API behind incident rows: the
// escalated queue shows one row per open incident in place of its member
// tickets. The console shows incident rows only when its Desk implements
// it too. *client.Client has these methods.
type IncidentDesk interface {
	// Incidents returns the incidents with their members; with open set,
	// only the open ones.
	Incidents(ctx context.Context, open bool) ([]*triage.IncidentDetail, error)
	// Incident returns one incident with its members.
	Incident(ctx context.Context, id string) (*triage.IncidentDetail, error)
	// ResolveIncident resolves an incident and its member tickets.
	ResolveIncident(ctx context.Context, id string) (*triage.Incident, error)
}

// errIncidentClaim is returned for a claim or release of an incident row.
var errIncidentClaim = errors.New("an incident cannot be claimed: open it and work its tickets, or resolve it with r")

// incidentQueueDesk is a Desk that folds open incidents into the
// escalated queue. The console stores an incident as a row ticket whose
// ID is the incident's ("I-3"), so that ordering, cursor and stream
// handling stay those of tickets.
type incidentQueueDesk struct {
	Desk
	incidents IncidentDesk
}

// isIncidentRow reports whether t stands for an incident.
func isIncidentRow(t *triage.Ticket) bool {
	return strings.HasPrefix(t.ID, "I-")
}

// incidentRowTicket returns the queue row of an incident: its count and
// common words in the message column, its rule as the reason, its first
// escalation as the wait, and the highest member frustration when the
// members are known.
func incidentRowTicket(inc *triage.Incident, members []*triage.Ticket) *triage.Ticket {
	status := triage.StatusEscalated
	if inc.Status != triage.IncidentOpen {
		status = triage.StatusResolved
	}
	first := inc.FirstEscalatedAt
	t := &triage.Ticket{
		ID:                  inc.ID,
		Conversation:        fmt.Sprintf("%d tickets", len(inc.Members)),
		Status:              status,
		Queue:               inc.Queue,
		Priority:            inc.Priority,
		Reasons:             []string{"incident: " + inc.Rule},
		WaitingSince:        &first,
		LastCustomerMessage: fmt.Sprintf("%d tickets · %s", len(inc.Members), strings.Join(inc.Words, ", ")),
		EscalationReason:    fmt.Sprintf("rule %s: incident of %d tickets", inc.Rule, len(inc.Members)),
		EscalatedAt:         &first,
		OpenedAt:            inc.OpenedAt,
		UpdatedAt:           inc.LastEscalatedAt,
		Version:             inc.Version,
	}
	for _, m := range members {
		t.Frustration = max(t.Frustration, m.Frustration)
	}
	return t
}

// Queue returns the desk's queue; without all, each open incident's
// members are replaced by the incident's row.
func (d incidentQueueDesk) Queue(ctx context.Context, all bool) ([]*triage.Ticket, error) {
	tickets, err := d.Desk.Queue(ctx, all)
	if err != nil || all {
		return tickets, err
	}
	incidents, err := d.incidents.Incidents(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("load incidents: %w", err)
	}
	out := make([]*triage.Ticket, 0, len(tickets)+len(incidents))
	for _, t := range tickets {
		if t.Incident == "" {
			out = append(out, t)
		}
	}
	for _, inc := range incidents {
		out = append(out, incidentRowTicket(inc.Incident, inc.Members))
	}
	return out, nil
}

// Ticket returns a ticket, or for an incident row the incident shown as
// a ticket whose transcript lists each member's last customer message.
func (d incidentQueueDesk) Ticket(ctx context.Context, id string) (*triage.TicketDetail, error) {
	if !strings.HasPrefix(id, "I-") {
		return d.Desk.Ticket(ctx, id)
	}
	inc, err := d.incidents.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	detail := &triage.TicketDetail{Ticket: incidentRowTicket(inc.Incident, inc.Members)}
	for _, m := range inc.Members {
		at := m.UpdatedAt
		if m.EscalatedAt != nil {
			at = *m.EscalatedAt
		}
		detail.Events = append(detail.Events, triage.StoredEvent{Event: triage.Event{
			Conversation: m.Conversation, At: at, Role: triage.RoleCustomer, Type: triage.TypeMessage,
			Text: fmt.Sprintf("%s %s (%s): %s", m.ID, m.Conversation, m.Status, m.LastCustomerMessage),
		}})
	}
	return detail, nil
}

// Resolve resolves a ticket, or an incident with all its members.
func (d incidentQueueDesk) Resolve(ctx context.Context, id string) (*triage.Ticket, error) {
	if !strings.HasPrefix(id, "I-") {
		return d.Desk.Resolve(ctx, id)
	}
	inc, err := d.incidents.ResolveIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	return incidentRowTicket(inc, nil), nil
}

// Claim claims a ticket; an incident row cannot be claimed.
func (d incidentQueueDesk) Claim(ctx context.Context, id string) (*triage.Ticket, error) {
	if strings.HasPrefix(id, "I-") {
		return nil, errIncidentClaim
	}
	return d.Desk.Claim(ctx, id)
}

// Release releases a ticket; an incident row cannot be claimed.
func (d incidentQueueDesk) Release(ctx context.Context, id string) (*triage.Ticket, error) {
	if strings.HasPrefix(id, "I-") {
		return nil, errIncidentClaim
	}
	return d.Desk.Release(ctx, id)
}

// applyIncident folds an incident update from the stream into the queue,
// keeping the frustration the row had, which the update does not carry.
func (m *Model) applyIncident(inc *triage.Incident) {
	row := incidentRowTicket(inc, nil)
	if old := m.queue.byID[inc.ID]; old != nil {
		row.Frustration = old.Frustration
	}
	m.ingestTicket(row, true)
}
