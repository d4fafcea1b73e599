package triage

import (
	"slices"
	"time"
)

// IncidentStatus is where an incident stands.
type IncidentStatus string

// Incident statuses. An incident is dissolved when its last member was
// taken out of it.
const (
	IncidentOpen      IncidentStatus = "open"
	IncidentResolved  IncidentStatus = "resolved"
	IncidentDissolved IncidentStatus = "dissolved"
)

// History record kinds of incidents.
const (
	// KindGrouped records that a ticket joined an incident.
	KindGrouped RecordKind = "grouped"
	// KindUngrouped records that a ticket was taken out of an incident
	// and returned to its queue as a single escalation.
	KindUngrouped RecordKind = "ungrouped"
)

// Incident is a group of tickets that escalated by the same rule, with
// similar words, within a few minutes of each other: many customers
// reporting one outage. The senior queue shows it as one row.
type Incident struct {
	ID     string         `json:"id"`
	Status IncidentStatus `json:"status"`
	// OpenedAt is the escalation time of the ticket whose arrival opened
	// the incident; times are event times, not the daemon's clock.
	OpenedAt time.Time `json:"opened_at"`
	// FirstEscalatedAt and LastEscalatedAt bound the escalation times of
	// the members.
	FirstEscalatedAt time.Time `json:"first_escalated_at"`
	LastEscalatedAt  time.Time `json:"last_escalated_at"`
	// Rule is the escalation rule every member escalated by, as RuleOf
	// names it.
	Rule string `json:"rule"`
	// Words are the content words most members used, most shared first.
	Words []string `json:"words"`
	// Members are the ids of the tickets grouped into the incident, in
	// the order they joined. A ticket taken out of the incident is removed.
	Members    []string   `json:"members"`
	Queue      string     `json:"queue"`
	Priority   Priority   `json:"priority"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy *string    `json:"resolved_by,omitempty"`
	// Version increases on every write.
	Version uint64 `json:"version"`
}

// Clone returns a deep copy of inc.
func (inc *Incident) Clone() *Incident {
	c := *inc
	c.Words = slices.Clone(inc.Words)
	c.Members = slices.Clone(inc.Members)
	c.ResolvedAt = cloneTime(inc.ResolvedAt)
	if inc.ResolvedBy != nil {
		s := *inc.ResolvedBy
		c.ResolvedBy = &s
	}
	return &c
}

// HasMember reports whether the ticket id is a member.
func (inc *Incident) HasMember(ticket string) bool {
	return slices.Contains(inc.Members, ticket)
}

// IncidentDetail is one incident with its member tickets, as
// `triage incidents --json` prints it.
type IncidentDetail struct {
	Incident *Incident `json:"incident"`
	Members  []*Ticket `json:"members"`
}

// EscalationSignature is what the desk keeps of a recent escalation that
// is not in an incident yet, so that later escalations can be compared
// with it.
type EscalationSignature struct {
	Ticket       string    `json:"ticket"`
	Conversation string    `json:"conversation"`
	At           time.Time `json:"at"`
	Rule         string    `json:"rule"`
	// Words are the content words of the customer's last turns, sorted.
	Words []string `json:"words"`
}

// IncidentReadTx reads incidents and recent escalation signatures. A store
// that keeps incidents implements it on its read transactions.
type IncidentReadTx interface {
	// Incident returns the incident with the given id, or an error
	// wrapping ErrNotFound.
	Incident(id string) (*Incident, error)
	// Incidents calls fn for every incident, oldest first.
	Incidents(fn func(*Incident) error) error
	// Signatures calls fn for the stored escalation signatures with
	// At >= from, oldest first.
	Signatures(from time.Time, fn func(*EscalationSignature) error) error
}

// IncidentTx writes incidents and escalation signatures. A store that
// keeps incidents implements it on its write transactions.
type IncidentTx interface {
	IncidentReadTx
	// NewIncidentID returns a new, never reused incident id.
	NewIncidentID() (string, error)
	PutIncident(inc *Incident) error
	// PutSignature stores a signature keyed by its time and ticket.
	PutSignature(sig *EscalationSignature) error
	// DeleteSignature removes one signature; a missing one is no error.
	DeleteSignature(sig *EscalationSignature) error
	// DeleteSignaturesBefore removes the signatures with At < before and
	// returns how many it removed.
	DeleteSignaturesBefore(before time.Time) (int, error)
}
