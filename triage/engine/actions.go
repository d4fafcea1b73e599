package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// PolicyKind is the document kind of escalation policies, and PolicyName
// the name of the one the engine applies.
const (
	PolicyKind = "escalation-policy"
	PolicyName = "default"
)

// ConflictError says that a ticket action lost to another agent's.
type ConflictError struct {
	Ticket string
	Holder string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("ticket %s is claimed by %s", e.Ticket, e.Holder)
}

// Unwrap lets errors.Is match triage.ErrConflict.
func (e *ConflictError) Unwrap() error { return triage.ErrConflict }

// ErrInactive is returned for an action on a resolved or closed ticket.
var ErrInactive = triage.ErrInactive

// loadPolicy reads the escalation policy, seeding the default on first start.
func (e *Engine) loadPolicy() error {
	var doc *triage.Document
	err := e.store.View(func(tx triage.ReadTx) error {
		d, err := tx.Document(PolicyKind, PolicyName, 0)
		doc = d
		return err
	})
	if errors.Is(err, triage.ErrNotFound) {
		doc = &triage.Document{
			Kind:    PolicyKind,
			Name:    PolicyName,
			Body:    scripts.DefaultPolicyYAML,
			Author:  "triage",
			SavedAt: e.now().UTC(),
			Comment: "default policy seeded on first start",
		}
		err = e.store.Update(func(tx triage.Tx) error { return tx.PutDocument(doc) })
		if err == nil {
			e.log.Info("seeded default escalation policy", "version", doc.Version)
		}
	}
	if err != nil {
		return fmt.Errorf("load escalation policy: %w", err)
	}
	policy, err := scripts.ParsePolicy(PolicyName, []byte(doc.Body))
	if err != nil {
		return fmt.Errorf("parse stored escalation policy %s version %d: %w", doc.Name, doc.Version, err)
	}
	e.policy.Store(&policyVersion{policy: policy, name: doc.Name, version: doc.Version})
	return nil
}

// ticketAction runs change on the ticket with the given id inside the
// writer's transaction and returns the ticket as committed.
func (e *Engine) ticketAction(ctx context.Context, id string, change func(b *batch, entry *convEntry) error) (*triage.Ticket, error) {
	var result *triage.Ticket
	r := &request{keepsCache: true, action: func(tx triage.Tx, b *batch) error {
		t, err := tx.Ticket(id)
		if err != nil {
			if errors.Is(err, triage.ErrNotFound) {
				return fmt.Errorf("ticket %s: %w", id, triage.ErrNotFound)
			}
			return abort("load ticket", err)
		}
		entry, err := b.conversation(t.Conversation, false, time.Time{})
		if err != nil {
			return err
		}
		if entry == nil {
			return abort("load ticket", fmt.Errorf("conversation %s of ticket %s is missing", t.Conversation, id))
		}
		if err := change(b, entry); err != nil {
			return err
		}
		entry.dirty = true
		result = entry.ticket
		return nil
	}}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return result.Clone(), nil
}

// Claim gives an active ticket to agent. A ticket claimed by someone else
// returns a *ConflictError naming the holder; claiming one's own ticket
// again succeeds.
func (e *Engine) Claim(ctx context.Context, id, agent string, at time.Time) (*triage.Ticket, error) {
	return e.ticketAction(ctx, id, func(b *batch, entry *convEntry) error {
		t := entry.ticket
		if !t.Status.Active() {
			return fmt.Errorf("claim %s: %w", id, ErrInactive)
		}
		if t.ClaimedBy != nil {
			if *t.ClaimedBy == agent {
				return nil
			}
			return &ConflictError{Ticket: id, Holder: *t.ClaimedBy}
		}
		t.Status = triage.StatusClaimed
		t.ClaimedBy = &agent
		t.UpdatedAt = at
		return b.record(t, at, triage.KindClaimed, "claimed by "+agent, func(r *triage.Record) {
			r.Agent = &agent
			f := t.Frustration
			r.Frustration = &f
		})
	})
}

// Release hands a claimed ticket back to its queue.
func (e *Engine) Release(ctx context.Context, id, agent string, at time.Time) (*triage.Ticket, error) {
	return e.ticketAction(ctx, id, func(b *batch, entry *convEntry) error {
		t := entry.ticket
		if t.ClaimedBy == nil {
			return fmt.Errorf("release %s: ticket is not claimed", id)
		}
		if *t.ClaimedBy != agent {
			return &ConflictError{Ticket: id, Holder: *t.ClaimedBy}
		}
		t.ClaimedBy = nil
		t.Status = triage.StatusOpen
		if t.EscalatedAt != nil {
			t.Status = triage.StatusEscalated
		}
		t.UpdatedAt = at
		return b.record(t, at, triage.KindReleased, "released by "+agent, func(r *triage.Record) {
			r.Agent = &agent
		})
	})
}

// Resolve closes the work on a ticket. Anyone may resolve an unclaimed
// ticket; a claimed one only its holder.
func (e *Engine) Resolve(ctx context.Context, id, agent string, at time.Time) (*triage.Ticket, error) {
	return e.ticketAction(ctx, id, func(b *batch, entry *convEntry) error {
		t := entry.ticket
		if !t.Status.Active() {
			return fmt.Errorf("resolve %s: %w", id, ErrInactive)
		}
		if t.ClaimedBy != nil && *t.ClaimedBy != agent {
			return &ConflictError{Ticket: id, Holder: *t.ClaimedBy}
		}
		t.Status = triage.StatusResolved
		t.UpdatedAt = at
		return b.record(t, at, triage.KindResolved, "resolved by "+agent, func(r *triage.Record) {
			r.Agent = &agent
			f := t.Frustration
			r.Frustration = &f
		})
	})
}
