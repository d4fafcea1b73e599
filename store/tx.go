package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// tx implements triage.Tx over one bbolt transaction. Read methods work
// in both kinds of transaction; write methods fail with bbolt's
// ErrTxNotWritable in a read transaction.
type tx struct {
	btx *bolt.Tx
	// issuedFrom and issuedTo bound the event sequence numbers that this
	// transaction handed out, and writtenTo is the highest of them that
	// PutEvent has stored. An event whose Seq lies above writtenTo and
	// within the issued range has never been stored, so PutEvent skips
	// reading the value it would replace.
	issuedFrom, issuedTo, writtenTo uint64
}

var _ triage.Tx = (*tx)(nil)

// appendFillPercent is bbolt's split threshold for buckets whose keys are
// mostly added in order: the left page of a split stays nearly full, with
// room for the odd key that arrives late.
const appendFillPercent = 0.9

func (t *tx) bucket(name []byte) *bolt.Bucket {
	return t.btx.Bucket(name)
}

// scan calls visit for the keys of b from start onwards while inRange
// holds. Iteration ends without error when visit returns triage.ErrStop,
// and with visit's error otherwise.
//
// In a write transaction visit may write to b. bbolt does not keep a
// cursor valid across writes, so scan then seeks again after each call
// and continues with the first key after the last one visited. A key that
// visit deletes is therefore skipped, and a key that it inserts further
// on is visited.
func (t *tx) scan(b *bolt.Bucket, start []byte, inRange func(k []byte) bool, visit func(k, v []byte) error) error {
	c := b.Cursor()
	writable := t.btx.Writable()
	for k, v := c.Seek(start); k != nil && inRange(k); {
		var last []byte
		if writable {
			last = bytes.Clone(k)
		}
		if err := visit(k, v); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return nil
			}
			return err
		}
		if !writable {
			k, v = c.Next()
			continue
		}
		k, v = c.Seek(last)
		if k != nil && bytes.Equal(k, last) {
			k, v = c.Next()
		}
	}
	return nil
}

// hasPrefix returns an inRange function for scan.
func hasPrefix(prefix []byte) func([]byte) bool {
	return func(k []byte) bool { return bytes.HasPrefix(k, prefix) }
}

// putJSON encodes v as JSON and stores it under key.
func putJSON(b *bolt.Bucket, key []byte, v any, label string) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", label, err)
	}
	if err := b.Put(key, data); err != nil {
		return fmt.Errorf("write %s: %w", label, err)
	}
	return nil
}

// decodeJSON decodes data into v. label names the value in the error.
// Tickets are not stored as JSON, so a *triage.Ticket is decoded with
// decodeTicket instead.
func decodeJSON(data []byte, v any, label string) error {
	if tk, ok := v.(*triage.Ticket); ok {
		if err := decodeTicket(data, tk); err != nil {
			return fmt.Errorf("decode %s: %w", label, err)
		}
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", label, err)
	}
	return nil
}

// Meta returns a copy of the setting stored under key, or nil when there
// is none.
func (t *tx) Meta(key string) ([]byte, error) {
	v := t.bucket(bucketMeta).Bucket(bucketSettings).Get([]byte(key))
	if v == nil {
		return nil, nil
	}
	return bytes.Clone(v), nil
}

// SetMeta stores value under key, replacing any earlier value. The key
// must not be empty. A nil value is stored as an empty one.
func (t *tx) SetMeta(key string, value []byte) error {
	if key == "" {
		return errors.New("set meta: key is empty")
	}
	if value == nil {
		value = []byte{}
	}
	if err := t.bucket(bucketMeta).Bucket(bucketSettings).Put([]byte(key), value); err != nil {
		return fmt.Errorf("set meta %q: %w", key, err)
	}
	return nil
}

// Conversation returns the conversation with the given id, or nil and no
// error when there is none. The engine looks up the conversation of every
// event, and a missing one is the common case of a new conversation.
func (t *tx) Conversation(id string) (*triage.Conversation, error) {
	v := t.bucket(bucketConversations).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	var c triage.Conversation
	if err := decodeConversation(v, &c); err != nil {
		return nil, fmt.Errorf("decode conversation %q: %w", id, err)
	}
	return &c, nil
}

// PutConversation stores c, replacing the conversation with the same id.
func (t *tx) PutConversation(c *triage.Conversation) error {
	if err := checkID("conversation", c.ID); err != nil {
		return fmt.Errorf("put conversation: %w", err)
	}
	data := appendConversation(make([]byte, 0, 48+len(c.ID)+len(c.Ticket)+len(c.ScorerState)), c)
	if err := t.bucket(bucketConversations).Put([]byte(c.ID), data); err != nil {
		return fmt.Errorf("write conversation %q: %w", c.ID, err)
	}
	return nil
}
