package triage

import "time"

// TimerKind names what a timer waits for. A ticket has at most one timer
// of each kind at a time.
type TimerKind string

// Timer kinds.
const (
	// TimerScript is the timeout of the script step a ticket waits in.
	TimerScript TimerKind = "script"
	// TimerFirstResponse is the first-response target of the SLA: no
	// agent has replied to the customer yet.
	TimerFirstResponse TimerKind = "first_response"
	// TimerNextResponse is the next-response target of the SLA: an agent
	// replied before, and the customer has written again since.
	TimerNextResponse TimerKind = "next_response"
	// TimerUnclaimed is the unclaimed-escalation target of the SLA: an
	// escalated ticket that no agent has claimed.
	TimerUnclaimed TimerKind = "unclaimed"
)

// Timer is a deadline of one ticket, stored so that it survives a
// restart. The store keys timers by Due, then Ticket, then Kind.
type Timer struct {
	Due    time.Time `json:"due"`
	Ticket string    `json:"ticket"`
	Kind   TimerKind `json:"kind"`
	// Key distinguishes one arming of the timer from another, such as the step
	// and the time the ticket entered it. Ticket, Kind and Key together
	// are the timer's identity: once a timer with this identity fired,
	// the store keeps a marker so that it is never armed or fired again.
	Key string `json:"key"`
	// Start is when the measured wait began, such as the customer's first
	// unanswered message; Target describes the allowed wait, such as
	// "1 business hour". Both appear in the reasons of SLA breaches.
	Start  time.Time `json:"start"`
	Target string    `json:"target,omitempty"`
	// Tier is the index of the unclaimed-escalation tier that a
	// TimerUnclaimed timer measures.
	Tier int `json:"tier,omitempty"`
	// ArmedAt is the clock's time when the timer was first armed. A timer
	// armed after its deadline had passed records a past breach, such as
	// one found in an imported conversation; it fires once, but the desk
	// did not see it coming, so the deadlines that follow from it are
	// history too.
	ArmedAt time.Time `json:"armed_at,omitzero"`
}

// SeenComing reports whether the timer was armed before its deadline.
// Timers stored before ArmedAt existed count as seen coming.
func (t *Timer) SeenComing() bool {
	return t.ArmedAt.IsZero() || t.ArmedAt.Before(t.Due)
}
