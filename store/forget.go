package store

import (
	"bytes"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

var _ triage.ErasureTx = (*tx)(nil)

// customerField marks the customer identity in a stored event (see
// appendEvent), so that CustomerEvents decodes only the events that
// contain it. A message text may contain the same bytes, so a match is
// checked after decoding.
var customerField = []byte(`"customer":`)

// CustomerEvents calls fn for every event that carries a customer
// identity, in key order (conversation, time, Seq). It reads the whole
// events bucket but decodes only the values that contain a customer
// field. fn must not write to the transaction.
func (t *tx) CustomerEvents(fn func(*triage.StoredEvent) error) error {
	return readAll(t.bucket(bucketEvents), func(_, v []byte) error {
		if !bytes.Contains(v, customerField) {
			return nil
		}
		var e triage.StoredEvent
		if err := decodeEvent(v, &e); err != nil {
			return err
		}
		if e.Customer.Empty() {
			return nil
		}
		return fn(&e)
	})
}

// Tickets calls fn for every ticket in id order. fn must not write to
// the transaction.
func (t *tx) Tickets(fn func(*triage.Ticket) error) error {
	return readAll(t.bucket(bucketTickets), func(k, v []byte) error {
		var tk triage.Ticket
		if err := decodeJSON(v, &tk, fmt.Sprintf("ticket %q", k)); err != nil {
			return err
		}
		return fn(&tk)
	})
}

// readAll calls visit for every key of b with one cursor, which stays
// valid only while nothing writes to b, and stops without error at
// triage.ErrStop. Unlike scan, it does not seek again after each key, so
// a full read of a large bucket in a write transaction stays linear.
func readAll(b *bolt.Bucket, visit func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := visit(k, v); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// ReplaceRecord overwrites the record stored under rec.At and rec.Seq.
// The record must exist and keep its ticket, so that the ticket index
// stays right.
func (t *tx) ReplaceRecord(rec *triage.Record) error {
	records := t.bucket(bucketRecords)
	key := recordKey(rec.At, rec.Seq)
	old := records.Get(key)
	if old == nil {
		return fmt.Errorf("replace record %d: %w", rec.Seq, triage.ErrNotFound)
	}
	var prev triage.Record
	if err := decodeJSON(old, &prev, fmt.Sprintf("record %d", rec.Seq)); err != nil {
		return err
	}
	if prev.Ticket != rec.Ticket {
		return fmt.Errorf("replace record %d: ticket %q differs from the stored %q", rec.Seq, rec.Ticket, prev.Ticket)
	}
	if err := checkPriority(rec.Priority); err != nil {
		return fmt.Errorf("replace record %d: %w", rec.Seq, err)
	}
	return putJSON(records, key, rec, fmt.Sprintf("record %d of ticket %q", rec.Seq, rec.Ticket))
}

// ReplaceReview overwrites the review stored under rev.Record and
// rev.Seq. The review must exist.
func (t *tx) ReplaceReview(rev *triage.Review) error {
	b := t.bucket(bucketReviews)
	key := reviewKey(rev.Record, rev.Seq)
	if b == nil || b.Get(key) == nil {
		return fmt.Errorf("replace review %d of record %d: %w", rev.Seq, rev.Record, triage.ErrNotFound)
	}
	return putJSON(b, key, rev, fmt.Sprintf("review %d of record %d", rev.Seq, rev.Record))
}
