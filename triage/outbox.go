package triage

import "time"

// MaxOutboxPending bounds the entries the outbox keeps unacknowledged.
// When a new entry would exceed it, the oldest pending entries are
// dropped, so that a desk with no bridge reading the outbox does not grow
// without limit.
const MaxOutboxPending = 10000

// OutboxEntry is one message for the customer that waits to be delivered
// to the chat tool: an agent's reply, or a message that a script step
// sends.
type OutboxEntry struct {
	// ID is assigned by the store, in the order entries are added.
	ID           uint64    `json:"id"`
	Ticket       string    `json:"ticket"`
	Conversation string    `json:"conversation"`
	At           time.Time `json:"at"`
	// Author is the agent's name, or "bot" for a script message.
	Author string `json:"author"`
	Role   Role   `json:"role"`
	Text   string `json:"text"`
	// Script and Step name the script step that sent a bot message.
	Script string `json:"script,omitempty"`
	Step   string `json:"step,omitempty"`
	// EventID is the id of the conversation event that records an agent
	// reply.
	EventID string `json:"event_id,omitempty"`
}

// OutboxReadTx reads the outbox. A store that keeps an outbox implements
// it on its read transactions.
type OutboxReadTx interface {
	// Outbox calls fn for the unacknowledged entries with an ID above
	// after, oldest first.
	Outbox(after uint64, fn func(*OutboxEntry) error) error
	// OutboxLastID returns the highest ID assigned so far, 0 when none.
	OutboxLastID() (uint64, error)
}

// OutboxTx writes the outbox. A store that keeps an outbox implements it
// on its write transactions.
type OutboxTx interface {
	OutboxReadTx
	// AppendOutbox assigns e.ID and stores e. It then drops the oldest
	// pending entries beyond the latest max, and returns how many it
	// dropped.
	AppendOutbox(e *OutboxEntry, max int) (dropped int, err error)
	// AckOutbox removes a pending entry and reports whether it was
	// pending.
	AckOutbox(id uint64) (bool, error)
}
