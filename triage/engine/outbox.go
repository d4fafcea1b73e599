package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// ErrNoOutbox is returned when the store's transactions do not implement
// triage.OutboxTx.
var ErrNoOutbox = errors.New("the store keeps no outbox")

// Errors of an invalid reply.
var (
	ErrEmptyReply   = errors.New("reply text is empty")
	ErrReplyTooLong = errors.New("reply text is too long")
)

// outboxAuthorBot is the author of script messages in the outbox.
const outboxAuthorBot = "bot"

// outboxScriptMessage adds the text of a script step's send action to the
// outbox. A prompt is for the agent and stays on the ticket only, and a
// dry-run replay adds nothing.
func (b *batch) outboxScriptMessage(t *triage.Ticket, v *scriptVersion, at time.Time, a scripts.Action) error {
	if b.replay != nil || a.Kind != scripts.ActionSend || strings.TrimSpace(a.Text) == "" {
		return nil
	}
	otx, ok := b.tx.(triage.OutboxTx)
	if !ok {
		return nil
	}
	e := &triage.OutboxEntry{
		Ticket: t.ID, Conversation: t.Conversation, At: at.UTC(),
		Author: outboxAuthorBot, Role: triage.RoleBot, Text: a.Text,
		Script: v.name, Step: a.Step,
	}
	return b.appendOutbox(otx, e)
}

func (b *batch) appendOutbox(otx triage.OutboxTx, e *triage.OutboxEntry) error {
	dropped, err := otx.AppendOutbox(e, triage.MaxOutboxPending)
	if err != nil {
		return abort("append outbox entry", err)
	}
	if dropped > 0 {
		b.e.log.Warn("outbox full: dropped the oldest unacknowledged replies; is a bridge reading `triage outbox --follow`?",
			"dropped", dropped, "max", triage.MaxOutboxPending, "id", e.ID)
	}
	return nil
}

// ReplyRequest is an agent's reply to a ticket's customer.
type ReplyRequest struct {
	Ticket string
	Agent  string
	Text   string
	At     time.Time
	// Redact, when set, rewrites the conversation event that records the
	// reply before it is stored. The outbox entry keeps the text as
	// written, because that is what the customer must receive, until
	// the entry is acknowledged.
	// NOTE: an erasure request (Engine.Forget) does not remove pending
	// outbox entries of the customer's conversations yet.
	Redact func(*triage.Event)
}

// Reply records an agent's reply as an agent message event in the ticket's
// conversation and adds it to the outbox, in one transaction. It returns
// the outbox entry, or triage.ErrNotFound when the ticket does not exist.
func (e *Engine) Reply(ctx context.Context, req ReplyRequest) (*triage.OutboxEntry, error) {
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		return nil, ErrEmptyReply
	case len(text) > triage.MaxTextLength:
		return nil, fmt.Errorf("%w: %d bytes, the maximum is %d", ErrReplyTooLong, len(text), triage.MaxTextLength)
	}
	var entry *triage.OutboxEntry
	r := &request{action: func(tx triage.Tx, b *batch) error {
		otx, ok := tx.(triage.OutboxTx)
		if !ok {
			return ErrNoOutbox
		}
		t, err := tx.Ticket(req.Ticket)
		if err != nil {
			return err
		}
		speaker, _ := json.Marshal("Agent (" + req.Agent + ")")
		ev := triage.Event{
			Conversation: t.Conversation,
			At:           req.At.UTC(),
			Role:         triage.RoleAgent,
			Type:         triage.TypeMessage,
			Text:         text,
			Extra:        map[string]json.RawMessage{"speaker": speaker},
		}
		if req.Redact != nil {
			req.Redact(&ev)
		}
		res, err := b.applyEvent(&ev, nil)
		if err != nil {
			return err
		}
		if res.Status == StatusRejected {
			return fmt.Errorf("reply event rejected: %s", res.Error)
		}
		entry = &triage.OutboxEntry{
			Ticket: t.ID, Conversation: t.Conversation, At: ev.At,
			Author: req.Agent, Role: triage.RoleAgent, Text: text, EventID: res.ID,
		}
		return b.appendOutbox(otx, entry)
	}}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return entry, nil
}

// AckStatus is the outcome of acknowledging one outbox entry.
type AckStatus string

// Acknowledgement outcomes.
const (
	AckDone AckStatus = "acknowledged"
	// AckEarlier means the entry was acknowledged, or dropped, before.
	AckEarlier AckStatus = "already_acknowledged"
	// AckUnknown means no entry ever had the id.
	AckUnknown AckStatus = "unknown"
)

// AckResult is the outcome for one id.
type AckResult struct {
	ID     uint64    `json:"id"`
	Status AckStatus `json:"status"`
}

// AckOutbox removes delivered entries from the outbox, so that they are
// not delivered again, and returns one result per id in order.
func (e *Engine) AckOutbox(ctx context.Context, ids []uint64) ([]AckResult, error) {
	results := make([]AckResult, len(ids))
	r := &request{action: func(tx triage.Tx, _ *batch) error {
		otx, ok := tx.(triage.OutboxTx)
		if !ok {
			return ErrNoOutbox
		}
		last, err := otx.OutboxLastID()
		if err != nil {
			return abort("read outbox", err)
		}
		for i, id := range ids {
			done, err := otx.AckOutbox(id)
			if err != nil {
				return abort("acknowledge outbox entry", err)
			}
			status := AckDone
			switch {
			case done:
			case id >= 1 && id <= last:
				status = AckEarlier
			default:
				status = AckUnknown
			}
			results[i] = AckResult{ID: id, Status: status}
		}
		return nil
	}}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return results, nil
}

// Outbox calls fn for the pending outbox entries with an id above after,
// oldest first, from one snapshot.
func (e *Engine) Outbox(after uint64, fn func(*triage.OutboxEntry) error) error {
	return e.store.View(func(tx triage.ReadTx) error {
		otx, ok := tx.(triage.OutboxReadTx)
		if !ok {
			return ErrNoOutbox
		}
		return otx.Outbox(after, fn)
	})
}
