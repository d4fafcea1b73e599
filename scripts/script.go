package scripts

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Script is a parsed troubleshooting script: which tickets it takes, and
// the steps a ticket goes through.
type Script struct {
	Name        string
	Description string
	Trigger     Trigger
	// Phrases holds the named phrase lists that conditions pass to says().
	Phrases map[string][]string
	// Start is the name of the first step.
	Start string
	Steps []*Step

	book   *phraseBook
	byName map[string]*Step
	// triggerPhrases are Trigger.Phrases, compiled.
	triggerPhrases []phrase
}

// Trigger is the rule that decides which tickets a script takes.
type Trigger struct {
	// Phrases match the customer's messages on the first WithinTurns
	// customer turns.
	Phrases     []string
	WithinTurns int
	// Channels, when set, limit the script to tickets from these channels.
	Channels []string
	// Default marks the script that takes tickets no other script takes.
	Default bool
}

// Wait kinds: a step either waits for the customer's reply, with a
// timeout, or moves on at once.
const (
	WaitReply = "reply"
	WaitNone  = "none"
)

// Step is one step of a script. On entering it, the bot sends Send to the
// customer and the agent is shown Prompt. The step then waits as Wait
// sets and leaves by the first of its transitions whose condition holds.
type Step struct {
	Name   string
	Send   string
	Prompt string
	Wait   string
	// Timeout is how long a step that waits for a reply waits.
	Timeout     time.Duration
	Transitions []*Transition

	namePos position
}

// Transition is one way out of a step. Its actions run in this order:
// set the priority, add the tags, send the message, then move the ticket
// (Goto, Escalate, HandToHuman or Resolve). A transition without a move
// leaves the ticket in its step.
type Transition struct {
	When     string
	Priority string
	Tags     []string
	Send     string
	// Goto names the next step.
	Goto string
	// Escalate moves the ticket to a queue and ends the script.
	Escalate *Handoff
	// HandToHuman gives the ticket to the agents and ends the script.
	HandToHuman *Handoff
	// Resolve, when set, resolves the ticket with this reason and ends
	// the script.
	Resolve string

	cond    *condition
	gotoPos position
	pos     position
}

// Handoff is the target of an escalation or a hand to a human.
type Handoff struct {
	Queue    string
	Priority string
	Reason   string
}

// ends reports whether the transition ends the script.
func (t *Transition) ends() bool {
	return t.Escalate != nil || t.HandToHuman != nil || t.Resolve != ""
}

// Limits on a troubleshooting script.
const (
	maxSteps       = 200
	maxTransitions = 50
	maxTimeout     = 30 * 24 * time.Hour
	maxWithinTurns = 20
)

var (
	scriptFields     = []string{"kind", "name", "description", "trigger", "phrases", "start", "steps"}
	triggerFields    = []string{"phrases", "within_turns", "channels", "default"}
	stepFields       = []string{"name", "send", "prompt", "wait", "on"}
	waitFields       = []string{"for", "timeout"}
	transitionFields = []string{"when", "priority", "tag", "send", "goto", "escalate", "hand_to_human", "resolve"}
	handoffFields    = []string{"queue", "priority", "reason"}
)

// ParseScript parses and validates a troubleshooting script and compiles
// its conditions. source names the document in error messages. On failure
// the error is a *ValidationError that lists every problem found.
func ParseScript(source string, src []byte) (*Script, error) {
	ps := &problems{}
	root := readDocument(src, ps)
	if root == nil {
		return nil, ps.err(source)
	}
	r := newReader(src, ps)
	m := r.mapping(root, "$", "a troubleshooting script", position{1, 1})
	if m == nil {
		return nil, ps.err(source)
	}

	r.checkFields(m, "a troubleshooting script", scriptFields, "kind", "name", "trigger", "steps")
	r.checkKind(m, KindTroubleshooting)
	s := &Script{book: newPhraseBook(), byName: map[string]*Step{}}
	s.Name, _ = r.name(m.get("name"))
	if e := m.get("description"); e != nil {
		s.Description, _ = r.str(e)
	}
	s.Phrases = r.phraseLists(m.get("phrases"), s.book)
	if e := m.get("trigger"); e != nil {
		s.Trigger, s.triggerPhrases = r.trigger(e)
	}
	if e := m.get("steps"); e != nil {
		s.Steps = r.steps(e, s)
	}
	r.checkStart(m, s)
	if len(ps.list) == 0 {
		r.checkGraph(m, s)
	}

	if err := ps.err(source); err != nil {
		return nil, err
	}
	return s, nil
}

func (r *reader) trigger(e *entry) (Trigger, []phrase) {
	t := Trigger{WithinTurns: 1}
	m := r.mapping(e.value, e.path, `"trigger"`, e.keyPos)
	if m == nil {
		return t, nil
	}
	r.checkFields(m, `"trigger"`, triggerFields)
	var compiled []phrase
	if p := m.get("phrases"); p != nil {
		list, positions, _ := r.stringList(p, "phrases")
		for i, src := range list {
			ph, err := compilePhrase(src)
			if err != nil {
				r.ps.add(positions[i], p.path, "invalid phrase: %v", err)
				continue
			}
			compiled = append(compiled, ph)
			t.Phrases = append(t.Phrases, src)
		}
	}
	if w := m.get("within_turns"); w != nil {
		t.WithinTurns, _ = r.integer(w, 1, maxWithinTurns)
	}
	if c := m.get("channels"); c != nil {
		list, _, _ := r.stringList(c, "channel names")
		t.Channels = list
	}
	if d := m.get("default"); d != nil {
		t.Default, _ = r.boolean(d)
	}
	switch {
	case t.Default && m.get("phrases") != nil:
		r.ps.add(m.get("default").pos(), m.get("default").path, "a default script takes tickets no other script takes, so it cannot also have phrases: remove one of them")
	case !t.Default && m.get("phrases") == nil && m.get("channels") == nil:
		r.ps.add(m.pos, m.path, `empty trigger: give "phrases", "channels" or "default: true"`)
	}
	return t, compiled
}

// boolean reads an entry's value as true or false.
func (r *reader) boolean(e *entry) (bool, bool) {
	if r.unsupported(e.value, e.path) {
		return false, false
	}
	b, ok := e.value.(*ast.BoolNode)
	if !ok {
		r.ps.add(e.pos(), e.path, "%q must be true or false, not %s", e.key, describeNode(e.value))
		return false, false
	}
	return b.Value, true
}

func (r *reader) steps(e *entry, s *Script) []*Step {
	items, paths, ok := r.sequence(e, "steps")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		r.ps.add(e.pos(), e.path, `"steps" is an empty list: give one or more steps`)
		return nil
	}
	if len(items) > maxSteps {
		r.ps.add(e.pos(), e.path, "%d steps, more than the limit of %d: split the script", len(items), maxSteps)
		return nil
	}
	var steps []*Step
	for i, item := range items {
		m := r.mapping(item, paths[i], "a step", nodePosition(item))
		if m == nil {
			continue
		}
		r.checkFields(m, "a step", stepFields, "name", "wait", "on")
		step := &Step{namePos: m.pos}
		if e := m.get("name"); e != nil {
			if name, ok := r.name(e); ok {
				step.namePos = e.pos()
				if prev, dup := s.byName[name]; dup {
					r.ps.add(e.pos(), e.path, "duplicate step name %q: it is already used at line %d", name, prev.namePos.line)
				} else {
					s.byName[name] = step
				}
				step.Name = name
			}
		}
		if e := m.get("send"); e != nil {
			step.Send, _ = r.str(e)
		}
		if e := m.get("prompt"); e != nil {
			step.Prompt, _ = r.str(e)
		}
		if e := m.get("wait"); e != nil {
			step.Wait, step.Timeout = r.wait(e)
		}
		if e := m.get("on"); e != nil {
			step.Transitions = r.transitions(e, s.book)
		}
		steps = append(steps, step)
	}
	return steps
}

// wait reads a step's wait: "none", or {for: reply, timeout: DURATION}.
func (r *reader) wait(e *entry) (string, time.Duration) {
	if s, ok := scalarText(e.value); ok {
		switch s {
		case WaitNone:
			return WaitNone, 0
		case WaitReply:
			r.ps.add(e.pos(), e.path, "wait for a reply without a timeout: write {for: reply, timeout: 10m}")
		default:
			r.ps.add(e.pos(), e.path, `invalid wait %q: use "none" or {for: reply, timeout: 10m}`, s)
		}
		return "", 0
	}
	m := r.mapping(e.value, e.path, `"wait"`, e.keyPos)
	if m == nil {
		return "", 0
	}
	r.checkFields(m, `"wait"`, waitFields, "for")
	kind := ""
	if f := m.get("for"); f != nil {
		if s, ok := r.str(f); ok {
			switch s {
			case WaitReply, WaitNone:
				kind = s
			default:
				r.ps.add(f.pos(), f.path, `invalid wait %q: use "reply" or "none"`, s)
			}
		}
	}
	var timeout time.Duration
	t := m.get("timeout")
	switch {
	case t != nil && kind == WaitNone:
		r.ps.add(t.keyPos, t.path, "a step that does not wait has no timeout: remove it")
	case t != nil:
		timeout, _ = r.duration(t)
	case kind == WaitReply:
		r.ps.add(m.pos, m.path, "wait for a reply without a timeout: add a timeout such as \"timeout: 10m\"")
	}
	return kind, timeout
}

// duration reads a Go duration such as "90s", "10m" or "1h30m", also
// accepting "d" for days, up to maxTimeout.
func (r *reader) duration(e *entry) (time.Duration, bool) {
	s, ok := r.str(e)
	if !ok {
		return 0, false
	}
	d, err := parseDuration(s)
	if err != nil || d <= 0 || d > maxTimeout {
		r.ps.add(e.pos(), e.path, "invalid duration %q: give a positive duration up to 30 days, such as 90s, 10m, 1h30m or 2d", s)
		return 0, false
	}
	return d, true
}

func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || fmt.Sprint(n) != days {
			return 0, fmt.Errorf("invalid days %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func (r *reader) transitions(e *entry, book *phraseBook) []*Transition {
	items, paths, ok := r.sequence(e, "transitions")
	if !ok {
		return nil
	}
	if len(items) > maxTransitions {
		r.ps.add(e.pos(), e.path, "%d transitions, more than the limit of %d", len(items), maxTransitions)
		return nil
	}
	var out []*Transition
	for i, item := range items {
		m := r.mapping(item, paths[i], "a transition", nodePosition(item))
		if m == nil {
			continue
		}
		r.checkFields(m, "a transition", transitionFields, "when")
		out = append(out, r.transition(m, book))
	}
	return out
}

func (r *reader) transition(m *mapping, book *phraseBook) *Transition {
	t := &Transition{pos: m.pos}
	if e := m.get("when"); e != nil {
		t.cond = r.compileCondition(e, scriptEnv{}, book)
		if t.cond != nil {
			t.When = t.cond.source
		}
	}
	if e := m.get("priority"); e != nil {
		t.Priority, _ = r.priority(e)
	}

	if e := m.get("tag"); e != nil {
		list, positions, _ := r.stringList(e, "tags")
		for i, tag := range list {
			if !namePattern.MatchString(tag) {
				r.ps.add(positions[i], e.path, "invalid tag %q: use lower-case letters, digits, '-', '_' and '.'", tag)
				continue
			}
			t.Tags = append(t.Tags, tag)
		}
	}
	if e := m.get("send"); e != nil {
		t.Send, _ = r.str(e)
	}

	var moves []*entry
	if e := m.get("goto"); e != nil {
		moves = append(moves, e)
		t.Goto, _ = r.name(e)
		t.gotoPos = e.pos()
	}
	if e := m.get("escalate"); e != nil {
		moves = append(moves, e)
		t.Escalate = r.handoff(e, "senior", true)
	}
	if e := m.get("hand_to_human"); e != nil {
		moves = append(moves, e)
		t.HandToHuman = r.handoff(e, "agents", false)
	}
	if e := m.get("resolve"); e != nil {
		moves = append(moves, e)
		t.Resolve, _ = r.str(e)
	}
	if len(moves) > 1 {
		sort.Slice(moves, func(i, j int) bool {
			a, b := moves[i].keyPos, moves[j].keyPos
			return a.line < b.line || a.line == b.line && a.column < b.column
		})
		r.ps.add(moves[1].keyPos, moves[1].path, "a transition moves the ticket once: keep one of goto, escalate, hand_to_human and resolve")
	}

	if len(moves) == 0 && t.Priority == "" && len(t.Tags) == 0 && t.Send == "" && m.get("priority") == nil && m.get("tag") == nil && m.get("send") == nil {
		r.ps.add(m.pos, m.path, "a transition needs an action: goto, escalate, hand_to_human, resolve, send, tag or priority")
	}
	return t
}

// handoff reads an escalate or hand_to_human value: a reason string, or
// {queue, priority, reason}. Escalations require a priority.
func (r *reader) handoff(e *entry, defaultQueue string, needPriority bool) *Handoff {
	h := &Handoff{Queue: defaultQueue}
	if s, ok := scalarText(e.value); ok {
		if needPriority {
			r.ps.add(e.pos(), e.path, "escalate needs a queue and a priority: write {queue: senior, priority: high, reason: ...}")
			return h
		}
		h.Reason = s
		return h
	}
	m := r.mapping(e.value, e.path, fmt.Sprintf("%q", e.key), e.keyPos)
	if m == nil {
		return h
	}
	var required []string
	if needPriority {
		required = []string{"queue", "priority"}
	}
	r.checkFields(m, fmt.Sprintf("%q", e.key), handoffFields, required...)
	if q := m.get("queue"); q != nil {
		h.Queue, _ = r.name(q)
	}
	if p := m.get("priority"); p != nil {
		h.Priority, _ = r.priority(p)
	}
	if reason := m.get("reason"); reason != nil {
		h.Reason, _ = r.str(reason)
	}
	return h
}

// checkStart resolves the script's start step: the "start" field, or
// the first step.
func (r *reader) checkStart(m *mapping, s *Script) {
	e := m.get("start")
	if e == nil {
		if len(s.Steps) > 0 {
			s.Start = s.Steps[0].Name
		}
		return
	}
	name, ok := r.name(e)
	if !ok {
		return
	}
	if _, known := s.byName[name]; !known && len(s.byName) > 0 {
		r.ps.add(e.pos(), e.path, "unknown step %q%s", name, suggestStep(name, s))
	}
	s.Start = name
}

func suggestStep(name string, s *Script) string {
	names := make([]string, 0, len(s.Steps))
	for _, st := range s.Steps {
		names = append(names, st.Name)
	}
	if near := nearest(name, names); near != "" {
		return fmt.Sprintf(": did you mean %q?", near)
	}
	return ": the steps are " + strings.Join(names, ", ")
}

// checkGraph checks the steps as a graph. Every goto must name a step,
// every step must be reachable from the start and have a way out. A step
// that does not wait must move the ticket on every transition and end
// with one that always fires.
func (r *reader) checkGraph(m *mapping, s *Script) {
	stepsPath := m.get("steps").path
	for i, step := range s.Steps {
		path := fmt.Sprintf("%s[%d]", stepsPath, i)
		for j, t := range step.Transitions {
			if t.Goto != "" && s.byName[t.Goto] == nil {
				r.ps.add(t.gotoPos, fmt.Sprintf("%s.on[%d].goto", path, j), "unknown step %q%s", t.Goto, suggestStep(t.Goto, s))
			}
		}
		if len(step.Transitions) == 0 {
			r.ps.add(step.namePos, path, "step %q has no way out: give it at least one transition under \"on\"", step.Name)
		}
		if step.Wait == WaitNone {
			for j, t := range step.Transitions {
				if t.Goto == "" && !t.ends() {
					r.ps.add(t.pos, fmt.Sprintf("%s.on[%d]", path, j),
						"step %q does not wait, so each of its transitions must move the ticket: add goto, escalate, hand_to_human or resolve", step.Name)
				}
			}
		}
		if step.Wait == WaitNone && len(step.Transitions) > 0 {
			last := step.Transitions[len(step.Transitions)-1]
			if strings.TrimSpace(last.When) != "true" {
				r.ps.add(last.pos, fmt.Sprintf("%s.on[%d]", path, len(step.Transitions)-1),
					"step %q does not wait, so its last transition needs \"when: true\"; otherwise a ticket could stop in it", step.Name)
			}
		}
	}
	if len(r.ps.list) > 0 {
		return
	}
	reachable := s.reachableFrom(s.Start)
	ending := s.stepsThatCanEnd()
	for i, step := range s.Steps {
		path := fmt.Sprintf("%s[%d]", stepsPath, i)
		switch {
		case !reachable[step.Name]:
			r.ps.add(step.namePos, path+".name", "step %q is unreachable: no goto leads to it from the start step %q", step.Name, s.Start)
		case !ending[step.Name]:
			r.ps.add(step.namePos, path+".name", "step %q has no way out: no path from it escalates, hands to a human or resolves", step.Name)
		}
	}
}

func (s *Script) reachableFrom(start string) map[string]bool {
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		step := s.byName[queue[0]]
		queue = queue[1:]
		for _, t := range step.Transitions {
			if t.Goto != "" && !seen[t.Goto] {
				seen[t.Goto] = true
				queue = append(queue, t.Goto)
			}
		}
	}
	return seen
}

// stepsThatCanEnd returns the steps from which some chain of transitions
// reaches one that ends the script.
func (s *Script) stepsThatCanEnd() map[string]bool {
	ending := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, step := range s.Steps {
			if ending[step.Name] {
				continue
			}
			for _, t := range step.Transitions {
				if t.ends() || (t.Goto != "" && ending[t.Goto]) {
					ending[step.Name] = true
					changed = true
					break
				}
			}
		}
	}
	return ending
}
