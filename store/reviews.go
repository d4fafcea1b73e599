package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/triagedesk/triage/triage"
)

// bucketReviews holds reviews of escalation records, keyed by the
// reviewed record's Seq and then the review's own Seq, so that the
// reviews of one record are one prefix scan, oldest first. The bucket is
// created by the first review; a database without it has no reviews.
var bucketReviews = []byte("reviews")

func reviewKey(record, seq uint64) []byte {
	return appendSeq(appendSeq(make([]byte, 0, 2*seqKeyLen), record), seq)
}

// PutReview sets rev.Seq to the next value of the reviews bucket's
// sequence and stores rev. The reviewed record must exist under
// rev.Ticket and be an escalation.
func (t *tx) PutReview(rev *triage.Review) error {
	if _, err := triage.ParseVerdict(string(rev.Verdict)); err != nil {
		return fmt.Errorf("put review: %w", err)
	}
	if len(rev.Note) > triage.MaxReviewNote {
		return fmt.Errorf("put review: note is %d bytes, longer than the maximum of %d", len(rev.Note), triage.MaxReviewNote)
	}
	if strings.TrimSpace(rev.Agent) == "" {
		return errors.New("put review: agent is empty")
	}
	rec, err := t.recordBySeq(rev.Ticket, rev.Record)
	if err != nil {
		return fmt.Errorf("put review: %w", err)
	}
	if rec.Kind != triage.KindEscalated {
		return fmt.Errorf("put review: record %d of ticket %s is %s, not an escalation", rev.Record, rev.Ticket, rec.Kind)
	}
	b, err := t.btx.CreateBucketIfNotExists(bucketReviews)
	if err != nil {
		return fmt.Errorf("put review: create bucket: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("put review: %w", err)
	}
	rev.Seq = seq
	return putJSON(b, reviewKey(rev.Record, seq), rev, fmt.Sprintf("review %d of record %d", seq, rev.Record))
}

// recordBySeq finds a record of one ticket by its Seq through the ticket
// index, or returns an error wrapping triage.ErrNotFound.
func (t *tx) recordBySeq(ticket string, seq uint64) (*triage.Record, error) {
	var found *triage.Record
	err := t.TicketRecords(ticket, func(r *triage.Record) error {
		if r.Seq == seq {
			found = r
			return triage.ErrStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, fmt.Errorf("record %d of ticket %q: %w", seq, ticket, triage.ErrNotFound)
	}
	return found, nil
}

// Reviews calls fn for the reviews of one record, oldest first.
func (t *tx) Reviews(record uint64, fn func(*triage.Review) error) error {
	b := t.bucket(bucketReviews)
	if b == nil {
		return nil
	}
	prefix := appendSeq(nil, record)
	return t.scan(b, prefix, hasPrefix(prefix), func(_, v []byte) error {
		var rev triage.Review
		if err := decodeJSON(v, &rev, "review"); err != nil {
			return err
		}
		return fn(&rev)
	})
}

// deleteReviews removes the reviews of one record.
func (t *tx) deleteReviews(record uint64, fn func(*triage.Review) error) error {
	b := t.bucket(bucketReviews)
	if b == nil {
		return nil
	}
	prefix := appendSeq(nil, record)
	return t.scan(b, prefix, hasPrefix(prefix), func(k, v []byte) error {
		var rev triage.Review
		if err := decodeJSON(v, &rev, "review"); err != nil {
			return err
		}
		if fn != nil {
			if err := fn(&rev); err != nil {
				return err
			}
		}
		return b.Delete(k)
	})
}
