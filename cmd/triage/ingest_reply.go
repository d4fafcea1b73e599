package main

import (
	"context"
	"encoding/json"
	"io"
	"sync"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// replyFollower writes, for ingest --reply, the outbox entries of the
// conversations that the run sent. It follows the whole outbox from the
// oldest pending entry and holds back the entries of conversations not
// sent yet, so that a reply still pending from an earlier run is written
// once its conversation is sent again.
type replyFollower struct {
	client *client.Client

	mu    sync.Mutex
	out   io.Writer
	enc   *json.Encoder
	convs map[string]bool
	held  []*triage.OutboxEntry

	cancel context.CancelFunc
	done   chan struct{}
	last   uint64 // the last id read, once done is closed
}

// maxHeldReplies bounds the entries held back for conversations not sent
// yet; the oldest go first.
const maxHeldReplies = triage.MaxOutboxPending

// lockedWriter serialises the lines of the stream and of watch.
type lockedWriter struct{ f *replyFollower }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.f.mu.Lock()
	defer w.f.mu.Unlock()
	return w.f.out.Write(p)
}

// watch marks a conversation as sent by this run and writes the entries
// held back for it.
func (f *replyFollower) watch(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.convs[id] {
		return
	}
	f.convs[id] = true
	kept := f.held[:0]
	for _, e := range f.held {
		if e.Conversation != id {
			kept = append(kept, e)
			continue
		}
		_ = f.enc.Encode(e) // f.enc writes to f.out directly: the lock is held
	}
	f.held = kept
}

// keep reports whether the stream should write e, and holds it back
// otherwise.
func (f *replyFollower) keep(e *triage.OutboxEntry) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.convs[e.Conversation] {
		return true
	}
	if len(f.held) >= maxHeldReplies {
		f.held = f.held[1:]
	}
	f.held = append(f.held, e)
	return false
}

// startReplies starts following the outbox and returns a function that
// stops it.
func (r *ingestRun) startReplies(ctx context.Context, w io.Writer) func() {
	f := &replyFollower{client: r.client, out: w, convs: make(map[string]bool), done: make(chan struct{})}
	f.enc = json.NewEncoder(w)
	streamCtx, cancel := context.WithCancel(ctx)
	f.cancel = cancel
	r.replies = f
	go func() {
		defer close(f.done)
		f.last, _ = printOutbox(streamCtx, r.client, client.OutboxQuery{Follow: true}, f.keep, lockedWriter{f})
	}()
	return func() {
		cancel()
		<-f.done
	}
}

// finishReplies stops following and writes the entries added up to now.
// Script messages and replies caused by the events sent exist once the
// daemon acknowledged those events, so none is missed.
func (r *ingestRun) finishReplies(ctx context.Context) error {
	f := r.replies
	f.cancel()
	<-f.done
	if ctx.Err() != nil {
		return nil
	}
	_, err := printOutbox(ctx, r.client, client.OutboxQuery{After: f.last}, f.keep, lockedWriter{f})
	return err
}
