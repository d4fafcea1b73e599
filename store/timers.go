package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// Timer buckets. The timers bucket is keyed by due time, ticket and kind,
// so that the timers due by a time are one cursor range from the start.
// The timer index maps ticket and kind to the timer's key, so that a
// ticket's timer can be replaced or cancelled without a scan. The fired
// bucket keeps one marker per timer identity (ticket, kind and key)
// that fired, holding the time it fired.
var (
	bucketTimers      = []byte("timers")
	bucketTimerIndex  = []byte("timer_index")
	bucketTimersFired = []byte("timers_fired")
)

// maxTimerKey bounds a timer's Key, in bytes.
const maxTimerKey = 512

// timerKey is due time, ticket, separator, kind.
func timerKey(tm *triage.Timer) []byte {
	b := make([]byte, 0, timeKeyLen+len(tm.Ticket)+1+len(tm.Kind))
	b = appendTime(b, tm.Due)
	b = appendID(b, tm.Ticket)
	return append(b, tm.Kind...)
}

// timerIndexKey is ticket, separator, kind.
func timerIndexKey(ticket string, kind triage.TimerKind) []byte {
	b := make([]byte, 0, len(ticket)+1+len(kind))
	b = appendID(b, ticket)
	return append(b, kind...)
}

// firedKey is ticket, separator, kind, separator, key.
func firedKey(ticket string, kind triage.TimerKind, key string) []byte {
	b := make([]byte, 0, len(ticket)+len(kind)+len(key)+2)
	b = appendID(b, ticket)
	b = appendID(b, string(kind))
	return append(b, key...)
}

func checkTimer(ticket string, kind triage.TimerKind, key string) error {
	if err := checkID("ticket", ticket); err != nil {
		return err
	}
	if err := checkID("timer kind", string(kind)); err != nil {
		return err
	}
	switch {
	case len(key) > maxTimerKey:
		return fmt.Errorf("timer key is %d bytes, longer than the maximum of %d: %w", len(key), maxTimerKey, ErrInvalidID)
	case strings.IndexByte(key, separator) >= 0:
		return fmt.Errorf("timer key %q contains a NUL byte: %w", key, ErrInvalidID)
	}
	return nil
}

// SetTimer stores tm and replaces the ticket's earlier timer of the same
// kind, wherever it was due.
func (t *tx) SetTimer(tm *triage.Timer) error {
	if err := checkTimer(tm.Ticket, tm.Kind, tm.Key); err != nil {
		return fmt.Errorf("set timer: %w", err)
	}
	if err := t.CancelTimer(tm.Ticket, tm.Kind); err != nil {
		return err
	}
	key := timerKey(tm)
	label := fmt.Sprintf("%s timer of ticket %q", tm.Kind, tm.Ticket)
	if err := putJSON(t.bucket(bucketTimers), key, tm, label); err != nil {
		return err
	}
	if err := t.bucket(bucketTimerIndex).Put(timerIndexKey(tm.Ticket, tm.Kind), key); err != nil {
		return fmt.Errorf("index %s: %w", label, err)
	}
	return nil
}

// CancelTimer removes the ticket's timer of kind. A missing timer is not
// an error.
func (t *tx) CancelTimer(ticket string, kind triage.TimerKind) error {
	if err := checkTimer(ticket, kind, ""); err != nil {
		return fmt.Errorf("cancel timer: %w", err)
	}
	index := t.bucket(bucketTimerIndex)
	ik := timerIndexKey(ticket, kind)
	key := index.Get(ik)
	if key == nil {
		return nil
	}
	if err := t.bucket(bucketTimers).Delete(bytes.Clone(key)); err != nil {
		return fmt.Errorf("cancel %s timer of ticket %q: %w", kind, ticket, err)
	}
	if err := index.Delete(ik); err != nil {
		return fmt.Errorf("cancel %s timer of ticket %q: %w", kind, ticket, err)
	}
	return nil
}

// MarkTimerFired removes the ticket's timer of tm.Kind and stores the
// fired marker of tm's identity.
func (t *tx) MarkTimerFired(tm *triage.Timer, at time.Time) error {
	if err := checkTimer(tm.Ticket, tm.Kind, tm.Key); err != nil {
		return fmt.Errorf("mark timer fired: %w", err)
	}
	if err := t.CancelTimer(tm.Ticket, tm.Kind); err != nil {
		return err
	}
	if err := t.bucket(bucketTimersFired).Put(firedKey(tm.Ticket, tm.Kind, tm.Key), appendTime(nil, at)); err != nil {
		return fmt.Errorf("mark %s timer of ticket %q fired: %w", tm.Kind, tm.Ticket, err)
	}
	return nil
}

// TimerFired reports whether the timer identity has a fired marker.
func (t *tx) TimerFired(ticket string, kind triage.TimerKind, key string) (bool, error) {
	if err := checkTimer(ticket, kind, key); err != nil {
		return false, fmt.Errorf("read timer marker: %w", err)
	}
	return t.bucket(bucketTimersFired).Get(firedKey(ticket, kind, key)) != nil, nil
}

// DueTimers calls fn for the timers due at or before until, ordered by
// due time, then ticket, then kind.
func (t *tx) DueTimers(until time.Time, fn func(*triage.Timer) error) error {
	end := appendTime(nil, until)
	inRange := func(k []byte) bool { return len(k) >= timeKeyLen && bytes.Compare(k[:timeKeyLen], end) <= 0 }
	return t.scan(t.bucket(bucketTimers), nil, inRange, func(_, v []byte) error {
		return decodeTimer(v, fn)
	})
}

// TicketTimers calls fn for the ticket's timers, ordered by kind.
func (t *tx) TicketTimers(ticket string, fn func(*triage.Timer) error) error {
	if err := checkID("ticket", ticket); err != nil {
		return fmt.Errorf("read ticket timers: %w", err)
	}
	prefix := appendID(nil, ticket)
	timers := t.bucket(bucketTimers)
	return t.scan(t.bucket(bucketTimerIndex), prefix, hasPrefix(prefix), func(_, key []byte) error {
		v := timers.Get(key)
		if v == nil {
			return fmt.Errorf("read timers of ticket %q: the timer index points to a missing timer", ticket)
		}
		return decodeTimer(v, fn)
	})
}

// DeleteTicketTimers removes the ticket's timers and fired markers.
func (t *tx) DeleteTicketTimers(ticket string) error {
	if err := checkID("ticket", ticket); err != nil {
		return fmt.Errorf("delete ticket timers: %w", err)
	}
	var kinds []triage.TimerKind
	if err := t.TicketTimers(ticket, func(tm *triage.Timer) error {
		kinds = append(kinds, tm.Kind)
		return nil
	}); err != nil {
		return err
	}
	for _, kind := range kinds {
		if err := t.CancelTimer(ticket, kind); err != nil {
			return err
		}
	}
	prefix := appendID(nil, ticket)
	fired := t.bucket(bucketTimersFired)
	return t.scan(fired, prefix, hasPrefix(prefix), func(k, _ []byte) error {
		if err := fired.Delete(bytes.Clone(k)); err != nil {
			return fmt.Errorf("delete timer markers of ticket %q: %w", ticket, err)
		}
		return nil
	})
}

func decodeTimer(v []byte, fn func(*triage.Timer) error) error {
	var tm triage.Timer
	if err := decodeJSON(v, &tm, "timer"); err != nil {
		return err
	}
	if err := fn(&tm); err != nil {
		if errors.Is(err, triage.ErrStop) {
			return triage.ErrStop
		}
		return err
	}
	return nil
}
