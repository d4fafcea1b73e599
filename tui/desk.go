// Package tui is the agents' console: a Bubble Tea (v1) program that shows
// the live escalation queue and one ticket at a time, and sends claim,
// release and resolve actions to the daemon through a Desk.
//
// The console never opens the database. Everything it shows comes from a
// Desk, so a test can drive it with an in-memory fake and the real program
// with the daemon's client.
package tui

import (
	"context"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// Desk is what the console needs from the daemon. Errors should wrap
// triage.ErrConflict when a claim loses to another agent and
// triage.ErrNotFound for an unknown ticket, so that the console can report
// those cases in plain words.
type Desk interface {
	// Queue returns a snapshot of the active tickets in queue order: the
	// escalated and claimed ones, or every active ticket when all is set.
	Queue(ctx context.Context, all bool) ([]*triage.Ticket, error)
	// Ticket returns one ticket with its transcript and history.
	Ticket(ctx context.Context, id string) (*triage.TicketDetail, error)
	// Subscribe starts a stream of the updates after sequence number since
	// of the given epoch. The stream starts with a Reset update when it
	// cannot resume from there.
	Subscribe(ctx context.Context, since uint64, epoch string) (Stream, error)
	// Claim assigns the ticket to the agent the daemon serves.
	Claim(ctx context.Context, id string) (*triage.Ticket, error)
	// Resolve marks the ticket resolved.
	Resolve(ctx context.Context, id string) (*triage.Ticket, error)
	// Release gives up the agent's claim on the ticket.
	Release(ctx context.Context, id string) (*triage.Ticket, error)
}

// HistoryDesk is the part of the daemon's API behind the history view and
// the review marks of the ticket view. The console enables both only when
// its Desk implements it too. *client.Client has these methods.
type HistoryDesk interface {
	// History calls fn for each record that q matches, in time order, as
	// the records stream in; an escalation carries its latest review.
	History(ctx context.Context, q client.HistoryQuery, fn func(*triage.HistoryEntry) error) error
	// Review stores the agent's verdict on one escalation record.
	Review(ctx context.Context, ticket string, record uint64, verdict triage.Verdict, note string) (*triage.Review, error)
}

// ScriptsDesk is the part of the daemon's API behind the scripts view:
// scripts, policies and the other versioned documents. The console enables
// the view only when its Desk implements it too. *client.Client has these
// methods.
type ScriptsDesk interface {
	// Documents returns the latest version of every document.
	Documents(ctx context.Context) ([]*triage.Document, error)
	// Document returns one version of a document, the latest for 0.
	Document(ctx context.Context, kind, name string, version int) (*triage.Document, error)
	// DocumentVersions returns every version of a document, oldest first.
	DocumentVersions(ctx context.Context, kind, name string) ([]*triage.Document, error)
	// PutDocument validates body and saves it as the next version. An
	// invalid body returns an error that lists the problems, one a line.
	PutDocument(ctx context.Context, kind, name, source string, body []byte, comment string) (*triage.Document, error)
}

// Stream is a live sequence of updates. Next blocks until the next update
// or an error; Close makes a blocked Next return.
type Stream interface {
	Next() (triage.Update, error)
	Close() error
}

// Options configures the console.
type Options struct {
	// Desk is the daemon connection; it is required.
	Desk Desk
	// Agent is the name of the agent at the console, shown in the title
	// and used to mark the tickets they claimed.
	Agent string
	// Now is the clock for wait times and for expiring the NEW badge;
	// nil means time.Now. Times are shown in the location of its result.
	Now func() time.Time
	// NoColor turns off colours, as when NO_COLOR is set. The console also
	// drops colour when lipgloss detects a terminal without colour.
	NoColor bool
}
