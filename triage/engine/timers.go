package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// maxTimersPerBatch bounds the timers one write transaction fires; the
// scheduler fires the rest in the next one.
const maxTimersPerBatch = 500

// timerKinds lists every timer kind, in the order they are synced.
var timerKinds = []triage.TimerKind{
	triage.TimerScript, triage.TimerFirstResponse, triage.TimerNextResponse, triage.TimerUnclaimed,
}

// farFuture is later than any timer.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// schedule waits for the earliest stored timer and fires it through the
// writer. It reads the time from the engine's clock and waits with
// Options.After, so that a test clock drives it. Writes that arm an
// earlier timer wake it through wakeTimers.
func (e *Engine) schedule(ctx context.Context) {
	for {
		next, err := e.nextDue()
		var wait <-chan time.Time
		switch {
		case err != nil:
			e.log.Error("read next timer failed; retrying in a second", "err", err)
			wait = e.after(time.Second)
		case next.IsZero():
		case !next.After(e.now()):
			if err := e.FireDueTimers(ctx); err != nil {
				if ctx.Err() != nil || errors.Is(err, ErrStopped) {
					return
				}
				e.log.Error("firing timers failed; retrying in a second", "err", err)
				wait = e.after(time.Second)
				break
			}
			continue
		default:
			wait = e.after(next.Sub(e.now()))
		}
		select {
		case <-ctx.Done():
			return
		case <-e.timerWake:
		case <-wait:
		}
	}
}

// wakeTimers makes the scheduler look for the earliest timer again.
func (e *Engine) wakeTimers() {
	select {
	case e.timerWake <- struct{}{}:
	default:
	}
}

// nextDue returns the due time of the earliest stored timer, or the zero
// time when there is none.
func (e *Engine) nextDue() (time.Time, error) {
	var next time.Time
	err := e.store.View(func(tx triage.ReadTx) error {
		return tx.DueTimers(farFuture, func(tm *triage.Timer) error {
			next = tm.Due
			return triage.ErrStop
		})
	})
	return next, err
}

// FireDueTimers fires, through the writer, the timers due by the engine's
// clock, up to maxTimersPerBatch of them, and returns once they are
// durable. The scheduler calls it; so may a caller that advanced a test
// clock.
func (e *Engine) FireDueTimers(ctx context.Context) error {
	return e.submit(ctx, e.fireDueRequest())
}

// fireDueRequest is the writer's work of firing the due timers.
func (e *Engine) fireDueRequest() *request {
	return &request{action: func(tx triage.Tx, b *batch) error {
		now := e.now()
		var due []*triage.Timer
		err := tx.DueTimers(now, func(tm *triage.Timer) error {
			due = append(due, tm)
			if len(due) == maxTimersPerBatch {
				return triage.ErrStop
			}
			return nil
		})
		if err != nil {
			return abort("read due timers", err)
		}
		for _, tm := range due {
			if err := b.fireTimer(tm, now); err != nil {
				return err
			}
		}
		return nil
	}}
}

// fireDueAtStart fires the timers whose deadline passed while the engine
// was stopped, before Run takes any other work.
func (e *Engine) fireDueAtStart() {
	r := e.fireDueRequest()
	r.reply = make(chan struct{})
	e.commit([]*request{r})
	if r.err != nil {
		e.log.Error("firing timers due at start failed", "err", r.err)
	}
}

// fireTimer marks one due timer fired and applies it to its ticket. A
// timer whose identity already fired, or that no longer matches its
// ticket, is dropped without effect.
func (b *batch) fireTimer(tm *triage.Timer, now time.Time) error {
	fired, err := b.tx.TimerFired(tm.Ticket, tm.Kind, tm.Key)
	if err != nil {
		return abort("read timer marker", err)
	}
	if fired {
		// Drop it, and let flush arm what the ticket waits for now.
		b.e.log.Warn("dropping a timer that already fired", "ticket", tm.Ticket, "kind", tm.Kind, "key", tm.Key)
		if err := b.tx.CancelTimer(tm.Ticket, tm.Kind); err != nil {
			return abort("cancel timer", err)
		}
	} else if err := b.tx.MarkTimerFired(tm, now); err != nil {
		return abort("mark timer fired", err)
	}
	b.timersChanged = true
	t, err := b.tx.Ticket(tm.Ticket)
	if errors.Is(err, triage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return abort("load ticket "+tm.Ticket, err)
	}
	entry, err := b.conversation(t.Conversation, false, time.Time{})
	if err != nil {
		return err
	}
	if entry == nil {
		return nil
	}
	entry.dirty = true
	// Only a deadline the desk saw coming lets the deadlines that follow
	// from it fire although they passed before they were armed: that is a
	// chain that ran out while the daemon was stopped. A past breach found
	// in imported history does not start such a chain.
	if tm.SeenComing() {
		if b.timerDriven == nil {
			b.timerDriven = map[string]bool{}
		}
		b.timerDriven[t.ID] = true
	}
	if fired {
		return nil
	}
	b.e.log.Debug("timer fired", "ticket", tm.Ticket, "kind", tm.Kind, "due", tm.Due)
	switch tm.Kind {
	case triage.TimerScript:
		return b.scriptTimeout(entry.ticket, tm)
	case triage.TimerFirstResponse, triage.TimerNextResponse:
		return b.responseBreach(entry.ticket, tm)
	case triage.TimerUnclaimed:
		return b.unclaimedBreach(entry.ticket, tm)
	}
	b.e.log.Warn("dropping a timer of unknown kind", "ticket", tm.Ticket, "kind", tm.Kind)
	return nil
}

// scriptTimeout steps the ticket's script with a timer event at the
// step's deadline.
func (b *batch) scriptTimeout(t *triage.Ticket, tm *triage.Timer) error {
	st := t.ScriptState
	if t.Status != triage.StatusOpen || st == nil || st.Finished || scriptTimerKey(st) != tm.Key {
		return nil
	}
	v, err := b.scripts.version(st.Name, st.Version)
	if err != nil {
		return b.scriptFailed(t, tm.Due, st.Step, err)
	}
	res, err := v.script.Step(fromTicketState(st), ticketSignals(t, tm.Due), scripts.StepEvent{Kind: scripts.EventTimer, At: tm.Due})
	return b.applyStep(t, v, tm.Due, st.Step, res, err)
}

// ticketSignals builds the condition inputs of an event that carries no
// message, such as a timer, from what the ticket keeps.
//
// NOTE: the ticket keeps no valence, negativity, typing speed or burst
// of the last turn, so conditions read them as 0 on a timer event.
func ticketSignals(t *triage.Ticket, at time.Time) scripts.Signals {
	sig := scripts.Signals{
		Frustration: t.Frustration,
		Turn:        t.CustomerTurns,
		Queue:       t.Queue,
		Priority:    t.Priority.String(),
		Status:      string(t.Status),
	}
	if t.LastAgentAt != nil {
		sig.MinutesSinceAgentReply = at.Sub(*t.LastAgentAt).Minutes()
	}
	return sig
}

// responseBreach records a missed first- or next-response target.
func (b *batch) responseBreach(t *triage.Ticket, tm *triage.Timer) error {
	firstKind := t.LastAgentAt == nil
	if !t.Status.Active() || t.WaitingSince == nil || !t.WaitingSince.Equal(tm.Start) ||
		firstKind != (tm.Kind == triage.TimerFirstResponse) {
		return nil
	}
	cfg := b.sla
	what := "first response"
	if tm.Kind == triage.TimerNextResponse {
		what = "next response"
	}
	reason := fmt.Sprintf("%s: %s target %s for %s priority missed: customer waiting since %s, due %s",
		cfg.label(), what, tm.Target, t.Priority, formatTime(tm.Start), formatTime(tm.Due))
	return b.slaRecord(t, tm.Due, reason)
}

// unclaimedBreach applies one unclaimed-escalation tier: it raises the
// priority, moves the ticket to the tier's queue, and records the breach.
func (b *batch) unclaimedBreach(t *triage.Ticket, tm *triage.Timer) error {
	cfg := b.sla
	if t.Status != triage.StatusEscalated || t.ClaimedBy != nil || t.EscalatedAt == nil ||
		unclaimedKey(*t.EscalatedAt, tm.Tier) != tm.Key || cfg.sla == nil || tm.Tier >= len(cfg.sla.Unclaimed) {
		return nil
	}
	tier := cfg.sla.Unclaimed[tm.Tier]
	reason := fmt.Sprintf("%s: unclaimed target %s missed: escalated %s, due %s",
		cfg.label(), tm.Target, formatTime(*t.EscalatedAt), formatTime(tm.Due))
	if p, err := triage.ParsePriority(tier.Priority); err == nil && p > t.Priority {
		t.Priority = p
		reason += "; priority raised to " + p.String()
	}
	if tier.Queue != "" && tier.Queue != t.Queue {
		t.Queue = tier.Queue
		reason += "; moved to queue " + tier.Queue
	}
	if tier.Reason != "" {
		reason += ": " + tier.Reason
	}
	if tm.Due.After(t.UpdatedAt) {
		t.UpdatedAt = tm.Due
	}
	return b.slaRecord(t, tm.Due, reason)
}

func (b *batch) slaRecord(t *triage.Ticket, at time.Time, reason string) error {
	cfg := b.sla
	frustration := t.Frustration
	return b.record(t, at, triage.KindSLABreached, reason, func(r *triage.Record) {
		name, version := cfg.name, cfg.version
		r.Script = &name
		r.ScriptVersion = &version
		r.Frustration = &frustration
		r.Agent = t.ClaimedBy
	})
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// scriptTimerKey identifies one wait of a ticket in a script step.
func scriptTimerKey(st *triage.ScriptState) string {
	return fmt.Sprintf("%s/%d/%s/%s", st.Name, st.Version, st.Step, st.EnteredAt.UTC().Format(time.RFC3339Nano))
}

// unclaimedKey identifies one tier of one escalation.
func unclaimedKey(escalatedAt time.Time, tier int) string {
	return escalatedAt.UTC().Format(time.RFC3339Nano) + "/" + strconv.Itoa(tier)
}

// syncTimers arms, moves or cancels the stored timers of t so that they
// match the timers its state requires. A timer whose identity already fired is
// not armed again.
func (b *batch) syncTimers(t *triage.Ticket) error {
	if b.replay != nil {
		return nil
	}
	want, err := b.desiredTimers(t)
	if err != nil {
		return err
	}
	have := map[triage.TimerKind]*triage.Timer{}
	if err := b.tx.TicketTimers(t.ID, func(tm *triage.Timer) error {
		have[tm.Kind] = tm
		return nil
	}); err != nil {
		return abort("read timers of ticket "+t.ID, err)
	}
	now := b.e.now()
	for _, kind := range timerKinds {
		w, h := want[kind], have[kind]
		if w != nil {
			fired, err := b.tx.TimerFired(t.ID, kind, w.Key)
			if err != nil {
				return abort("read timer marker", err)
			}
			if fired || (!b.timerDriven[t.ID] && passedBeforeArmed(w, h, now)) {
				w = nil
			}
		}
		switch {
		case w == nil && h != nil:
			if err := b.tx.CancelTimer(t.ID, kind); err != nil {
				return abort("cancel timer", err)
			}
			b.timersChanged = true
		case w != nil && (h == nil || h.Key != w.Key || !h.Due.Equal(w.Due) || h.Target != w.Target):
			w.ArmedAt = now
			if h != nil && h.Key == w.Key && !h.ArmedAt.IsZero() {
				w.ArmedAt = h.ArmedAt
			}
			if err := b.tx.SetTimer(w); err != nil {
				return abort("set timer", err)
			}
			b.timersChanged = true
		}
	}
	return nil
}

// passedBeforeArmed reports whether the deadline of w had passed before
// any timer of its key was armed: the desk never saw it coming. That
// happens when past conversations are imported, or when an agent's claim
// or reply at the wall-clock time changes an imported ticket. Such waits
// are history: they are not armed, so an import records no SLA breach and
// gives the same result whatever order its lines arrive in, as `triage
// scripts test` replays it. A deadline that was armed with the same key
// stays armed, so one that passed while the daemon was stopped still
// fires. syncTimers does not apply this rule to a ticket that a timer it
// saw coming moved, so that a chain of deadlines that passed while the
// daemon was stopped fires in full.
//
// NOTE: a ticket released after an unclaimed tier's deadline passed gets
// no breach for that tier, because its timer was cancelled by the claim.
func passedBeforeArmed(w, h *triage.Timer, now time.Time) bool {
	if h != nil && h.Key == w.Key {
		return false
	}
	return !w.Due.After(now)
}

// desiredTimers returns the timers that t's state requires, by kind. A
// ticket waiting in a script step needs the step's timeout. While no
// script runs, it needs the response target of its priority, measured
// from the customer's first unanswered message. While it is escalated and
// unclaimed, it needs the next unclaimed tier that has not fired for this
// escalation.
func (b *batch) desiredTimers(t *triage.Ticket) (map[triage.TimerKind]*triage.Timer, error) {
	out := map[triage.TimerKind]*triage.Timer{}
	if !t.Status.Active() {
		return out, nil
	}
	st := t.ScriptState
	running := st != nil && !st.Finished
	if running && st.TimeoutAt != nil {
		out[triage.TimerScript] = &triage.Timer{
			Due: *st.TimeoutAt, Ticket: t.ID, Kind: triage.TimerScript, Key: scriptTimerKey(st),
			Start: st.EnteredAt, Target: st.TimeoutAt.Sub(st.EnteredAt).String(),
		}
	}
	cfg := b.sla
	if cfg == nil || cfg.sla == nil {
		return out, nil
	}
	if !running && t.WaitingSince != nil {
		targets := cfg.sla.Targets[t.Priority.String()]
		kind, target := triage.TimerFirstResponse, targets.FirstResponse
		if t.LastAgentAt != nil {
			kind, target = triage.TimerNextResponse, targets.NextResponse
		}
		if target != nil {
			if tm := b.slaTimer(t, kind, *t.WaitingSince, target, t.WaitingSince.UTC().Format(time.RFC3339Nano)); tm != nil {
				out[kind] = tm
			}
		}
	}
	if t.Status == triage.StatusEscalated && t.ClaimedBy == nil && t.EscalatedAt != nil {
		for i := range cfg.sla.Unclaimed {
			key := unclaimedKey(*t.EscalatedAt, i)
			fired, err := b.tx.TimerFired(t.ID, triage.TimerUnclaimed, key)
			if err != nil {
				return nil, abort("read timer marker", err)
			}
			if fired {
				continue
			}
			if tm := b.slaTimer(t, triage.TimerUnclaimed, *t.EscalatedAt, &cfg.sla.Unclaimed[i].After, key); tm != nil {
				tm.Tier = i
				out[triage.TimerUnclaimed] = tm
			}
			break
		}
	}
	return out, nil
}

// slaTimer returns the timer of one SLA target, or nil, after logging,
// when its deadline cannot be computed.
func (b *batch) slaTimer(t *triage.Ticket, kind triage.TimerKind, start time.Time, target *scripts.Target, key string) *triage.Timer {
	due, err := b.sla.deadline(start, target)
	if err != nil {
		b.e.log.Error("SLA deadline not computed; the target is not measured", "err", err, "ticket", t.ID, "kind", kind)
		return nil
	}
	return &triage.Timer{Due: due, Ticket: t.ID, Kind: kind, Key: key, Start: start, Target: target.Text}
}
