// Package engine applies chat events to tickets: it stores each event,
// scores the conversation with package sentiment, evaluates the escalation
// policy from package scripts, and records every transition. One writer
// goroutine groups the work of many requests into one durable transaction.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/sentiment"
	"github.com/triagedesk/triage/triage"
)

// MaxBatchEvents bounds the events of one write transaction. The writer
// commits at once whatever waits, up to this many events: requests that
// arrive while a batch commits make up the next one, so a busy writer
// commits large batches and an idle one replies without delay.
const MaxBatchEvents = 1000

// ErrStopped is returned for work submitted after the engine stopped.
var ErrStopped = errors.New("engine stopped")

// Status is the outcome of one submitted event.
type Status string

// Event outcomes.
const (
	StatusAccepted  Status = "accepted"
	StatusDuplicate Status = "duplicate"
	// StatusClash means an event with the same id but different content
	// was already stored; the new one is kept under a derived id.
	StatusClash    Status = "clash"
	StatusRejected Status = "rejected"
)

// Result is the outcome of one submitted event, in submission order.
type Result struct {
	ID     string `json:"id,omitempty"`
	Status Status `json:"status"`
	Error  string `json:"error,omitempty"`
}

// Options configures an engine.
type Options struct {
	Logger *slog.Logger
	// Keywords are operator keywords added to the scorer's lexicon.
	Keywords []sentiment.Keyword
	// Now is the clock for times the engine stamps itself, such as a
	// document's save time, and the clock that decides when a timer is
	// due; nil means time.Now. Event handling never reads it: tickets move
	// by event timestamps, and a fired timer acts at its due time.
	Now func() time.Time
	// After is how the timer scheduler waits: it returns a channel that
	// delivers once d has passed on the Now clock. nil means time.After.
	// A test clock returns a channel that delivers when the test advances
	// the clock.
	After func(d time.Duration) <-chan time.Time
}

// Engine owns all writes to the store.
type Engine struct {
	store triage.Store
	log   *slog.Logger
	// scorer is replaced when a keyword list is saved, by the writer
	// goroutine. Ingest reads it to score messages ahead of the writer.
	scorer atomic.Pointer[sentiment.Scorer]
	// extraKeywords are the keywords given in Options, kept to rebuild
	// the scorer.
	extraKeywords []sentiment.Keyword
	hub           *Hub
	policy        atomic.Pointer[policyVersion]
	// scripts is the latest version of every script, which new tickets
	// are matched against. cache keeps every version that tickets run on.
	scripts atomic.Pointer[scriptSet]
	cache   scriptCache
	// sla is the SLA and the calendars that timers are armed with.
	sla   atomic.Pointer[slaConfig]
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	// timerWake tells the scheduler that an earlier timer may be armed.
	timerWake chan struct{}

	// convs caches committed conversations for the writer.
	convs convCache

	work    chan *request
	done    chan struct{}
	stopped atomic.Bool
}

type policyVersion struct {
	policy  *scripts.Policy
	name    string
	version int
}

// request is one unit of work for the writer: a batch of events or an
// action. apply runs inside the shared write transaction; it must not
// write anything before it is sure it will not fail, except through
// errors that abort the whole transaction.
type request struct {
	events []triage.Event
	// prepared holds, for each event that is a customer message, its
	// wording scored ahead by the submitting goroutine, so that the
	// writer has less to do.
	prepared []*sentiment.Prepared
	action   func(tx triage.Tx, b *batch) error
	// committed, when set, runs on the writer goroutine after the
	// transaction holding a successful action has committed.
	committed func()
	// keepsCache is set on an action that changes conversations and
	// tickets only through batch entries, so that the conversation cache
	// stays true after it. Any other action clears the cache.
	keepsCache bool

	results []Result
	err     error
	reply   chan struct{}
}

// New returns an engine over store, seeding the default escalation policy
// and troubleshooting scripts on first start. Call Run to start the writer.
func New(store triage.Store, opts Options) (*Engine, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{
		store: store,
		log:   log,
		hub:   NewHub(),
		work:  make(chan *request),
		done:  make(chan struct{}),
		now:   opts.Now,
		after: opts.After,

		timerWake: make(chan struct{}, 1),
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.after == nil {
		e.after = time.After
	}
	if err := e.loadKeywords(opts.Keywords); err != nil {
		return nil, err
	}
	if err := e.loadPolicy(); err != nil {
		return nil, err
	}
	if err := e.loadScripts(); err != nil {
		return nil, err
	}
	if err := e.loadSLA(); err != nil {
		return nil, err
	}
	return e, nil
}

// Hub returns the engine's update hub.
func (e *Engine) Hub() *Hub { return e.hub }

// Store returns the engine's store, for reads.
func (e *Engine) Store() triage.Store { return e.store }

// Run is the single writer. It returns when ctx is done, after committing
// and replying to every request it had taken. The work channel is unbuffered,
// so a request is either taken by Run or fails with ErrStopped.
//
// Before it takes any request, Run fires the timers that fell due while
// the engine was stopped. It then runs the timer scheduler beside it
// until ctx is done.
func (e *Engine) Run(ctx context.Context) {
	defer close(e.done)
	e.fireDueAtStart()
	var scheduler sync.WaitGroup
	scheduler.Go(func() { e.schedule(ctx) })
	for {
		select {
		case <-ctx.Done():
			e.stopped.Store(true)
			scheduler.Wait()
			return
		case first := <-e.work:
			e.commit(e.collect(first))
		}
	}
}

// Done is closed when Run has returned.
func (e *Engine) Done() <-chan struct{} { return e.done }

// collect gathers first and the requests already waiting, until they
// hold MaxBatchEvents events. It does not wait for more to arrive.
func (e *Engine) collect(first *request) []*request {
	batch := []*request{first}
	n := len(first.events) + 1
	for n < MaxBatchEvents {
		select {
		case r := <-e.work:
			batch = append(batch, r)
			n += len(r.events) + 1
		default:
			return batch
		}
	}
	return batch
}

// commit applies requests in one transaction, replies to them once it is
// durable, and then publishes the changes.
func (e *Engine) commit(reqs []*request) {
	var b *batch
	start := time.Now()
	keepsCache := true
	for _, r := range reqs {
		if r.action != nil && !r.keepsCache {
			keepsCache = false
		}
	}
	err := e.store.Update(func(tx triage.Tx) error {
		b = newBatch(e, tx)
		b.cache = &e.convs
		for _, r := range reqs {
			if r.action != nil {
				if err := r.action(tx, b); err != nil {
					if isAbort(err) {
						return err
					}
					r.err = err
				}
				continue
			}
			r.results = make([]Result, len(r.events))
			for i := range r.events {
				res, err := b.applyEvent(&r.events[i], r.preparedFor(i))
				if err != nil {
					return err
				}
				r.results[i] = res
			}
		}
		return b.flush()
	})
	if keepsCache && err == nil {
		e.convs.keep(b.order)
	} else {
		e.convs.clear()
	}
	if err != nil {
		e.log.Error("commit failed", "err", err, "requests", len(reqs))
		for _, r := range reqs {
			r.results = nil
			r.err = fmt.Errorf("commit: %w", err)
			close(r.reply)
		}
		return
	}
	e.log.Debug("committed", "requests", len(reqs), "took", time.Since(start))
	if b.timersChanged {
		e.wakeTimers()
	}
	for _, r := range reqs {
		if r.committed != nil && r.err == nil {
			r.committed()
		}
		close(r.reply)
	}
	e.hub.Publish(b.updates)
}

// abortError marks an error that must roll back the whole transaction.
type abortError struct{ err error }

func (a abortError) Error() string { return a.err.Error() }
func (a abortError) Unwrap() error { return a.err }

func isAbort(err error) bool {
	var a abortError
	return errors.As(err, &a)
}

// submit hands r to the writer and waits until it is durable.
func (e *Engine) submit(ctx context.Context, r *request) error {
	if e.stopped.Load() {
		return ErrStopped
	}
	r.reply = make(chan struct{})
	select {
	case e.work <- r:
	case <-e.done:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once taken, the request gets its reply even if ctx ends, so that the
	// caller never reports as lost an event that was committed.
	<-r.reply
	return r.err
}

// Ingest stores events and returns one result per event, after the
// transaction holding them has committed.
func (e *Engine) Ingest(ctx context.Context, events []triage.Event) ([]Result, error) {
	r := &request{events: events, prepared: e.prepare(events)}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return r.results, nil
}

// prepare scores the wording of each customer message in events on the
// calling goroutine, in parallel with the writer. A keyword list saved
// in between changes the scorer, and the writer then scores again.
func (e *Engine) prepare(events []triage.Event) []*sentiment.Prepared {
	scorer := e.scorer.Load()
	var prepared []*sentiment.Prepared
	for i := range events {
		ev := &events[i]
		if ev.Role != triage.RoleCustomer || ev.Type != triage.TypeMessage {
			continue
		}
		if prepared == nil {
			prepared = make([]*sentiment.Prepared, len(events))
		}
		prepared[i] = scorer.Prepare(ev.Text)
	}
	return prepared
}

// preparedFor returns the prepared wording of the request's event i, or
// nil.
func (r *request) preparedFor(i int) *sentiment.Prepared {
	if i < len(r.prepared) {
		return r.prepared[i]
	}
	return nil
}
