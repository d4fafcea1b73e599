package engine

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
)

// fakeClock is a clock that moves only when the test advances it.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []clockWaiter
}

type clockWaiter struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, clockWaiter{at: c.now.Add(d), ch: ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = kept
}

// clockDesk is an engine on a fake clock over a database that outlives
// the engine, so that a test can stop and start it again.
type clockDesk struct {
	t     *testing.T
	path  string
	clock *fakeClock
	db    *store.DB
	e     *Engine
	stop  func()
}

func newClockDesk(t *testing.T, now time.Time) *clockDesk {
	d := &clockDesk{t: t, path: filepath.Join(t.TempDir(), "t.db"), clock: &fakeClock{now: now}}
	d.start()
	t.Cleanup(d.shutdown)
	return d
}

func (d *clockDesk) start() {
	d.t.Helper()
	db, err := store.Open(d.path, store.Options{NoSync: true})
	if err != nil {
		d.t.Fatal(err)
	}
	e, err := New(db, Options{Now: d.clock.Now, After: d.clock.After})
	if err != nil {
		d.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go e.Run(ctx)
	d.db, d.e = db, e
	d.stop = func() {
		cancel()
		<-e.Done()
		db.Close()
	}
}

func (d *clockDesk) shutdown() {
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}

func (d *clockDesk) restart(now time.Time) {
	d.t.Helper()
	d.shutdown()
	d.clock.mu.Lock()
	d.clock.now = now
	d.clock.mu.Unlock()
	d.start()
}

// advance moves the clock and waits until the scheduler has committed
// what became due, or fails the test after a generous bound.
func (d *clockDesk) advance(by time.Duration) {
	d.t.Helper()
	d.clock.Advance(by)
	deadline := time.Now().Add(30 * time.Second)
	for {
		next, err := d.e.nextDue()
		if err != nil {
			d.t.Fatal(err)
		}
		if next.IsZero() || next.After(d.clock.Now()) {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("timer due %s not fired 30s after the clock passed it", next)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// timers returns the stored timers of a ticket.
func (d *clockDesk) timers(ticket string) []*triage.Timer {
	d.t.Helper()
	var out []*triage.Timer
	err := d.db.View(func(tx triage.ReadTx) error {
		return tx.TicketTimers(ticket, func(tm *triage.Timer) error {
			out = append(out, tm)
			return nil
		})
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

func recordsOfKind(records []*triage.Record, kind triage.RecordKind) []*triage.Record {
	var out []*triage.Record
	for _, r := range records {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func unclaimedBreaches(records []*triage.Record) []*triage.Record {
	var out []*triage.Record
	for _, r := range recordsOfKind(records, triage.KindSLABreached) {
		if strings.Contains(r.Reason, "unclaimed target") {
			out = append(out, r)
		}
	}
	return out
}

func TestScriptTimeoutFiresAndRearms(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "I can't log in"))
	timers := d.timers("T-1")
	if len(timers) != 1 || timers[0].Kind != triage.TimerScript || !timers[0].Due.Equal(scriptBase.Add(10*time.Minute)) {
		t.Fatalf("timers after the script took the ticket = %+v, want one script timer due at +10m", timers)
	}

	d.advance(9 * time.Minute)
	ticket, _ := ticketOf(t, d.e, "T-1")
	if ticket.ScriptState.Visits["ask-sign-in-error"] != 1 {
		t.Errorf("visits before the timeout = %v, want 1", ticket.ScriptState.Visits)
	}

	d.advance(2 * time.Minute)
	ticket, _ = ticketOf(t, d.e, "T-1")
	if ticket.ScriptState.Visits["ask-sign-in-error"] != 2 {
		t.Errorf("visits after the first timeout = %v, want 2 (the step asks again)", ticket.ScriptState.Visits)
	}
	if !ticket.ScriptState.EnteredAt.Equal(scriptBase.Add(10 * time.Minute)) {
		t.Errorf("step entered again at %s, want the deadline %s", ticket.ScriptState.EnteredAt, scriptBase.Add(10*time.Minute))
	}
	timers = d.timers("T-1")
	if len(timers) != 1 || !timers[0].Due.Equal(scriptBase.Add(20*time.Minute)) {
		t.Fatalf("timers after the first timeout = %+v, want one due at +20m", timers)
	}

	d.advance(10 * time.Minute)
	ticket, records := ticketOf(t, d.e, "T-1")
	if ticket.Status != triage.StatusResolved {
		t.Errorf("status after the second timeout = %s, want resolved", ticket.Status)
	}
	resolved := recordsOfKind(records, triage.KindResolved)
	if len(resolved) != 1 || !strings.Contains(resolved[0].Reason, "no reply after two reminders") {
		t.Fatalf("resolved records = %+v, want one for two reminders", resolved)
	}
	if !resolved[0].At.Equal(scriptBase.Add(20 * time.Minute)) {
		t.Errorf("resolved at %s, want the deadline %s", resolved[0].At, scriptBase.Add(20*time.Minute))
	}
	if got := d.timers("T-1"); len(got) != 0 {
		t.Errorf("timers after the script ended = %+v, want none", got)
	}
}

func TestReplyCancelsScriptTimer(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "I can't log in"))
	ingest(t, d.e, customer("c-1", 60, "my account is locked out"))
	ticket, _ := ticketOf(t, d.e, "T-1")
	if ticket.ScriptState == nil || !ticket.ScriptState.Finished {
		t.Fatalf("script state = %+v, want finished after the hand-over", ticket.ScriptState)
	}
	for _, tm := range d.timers("T-1") {
		if tm.Kind == triage.TimerScript {
			t.Errorf("script timer %+v kept after the script ended", tm)
		}
	}
}

func TestTimerFiresOnceWhenStoredAgain(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "I can't log in"))
	first := d.timers("T-1")[0]
	d.advance(11 * time.Minute)
	_, before := ticketOf(t, d.e, "T-1")

	// Store the fired timer again, as a crash between arming and firing
	// could leave it, and move the clock past it.
	err := d.db.Update(func(tx triage.Tx) error { return tx.SetTimer(first) })
	if err != nil {
		t.Fatal(err)
	}
	if err := d.e.FireDueTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	ticket, after := ticketOf(t, d.e, "T-1")
	if len(after) != len(before) {
		t.Errorf("records after firing the same timer again: %d, want %d", len(after), len(before))
	}
	if ticket.ScriptState.Visits["ask-sign-in-error"] != 2 {
		t.Errorf("visits = %v, want 2: the stored-again timer must not step the script", ticket.ScriptState.Visits)
	}
	timers := d.timers("T-1")
	if len(timers) != 1 || timers[0].Key == first.Key {
		t.Errorf("timers = %+v, want only the new wait's timer", timers)
	}
}

func TestDeadlinePassedWhileStoppedFiresOnce(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "I can't log in"))
	d.restart(scriptBase.Add(15 * time.Minute))
	// Run fires what fell due before it takes any request, so the ticket
	// read after an ingest through the writer shows the timeout.
	ingest(t, d.e, customer("c-other", 15*60, "hello"))
	ticket, records := ticketOf(t, d.e, "T-1")
	if ticket.ScriptState.Visits["ask-sign-in-error"] != 2 {
		t.Fatalf("visits after restart = %v, want 2", ticket.ScriptState.Visits)
	}
	d.restart(scriptBase.Add(16 * time.Minute))
	ingest(t, d.e, customer("c-other", 16*60, "hello again"))
	ticket, again := ticketOf(t, d.e, "T-1")
	if len(again) != len(records) || ticket.ScriptState.Visits["ask-sign-in-error"] != 2 {
		t.Errorf("second restart: %d records and visits %v, want %d and 2", len(again), ticket.ScriptState.Visits, len(records))
	}
}

func TestChainOfDeadlinesPassedWhileStopped(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "I can't log in"))
	// Both waits of the step (+10m and +20m) pass while stopped.
	d.restart(scriptBase.Add(25 * time.Minute))
	d.advance(0)
	ticket, records := ticketOf(t, d.e, "T-1")
	if ticket.Status != triage.StatusResolved {
		t.Fatalf("status after restart = %s, want resolved after two timeouts", ticket.Status)
	}
	resolved := recordsOfKind(records, triage.KindResolved)
	if len(resolved) != 1 || !resolved[0].At.Equal(scriptBase.Add(20*time.Minute)) {
		t.Errorf("resolved records = %+v, want one at +20m", resolved)
	}
}

func TestImportedPastDeadlineNotArmed(t *testing.T) {
	d := newClockDesk(t, scriptBase.AddDate(1, 0, 0))
	ingest(t, d.e, customer("c-1", 0, "I can't log in"))
	if got := d.timers("T-1"); len(got) != 0 {
		t.Errorf("timers of a conversation imported a year late = %+v, want none", got)
	}
}

// Monday 2026-03-02 14:00 UTC; the default calendar works Monday to
// Friday, 09:00 to 17:00 UTC.
func TestFirstResponseBreach(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "Hello, a question about my invoice"))
	timers := d.timers("T-1")
	due := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	if len(timers) != 1 || timers[0].Kind != triage.TimerFirstResponse || !timers[0].Due.Equal(due) {
		t.Fatalf("timers = %+v, want a first-response timer due %s (4 business hours)", timers, due)
	}
	d.advance(due.Sub(scriptBase) - time.Minute)
	_, records := ticketOf(t, d.e, "T-1")
	if got := recordsOfKind(records, triage.KindSLABreached); len(got) != 0 {
		t.Fatalf("breaches a minute before the deadline = %+v, want none", got)
	}
	d.advance(time.Minute)
	_, records = ticketOf(t, d.e, "T-1")
	breaches := recordsOfKind(records, triage.KindSLABreached)
	if len(breaches) != 1 {
		t.Fatalf("breaches = %+v, want one", breaches)
	}
	want := "SLA standard version 1: first response target 4 business hours for normal priority missed: " +
		"customer waiting since 2026-03-02T14:00:00Z, due 2026-03-03T10:00:00Z"
	if breaches[0].Reason != want {
		t.Errorf("reason = %q, want %q", breaches[0].Reason, want)
	}
	if !breaches[0].At.Equal(due) {
		t.Errorf("breach at %s, want %s", breaches[0].At, due)
	}
	if breaches[0].Script == nil || *breaches[0].Script != SLAName {
		t.Errorf("breach names document %v, want %s", breaches[0].Script, SLAName)
	}
}

func TestAgentReplyStopsFirstResponseClock(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "Hello, a question about my invoice"))
	reply := triage.Event{Conversation: "c-1", At: scriptBase.Add(time.Hour), Role: triage.RoleAgent, Type: triage.TypeMessage, Text: "Happy to help"}
	ingest(t, d.e, reply)
	if got := d.timers("T-1"); len(got) != 0 {
		t.Fatalf("timers after the agent replied = %+v, want none", got)
	}
	ingest(t, d.e, customer("c-1", 2*3600, "thanks, one more thing"))
	timers := d.timers("T-1")
	due := time.Date(2026, 3, 3, 16, 0, 0, 0, time.UTC)
	if len(timers) != 1 || timers[0].Kind != triage.TimerNextResponse || !timers[0].Due.Equal(due) {
		t.Fatalf("timers = %+v, want a next-response timer due %s (8 business hours from 16:00)", timers, due)
	}
	d.advance(48 * time.Hour)
	_, records := ticketOf(t, d.e, "T-1")
	breaches := recordsOfKind(records, triage.KindSLABreached)
	if len(breaches) != 1 || !strings.Contains(breaches[0].Reason, "next response target 8 business hours") {
		t.Errorf("breaches = %+v, want one next-response breach", breaches)
	}
}

func TestUnclaimedEscalationTiers(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "I want to speak to a manager now"))
	ticket, _ := ticketOf(t, d.e, "T-1")
	if ticket.Status != triage.StatusEscalated || ticket.Priority != triage.PriorityHigh {
		t.Fatalf("ticket %s at %s, want escalated at high", ticket.Status, ticket.Priority)
	}
	d.advance(15 * time.Minute)
	ticket, records := ticketOf(t, d.e, "T-1")
	if ticket.Priority != triage.PriorityUrgent || ticket.Queue != triage.QueueSenior {
		t.Errorf("after 15m: %s in %s, want urgent in senior", ticket.Priority, ticket.Queue)
	}
	unclaimed := unclaimedBreaches(records)
	if len(unclaimed) != 1 || !strings.Contains(unclaimed[0].Reason,
		"unclaimed target 15m missed: escalated 2026-03-02T14:00:00Z, due 2026-03-02T14:15:00Z; priority raised to urgent") {
		t.Fatalf("unclaimed breaches after 15m = %+v", unclaimed)
	}
	// Urgent tickets have a 15m first-response target, which has passed
	// by the time the priority rises.
	if got := recordsOfKind(records, triage.KindSLABreached); len(got) != 2 || !strings.Contains(got[1].Reason, "first response target 15m for urgent") {
		t.Errorf("breaches after 15m = %d, want the unclaimed tier and the urgent first response", len(got))
	}
	d.advance(15 * time.Minute)
	ticket, records = ticketOf(t, d.e, "T-1")
	if ticket.Queue != "duty-manager" {
		t.Errorf("after 30m: queue %s, want duty-manager", ticket.Queue)
	}
	if n := len(unclaimedBreaches(records)); n != 2 {
		t.Errorf("unclaimed breaches after 30m = %d, want 2", n)
	}
	for _, tm := range d.timers("T-1") {
		if tm.Kind == triage.TimerUnclaimed {
			t.Errorf("unclaimed timer %+v left after the last tier", tm)
		}
	}
}

func TestClaimCancelsUnclaimedTimer(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "I want to speak to a manager now"))
	if _, err := d.e.Claim(context.Background(), "T-1", "ana", scriptBase.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, tm := range d.timers("T-1") {
		if tm.Kind == triage.TimerUnclaimed {
			t.Errorf("unclaimed timer %+v kept after the claim", tm)
		}
	}
	d.advance(time.Hour)
	_, records := ticketOf(t, d.e, "T-1")
	for _, r := range recordsOfKind(records, triage.KindSLABreached) {
		if strings.Contains(r.Reason, "unclaimed") {
			t.Errorf("claimed ticket breached %q", r.Reason)
		}
	}
}

func TestSavedSLAMovesRunningTimers(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ctx := context.Background()
	ingest(t, d.e, customer("c-1", 0, "Hello, a question about my invoice"))
	faster := strings.Replace(scripts.DefaultSLAYAML, "normal: {first_response: 4 business hours", "normal: {first_response: 30m", 1)
	doc, err := d.e.PutDocument(ctx, SLAKind, SLAName, []byte(faster), "lead", scriptBase, "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != 2 {
		t.Errorf("saved version %d, want 2", doc.Version)
	}
	timers := d.timers("T-1")
	if len(timers) != 1 || !timers[0].Due.Equal(scriptBase.Add(30*time.Minute)) || timers[0].Target != "30m" {
		t.Fatalf("timers after saving a 30m target = %+v, want one due at +30m", timers)
	}
	if _, err := d.e.Rollback(ctx, SLAKind, SLAName, 1, "lead", scriptBase); err != nil {
		t.Fatal(err)
	}
	if name, version := d.e.CurrentSLA(); name != SLAName || version != 3 {
		t.Errorf("CurrentSLA = %s %d, want %s 3", name, version, SLAName)
	}
	timers = d.timers("T-1")
	if len(timers) != 1 || !timers[0].Due.Equal(time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("timers after the rollback = %+v, want one due 2026-03-03T10:00Z", timers)
	}
}

func TestSLAWithUnknownCalendarRejected(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	body := strings.Replace(scripts.DefaultSLAYAML, "calendar: office-hours", "calendar: night-shift", 1)
	_, err := d.e.PutDocument(context.Background(), SLAKind, SLAName, []byte(body), "lead", scriptBase, "")
	var verr *scripts.ValidationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), `calendar "night-shift" is not stored`) {
		t.Fatalf("error = %v, want a validation error naming the calendar", err)
	}
	if _, version := d.e.CurrentSLA(); version != 1 {
		t.Errorf("SLA version after the rejected save = %d, want 1", version)
	}
}

func TestSavedCalendarMovesBusinessDeadlines(t *testing.T) {
	d := newClockDesk(t, scriptBase)
	ingest(t, d.e, customer("c-1", 0, "Hello, a question about my invoice"))
	berlin := strings.Replace(scripts.DefaultCalendarYAML, "time_zone: UTC", "time_zone: Europe/Berlin", 1)
	if _, err := d.e.PutDocument(context.Background(), CalendarKind, "office-hours", []byte(berlin), "lead", scriptBase, ""); err != nil {
		t.Fatal(err)
	}
	// 15:00 in Berlin on Monday: two hours left that day, two on Tuesday
	// from 09:00 CET, which is 08:00 UTC.
	timers := d.timers("T-1")
	want := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	if len(timers) != 1 || !timers[0].Due.Equal(want) {
		t.Errorf("timers = %+v, want one due %s", timers, want)
	}
}

func TestClaimOnImportedTicketArmsNoPastDeadline(t *testing.T) {
	now := scriptBase.AddDate(1, 0, 0)
	d := newClockDesk(t, now)
	ingest(t, d.e, customer("c-1", 0, "I want to speak to a manager now"))
	if _, err := d.e.Claim(context.Background(), "T-1", "ana", now); err != nil {
		t.Fatal(err)
	}
	if got := d.timers("T-1"); len(got) != 0 {
		t.Errorf("timers after claiming an imported ticket = %+v, want none", got)
	}
	d.advance(time.Minute)
	_, records := ticketOf(t, d.e, "T-1")
	if got := recordsOfKind(records, triage.KindSLABreached); len(got) != 0 {
		t.Errorf("breaches of an imported ticket = %+v, want none", got)
	}
}

// TestImportedHistoryRecordsNoBreach imports a conversation whose first
// customer message waited hours for a reply and which escalated near its
// end, months before the clock's now. Its deadlines all passed before the
// desk saw them, so no SLA breach is recorded and the ticket stays in the
// queue its events put it in, whatever order the lines arrive in, and
// after a restart too.
func TestImportedHistoryRecordsNoBreach(t *testing.T) {
	d := newClockDesk(t, scriptBase.AddDate(0, 9, 0))
	early := customer("c-first", 0, "hi")
	furious := []triage.Event{
		customer("c-first", 6*3600+5*60, "STILL NOT WORKING. This is useless!!!"),
		customer("c-first", 6*3600+9*60, "Third time I ask, absolutely terrible service!!!"),
		customer("c-first", 6*3600+10*60, "I want to speak to a manager now"),
	}
	ingest(t, d.e, append([]triage.Event{early}, furious...)...)
	late := make([]triage.Event, 0, 4)
	for _, ev := range append([]triage.Event{early}, furious...) {
		ev.Conversation = "c-last"
		late = append(late, ev)
	}
	ingest(t, d.e, late[1:]...)
	ingest(t, d.e, late[0])
	d.restart(d.clock.Now().Add(time.Hour))

	for _, id := range []string{"T-1", "T-2"} {
		tk, records := ticketOf(t, d.e, id)
		if n := len(recordsOfKind(records, triage.KindSLABreached)); n != 0 {
			t.Errorf("%s: %d SLA breaches recorded from imported history, want none", id, n)
		}
		if tk.Queue != triage.QueueSenior || tk.Priority != triage.PriorityHigh {
			t.Errorf("%s: queue %s priority %s, want senior high as escalated", id, tk.Queue, tk.Priority)
		}
	}
}
