package triage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Priority orders tickets in a queue; higher values are served first.
type Priority int

// Priorities from least to most pressing.
const (
	PriorityLow Priority = iota
	PriorityNormal
	PriorityHigh
	PriorityUrgent
)

var priorityNames = [...]string{"low", "normal", "high", "urgent"}

func (p Priority) String() string {
	if p < PriorityLow || p > PriorityUrgent {
		return fmt.Sprintf("priority(%d)", int(p))
	}
	return priorityNames[p]
}

// ParsePriority reads a priority name such as "high".
func ParsePriority(s string) (Priority, error) {
	for i, name := range priorityNames {
		if strings.EqualFold(s, name) {
			return Priority(i), nil
		}
	}
	return 0, fmt.Errorf("invalid priority %q: use low, normal, high or urgent", s)
}

// MarshalText writes the priority's name.
func (p Priority) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a priority's name.
func (p *Priority) UnmarshalText(b []byte) error {
	v, err := ParsePriority(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Status is where a ticket stands in its life.
type Status string

// Ticket statuses.
const (
	StatusOpen      Status = "open"
	StatusEscalated Status = "escalated"
	StatusClaimed   Status = "claimed"
	StatusResolved  Status = "resolved"
	StatusClosed    Status = "closed"
)

// Active reports whether a ticket with this status still needs work.
func (s Status) Active() bool { return s != StatusResolved && s != StatusClosed }

// Default queue names.
const (
	QueueBot    = "bot"
	QueueAgents = "agents"
	QueueSenior = "senior"
)

// TrendLength is how many recent frustration values a ticket keeps for the
// console's trend line.
const TrendLength = 12

// Ticket is the unit of work the desk opens for each conversation.
// The JSON names are the ones `triage queue --json` prints.
type Ticket struct {
	ID                  string     `json:"id"`
	Conversation        string     `json:"conversation"`
	Status              Status     `json:"status"`
	Queue               string     `json:"queue"`
	Priority            Priority   `json:"priority"`
	Frustration         float64    `json:"frustration"`
	Reasons             []string   `json:"reasons"`
	WaitingSince        *time.Time `json:"waiting_since"`
	LastCustomerMessage string     `json:"last_customer_message"`
	ClaimedBy           *string    `json:"claimed_by"`

	// EscalationReason is why the ticket was last escalated.
	EscalationReason string `json:"escalation_reason,omitempty"`
	// Trend holds the conversation frustration after each of the last
	// TrendLength customer turns, oldest first.
	Trend []float64 `json:"trend,omitempty"`
	// Streaks counts, per escalation rule, the consecutive customer turns
	// on which the rule's condition held.
	Streaks       map[string]int `json:"streaks,omitempty"`
	CustomerTurns int            `json:"customer_turns"`
	OpenedAt      time.Time      `json:"opened_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	EscalatedAt   *time.Time     `json:"escalated_at,omitempty"`
	// LastAgentAt is when a human agent last wrote in the conversation.
	LastAgentAt  *time.Time `json:"last_agent_at,omitempty"`
	CustomerHash string     `json:"customer_hash,omitempty"`
	// Version increases on every write, so that a claim can compare and set.
	Version uint64 `json:"version"`
	// Script, ScriptVersion and Step say where the ticket stands in its
	// troubleshooting script, when it has one.
	Script        string `json:"script,omitempty"`
	ScriptVersion int    `json:"script_version,omitempty"`
	Step          string `json:"step,omitempty"`
	// ScriptState is the ticket's full position in its script; nil for a
	// ticket that no script took.
	ScriptState *ScriptState `json:"script_state,omitempty"`
	// Tags are labels that scripts attach to the ticket, in the order
	// first added.
	Tags []string `json:"tags,omitempty"`
	// Incident is the id of the incident the ticket is grouped into, if
	// any. The senior queue shows the incident in place of its members.
	Incident string `json:"incident,omitempty"`
}

// Clone returns a deep copy of t.
func (t *Ticket) Clone() *Ticket {
	c := *t
	c.Reasons = append([]string(nil), t.Reasons...)
	c.Trend = append([]float64(nil), t.Trend...)
	if t.Streaks != nil {
		c.Streaks = make(map[string]int, len(t.Streaks))
		for k, v := range t.Streaks {
			c.Streaks[k] = v
		}
	}
	c.WaitingSince = cloneTime(t.WaitingSince)
	if t.ClaimedBy != nil {
		s := *t.ClaimedBy
		c.ClaimedBy = &s
	}
	c.EscalatedAt = cloneTime(t.EscalatedAt)
	c.LastAgentAt = cloneTime(t.LastAgentAt)
	c.ScriptState = t.ScriptState.Clone()
	c.Tags = append([]string(nil), t.Tags...)
	return &c
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// RecordKind names what a history record tells.
type RecordKind string

// History record kinds.
const (
	KindOpened      RecordKind = "opened"
	KindEscalated   RecordKind = "escalated"
	KindDeescalated RecordKind = "deescalated"
	KindClaimed     RecordKind = "claimed"
	KindReleased    RecordKind = "released"
	KindReassigned  RecordKind = "reassigned"
	KindSLABreached RecordKind = "sla_breached"
	KindResolved    RecordKind = "resolved"
	KindReopened    RecordKind = "reopened"
	KindClosed      RecordKind = "closed"
)

// Record is one immutable entry of the escalation history. Pointer fields
// are null in JSON where they do not apply.
type Record struct {
	Seq           uint64     `json:"seq"`
	At            time.Time  `json:"at"`
	Ticket        string     `json:"ticket"`
	Conversation  string     `json:"conversation"`
	Kind          RecordKind `json:"kind"`
	Queue         string     `json:"queue"`
	Priority      Priority   `json:"priority"`
	Reason        string     `json:"reason"`
	Frustration   *float64   `json:"frustration"`
	Agent         *string    `json:"agent"`
	Script        *string    `json:"script"`
	ScriptVersion *int       `json:"script_version"`
	// Scores lists the signals behind the decision, such as
	// "negative wording 0.42".
	Scores []string `json:"scores,omitempty"`
}

// Span is a byte range [Start, End) of a message's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Reason is one contribution to a score: the rule that fired, a short
// explanation, the amount it added, and where in the text it matched.
type Reason struct {
	Rule   string  `json:"rule"`
	Text   string  `json:"text"`
	Weight float64 `json:"weight"`
	Spans  []Span  `json:"spans,omitempty"`
}

// Analysis is what the scorer concluded about one event. It is stored
// with the event and recomputed when a late event is placed before it.
type Analysis struct {
	// Valence runs from -1 (negative) to 1 (positive); message events only.
	Valence float64 `json:"valence"`
	// Negativity is the message's own negative evidence, 0 to 1.
	Negativity float64 `json:"negativity"`
	// Frustration is the conversation's score after this event, 0 to 1.
	Frustration float64 `json:"frustration"`
	// TypingSpeed is characters per second for this turn, 0 when unknown.
	TypingSpeed float64 `json:"typing_speed,omitempty"`
	// SpeedRatio compares TypingSpeed with the customer's own baseline;
	// 0 when there is no baseline yet.
	SpeedRatio float64  `json:"speed_ratio,omitempty"`
	Language   string   `json:"language,omitempty"`
	Reasons    []Reason `json:"reasons,omitempty"`
}

// StoredEvent is an event as the store keeps it: with the sequence number
// it was received under and its analysis.
type StoredEvent struct {
	Event
	// Seq is a store-wide arrival number; it breaks ties between events
	// with one timestamp.
	Seq      uint64    `json:"seq"`
	Analysis *Analysis `json:"analysis,omitempty"`
}

// storedEventJSON keeps Event's custom JSON methods from swallowing the
// StoredEvent fields.
type storedEventJSON struct {
	Event    json.RawMessage `json:"event"`
	Seq      uint64          `json:"seq"`
	Analysis *Analysis       `json:"analysis,omitempty"`
}

// MarshalJSON writes the event, its sequence number and its analysis.
func (s StoredEvent) MarshalJSON() ([]byte, error) {
	ev, err := json.Marshal(s.Event)
	if err != nil {
		return nil, err
	}
	return json.Marshal(storedEventJSON{Event: ev, Seq: s.Seq, Analysis: s.Analysis})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *StoredEvent) UnmarshalJSON(b []byte) error {
	var raw storedEventJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	s.Seq, s.Analysis = raw.Seq, raw.Analysis
	return json.Unmarshal(raw.Event, &s.Event)
}

// Conversation is the desk's running state for one chat.
type Conversation struct {
	ID     string `json:"id"`
	Ticket string `json:"ticket"`
	// LastAt is the timestamp of the latest event; an event before it is
	// late and makes the engine rescore the conversation.
	LastAt time.Time `json:"last_at"`
	Events int       `json:"events"`
	// ScorerState is the scorer's own state after LastAt, in the
	// scorer's own encoding, opaque here.
	ScorerState []byte `json:"scorer_state,omitempty"`
}

// Document is one version of a stored YAML document: a script, the
// escalation policy, a keyword list.
type Document struct {
	Kind    string    `json:"kind"`
	Name    string    `json:"name"`
	Version int       `json:"version"`
	Body    string    `json:"body"`
	Author  string    `json:"author"`
	SavedAt time.Time `json:"saved_at"`
	Comment string    `json:"comment,omitempty"`
}

// TicketDetail is one ticket with its transcript and history, as
// `triage ticket ID --json` prints it.
type TicketDetail struct {
	Ticket  *Ticket       `json:"ticket"`
	Events  []StoredEvent `json:"events"`
	History []*Record     `json:"history"`
}

// Update is one change pushed to live subscribers. Seq increases by one
// per update within a daemon's lifetime (Epoch).
type Update struct {
	Seq    uint64  `json:"seq"`
	Epoch  string  `json:"epoch"`
	Ticket *Ticket `json:"ticket,omitempty"`
	Record *Record `json:"record,omitempty"`
	// Reset asks the subscriber to drop what it has and load a snapshot,
	// because updates it missed are no longer kept.
	Reset bool `json:"reset,omitempty"`
	// Notice is a message for every console, such as "the daemon is
	// stopping". An update that carries only a notice may have Seq 0,
	// and then takes no place in the sequence.
	Notice string `json:"notice,omitempty"`
	// Incident is an incident that opened or changed.
	Incident *Incident `json:"incident,omitempty"`
	// Review is a review mark saved on an escalation record.
	Review *Review `json:"review,omitempty"`
}
