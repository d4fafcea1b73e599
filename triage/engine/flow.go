package engine

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/sentiment"
	"github.com/triagedesk/triage/triage"
)

// scriptSource finds troubleshooting scripts for a batch: the set that
// new tickets are matched against, and the exact version a running ticket
// started on.
type scriptSource interface {
	current() []*scriptVersion
	version(name string, version int) (*scriptVersion, error)
}

// liveScripts is the engine's own source: the latest stored scripts, and
// every stored version through the cache.
type liveScripts struct {
	e  *Engine
	tx triage.ReadTx
}

func (s liveScripts) current() []*scriptVersion { return s.e.scripts.Load().list }

func (s liveScripts) version(name string, version int) (*scriptVersion, error) {
	return s.e.script(s.tx, name, version)
}

// applyScript runs the troubleshooting script part of a customer turn,
// after the escalation policy. An open ticket that no script has taken
// yet, and that no agent has answered, is offered to the scripts; a ticket
// running a script is stepped with the reply.
func (b *batch) applyScript(t *triage.Ticket, ev *triage.Event, turn sentiment.Turn) error {
	if t.Status != triage.StatusOpen {
		return nil
	}
	sig := signals(t, ev, turn)
	st := t.ScriptState
	switch {
	case st == nil:
		if t.LastAgentAt != nil || t.Queue != triage.QueueAgents {
			return nil
		}
		return b.startScript(t, ev.At, sig)
	case st.Finished:
		return nil
	}
	v, err := b.scripts.version(st.Name, st.Version)
	if err != nil {
		return b.scriptFailed(t, ev.At, st.Step, err)
	}
	res, err := v.script.Step(fromTicketState(st), sig, scripts.StepEvent{Kind: scripts.EventReply, At: ev.At})
	return b.applyStep(t, v, ev.At, st.Step, res, err)
}

// startScript lets the first script whose trigger matches take the
// ticket: it moves to the bot queue and enters the script's start step.
func (b *batch) startScript(t *triage.Ticket, at time.Time, sig scripts.Signals) error {
	set := b.scripts.current()
	list := make([]*scripts.Script, len(set))
	for i, v := range set {
		list[i] = v.script
	}
	chosen, keywords := scripts.SelectScript(list, sig)
	var v *scriptVersion
	switch {
	case b.replay != nil && b.replay.force != nil:
		f := b.replay.force
		v = &scriptVersion{script: f.Script, name: f.Name, version: f.Version}
		keywords, _ = f.Script.Matches(sig)
	case chosen == nil:
		return nil
	default:
		v = set[slices.Index(list, chosen)]
	}
	t.ScriptState = &triage.ScriptState{Name: v.name, Version: v.version, Keywords: keywords}
	t.Queue = triage.QueueBot
	reason := fmt.Sprintf("script %s version %d took the ticket", v.name, v.version)
	if len(keywords) > 0 {
		reason += fmt.Sprintf(" (matched %q)", keywords[0])
	}
	if err := b.scriptRecord(t, v, at, triage.KindReassigned, reason); err != nil {
		return err
	}
	state := scripts.TicketState{Keywords: keywords}
	res, err := v.script.Step(state, sig, scripts.StepEvent{Kind: scripts.EventStart, At: at})
	return b.applyStep(t, v, at, "", res, err)
}

// applyStep carries out the result of one script step on the ticket.
func (b *batch) applyStep(t *triage.Ticket, v *scriptVersion, at time.Time, from string, res scripts.StepResult, err error) error {
	b.traceStep(from, res, err)
	if err != nil {
		return b.scriptFailed(t, at, from, err)
	}
	st := toTicketState(v, res, t.ScriptState)
	t.ScriptState = st
	t.Script, t.ScriptVersion, t.Step = v.name, v.version, st.Step
	for _, a := range res.Actions {
		if err := b.scriptAction(t, v, at, a); err != nil {
			return err
		}
	}
	if res.LimitReached {
		st.LimitReached = true
		b.e.log.Warn("script fired the most transitions one event may fire; handing the ticket to a human",
			"ticket", t.ID, "script", v.name, "version", v.version, "step", st.Step, "limit", scripts.MaxTransitionsPerEvent)
		if !st.Finished {
			st.Finished, st.TimeoutAt = true, nil
			reason := fmt.Sprintf("script %s version %d step %s fired %d transitions on one event and was stopped; it may loop",
				v.name, v.version, st.Step, scripts.MaxTransitionsPerEvent)
			return b.handOver(t, v, at, triage.QueueAgents, "", reason)
		}
	}
	return nil
}

// scriptAction carries out one action of a script step.
func (b *batch) scriptAction(t *triage.Ticket, v *scriptVersion, at time.Time, a scripts.Action) error {
	where := fmt.Sprintf("script %s version %d step %s", v.name, v.version, a.Step)
	switch a.Kind {
	case scripts.ActionSend, scripts.ActionPrompt:
		st := t.ScriptState
		st.Messages = append(st.Messages, triage.ScriptMessage{At: at, Step: a.Step, Kind: a.Kind, Text: a.Text})
		if n := len(st.Messages); n > triage.MaxScriptMessages {
			st.Messages = st.Messages[n-triage.MaxScriptMessages:]
		}
		return b.outboxScriptMessage(t, v, at, a)
	case scripts.ActionSetPriority:
		if p, err := triage.ParsePriority(a.Priority); err == nil {
			t.Priority = p
		}
	case scripts.ActionTag:
		if !slices.Contains(t.Tags, a.Text) {
			t.Tags = append(t.Tags, a.Text)
		}
	case scripts.ActionEscalate:
		t.ScriptState.TimeoutAt = nil
		return b.escalate(t, v, at, a.Queue, a.Priority, where+": "+a.Reason)
	case scripts.ActionHandToHuman:
		t.ScriptState.TimeoutAt = nil
		return b.handOver(t, v, at, a.Queue, a.Priority, where+": "+a.Reason)
	case scripts.ActionResolve:
		t.ScriptState.TimeoutAt = nil
		t.Status = triage.StatusResolved
		t.UpdatedAt = at
		return b.scriptRecord(t, v, at, triage.KindResolved, where+": "+a.Reason)
	}
	return nil
}

// escalate moves the ticket to queue with status escalated, raising its
// priority to at least priority.
func (b *batch) escalate(t *triage.Ticket, v *scriptVersion, at time.Time, queue, priority, reason string) error {
	if queue == "" {
		queue = triage.QueueSenior
	}
	if p, err := triage.ParsePriority(priority); err == nil && p > t.Priority {
		t.Priority = p
	}
	t.Status = triage.StatusEscalated
	t.Queue = queue
	t.EscalationReason = reason
	t.EscalatedAt = &at
	t.UpdatedAt = at
	return b.scriptRecord(t, v, at, triage.KindEscalated, reason)
}

// handOver gives the ticket back to the agents (or queue) with status
// open.
func (b *batch) handOver(t *triage.Ticket, v *scriptVersion, at time.Time, queue, priority, reason string) error {
	if queue == "" {
		queue = triage.QueueAgents
	}
	if p, err := triage.ParsePriority(priority); err == nil {
		t.Priority = p
	}
	t.Status = triage.StatusOpen
	t.Queue = queue
	t.UpdatedAt = at
	return b.scriptRecord(t, v, at, triage.KindReassigned, reason)
}

// scriptFailed sends a ticket whose script failed at run time, or could
// not be loaded, to the senior queue with the error as its reason.
func (b *batch) scriptFailed(t *triage.Ticket, at time.Time, step string, err error) error {
	st := t.ScriptState
	if errors.Is(err, scripts.ErrScriptFinished) {
		st.Finished = true
		return nil
	}
	st.Finished, st.TimeoutAt = true, nil
	v := &scriptVersion{name: st.Name, version: st.Version}
	b.e.log.Error("script failed; escalating to senior", "err", err, "ticket", t.ID, "script", st.Name, "version", st.Version, "step", step)
	reason := fmt.Sprintf("script %s version %d step %s failed: %v", st.Name, st.Version, step, err)
	return b.escalate(t, v, at, triage.QueueSenior, "high", reason)
}

// leaveScript ends the script of a ticket that the escalation policy
// escalated.
func (b *batch) leaveScript(t *triage.Ticket) {
	if st := t.ScriptState; st != nil && !st.Finished {
		st.Finished, st.TimeoutAt = true, nil
	}
}

func (b *batch) scriptRecord(t *triage.Ticket, v *scriptVersion, at time.Time, kind triage.RecordKind, reason string) error {
	frustration := t.Frustration
	return b.record(t, at, kind, reason, func(r *triage.Record) {
		name, version := v.name, v.version
		r.Script = &name
		r.ScriptVersion = &version
		r.Frustration = &frustration
	})
}

// fromTicketState converts the stored state for the scripts package.
func fromTicketState(st *triage.ScriptState) scripts.TicketState {
	return scripts.TicketState{
		Step:          st.Step,
		EnteredAt:     st.EnteredAt,
		Visits:        st.Visits,
		RepliesInStep: st.RepliesInStep,
		Keywords:      st.Keywords,
		Finished:      st.Finished,
	}
}

// toTicketState stores a step's new state, keeping the messages of prev.
func toTicketState(v *scriptVersion, res scripts.StepResult, prev *triage.ScriptState) *triage.ScriptState {
	s := res.State
	st := &triage.ScriptState{
		Name:          v.name,
		Version:       v.version,
		Step:          s.Step,
		EnteredAt:     s.EnteredAt,
		Visits:        s.Visits,
		RepliesInStep: s.RepliesInStep,
		Keywords:      s.Keywords,
		Finished:      s.Finished,
	}
	if !res.TimeoutAt.IsZero() {
		at := res.TimeoutAt
		st.TimeoutAt = &at
	}
	if prev != nil {
		st.Messages = prev.Messages
		st.LimitReached = prev.LimitReached
	}
	return st
}
