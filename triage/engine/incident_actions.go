package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// ErrNoIncidents is returned when the store's transactions do not
// implement triage.IncidentTx.
var ErrNoIncidents = errors.New("the store keeps no incidents")

// ErrIncidentClosed is returned for an action on an incident that is
// resolved or dissolved.
var ErrIncidentClosed = errors.New("incident is resolved or dissolved")

// ErrNotGrouped is returned when a ticket to take out of an incident is
// in none.
var ErrNotGrouped = errors.New("ticket is in no incident")

// Incidents returns every incident with its member tickets, open ones
// first in queue order, then the others newest first. With open set, only
// open incidents are returned.
func (e *Engine) Incidents(open bool) ([]*triage.IncidentDetail, error) {
	var out []*triage.IncidentDetail
	err := e.store.View(func(tx triage.ReadTx) error {
		itx, ok := tx.(triage.IncidentReadTx)
		if !ok {
			return ErrNoIncidents
		}
		var openList, closed []*triage.Incident
		err := itx.Incidents(func(inc *triage.Incident) error {
			switch {
			case inc.Status == triage.IncidentOpen:
				openList = append(openList, inc)
			case !open:
				closed = append([]*triage.Incident{inc}, closed...)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sortIncidents(openList)
		for _, inc := range append(openList, closed...) {
			d, err := incidentDetail(tx, inc)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// Incident returns one incident with its member tickets.
func (e *Engine) Incident(id string) (*triage.IncidentDetail, error) {
	var out *triage.IncidentDetail
	err := e.store.View(func(tx triage.ReadTx) error {
		itx, ok := tx.(triage.IncidentReadTx)
		if !ok {
			return ErrNoIncidents
		}
		inc, err := itx.Incident(id)
		if err != nil {
			return err
		}
		out, err = incidentDetail(tx, inc)
		return err
	})
	return out, err
}

// incidentDetail loads the member tickets of inc. A member removed by a
// purge or an erasure is left out.
func incidentDetail(tx triage.ReadTx, inc *triage.Incident) (*triage.IncidentDetail, error) {
	d := &triage.IncidentDetail{Incident: inc, Members: []*triage.Ticket{}}
	for _, id := range inc.Members {
		t, err := tx.Ticket(id)
		if errors.Is(err, triage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		d.Members = append(d.Members, t)
	}
	return d, nil
}

// incidentAction runs change on the incident with the given id inside the
// writer's transaction, then stores the incident, and returns it as
// committed.
func (e *Engine) incidentAction(ctx context.Context, id string, change func(b *batch, itx triage.IncidentTx, inc *triage.Incident) error) (*triage.Incident, error) {
	var result *triage.Incident
	r := &request{action: func(tx triage.Tx, b *batch) error {
		itx, ok := tx.(triage.IncidentTx)
		if !ok {
			return ErrNoIncidents
		}
		inc, err := itx.Incident(id)
		if err != nil {
			if errors.Is(err, triage.ErrNotFound) {
				return fmt.Errorf("incident %s: %w", id, triage.ErrNotFound)
			}
			return abort("load incident", err)
		}
		if err := change(b, itx, inc); err != nil {
			return err
		}
		result = inc
		return b.putIncident(itx, inc)
	}}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return result.Clone(), nil
}

// memberEntries loads the conversations of the incident's active member
// tickets, in member order. A member removed by a purge or an erasure is
// skipped.
func (b *batch) memberEntries(inc *triage.Incident) ([]*convEntry, error) {
	var out []*convEntry
	for _, id := range inc.Members {
		t, err := b.tx.Ticket(id)
		if errors.Is(err, triage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, abort("load ticket "+id, err)
		}
		entry, err := b.conversation(t.Conversation, false, time.Time{})
		if err != nil {
			return nil, err
		}
		if entry == nil || !entry.ticket.Status.Active() || entry.ticket.Incident != inc.ID {
			continue
		}
		out = append(out, entry)
	}
	return out, nil
}

// ResolveIncident resolves an open incident and every active member
// ticket, recording each ticket's resolution. Members claimed by another
// agent are resolved too: resolving an incident is a decision about the
// whole group.
func (e *Engine) ResolveIncident(ctx context.Context, id, agent string, at time.Time) (*triage.Incident, error) {
	return e.incidentAction(ctx, id, func(b *batch, _ triage.IncidentTx, inc *triage.Incident) error {
		if inc.Status != triage.IncidentOpen {
			return fmt.Errorf("resolve %s: %w", id, ErrIncidentClosed)
		}
		entries, err := b.memberEntries(inc)
		if err != nil {
			return err
		}
		reason := fmt.Sprintf("resolved with incident %s by %s", inc.ID, agent)
		for _, entry := range entries {
			t := entry.ticket
			t.Status = triage.StatusResolved
			t.UpdatedAt = at
			entry.dirty = true
			err := b.record(t, at, triage.KindResolved, reason, func(r *triage.Record) {
				r.Agent = &agent
				f := t.Frustration
				r.Frustration = &f
			})
			if err != nil {
				return err
			}
		}
		inc.Status = triage.IncidentResolved
		resolvedAt := at
		inc.ResolvedAt = &resolvedAt
		inc.ResolvedBy = &agent
		b.e.log.Info("incident resolved", "incident", inc.ID, "agent", agent, "tickets", len(entries))
		return nil
	})
}

// UngroupTicket takes a ticket out of its incident and returns it to its
// queue as a single escalation, recording why. An incident left with no
// members is dissolved. It returns the ticket as committed.
func (e *Engine) UngroupTicket(ctx context.Context, ticket, agent string, at time.Time) (*triage.Ticket, error) {
	var result *triage.Ticket
	r := &request{action: func(tx triage.Tx, b *batch) error {
		itx, ok := tx.(triage.IncidentTx)
		if !ok {
			return ErrNoIncidents
		}
		t, err := tx.Ticket(ticket)
		if err != nil {
			if errors.Is(err, triage.ErrNotFound) {
				return fmt.Errorf("ticket %s: %w", ticket, triage.ErrNotFound)
			}
			return abort("load ticket", err)
		}
		if t.Incident == "" {
			return fmt.Errorf("ungroup %s: %w", ticket, ErrNotGrouped)
		}
		entry, err := b.conversation(t.Conversation, false, time.Time{})
		if err != nil {
			return err
		}
		if entry == nil {
			return abort("load ticket", fmt.Errorf("conversation %s of ticket %s is missing", t.Conversation, ticket))
		}
		inc, err := itx.Incident(t.Incident)
		if err != nil && !errors.Is(err, triage.ErrNotFound) {
			return abort("load incident", err)
		}
		incidentID := t.Incident
		t = entry.ticket
		t.Incident = ""
		t.UpdatedAt = at
		entry.dirty = true
		result = t
		reason := fmt.Sprintf("taken out of incident %s by %s; back in the %s queue as a single escalation", incidentID, agent, t.Queue)
		if err := b.record(t, at, triage.KindUngrouped, reason, func(r *triage.Record) { r.Agent = &agent }); err != nil {
			return err
		}
		if inc == nil {
			return nil
		}
		inc.Members = removeString(inc.Members, t.ID)
		if len(inc.Members) == 0 && inc.Status == triage.IncidentOpen {
			inc.Status = triage.IncidentDissolved
		}
		return b.putIncident(itx, inc)
	}}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return result.Clone(), nil
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// IncidentReplyRequest is an agent's one reply to the customers of every
// active ticket of an incident.
type IncidentReplyRequest struct {
	Incident string
	Agent    string
	Text     string
	At       time.Time
	// Redact rewrites each conversation event before it is stored, as in
	// ReplyRequest.
	Redact func(*triage.Event)
}

// ReplyIncident records the reply as an agent message in the conversation
// of every active member ticket and adds one outbox entry per ticket, all
// in one transaction. It returns the outbox entries in member order.
func (e *Engine) ReplyIncident(ctx context.Context, req IncidentReplyRequest) ([]*triage.OutboxEntry, error) {
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		return nil, ErrEmptyReply
	case len(text) > triage.MaxTextLength:
		return nil, fmt.Errorf("%w: %d bytes, the maximum is %d", ErrReplyTooLong, len(text), triage.MaxTextLength)
	}
	var entries []*triage.OutboxEntry
	_, err := e.incidentAction(ctx, req.Incident, func(b *batch, _ triage.IncidentTx, inc *triage.Incident) error {
		if inc.Status != triage.IncidentOpen {
			return fmt.Errorf("reply to %s: %w", inc.ID, ErrIncidentClosed)
		}
		otx, ok := b.tx.(triage.OutboxTx)
		if !ok {
			return ErrNoOutbox
		}
		members, err := b.memberEntries(inc)
		if err != nil {
			return err
		}
		speaker, _ := json.Marshal("Agent (" + req.Agent + ")")
		for _, m := range members {
			t := m.ticket
			ev := triage.Event{
				Conversation: t.Conversation, At: req.At.UTC(), Role: triage.RoleAgent,
				Type: triage.TypeMessage, Text: text,
				Extra: map[string]json.RawMessage{"speaker": speaker},
			}
			if req.Redact != nil {
				req.Redact(&ev)
			}
			res, err := b.applyEvent(&ev, nil)
			if err != nil {
				return err
			}
			if res.Status == StatusRejected {
				return fmt.Errorf("reply event for %s rejected: %s", t.ID, res.Error)
			}
			entry := &triage.OutboxEntry{
				Ticket: t.ID, Conversation: t.Conversation, At: ev.At,
				Author: req.Agent, Role: triage.RoleAgent, Text: text, EventID: res.ID,
			}
			if err := b.appendOutbox(otx, entry); err != nil {
				return err
			}
			entries = append(entries, entry)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}
