package store

import (
	"fmt"

	"github.com/triagedesk/triage/triage"
)

// DeleteRecord removes rec (found by its At and Seq), its ticket index
// entry and its reviews, calling fn, when not nil, for each review before
// it is removed. A record that does not exist is not an error.
func (t *tx) DeleteRecord(rec *triage.Record, fn func(*triage.Review) error) error {
	if err := checkID("ticket", rec.Ticket); err != nil {
		return fmt.Errorf("delete record: %w", err)
	}
	key := recordKey(rec.At, rec.Seq)
	if err := t.deleteReviews(rec.Seq, fn); err != nil {
		return fmt.Errorf("delete reviews of record %d: %w", rec.Seq, err)
	}
	if err := t.bucket(bucketRecords).Delete(key); err != nil {
		return fmt.Errorf("delete record %d: %w", rec.Seq, err)
	}
	if err := t.bucket(bucketTicketRecords).Delete(ticketRecordKey(rec.Ticket, key)); err != nil {
		return fmt.Errorf("delete index of record %d: %w", rec.Seq, err)
	}
	return nil
}

// DeleteConversation removes the conversation, its events and their id
// index entries, calling fn, when not nil, for each event before it is
// removed. An id index entry that points to another key (a clash kept
// elsewhere) is left alone.
func (t *tx) DeleteConversation(id string, fn func(*triage.StoredEvent) error) error {
	if err := checkID("conversation", id); err != nil {
		return fmt.Errorf("delete conversation: %w", err)
	}
	events, ids := t.bucket(bucketEvents), t.bucket(bucketEventIDs)
	prefix := appendID(nil, id)
	err := t.scan(events, prefix, hasPrefix(prefix), func(k, v []byte) error {
		var e triage.StoredEvent
		if err := decodeEvent(v, &e); err != nil {
			return err
		}
		if fn != nil {
			if err := fn(&e); err != nil {
				return err
			}
		}
		if e.ID != "" && string(ids.Get([]byte(e.ID))) == string(k) {
			if err := ids.Delete([]byte(e.ID)); err != nil {
				return fmt.Errorf("delete id of event %q: %w", e.ID, err)
			}
		}
		return events.Delete(k)
	})
	if err != nil {
		return fmt.Errorf("delete events of conversation %q: %w", id, err)
	}
	if err := t.bucket(bucketConversations).Delete([]byte(id)); err != nil {
		return fmt.Errorf("delete conversation %q: %w", id, err)
	}
	return nil
}

// DeleteTicket removes a ticket and its queue index keys. A ticket that
// does not exist is not an error.
func (t *tx) DeleteTicket(id string) error {
	if err := checkID("ticket", id); err != nil {
		return fmt.Errorf("delete ticket: %w", err)
	}
	tickets := t.bucket(bucketTickets)
	v := tickets.Get([]byte(id))
	if v == nil {
		return nil
	}
	var old triage.Ticket
	if err := decodeJSON(v, &old, fmt.Sprintf("ticket %q", id)); err != nil {
		return err
	}
	for _, k := range queueKeys(&old) {
		if err := t.bucket(bucketQueue).Delete(k); err != nil {
			return fmt.Errorf("remove ticket %q from the queue index: %w", id, err)
		}
	}
	if err := tickets.Delete([]byte(id)); err != nil {
		return fmt.Errorf("delete ticket %q: %w", id, err)
	}
	return nil
}

// FreePages returns the number of free pages in the file and the page
// size, as of the last committed write transaction.
func (db *DB) FreePages() (pages, pageSize int) {
	st := db.bolt.Stats()
	return st.FreePageN + st.PendingPageN, db.bolt.Info().PageSize
}
