package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// ErrInvalidID is returned when a conversation, ticket, event or document
// id cannot be used as part of a key: it is empty, longer than
// triage.MaxIDLength bytes, or contains a NUL byte.
var ErrInvalidID = errors.New("invalid id")

// separator ends a variable-length id inside a composite key. Ids may not
// contain it, so that a prefix scan for conversation "c-1" stops before
// the keys of "c-10".
const separator = 0x00

// timeKeyLen is the length of an encoded timestamp: 8 bytes of Unix
// seconds and 4 bytes of nanoseconds.
const timeKeyLen = 12

// seqKeyLen is the length of an encoded sequence number.
const seqKeyLen = 8

// checkID returns an error wrapping ErrInvalidID unless id can be placed
// in a key. label names the id in the message ("conversation", "ticket").
func checkID(label, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%s id is empty: %w", label, ErrInvalidID)
	case len(id) > triage.MaxIDLength:
		return fmt.Errorf("%s id is %d bytes, longer than the maximum of %d: %w",
			label, len(id), triage.MaxIDLength, ErrInvalidID)
	case strings.IndexByte(id, separator) >= 0:
		return fmt.Errorf("%s id %q contains a NUL byte: %w", label, id, ErrInvalidID)
	}
	return nil
}

// appendTime appends t so that keys compare in time order for every
// time.Time, including years before 1970 and after 2262, where Unix
// nanoseconds no longer fit in an int64. The sign bit of the seconds is
// flipped so that negative values sort before positive ones.
func appendTime(b []byte, t time.Time) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(t.Unix())^(1<<63))
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

func appendSeq(b []byte, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(b, seq)
}

// appendID appends id and the separator.
func appendID(b []byte, id string) []byte {
	b = append(b, id...)
	return append(b, separator)
}

// eventKey is conversation, separator, timestamp, Seq: a conversation's
// events sort by time and then by arrival.
func eventKey(conversation string, at time.Time, seq uint64) []byte {
	b := make([]byte, 0, len(conversation)+1+timeKeyLen+seqKeyLen)
	b = appendID(b, conversation)
	b = appendTime(b, at)
	return appendSeq(b, seq)
}

// recordKey is timestamp, Seq: the history sorts by time and then by
// arrival, so a time range is one cursor seek.
func recordKey(at time.Time, seq uint64) []byte {
	b := make([]byte, 0, timeKeyLen+seqKeyLen)
	b = appendTime(b, at)
	return appendSeq(b, seq)
}

// ticketRecordKey is ticket, separator and the record's key.
func ticketRecordKey(ticket string, recKey []byte) []byte {
	b := make([]byte, 0, len(ticket)+1+len(recKey))
	b = appendID(b, ticket)
	return append(b, recKey...)
}

// documentPrefix is kind, separator, name, separator.
func documentPrefix(kind, name string) []byte {
	b := make([]byte, 0, len(kind)+len(name)+2+8)
	b = appendID(b, kind)
	return appendID(b, name)
}

// documentKey is documentPrefix followed by the big-endian version, so
// that version 10 sorts after version 9.
func documentKey(kind, name string, version int) []byte {
	return binary.BigEndian.AppendUint64(documentPrefix(kind, name), uint64(version))
}

// Queue index key ranges. A ticket whose status is escalated or claimed
// has one key in each range. Any other active ticket has a key in
// queueAll only, and an inactive ticket has none.
const (
	queueEscalated = 'e'
	queueAll       = 'a'
)

// queueKey orders one range of the queue index: highest priority first,
// then the oldest WaitingSince (a ticket that is not waiting comes last),
// then the ticket id.
func queueKey(rangeByte byte, t *triage.Ticket) []byte {
	b := make([]byte, 0, 3+timeKeyLen+len(t.ID))
	b = append(b, rangeByte, byte(triage.PriorityUrgent-t.Priority))
	if t.WaitingSince != nil {
		b = append(b, 0)
		b = appendTime(b, *t.WaitingSince)
	} else {
		b = append(b, 1)
		b = append(b, make([]byte, timeKeyLen)...)
	}
	return append(b, t.ID...)
}

// queueKeys returns the index keys of t, none when it is not active.
func queueKeys(t *triage.Ticket) [][]byte {
	if !t.Status.Active() {
		return nil
	}
	keys := [][]byte{queueKey(queueAll, t)}
	if t.Status == triage.StatusEscalated || t.Status == triage.StatusClaimed {
		keys = append(keys, queueKey(queueEscalated, t))
	}
	return keys
}

// queueKeyID returns the ticket id at the end of a queue index key.
func queueKeyID(k []byte) string {
	return string(k[3+timeKeyLen:])
}
