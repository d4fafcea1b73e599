package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// NextEventSeq returns the next value of the events bucket's sequence,
// starting at 1. A rolled-back transaction returns its numbers to the
// sequence.
func (t *tx) NextEventSeq() (uint64, error) {
	seq, err := t.bucket(bucketEvents).NextSequence()
	if err != nil {
		return 0, fmt.Errorf("next event sequence: %w", err)
	}
	if t.issuedFrom == 0 {
		t.issuedFrom, t.writtenTo = seq, seq-1
	}
	t.issuedTo = seq
	return seq, nil
}

// PutEvent stores e under its conversation, timestamp and Seq, replacing
// the event with the same three, and points the id index at it. Two
// events with one id and different keys are both kept, and EventByID
// returns the one stored last. An event without an id is stored but not
// indexed.
func (t *tx) PutEvent(e *triage.StoredEvent) error {
	if err := checkID("conversation", e.Conversation); err != nil {
		return fmt.Errorf("put event: %w", err)
	}
	if e.ID != "" {
		if err := checkID("event", e.ID); err != nil {
			return fmt.Errorf("put event: %w", err)
		}
	}
	events, ids := t.bucket(bucketEvents), t.bucket(bucketEventIDs)
	// A conversation's events mostly arrive in time order, so they are
	// added at the end of its key range. A page split then leaves the left
	// page full, where the default of half full would leave it half empty
	// for good.
	events.FillPercent = appendFillPercent
	key := eventKey(e.Conversation, e.At, e.Seq)

	// bbolt keeps a reference to the value until the transaction ends,
	// so every event gets a buffer of its own.
	data := appendEvent(make([]byte, 0, eventSizeHint(e)), e)
	if t.issuedFrom != 0 && e.Seq > t.writtenTo && e.Seq <= t.issuedTo {
		t.writtenTo = e.Seq
		return t.putNewEvent(events, ids, key, data, e.ID)
	}
	old := events.Get(key)
	// A rescore rewrites every event of a conversation, and most come
	// out unchanged. Skipping those saves bbolt from copying and writing
	// their pages again.
	unchanged := bytes.Equal(old, data)
	if !unchanged {
		// A replaced event whose id changed must not stay reachable by
		// its old id.
		if old != nil {
			if err := t.dropReplacedID(old, e.ID, key); err != nil {
				return fmt.Errorf("put event %q: %w", e.ID, err)
			}
		}
		if err := events.Put(key, data); err != nil {
			return fmt.Errorf("write event %q: %w", e.ID, err)
		}
	}
	if e.ID == "" || (unchanged && bytes.Equal(ids.Get([]byte(e.ID)), key)) {
		return nil
	}
	if err := ids.Put([]byte(e.ID), key); err != nil {
		return fmt.Errorf("index event %q: %w", e.ID, err)
	}
	return nil
}

// putNewEvent stores an event whose key is known to be new: its Seq was
// handed out by this transaction and not yet written.
func (t *tx) putNewEvent(events, ids *bolt.Bucket, key, data []byte, id string) error {
	if err := events.Put(key, data); err != nil {
		return fmt.Errorf("write event %q: %w", id, err)
	}
	if id == "" {
		return nil
	}
	if err := ids.Put([]byte(id), key); err != nil {
		return fmt.Errorf("index event %q: %w", id, err)
	}
	return nil
}

// dropReplacedID removes the id index entry of the stored event old, which
// is about to be replaced under key by an event with id newID, when the
// ids differ and the entry points at key.
func (t *tx) dropReplacedID(old []byte, newID string, key []byte) error {
	prevID, err := storedEventID(old)
	if err != nil {
		return err
	}
	ids := t.bucket(bucketEventIDs)
	if prevID == "" || prevID == newID || !bytes.Equal(ids.Get([]byte(prevID)), key) {
		return nil
	}
	if err := ids.Delete([]byte(prevID)); err != nil {
		return fmt.Errorf("remove old id %q: %w", prevID, err)
	}
	return nil
}

// EventByID returns the event most recently stored with the given id, or
// an error wrapping triage.ErrNotFound.
func (t *tx) EventByID(id string) (*triage.StoredEvent, error) {
	key := t.bucket(bucketEventIDs).Get([]byte(id))
	if key == nil {
		return nil, &notFoundError{kind: "event", id: id}
	}
	v := t.bucket(bucketEvents).Get(key)
	if v == nil {
		return nil, fmt.Errorf("event %q: the id index points to a missing event: %w", id, triage.ErrNotFound)
	}
	var e triage.StoredEvent
	if err := decodeEvent(v, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// ConversationEvents calls fn for the conversation's events in timestamp
// order, ties broken by Seq.
func (t *tx) ConversationEvents(conversation string, fn func(*triage.StoredEvent) error) error {
	if err := checkID("conversation", conversation); err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	prefix := appendID(nil, conversation)
	return t.scanEvents(prefix, prefix, fn)
}

// ConversationEventsAfter calls fn for the conversation's events that
// sort after the given timestamp and Seq, in the order of
// ConversationEvents.
func (t *tx) ConversationEventsAfter(conversation string, at time.Time, seq uint64, fn func(*triage.StoredEvent) error) error {
	if err := checkID("conversation", conversation); err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	prefix := appendID(nil, conversation)
	// The smallest key after (at, seq) is (at, seq+1), or the next
	// nanosecond when seq is the largest value.
	start := eventKey(conversation, at, seq+1)
	if seq == ^uint64(0) {
		start = eventKey(conversation, at.Add(time.Nanosecond), 0)
	}
	return t.scanEvents(prefix, start, fn)
}

func (t *tx) scanEvents(prefix, start []byte, fn func(*triage.StoredEvent) error) error {
	return t.scan(t.bucket(bucketEvents), start, hasPrefix(prefix), func(_, v []byte) error {
		var e triage.StoredEvent
		if err := decodeEvent(v, &e); err != nil {
			return err
		}
		return fn(&e)
	})
}

// notFoundError wraps triage.ErrNotFound and formats its message only
// when it is read. The engine looks up the id of every event it receives,
// and for a new event the lookup fails.
type notFoundError struct {
	kind, id string
}

func (e *notFoundError) Error() string {
	return fmt.Sprintf("%s %q: %v", e.kind, e.id, triage.ErrNotFound)
}

func (e *notFoundError) Unwrap() error { return triage.ErrNotFound }
