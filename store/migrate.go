package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// migrateBinaryValues upgrades schema version 1 to 2: it rewrites every
// event, ticket and conversation from JSON to its binary format. Keys,
// indexes and bucket sequences stay as they are.
//
// NOTE: the whole upgrade is one write transaction, so bbolt holds every
// rewritten page in memory until the commit: about the size of the three
// buckets.
func migrateBinaryValues(tx *bolt.Tx) error {
	steps := []struct {
		bucket  []byte
		convert func(v []byte) ([]byte, error)
	}{
		{bucketEvents, func(v []byte) ([]byte, error) {
			var e triage.StoredEvent
			if err := e.UnmarshalJSON(v); err != nil {
				return nil, err
			}
			return appendEvent(make([]byte, 0, eventSizeHint(&e)), &e), nil
		}},
		{bucketTickets, func(v []byte) ([]byte, error) {
			var t triage.Ticket
			if err := json.Unmarshal(v, &t); err != nil {
				return nil, err
			}
			return appendTicket(make([]byte, 0, ticketSizeHint(&t)), &t), nil
		}},
		{bucketConversations, func(v []byte) ([]byte, error) {
			var c triage.Conversation
			if err := json.Unmarshal(v, &c); err != nil {
				return nil, err
			}
			return appendConversation(nil, &c), nil
		}},
	}
	for _, step := range steps {
		b := tx.Bucket(step.bucket)
		if b == nil {
			continue
		}
		if err := rewriteValues(b, step.convert); err != nil {
			return fmt.Errorf("bucket %s: %w", step.bucket, err)
		}
	}
	return nil
}

// rewriteValues replaces every value of b with convert's result, in
// chunks: it reads a chunk with a cursor, writes it, and seeks past the
// last key read, because a bbolt cursor is not valid across writes.
func rewriteValues(b *bolt.Bucket, convert func(v []byte) ([]byte, error)) error {
	const chunkSize = 1000
	type entry struct{ key, value []byte }
	chunk := make([]entry, 0, chunkSize)
	var after []byte
	for {
		chunk = chunk[:0]
		c := b.Cursor()
		k, v := c.First()
		if after != nil {
			// The smallest key after the last one read is that key with
			// a zero byte appended.
			k, v = c.Seek(append(bytes.Clone(after), 0))
		}
		if k == nil {
			return nil
		}
		for ; k != nil && len(chunk) < chunkSize; k, v = c.Next() {
			after = bytes.Clone(k)
			if v == nil {
				continue // a nested bucket
			}
			converted, err := convert(v)
			if err != nil {
				return fmt.Errorf("key %q: %w", k, err)
			}
			chunk = append(chunk, entry{after, converted})
		}
		for _, e := range chunk {
			if err := b.Put(e.key, e.value); err != nil {
				return fmt.Errorf("key %q: %w", e.key, err)
			}
		}
	}
}
