package store

import (
	"bytes"
	"fmt"
	"time"

	"github.com/triagedesk/triage/triage"
)

// AppendRecord sets rec.Seq to the next value of the records bucket's
// sequence, starting at 1, and stores rec under its time and Seq, with a
// second key under its ticket for TicketRecords. rec.Ticket must be a
// valid id.
func (t *tx) AppendRecord(rec *triage.Record) error {
	if err := checkID("ticket", rec.Ticket); err != nil {
		return fmt.Errorf("append record: %w", err)
	}
	if err := checkPriority(rec.Priority); err != nil {
		return fmt.Errorf("append record for ticket %q: %w", rec.Ticket, err)
	}
	records := t.bucket(bucketRecords)
	records.FillPercent = appendFillPercent
	seq, err := records.NextSequence()
	if err != nil {
		return fmt.Errorf("append record for ticket %q: %w", rec.Ticket, err)
	}
	rec.Seq = seq
	key := recordKey(rec.At, seq)
	label := fmt.Sprintf("record %d of ticket %q", seq, rec.Ticket)
	if err := putJSON(records, key, rec, label); err != nil {
		return err
	}
	if err := t.bucket(bucketTicketRecords).Put(ticketRecordKey(rec.Ticket, key), nil); err != nil {
		return fmt.Errorf("index %s: %w", label, err)
	}
	return nil
}

// Records calls fn for the records with from <= At < to, ordered by At
// and then Seq. A zero to means no upper bound. It seeks to from and
// reads only the range.
func (t *tx) Records(from, to time.Time, fn func(*triage.Record) error) error {
	inRange := func([]byte) bool { return true }
	if !to.IsZero() {
		end := appendTime(nil, to)
		inRange = func(k []byte) bool { return bytes.Compare(k[:timeKeyLen], end) < 0 }
	}
	start := appendTime(nil, from)
	return t.scan(t.bucket(bucketRecords), start, inRange, func(_, v []byte) error {
		return decodeRecord(v, fn)
	})
}

// TicketRecords calls fn for one ticket's records, ordered by At and then
// Seq.
func (t *tx) TicketRecords(ticket string, fn func(*triage.Record) error) error {
	if err := checkID("ticket", ticket); err != nil {
		return fmt.Errorf("read ticket records: %w", err)
	}
	prefix := appendID(nil, ticket)
	records := t.bucket(bucketRecords)
	return t.scan(t.bucket(bucketTicketRecords), prefix, hasPrefix(prefix), func(k, _ []byte) error {
		v := records.Get(k[len(prefix):])
		if v == nil {
			return fmt.Errorf("read records of ticket %q: the ticket index points to a missing record", ticket)
		}
		return decodeRecord(v, fn)
	})
}

func decodeRecord(v []byte, fn func(*triage.Record) error) error {
	var rec triage.Record
	if err := decodeJSON(v, &rec, "record"); err != nil {
		return err
	}
	return fn(&rec)
}
