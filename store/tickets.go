package store

import (
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
	if err := decodeJSON(v, &tk, fmt.Sprintf("ticket %q", id)); err != nil {
		return nil, err
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
	label := fmt.Sprintf("ticket %q", tk.ID)

	if v := tickets.Get([]byte(tk.ID)); v != nil {
		var old triage.Ticket
		if err := decodeJSON(v, &old, "replaced "+label); err != nil {
			return err
		}
		for _, k := range queueKeys(&old) {
			if err := queue.Delete(k); err != nil {
				return fmt.Errorf("remove %s from the queue index: %w", label, err)
			}
		}
	}
	if err := putJSON(tickets, []byte(tk.ID), tk, label); err != nil {
		return err
	}
	for _, k := range queueKeys(tk) {
		if err := queue.Put(k, []byte(tk.ID)); err != nil {
			return fmt.Errorf("add %s to the queue index: %w", label, err)
		}
	}
	return nil
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
