package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/triagedesk/triage/triage"
)

// ErrInvalidReview is returned, wrapped, for a review the store rejects
// because of its content: verdict, note or the kind of the record.
var ErrInvalidReview = errors.New("invalid review")

// Review stores an agent's verdict on one escalation record and returns
// it with its Seq set. The record must be an escalation of rev.Ticket.
func (e *Engine) Review(ctx context.Context, rev triage.Review) (*triage.Review, error) {
	if _, err := triage.ParseVerdict(string(rev.Verdict)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidReview, err)
	}
	if len(rev.Note) > triage.MaxReviewNote {
		return nil, fmt.Errorf("%w: note is %d bytes, longer than the maximum of %d", ErrInvalidReview, len(rev.Note), triage.MaxReviewNote)
	}
	r := &request{action: func(tx triage.Tx, b *batch) error {
		var rec *triage.Record
		err := tx.TicketRecords(rev.Ticket, func(r *triage.Record) error {
			if r.Seq == rev.Record {
				rec = r
				return triage.ErrStop
			}
			return nil
		})
		if err != nil {
			return abort("read ticket records", err)
		}
		if rec == nil {
			return fmt.Errorf("record %d of ticket %s: %w", rev.Record, rev.Ticket, triage.ErrNotFound)
		}
		if rec.Kind != triage.KindEscalated {
			return fmt.Errorf("%w: record %d of ticket %s is %s, not an escalation", ErrInvalidReview, rev.Record, rev.Ticket, rec.Kind)
		}
		if err := tx.PutReview(&rev); err != nil {
			return abort("store review", err)
		}
		// Consoles showing the ticket reload it to show the mark.
		marked := rev
		b.updates = append(b.updates, triage.Update{Review: &marked})
		return nil
	}}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return &rev, nil
}

// purgeChunkRecords bounds the history records one purge transaction
// removes, so that a large purge does not hold the writer for long.
const purgeChunkRecords = 2000

// Purge removes, before the given time, the history records and the
// tickets that ended (resolved or closed) with their conversations and
// events. It runs in transactions of up to purgeChunkRecords records
// through the writer, so that ingest goes on between them.
//
// When export is not empty, it names a new file (created with mode 0600,
// never overwritten) that receives every removed item as one JSON line,
// written and synced to disk inside the transaction that removes it. A
// transaction that then fails to commit leaves its items in the file, so
// the file holds at least everything removed.
func (e *Engine) Purge(ctx context.Context, before time.Time, export string) (*triage.PurgeSummary, error) {
	sum := &triage.PurgeSummary{Before: before.UTC()}
	var out *exportFile
	if export != "" {
		f, err := os.OpenFile(export, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create export file: %w", err)
		}
		out = &exportFile{f: f, w: bufio.NewWriterSize(f, 256<<10)}
		defer f.Close()
	}
	var cursor purgeCursor
	for {
		done, err := e.purgeChunk(ctx, before, &cursor, out, sum)
		if err != nil {
			return sum, err
		}
		if done {
			break
		}
	}
	if out != nil {
		if err := out.f.Close(); err != nil {
			return sum, fmt.Errorf("close export file: %w", err)
		}
	}
	if fp, ok := e.store.(interface{ FreePages() (int, int) }); ok {
		sum.FreePages, sum.PageSize = fp.FreePages()
	}
	e.log.Info("purged history", "before", sum.Before, "records", sum.Records, "tickets", sum.Tickets,
		"events", sum.Events, "free_pages", sum.FreePages)
	return sum, nil
}

// purgeCursor is the key of the last record a purge chunk visited.
type purgeCursor struct {
	at  time.Time
	seq uint64
	set bool
}

// exportFile writes purged items as JSON Lines.
type exportFile struct {
	f *os.File
	w *bufio.Writer
}

func (x *exportFile) write(item triage.PurgedItem) error {
	if x == nil {
		return nil
	}
	data, err := json.Marshal(item)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	_, err = x.w.Write(data)
	return err
}

func (x *exportFile) sync() error {
	if x == nil {
		return nil
	}
	if err := x.w.Flush(); err != nil {
		return err
	}
	return x.f.Sync()
}

// purgeChunk removes up to purgeChunkRecords records after cursor and
// the ended tickets among them, and reports whether no records before
// the purge time remain after cursor.
func (e *Engine) purgeChunk(ctx context.Context, before time.Time, cursor *purgeCursor, out *exportFile, sum *triage.PurgeSummary) (bool, error) {
	done := false
	var chunk triage.PurgeSummary
	r := &request{action: func(tx triage.Tx, b *batch) error {
		chunk = triage.PurgeSummary{}
		var recs []*triage.Record
		err := tx.Records(cursor.at, before, func(rec *triage.Record) error {
			if cursor.set && rec.At.Equal(cursor.at) && rec.Seq <= cursor.seq {
				return nil
			}
			recs = append(recs, rec)
			if len(recs) == purgeChunkRecords {
				return triage.ErrStop
			}
			return nil
		})
		if err != nil {
			return abort("read history", err)
		}
		done = len(recs) < purgeChunkRecords
		if err := e.purgeRecords(tx, b, before, recs, out, &chunk); err != nil {
			return err
		}
		if err := out.sync(); err != nil {
			return abort("write export file", err)
		}
		if len(recs) > 0 {
			last := recs[len(recs)-1]
			*cursor = purgeCursor{at: last.At, seq: last.Seq, set: true}
		}
		return nil
	}}
	if err := e.submit(ctx, r); err != nil {
		return false, fmt.Errorf("purge: %w", err)
	}
	sum.Records += chunk.Records
	sum.Reviews += chunk.Reviews
	sum.Tickets += chunk.Tickets
	sum.Conversations += chunk.Conversations
	sum.Events += chunk.Events
	return done, nil
}

// purgeRecords removes recs and then the tickets among them that ended
// before the purge time. A ticket whose conversation an earlier request
// of the same transaction has loaded is kept, with its ending record, for
// the next purge: the batch would write it back after the deletion.
func (e *Engine) purgeRecords(tx triage.Tx, b *batch, before time.Time, recs []*triage.Record, out *exportFile, sum *triage.PurgeSummary) error {
	ended := make(map[string]bool)
	busy := make(map[string]bool)
	for _, rec := range recs {
		if rec.Kind != triage.KindResolved && rec.Kind != triage.KindClosed {
			continue
		}
		if _, loaded := b.convs[rec.Conversation]; loaded {
			busy[rec.Ticket] = true
			continue
		}
		ended[rec.Ticket] = true
	}
	for _, rec := range recs {
		if busy[rec.Ticket] && (rec.Kind == triage.KindResolved || rec.Kind == triage.KindClosed) {
			continue
		}
		if err := e.purgeRecord(tx, rec, out, sum); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(ended))
	for id := range ended {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := e.purgeTicket(tx, id, before, out, sum); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) purgeRecord(tx triage.Tx, rec *triage.Record, out *exportFile, sum *triage.PurgeSummary) error {
	if err := out.write(triage.PurgedItem{Record: rec}); err != nil {
		return abort("write export file", err)
	}
	err := tx.DeleteRecord(rec, func(rev *triage.Review) error {
		sum.Reviews++
		return out.write(triage.PurgedItem{Review: rev})
	})
	if err != nil {
		return abort("delete record", err)
	}
	sum.Records++
	return nil
}

// purgeTicket removes a ticket that ended before the purge time, its
// remaining records, its conversation and the conversation's events.
func (e *Engine) purgeTicket(tx triage.Tx, id string, before time.Time, out *exportFile, sum *triage.PurgeSummary) error {
	t, err := tx.Ticket(id)
	if errors.Is(err, triage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return abort("load ticket "+id, err)
	}
	if t.Status.Active() || !t.UpdatedAt.Before(before) {
		return nil
	}
	var rest []*triage.Record
	if err := tx.TicketRecords(id, func(rec *triage.Record) error {
		rest = append(rest, rec)
		return nil
	}); err != nil {
		return abort("read records of ticket "+id, err)
	}
	for _, rec := range rest {
		if err := e.purgeRecord(tx, rec, out, sum); err != nil {
			return err
		}
	}
	conv, err := tx.Conversation(t.Conversation)
	if err != nil {
		return abort("load conversation "+t.Conversation, err)
	}
	if conv != nil && conv.Ticket == id {
		if err := out.write(triage.PurgedItem{Conversation: conv}); err != nil {
			return abort("write export file", err)
		}
		err := tx.DeleteConversation(conv.ID, func(ev *triage.StoredEvent) error {
			sum.Events++
			return out.write(triage.PurgedItem{Event: ev})
		})
		if err != nil {
			return abort("delete conversation", err)
		}
		sum.Conversations++
	}
	if err := out.write(triage.PurgedItem{Ticket: t}); err != nil {
		return abort("write export file", err)
	}
	if err := tx.DeleteTicketTimers(id); err != nil {
		return abort("delete timers of ticket", err)
	}
	if err := tx.DeleteTicket(id); err != nil {
		return abort("delete ticket", err)
	}
	sum.Tickets++
	return nil
}
