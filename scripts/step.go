package scripts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr"
)

// MaxTransitionsPerEvent bounds how many transitions one event may fire,
// so that a chain of steps that do not wait cannot loop.
const MaxTransitionsPerEvent = 16

// Step event kinds.
const (
	// EventStart enters a ticket into the script at its start step.
	EventStart = "start"
	// EventReply is a customer message.
	EventReply = "reply"
	// EventTimer is a timer firing. It is acted on only when the current
	// step's timeout has passed by StepEvent.At.
	EventTimer = "timer"
)

// StepEvent is an event of a ticket running a script.
type StepEvent struct {
	Kind string
	// At is the event's timestamp. Time in a step is measured from it,
	// never from the wall clock.
	At time.Time
}

// TicketState is a ticket's position in its script. The engine stores it
// with the ticket and passes it back on the next event.
type TicketState struct {
	// Step is the current step; empty before EventStart.
	Step string `json:"step"`
	// EnteredAt is when the ticket entered Step.
	EnteredAt time.Time `json:"entered_at"`
	// Visits counts the entries into each step.
	Visits map[string]int `json:"visits,omitempty"`
	// RepliesInStep counts the customer replies received in Step.
	RepliesInStep int `json:"replies_in_step"`
	// Keywords are the trigger phrases that matched when the script took
	// the ticket, as the customer wrote them.
	Keywords []string `json:"keywords,omitempty"`
	// Finished is set once a transition escalated, handed over or
	// resolved the ticket.
	Finished bool `json:"finished"`
}

func (s TicketState) clone() TicketState {
	c := s
	c.Visits = make(map[string]int, len(s.Visits)+1)
	for k, v := range s.Visits {
		c.Visits[k] = v
	}
	c.Keywords = append([]string(nil), s.Keywords...)
	return c
}

// Action kinds of a StepResult.
const (
	ActionSend        = "send"
	ActionPrompt      = "prompt"
	ActionSetPriority = "set_priority"
	ActionTag         = "tag"
	ActionGoto        = "goto"
	ActionHandToHuman = "hand_to_human"
	ActionResolve     = "resolve"
	// ActionEscalate is also used by policy decisions.
)

// Action is one thing the engine must do for a ticket.
type Action struct {
	Kind string
	// Step is the step the action belongs to; for ActionGoto, the step
	// entered.
	Step string
	// Text is the message of ActionSend and ActionPrompt, and the tag of
	// ActionTag.
	Text     string
	Queue    string
	Priority string
	Reason   string
}

// Fired records one transition that fired, for `scripts test` and the
// ticket's path through the script.
type Fired struct {
	Step string
	// Index is the transition's index in the step's "on" list.
	Index int
	When  string
	// Because names the values the condition read, such as
	// `frustration 0.42, said "locked out"`.
	Because string
}

// StepResult is the outcome of one event.
type StepResult struct {
	// State is the ticket's new state.
	State TicketState
	// Actions are to be carried out in order.
	Actions []Action
	Fired   []Fired
	// TimeoutAt is when the current step times out, zero when the ticket
	// is not waiting. The engine sends an EventTimer then.
	TimeoutAt time.Time
	// LimitReached is set when the event fired MaxTransitionsPerEvent
	// transitions and stepping stopped there. The engine should hand the
	// ticket to a human, because the script is likely looping.
	LimitReached bool
}

// ErrScriptFinished is returned by Step for a ticket whose script has
// already escalated, handed over or resolved it.
var ErrScriptFinished = errors.New("script already finished for this ticket")

// scriptEnv is the environment of a transition's condition: the signals
// and the ticket's place in the script.
type scriptEnv struct {
	signalEnv
	Step          string         `expr:"step"`
	MinutesInStep float64        `expr:"minutes_in_step"`
	Visits        int            `expr:"visits"`
	StepVisits    map[string]int `expr:"step_visits"`
	RepliesInStep int            `expr:"replies_in_step"`
	Keywords      []string       `expr:"keywords"`
	Replied       bool           `expr:"replied"`
	TimedOut      bool           `expr:"timed_out"`
}

// Step applies one event to a ticket running the script and returns the
// ticket's new state and the actions to take. state is not modified.
//
// EventStart enters the start step. EventReply evaluates the current
// step's transitions against the reply. EventTimer does nothing until the
// current step's timeout has passed. After that, the transitions are
// evaluated with timed_out true, and when none fires the ticket is handed
// to a human. A step that does not wait is passed through at once: its
// transitions are evaluated as soon as it is entered. At most
// MaxTransitionsPerEvent transitions fire per event.
//
// A run-time expression error returns an *EvalError and an empty result.
func (s *Script) Step(state TicketState, sig Signals, event StepEvent) (StepResult, error) {
	if state.Finished {
		return StepResult{}, ErrScriptFinished
	}
	run := &stepRun{script: s, sig: sig, event: event, result: StepResult{State: state.clone()}}
	var err error
	switch event.Kind {
	case EventStart:
		if state.Step != "" {
			return StepResult{}, fmt.Errorf("start script %s: ticket is already in step %q", s.Name, state.Step)
		}
		err = run.enter(s.Start)
	case EventReply, EventTimer:
		step := s.byName[state.Step]
		if step == nil {
			return StepResult{}, fmt.Errorf("step script %s: ticket is in unknown step %q; it may have been started on another version", s.Name, state.Step)
		}
		err = run.handle(step)
	default:
		return StepResult{}, fmt.Errorf("step script %s: unknown event kind %q: use start, reply or timer", s.Name, event.Kind)
	}
	if err != nil {
		return StepResult{}, err
	}
	return run.finish(), nil
}

// stepRun is the work of one Step call.
type stepRun struct {
	script *Script
	sig    Signals
	event  StepEvent
	result StepResult
	fired  int
}

func (run *stepRun) finish() StepResult {
	res := run.result
	if step := run.script.byName[res.State.Step]; step != nil && step.Wait == WaitReply && !res.State.Finished {
		res.TimeoutAt = res.State.EnteredAt.Add(step.Timeout)
	}
	return res
}

// enter moves the ticket into a step, emits its messages and, for a step
// that does not wait, evaluates its transitions at once.
func (run *stepRun) enter(name string) error {
	step := run.script.byName[name]
	st := &run.result.State
	st.Step = name
	st.EnteredAt = run.event.At
	st.RepliesInStep = 0
	st.Visits[name]++
	if step.Send != "" {
		run.act(Action{Kind: ActionSend, Step: name, Text: step.Send})
	}
	if step.Prompt != "" {
		run.act(Action{Kind: ActionPrompt, Step: name, Text: step.Prompt})
	}
	if step.Wait == WaitNone {
		return run.evaluate(step, false)
	}
	return nil
}

// handle applies a reply or timer event to the step the ticket waits in.
func (run *stepRun) handle(step *Step) error {
	if run.event.Kind == EventReply {
		run.result.State.RepliesInStep++
		return run.evaluate(step, false)
	}
	if step.Wait != WaitReply || run.event.At.Before(run.result.State.EnteredAt.Add(step.Timeout)) {
		return nil
	}
	return run.evaluate(step, true)
}

// evaluate fires the first transition of step whose condition holds and
// follows it.
func (run *stepRun) evaluate(step *Step, timedOut bool) error {
	matcher := &phraseMatcher{}
	env := run.env(step, timedOut, matcher)
	for i, t := range step.Transitions {
		matcher.matched = matcher.matched[:0]
		out, err := expr.Run(t.cond.program, env)
		if err != nil {
			return &EvalError{Rule: fmt.Sprintf("step %s transition %d", step.Name, i), Path: t.cond.path, Err: err}
		}
		if held, _ := out.(bool); !held {
			continue
		}
		if run.fired == MaxTransitionsPerEvent {
			run.result.LimitReached = true
			return nil
		}
		run.fired++
		run.result.Fired = append(run.result.Fired, Fired{
			Step: step.Name, Index: i, When: t.When, Because: because(t.cond, env, matcher.matched),
		})
		return run.follow(step, t)
	}
	if timedOut {
		run.result.State.Finished = true
		run.act(Action{Kind: ActionHandToHuman, Step: step.Name, Queue: "agents",
			Reason: fmt.Sprintf("step %s timed out after %s and no transition matched", step.Name, step.Timeout)})
	}
	return nil
}

// follow runs a fired transition's actions in their fixed order.
func (run *stepRun) follow(step *Step, t *Transition) error {
	if t.Priority != "" {
		run.act(Action{Kind: ActionSetPriority, Step: step.Name, Priority: t.Priority})
	}
	for _, tag := range t.Tags {
		run.act(Action{Kind: ActionTag, Step: step.Name, Text: tag})
	}
	if t.Send != "" {
		run.act(Action{Kind: ActionSend, Step: step.Name, Text: t.Send})
	}
	switch {
	case t.Goto != "":
		run.act(Action{Kind: ActionGoto, Step: t.Goto})
		return run.enter(t.Goto)
	case t.Escalate != nil:
		run.end(Action{Kind: ActionEscalate, Step: step.Name, Queue: t.Escalate.Queue,
			Priority: t.Escalate.Priority, Reason: handoffReason(t.Escalate.Reason, step, "escalated")})
	case t.HandToHuman != nil:
		run.end(Action{Kind: ActionHandToHuman, Step: step.Name, Queue: t.HandToHuman.Queue,
			Priority: t.HandToHuman.Priority, Reason: handoffReason(t.HandToHuman.Reason, step, "handed to a human")})
	case t.Resolve != "":
		run.end(Action{Kind: ActionResolve, Step: step.Name, Reason: t.Resolve})
	}
	return nil
}

func (run *stepRun) act(a Action) {
	run.result.Actions = append(run.result.Actions, a)
}

func (run *stepRun) end(a Action) {
	run.act(a)
	run.result.State.Finished = true
}

func handoffReason(reason string, step *Step, verb string) string {
	if reason != "" {
		return reason
	}
	return fmt.Sprintf("%s at step %s", verb, step.Name)
}

func (run *stepRun) env(step *Step, timedOut bool, matcher *phraseMatcher) scriptEnv {
	st := run.result.State
	sig := run.sig
	replied := run.event.Kind == EventReply
	if run.event.Kind == EventTimer {
		// A timer brings no message, so there is nothing for says() or
		// text to match.
		sig.Text = ""
	}
	return scriptEnv{
		signalEnv:     newSignalEnv(sig, run.script.book, run.script.Phrases, matcher),
		Step:          step.Name,
		MinutesInStep: run.event.At.Sub(st.EnteredAt).Minutes(),
		Visits:        st.Visits[step.Name],
		StepVisits:    st.Visits,
		RepliesInStep: st.RepliesInStep,
		Keywords:      st.Keywords,
		Replied:       replied,
		TimedOut:      timedOut,
	}
}

// because lists the values a condition read, for a Fired record.
func because(c *condition, env scriptEnv, matched []string) string {
	var values []string
	for _, name := range c.reads {
		if v, ok := fieldValue(env, name); ok {
			values = append(values, fmt.Sprintf("%s %s", name, formatValue(v)))
		}
	}
	if len(matched) > 0 {
		values = append(values, fmt.Sprintf("said %q", matched[0]))
	}
	return strings.Join(values, ", ")
}
