package engine

import (
	"fmt"
	"log/slog"
	"sort"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/sentiment"
	"github.com/triagedesk/triage/triage"
)

// ReplayScript is one script version a replay may start tickets on.
type ReplayScript struct {
	Script  *scripts.Script
	Name    string
	Version int
}

// ReplayOptions configures Replay.
type ReplayOptions struct {
	// Policy is the escalation policy, checked first on every customer
	// turn as the live engine does.
	Policy        *scripts.Policy
	PolicyName    string
	PolicyVersion int
	// Scripts are the scripts new tickets are matched against, in the
	// order SelectScript tries them; the live engine orders them by name.
	Scripts []ReplayScript
	// Force, when set, starts this script on the first customer turn
	// whatever its trigger says, so that a script can be tried on
	// conversations its trigger would not take.
	Force *ReplayScript
	// Keywords are operator keywords added to the scorer's lexicon; the
	// live engine's Options.Keywords must match for the results to agree.
	Keywords []sentiment.Keyword
}

// ReplayResult is what the live engine would have done with one
// conversation.
type ReplayResult struct {
	Conversation string
	Turns        []ReplayTurn
	// Records is the history the conversation's ticket would have, in
	// order, the opening record included.
	Records []*triage.Record
	// Ticket is the ticket after the last event.
	Ticket *triage.Ticket
}

// ReplayTurn is one customer turn of a replay and what it caused.
type ReplayTurn struct {
	Event       triage.Event
	Frustration float64
	// Reasons are the score's strongest reasons, as the ticket shows them.
	Reasons []string
	// Step is the step the ticket waited in when the turn arrived, empty
	// when no script was running.
	Step string
	// Steps holds one entry per script step run on this turn: a start and
	// a reply can both happen when a script takes the ticket.
	Steps []ReplayStep
	// Policy is the escalation policy's decision on this turn, nil when no
	// rule fired.
	Policy *scripts.Decision
	// Records are the history records this turn added.
	Records []*triage.Record
	// Ticket is the ticket after the turn.
	Ticket *triage.Ticket
}

// ReplayStep is the outcome of one script step.
type ReplayStep struct {
	From         string
	To           string
	Fired        []scripts.Fired
	Actions      []scripts.Action
	LimitReached bool
	Error        string
}

// replayRun collects a replay's records and turns while the batch runs.
type replayRun struct {
	result *ReplayResult
	force  *ReplayScript
	turn   *ReplayTurn
}

func (r *replayRun) record(rec *triage.Record) {
	rec.Seq = uint64(len(r.result.Records) + 1)
	r.result.Records = append(r.result.Records, rec)
	if r.turn != nil {
		r.turn.Records = append(r.turn.Records, rec)
	}
}

// replayScripts is a fixed set of scripts for a replay.
type replayScripts struct {
	list []*scriptVersion
}

func (s replayScripts) current() []*scriptVersion { return s.list }

func (s replayScripts) version(name string, version int) (*scriptVersion, error) {
	for _, v := range s.list {
		if v.name == name && v.version == version {
			return v, nil
		}
	}
	return nil, fmt.Errorf("script %s version %d is not part of this replay", name, version)
}

// Replay runs one conversation's events through the escalation policy and
// scripts with the same code the live engine runs, without a store: it
// reads no clock and writes nothing. Events are applied in timestamp
// order (ties keep their order in events), events with an id seen before
// are skipped, and invalid events are rejected with an error. All events
// must belong to one conversation.
func Replay(events []triage.Event, opts ReplayOptions) (*ReplayResult, error) {
	if opts.Policy == nil {
		return nil, fmt.Errorf("replay: no escalation policy given")
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("replay: no events")
	}
	sorted := make([]triage.Event, len(events))
	copy(sorted, events)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	conv := sorted[0].Conversation

	e := &Engine{log: slog.New(slog.DiscardHandler)}
	e.scorer.Store(sentiment.New(sentiment.Options{Keywords: opts.Keywords}))
	source := replayScripts{}
	for _, s := range opts.Scripts {
		source.list = append(source.list, &scriptVersion{script: s.Script, name: s.Name, version: s.Version})
	}
	if f := opts.Force; f != nil {
		if _, err := source.version(f.Name, f.Version); err != nil {
			source.list = append(source.list, &scriptVersion{script: f.Script, name: f.Name, version: f.Version})
		}
	}
	result := &ReplayResult{Conversation: conv}
	b := &batch{
		e:       e,
		policy:  &policyVersion{policy: opts.Policy, name: opts.PolicyName, version: opts.PolicyVersion},
		scripts: source,
		replay:  &replayRun{result: result, force: opts.Force},
	}
	entry := &convEntry{conv: &triage.Conversation{ID: conv, Ticket: "T-replay"}}
	entry.ticket = newTicket("T-replay", conv, sorted[0].At.UTC())
	if err := b.record(entry.ticket, entry.ticket.OpenedAt, triage.KindOpened, "conversation started", nil); err != nil {
		return nil, err
	}

	seen := make(map[string]bool)
	for i := range sorted {
		ev := sorted[i]
		ev.At = ev.At.UTC()
		if err := ev.Validate(); err != nil {
			return nil, fmt.Errorf("replay: event %d: %w", i+1, err)
		}
		if ev.Conversation != conv {
			return nil, fmt.Errorf("replay: event %d belongs to conversation %q, not %q", i+1, ev.Conversation, conv)
		}
		if ev.ID != "" {
			if seen[ev.ID] {
				continue
			}
			seen[ev.ID] = true
		}
		stored := &triage.StoredEvent{Event: ev, Seq: uint64(i + 1)}
		if err := b.observe(entry, stored, nil, false); err != nil {
			return nil, err
		}
		if turn := b.replay.turn; turn != nil {
			turn.Ticket = entry.ticket.Clone()
			result.Turns = append(result.Turns, *turn)
			b.replay.turn = nil
		}
	}
	result.Ticket = entry.ticket.Clone()
	return result, nil
}

// beginTurn starts the trace of a customer turn in a replay.
func (b *batch) beginTurn(t *triage.Ticket, ev *triage.Event, turn sentiment.Turn) {
	if b.replay == nil {
		return
	}
	rt := &ReplayTurn{Event: *ev, Frustration: turn.Frustration, Reasons: topReasons(turn.Reasons, maxReasonsOnTicket)}
	if st := t.ScriptState; st != nil && !st.Finished {
		rt.Step = st.Step
	}
	b.replay.turn = rt
}

func (b *batch) tracePolicy(d *scripts.Decision) {
	if b.replay == nil || b.replay.turn == nil || d == nil {
		return
	}
	c := *d
	b.replay.turn.Policy = &c
}

func (b *batch) traceStep(from string, res scripts.StepResult, err error) {
	if b.replay == nil || b.replay.turn == nil {
		return
	}
	step := ReplayStep{From: from, To: res.State.Step, Fired: res.Fired, Actions: res.Actions, LimitReached: res.LimitReached}
	if err != nil {
		step.Error = err.Error()
	}
	b.replay.turn.Steps = append(b.replay.turn.Steps, step)
}
