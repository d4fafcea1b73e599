package triage

import (
	"errors"
	"time"
)

// ErrNotFound is returned when a requested ticket, event or document does
// not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a compare-and-set write finds that someone
// else changed the value first.
var ErrConflict = errors.New("conflict")

// ErrInactive is returned for an action that needs an active ticket on
// one that is resolved or closed. It is a conflict too.
var ErrInactive = errors.New("ticket is resolved or closed")

// Store persists the desk's state. Update runs fn in one write transaction
// that is durable (fsync) when Update returns nil; an error from fn rolls
// the whole transaction back. View runs fn in a read-only snapshot.
type Store interface {
	Update(fn func(Tx) error) error
	View(fn func(ReadTx) error) error
	Close() error
}

// ReadTx reads a consistent snapshot of the store. Iteration callbacks may
// stop early by returning ErrStop.
type ReadTx interface {
	// EventByID finds an event by its id in any conversation.
	EventByID(id string) (*StoredEvent, error)
	// ConversationEvents calls fn for the conversation's events in
	// timestamp order, ties broken by Seq.
	ConversationEvents(conversation string, fn func(*StoredEvent) error) error
	// ConversationEventsAfter is ConversationEvents starting after the
	// given timestamp and sequence (exclusive).
	ConversationEventsAfter(conversation string, at time.Time, seq uint64, fn func(*StoredEvent) error) error
	Conversation(id string) (*Conversation, error)
	Ticket(id string) (*Ticket, error)
	// Queue calls fn for active tickets in queue order: escalated and
	// claimed ones (or, with all set, every active ticket), highest
	// priority first, then longest waiting first.
	Queue(all bool, fn func(*Ticket) error) error
	// Records calls fn for history records with from <= At < to, in time
	// order. A zero to means no upper bound.
	Records(from, to time.Time, fn func(*Record) error) error
	// TicketRecords calls fn for one ticket's history in time order.
	TicketRecords(ticket string, fn func(*Record) error) error
	// Document returns the latest version of a document, or the given
	// version when version > 0.
	Document(kind, name string, version int) (*Document, error)
	// Documents calls fn for the latest version of every document.
	Documents(fn func(*Document) error) error
	// DocumentVersions calls fn for every version of one document, oldest first.
	DocumentVersions(kind, name string, fn func(*Document) error) error
	// Meta returns a small setting stored by the desk, or nil.
	Meta(key string) ([]byte, error)
	// Reviews calls fn for the reviews of one escalation record (by its
	// Seq), oldest first. The last one is the one that counts.
	Reviews(record uint64, fn func(*Review) error) error
	// DueTimers calls fn for the timers with Due <= until, earliest
	// first; ties are ordered by ticket and then kind.
	DueTimers(until time.Time, fn func(*Timer) error) error
	// TicketTimers calls fn for every timer of one ticket, ordered by
	// kind.
	TicketTimers(ticket string, fn func(*Timer) error) error
	// TimerFired reports whether a timer with this ticket, kind and key
	// has fired.
	TimerFired(ticket string, kind TimerKind, key string) (bool, error)
}

// Tx is a write transaction.
type Tx interface {
	ReadTx
	// NextEventSeq returns a new store-wide arrival number.
	NextEventSeq() (uint64, error)
	// PutEvent stores or replaces an event, keyed by conversation,
	// timestamp and Seq, and indexes its id.
	PutEvent(e *StoredEvent) error
	PutConversation(c *Conversation) error
	// NewTicketID returns a new, never reused ticket id.
	NewTicketID() (string, error)
	// PutTicket stores a ticket and keeps the queue index in step.
	PutTicket(t *Ticket) error
	// AppendRecord assigns rec.Seq and appends it to the history.
	AppendRecord(rec *Record) error
	// PutDocument stores a new version of a document, setting
	// doc.Version to one past the latest.
	PutDocument(doc *Document) error
	SetMeta(key string, value []byte) error
	// PutReview assigns rev.Seq and stores the review beside the history.
	PutReview(rev *Review) error
	// DeleteRecord removes a history record, its ticket index entry and
	// its reviews, calling fn for each review removed. It exists for
	// retention purges and erasure requests only: history is otherwise
	// append-only.
	DeleteRecord(rec *Record, fn func(*Review) error) error
	// DeleteConversation removes a conversation and all its events,
	// calling fn for each event before it is removed.
	DeleteConversation(id string, fn func(*StoredEvent) error) error
	// DeleteTicket removes a ticket and its queue index entries.
	DeleteTicket(id string) error
	// SetTimer stores a timer, replacing the ticket's timer of the same
	// kind.
	SetTimer(tm *Timer) error
	// CancelTimer removes the ticket's timer of kind, if there is one.
	CancelTimer(ticket string, kind TimerKind) error
	// MarkTimerFired removes the timer and records that its identity
	// (ticket, kind and key) fired, at time at.
	MarkTimerFired(tm *Timer, at time.Time) error
	// DeleteTicketTimers removes a ticket's timers and fired markers.
	DeleteTicketTimers(ticket string) error
}

// ErrStop ends an iteration early without an error.
var ErrStop = errors.New("stop iteration")
