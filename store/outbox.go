package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// bucketOutbox keeps the pending outbox entries keyed by their ID as 8
// big-endian bytes, so that a cursor reads them oldest first. The bucket's
// sequence is the last ID assigned. An older build leaves the bucket alone,
// so it needs no schema version of its own.
var bucketOutbox = []byte("outbox")

func init() { allBuckets = append(allBuckets, bucketOutbox) }

var (
	_ triage.OutboxTx     = (*tx)(nil)
	_ triage.OutboxReadTx = (*tx)(nil)
)

func outboxKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, id)
}

// Outbox calls fn for the pending entries with an ID above after.
func (t *tx) Outbox(after uint64, fn func(*triage.OutboxEntry) error) error {
	b := t.bucket(bucketOutbox)
	if b == nil {
		return nil // a database opened read-only before its first upgrade
	}
	start := outboxKey(after + 1)
	return t.scan(b, start, func([]byte) bool { return true }, func(k, v []byte) error {
		var e triage.OutboxEntry
		if err := decodeJSON(v, &e, fmt.Sprintf("outbox entry %d", binary.BigEndian.Uint64(k))); err != nil {
			return err
		}
		return fn(&e)
	})
}

// OutboxLastID returns the bucket's sequence.
func (t *tx) OutboxLastID() (uint64, error) {
	b := t.bucket(bucketOutbox)
	if b == nil {
		return 0, nil
	}
	return b.Sequence(), nil
}

// AppendOutbox assigns the next ID to e, stores it, and drops the oldest
// pending entries whose ID is max or more below e's.
func (t *tx) AppendOutbox(e *triage.OutboxEntry, max int) (int, error) {
	b := t.bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("append outbox entry: %w", err)
	}
	e.ID = id
	if err := putJSON(b, outboxKey(id), e, fmt.Sprintf("outbox entry %d", id)); err != nil {
		return 0, err
	}
	if max <= 0 || id <= uint64(max) {
		return 0, nil
	}
	return dropOutboxBelow(b, id-uint64(max)+1)
}

// dropOutboxBelow removes the entries with an ID below first.
func dropOutboxBelow(b *bolt.Bucket, first uint64) (int, error) {
	dropped := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) < first; k, _ = c.First() {
		if err := b.Delete(k); err != nil {
			return dropped, fmt.Errorf("drop outbox entry %d: %w", binary.BigEndian.Uint64(k), err)
		}
		dropped++
	}
	return dropped, nil
}

// AckOutbox removes the entry with the given ID.
func (t *tx) AckOutbox(id uint64) (bool, error) {
	b := t.bucket(bucketOutbox)
	key := outboxKey(id)
	if b.Get(key) == nil {
		return false, nil
	}
	if err := b.Delete(key); err != nil {
		return false, fmt.Errorf("acknowledge outbox entry %d: %w", id, err)
	}
	return true, nil
}
