package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// ErrNoErasure is returned by Forget when the store cannot erase.
var ErrNoErasure = errors.New("the store does not support erasure")

// Forget erases one customer's data in one transaction through the
// writer, and then rewrites the database file so that the deleted values
// do not stay in free pages. It deletes every conversation in which an
// event carries the customer's identity, or whose ticket carries the
// customer's hash, with all its events and its ticket. History records
// of those tickets stay for the counts, with their reason, scores and
// conversation id replaced by triage.ErasedText, and the notes of their
// reviews likewise. A meta entry records the erasure's time, who asked,
// and the counts, but not the customer.
//
// When the deletion committed but the rewrite failed, Forget returns the
// summary with an error: the data is gone from every read, but its bytes
// stay in the file until `triage compact` runs.
func (e *Engine) Forget(ctx context.Context, match triage.CustomerMatch, requestedBy string) (*triage.ErasureSummary, error) {
	if err := match.Validate(); err != nil {
		return nil, err
	}
	sum := &triage.ErasureSummary{At: time.Now().UTC(), RequestedBy: requestedBy}
	r := &request{action: func(tx triage.Tx, b *batch) error {
		etx, ok := tx.(triage.ErasureTx)
		if !ok {
			return ErrNoErasure
		}
		*sum = triage.ErasureSummary{At: sum.At, RequestedBy: requestedBy}
		return e.forget(etx, b, match, sum)
	}}
	if err := e.submit(ctx, r); err != nil {
		return nil, fmt.Errorf("forget: %w", err)
	}
	e.log.Info("customer data erased", "requested_by", requestedBy, "conversations", sum.Conversations,
		"events", sum.Events, "tickets", sum.Tickets, "records", sum.Records, "reviews", sum.Reviews)

	rw, ok := e.store.(triage.Rewriter)
	if !ok {
		return sum, errors.New("forget: the store cannot rewrite its file; deleted data stays in free pages until `triage compact` runs")
	}
	start := time.Now()
	before, after, err := rw.Rewrite()
	if err != nil {
		e.log.Error("rewrite after erasure failed", "err", err)
		return sum, fmt.Errorf("forget: the data is deleted, but rewriting the database file failed, "+
			"so its bytes stay in free pages until `triage compact` runs: %w", err)
	}
	sum.SizeBefore, sum.SizeAfter = before, after
	e.log.Info("database file rewritten after erasure", "size_before", before, "size_after", after, "took", time.Since(start))
	return sum, nil
}

// forget runs inside the writer's transaction.
func (e *Engine) forget(tx triage.ErasureTx, b *batch, match triage.CustomerMatch, sum *triage.ErasureSummary) error {
	secret, err := triage.CustomerSecret(tx)
	if err != nil {
		return abort("read customer hash secret", err)
	}
	hash := match.Hash
	if secret != nil {
		hash = match.KeyedHash(secret)
	}

	convs := make(map[string]bool)
	err = tx.CustomerEvents(func(ev *triage.StoredEvent) error {
		if match.Matches(ev.Customer, secret) {
			convs[ev.Conversation] = true
		}
		return nil
	})
	if err != nil {
		return abort("find the customer's events", err)
	}
	tickets := make(map[string]bool)
	err = tx.Tickets(func(t *triage.Ticket) error {
		if hash != "" && t.CustomerHash == hash {
			tickets[t.ID] = true
			convs[t.Conversation] = true
		}
		return nil
	})
	if err != nil {
		return abort("find the customer's tickets", err)
	}

	for _, id := range sortedKeys(convs) {
		conv, err := tx.Conversation(id)
		if err != nil {
			return abort("load conversation "+id, err)
		}
		if conv == nil {
			continue
		}
		tickets[conv.Ticket] = true
		if err := tx.DeleteConversation(id, func(*triage.StoredEvent) error {
			sum.Events++
			return nil
		}); err != nil {
			return abort("delete conversation "+id, err)
		}
		sum.Conversations++
	}
	for _, id := range sortedKeys(tickets) {
		if err := e.eraseTicket(tx, id, sum); err != nil {
			return err
		}
	}
	dropFromBatch(b, convs, tickets)
	if err := forgetInIncidents(tx, tickets); err != nil {
		return err
	}

	entry, err := json.Marshal(sum)
	if err != nil {
		return abort("encode erasure entry", err)
	}
	if err := tx.SetMeta(triage.MetaErasurePrefix+sum.At.Format(time.RFC3339Nano), entry); err != nil {
		return abort("record the erasure", err)
	}
	return nil
}

// eraseTicket scrubs a ticket's history records and reviews and deletes
// the ticket.
func (e *Engine) eraseTicket(tx triage.ErasureTx, id string, sum *triage.ErasureSummary) error {
	var recs []*triage.Record
	if err := tx.TicketRecords(id, func(rec *triage.Record) error {
		recs = append(recs, rec)
		return nil
	}); err != nil {
		return abort("read records of ticket "+id, err)
	}
	for _, rec := range recs {
		var reviews []*triage.Review
		if err := tx.Reviews(rec.Seq, func(rev *triage.Review) error {
			reviews = append(reviews, rev)
			return nil
		}); err != nil {
			return abort("read reviews of ticket "+id, err)
		}
		for _, rev := range reviews {
			if rev.Note == "" {
				continue
			}
			rev.Note = triage.ErasedText
			if err := tx.ReplaceReview(rev); err != nil {
				return abort("erase review note", err)
			}
			sum.Reviews++
		}
		rec.Reason = erasedReason(rec)
		rec.Scores = nil
		rec.Conversation = triage.ErasedText
		if err := tx.ReplaceRecord(rec); err != nil {
			return abort("erase history record", err)
		}
		sum.Records++
	}
	_, err := tx.Ticket(id)
	if errors.Is(err, triage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return abort("load ticket "+id, err)
	}
	if err := tx.DeleteTicketTimers(id); err != nil {
		return abort("delete timers of ticket "+id, err)
	}
	if err := tx.DeleteTicket(id); err != nil {
		return abort("delete ticket "+id, err)
	}
	sum.Tickets++
	return nil
}

// erasedReason keeps the name of the escalation rule behind a record,
// which history totals group by, and drops the rest of its reason: an
// escalation reason can quote the customer's words.
func erasedReason(rec *triage.Record) string {
	if rec.Kind == triage.KindEscalated {
		rule := triage.RuleOf(rec)
		switch {
		case strings.HasPrefix(strings.TrimSpace(rec.Reason), "rule "):
			return "rule " + rule + " " + triage.ErasedText
		case rule == "policy-error":
			return "escalation policy failed " + triage.ErasedText
		}
	}
	return triage.ErasedText
}

// dropFromBatch removes what earlier requests of the same transaction
// loaded for the erased conversations and tickets, so that flush does not
// write them back and their updates are not published. A Reset update
// makes live subscribers reload the queue without the erased tickets.
func dropFromBatch(b *batch, convs, tickets map[string]bool) {
	for id, c := range b.convs {
		if convs[id] || tickets[c.ticket.ID] {
			delete(b.convs, id)
		}
	}
	b.order = slices.DeleteFunc(b.order, func(c *convEntry) bool {
		return convs[c.conv.ID] || tickets[c.ticket.ID]
	})
	b.updates = slices.DeleteFunc(b.updates, func(u triage.Update) bool {
		return (u.Ticket != nil && tickets[u.Ticket.ID]) || (u.Record != nil && tickets[u.Record.Ticket])
	})
	b.updates = append(b.updates, triage.Update{Reset: true})
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
