package tui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/triagedesk/triage/triage"
)

// errStreamClosed is what a fake stream returns after Close.
var errStreamClosed = errors.New("stream closed")

// fakeDesk is an in-memory Desk. Push sends an update to the current
// subscriber the way the daemon does: numbered within one epoch.
type fakeDesk struct {
	mu      sync.Mutex
	tickets map[string]*triage.Ticket
	details map[string]*triage.TicketDetail
	epoch   string
	seq     uint64
	stream  *fakeStream

	// Errors to return from the next calls, when set.
	queueErr     error
	subscribeErr error
	actionErr    error

	// Calls made, for assertions.
	queueCalls     []bool
	subscribeCalls []string
	actionCalls    []string
	subscribed     chan struct{}
}

func newFakeDesk(tickets ...*triage.Ticket) *fakeDesk {
	d := &fakeDesk{
		tickets:    make(map[string]*triage.Ticket),
		details:    make(map[string]*triage.TicketDetail),
		epoch:      "epoch-1",
		subscribed: make(chan struct{}, 16),
	}
	for _, t := range tickets {
		d.tickets[t.ID] = t
	}
	return d
}

func (d *fakeDesk) Queue(_ context.Context, all bool) ([]*triage.Ticket, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queueCalls = append(d.queueCalls, all)
	if d.queueErr != nil {
		return nil, d.queueErr
	}
	var out []*triage.Ticket
	for _, t := range d.tickets {
		if listed(t, all) {
			out = append(out, t.Clone())
		}
	}
	return out, nil
}

func (d *fakeDesk) Ticket(_ context.Context, id string) (*triage.TicketDetail, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.tickets[id]
	if t == nil {
		return nil, fmt.Errorf("ticket %q: %w", id, triage.ErrNotFound)
	}
	detail := &triage.TicketDetail{Ticket: t.Clone()}
	if stored := d.details[id]; stored != nil {
		detail.Events = stored.Events
		detail.History = stored.History
	}
	return detail, nil
}

func (d *fakeDesk) Subscribe(_ context.Context, since uint64, epoch string) (Stream, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.subscribeCalls = append(d.subscribeCalls, fmt.Sprintf("%d@%s", since, epoch))
	if d.subscribeErr != nil {
		return nil, d.subscribeErr
	}
	s := &fakeStream{updates: make(chan triage.Update, 1024), errs: make(chan error, 1), closed: make(chan struct{})}
	if epoch != d.epoch || since > d.seq {
		s.updates <- triage.Update{Seq: d.seq, Epoch: d.epoch, Reset: true}
	}
	d.stream = s
	d.subscribed <- struct{}{}
	return s, nil
}

func (d *fakeDesk) Claim(_ context.Context, id string) (*triage.Ticket, error) {
	return d.act("claim", id, func(t *triage.Ticket) {
		agent := "alice"
		t.ClaimedBy = &agent
		t.Status = triage.StatusClaimed
	})
}

func (d *fakeDesk) Resolve(_ context.Context, id string) (*triage.Ticket, error) {
	return d.act("resolve", id, func(t *triage.Ticket) { t.Status = triage.StatusResolved })
}

func (d *fakeDesk) Release(_ context.Context, id string) (*triage.Ticket, error) {
	return d.act("release", id, func(t *triage.Ticket) {
		t.ClaimedBy = nil
		t.Status = triage.StatusEscalated
	})
}

func (d *fakeDesk) act(name, id string, change func(*triage.Ticket)) (*triage.Ticket, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.actionCalls = append(d.actionCalls, name+" "+id)
	if d.actionErr != nil {
		return nil, d.actionErr
	}
	t := d.tickets[id]
	if t == nil {
		return nil, fmt.Errorf("ticket %q: %w", id, triage.ErrNotFound)
	}
	t = t.Clone()
	change(t)
	t.Version++
	d.tickets[id] = t
	return t.Clone(), nil
}

// push stores t and sends it to the current subscriber, if any.
func (d *fakeDesk) push(t *triage.Ticket) triage.Update {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tickets[t.ID] = t
	d.seq++
	u := triage.Update{Seq: d.seq, Epoch: d.epoch, Ticket: t.Clone()}
	if d.stream != nil {
		d.stream.updates <- u
	}
	return u
}

// failStream makes the current subscriber's Next return err.
func (d *fakeDesk) failStream(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stream != nil {
		d.stream.errs <- err
		d.stream = nil
	}
}

type fakeStream struct {
	updates chan triage.Update
	errs    chan error
	closed  chan struct{}
	once    sync.Once
}

func (s *fakeStream) Next() (triage.Update, error) {
	select {
	case u := <-s.updates:
		return u, nil
	case err := <-s.errs:
		return triage.Update{}, err
	case <-s.closed:
		return triage.Update{}, errStreamClosed
	}
}

func (s *fakeStream) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

// testClock is an injected clock that advances only when Advance is called.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// baseTime is the injected clock's start in the tests.
var baseTime = time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// ticketAt builds a ticket that has waited the given time at baseTime.
func ticketAt(id string, status triage.Status, priority triage.Priority, waited time.Duration, frustration float64, message string) *triage.Ticket {
	since := baseTime.Add(-waited)
	t := &triage.Ticket{
		ID:                  id,
		Conversation:        "c-" + id,
		Status:              status,
		Queue:               triage.QueueSenior,
		Priority:            priority,
		Frustration:         frustration,
		WaitingSince:        &since,
		LastCustomerMessage: message,
		Version:             1,
		Trend:               []float64{0.1, 0.2, 0.35, 0.5, 0.62, 0.7, frustration},
		EscalationReason:    "rule sustained-frustration: frustration at or above 0.8 on two consecutive customer turns",
	}
	if status == triage.StatusOpen {
		t.Queue = triage.QueueAgents
		t.EscalationReason = ""
	}
	return t
}

// sampleTickets is the queue the view tests start from.
func sampleTickets() []*triage.Ticket {
	claimed := ticketAt("T-1003", triage.StatusClaimed, triage.PriorityHigh, 25*time.Minute, 0.71, "I have been waiting for 20 minutes")
	claimed.ClaimedBy = ptr("bob")
	asked := ticketAt("T-1002", triage.StatusEscalated, triage.PriorityUrgent, 90*time.Second, 0.93, "I want to speak to a manager")
	asked.EscalationReason = `rule asks-for-human: the customer wrote "speak to a manager"`
	mine := ticketAt("T-1005", triage.StatusClaimed, triage.PriorityNormal, 3*time.Hour+5*time.Minute, 0.55, "ok, trying that now")
	mine.ClaimedBy = ptr("alice")
	return []*triage.Ticket{
		ticketAt("T-1001", triage.StatusEscalated, triage.PriorityHigh, 4*time.Minute, 0.86, "still NOT working!! this is useless"),
		asked,
		claimed,
		ticketAt("T-1004", triage.StatusOpen, triage.PriorityLow, 2*time.Minute, 0.12, "how do I reset my password?"),
		mine,
		ticketAt("T-1006", triage.StatusEscalated, triage.PriorityHigh, 26*time.Hour, 0.8, "日本語のメッセージ 🙂 still broken"),
	}
}

// sampleDetail is the transcript and history of T-1001.
func sampleDetail() *triage.TicketDetail {
	text := "still NOT working!! this is useless"
	start := len("still ")
	return &triage.TicketDetail{
		Events: []triage.StoredEvent{
			{Event: triage.Event{Conversation: "c-T-1001", At: baseTime.Add(-6 * time.Minute), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "my router keeps dropping the connection"},
				Seq: 1, Analysis: &triage.Analysis{Valence: -0.2, Negativity: 0.2, Frustration: 0.3,
					Reasons: []triage.Reason{{Rule: "negative word", Text: `"dropping"`, Weight: 0.2, Spans: []triage.Span{{Start: 16, End: 24}}}}}},
			{Event: triage.Event{Conversation: "c-T-1001", At: baseTime.Add(-5 * time.Minute), Role: triage.RoleBot, Type: triage.TypeMessage, Text: "Please restart the router and wait a minute."}, Seq: 2},
			{Event: triage.Event{Conversation: "c-T-1001", At: baseTime.Add(-4*time.Minute - 20*time.Second), Role: triage.RoleCustomer, Type: triage.TypeTyping}, Seq: 3},
			{Event: triage.Event{Conversation: "c-T-1001", At: baseTime.Add(-4 * time.Minute), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: text},
				Seq: 4, Analysis: &triage.Analysis{Valence: -0.8, Negativity: 0.7, Frustration: 0.86, TypingSpeed: 9.5, SpeedRatio: 2.1,
					Reasons: []triage.Reason{
						{Rule: "caps", Text: `"NOT" in capitals`, Weight: 0.15, Spans: []triage.Span{{Start: start, End: start + 3}}},
						{Rule: "negation", Text: `"NOT working"`, Weight: 0.25, Spans: []triage.Span{{Start: start, End: start + 11}}},
						{Rule: "exclamation", Text: `"!!"`, Weight: 0.1, Spans: []triage.Span{{Start: start + 11, End: start + 13}}},
						{Rule: "negative word", Text: `"useless"`, Weight: 0.3, Spans: []triage.Span{{Start: len(text) - 7, End: len(text)}}},
					}}},
		},
		History: []*triage.Record{
			{Seq: 1, At: baseTime.Add(-6 * time.Minute), Ticket: "T-1001", Conversation: "c-T-1001", Kind: triage.KindOpened, Queue: triage.QueueBot, Priority: triage.PriorityNormal, Script: ptr("router"), ScriptVersion: ptr(3)},
			{Seq: 2, At: baseTime.Add(-4 * time.Minute), Ticket: "T-1001", Conversation: "c-T-1001", Kind: triage.KindEscalated, Queue: triage.QueueSenior, Priority: triage.PriorityHigh,
				Reason: "frustration ≥ 0.8 twice", Frustration: ptr(0.86), Scores: []string{"negative wording 0.70", "typing speed 2.1x"}},
		},
	}
}
