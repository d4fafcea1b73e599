package store

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/triagedesk/triage/triage"
)

// NewTicketID returns "T-" and the next value of the tickets bucket's
// sequence: T-1, T-2, and so on. A rolled-back transaction returns its
// numbers to the sequence, so an id is never reused once a transaction
// that used it has committed.
func (t *tx) NewTicketID() (string, error) {
	n, err := t.bucket(bucketTickets).NextSequence()
	if err != nil {
		return "", fmt.Errorf("new ticket id: %w", err)
	}
	return "T-" + strconv.FormatUint(n, 10), nil
}

// Ticket returns the ticket with the given id, or an error wrapping
// triage.ErrNotFound.
func (t *tx) Ticket(id string) (*triage.Ticket, error) {
	v := t.bucket(bucketTickets).Get([]byte(id))
	if v == nil {
		return nil, fmt.Errorf("ticket %q: %w", id, triage.ErrNotFound)
	}
	var tk triage.Ticket
	if err := decodeTicket(v, &tk); err != nil {
		return nil, fmt.Errorf("decode ticket %q: %w", id, err)
	}
	return &tk, nil
}

// PutTicket stores tk, replacing the ticket with the same id, and moves
// its queue index keys. It removes the old ticket's keys and adds the new
// ones, so a resolved ticket leaves the queue and a changed priority or
// wait moves it. PutTicket does not change tk.Version.
func (t *tx) PutTicket(tk *triage.Ticket) error {
	if err := checkID("ticket", tk.ID); err != nil {
		return fmt.Errorf("put ticket: %w", err)
	}
	if err := checkPriority(tk.Priority); err != nil {
		return fmt.Errorf("put ticket %q: %w", tk.ID, err)
	}
	tickets, queue := t.bucket(bucketTickets), t.bucket(bucketQueue)

	var oldKeys [][]byte
	if v := tickets.Get([]byte(tk.ID)); v != nil {
		old, err := queueFields(v)
		if err != nil {
			return fmt.Errorf("decode replaced ticket %q: %w", tk.ID, err)
		}
		oldKeys = queueKeys(old)
	}
	newKeys := queueKeys(tk)
	// Most writes leave the keys as they were: then the index is not
	// touched.
	for _, k := range oldKeys {
		if containsKey(newKeys, k) {
			continue
		}
		if err := queue.Delete(k); err != nil {
			return fmt.Errorf("remove ticket %q from the queue index: %w", tk.ID, err)
		}
	}
	data := appendTicket(make([]byte, 0, ticketSizeHint(tk)), tk)
	if err := tickets.Put([]byte(tk.ID), data); err != nil {
		return fmt.Errorf("write ticket %q: %w", tk.ID, err)
	}
	for _, k := range newKeys {
		if containsKey(oldKeys, k) {
			continue
		}
		if err := queue.Put(k, []byte(tk.ID)); err != nil {
			return fmt.Errorf("add ticket %q to the queue index: %w", tk.ID, err)
		}
	}
	return nil
}

func containsKey(keys [][]byte, k []byte) bool {
	for _, key := range keys {
		if bytes.Equal(key, k) {
			return true
		}
	}
	return false
}

// checkPriority rejects a priority outside low..urgent: it would encode
// to JSON as "priority(N)", which cannot be decoded again.
func checkPriority(p triage.Priority) error {
	if p < triage.PriorityLow || p > triage.PriorityUrgent {
		return fmt.Errorf("invalid priority %d: use low (0) to urgent (3)", int(p))
	}
	return nil
}

// Queue calls fn for the tickets whose status is escalated or claimed, or
// with all set for every active ticket. The order is highest priority
// first, then the oldest WaitingSince (a ticket without one comes last),
// then the ticket id in byte order.
func (t *tx) Queue(all bool, fn func(*triage.Ticket) error) error {
	prefix := []byte{queueEscalated}
	if all {
		prefix = []byte{queueAll}
	}
	return t.scan(t.bucket(bucketQueue), prefix, hasPrefix(prefix), func(k, _ []byte) error {
		tk, err := t.Ticket(queueKeyID(k))
		if err != nil {
			return fmt.Errorf("read queue: %w", err)
		}
		return fn(tk)
	})
}
