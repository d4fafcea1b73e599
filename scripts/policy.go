package scripts

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
)

// Document kinds this package parses.
const (
	KindEscalationPolicy = "escalation-policy"
	KindTroubleshooting  = "troubleshooting"
)

// ActionEscalate moves a ticket to a queue at a priority.
const ActionEscalate = "escalate"

// DefaultPolicyYAML is the escalation policy the desk starts with. Every
// parameter of it, such as the 0.8 threshold, the two turns and the
// phrases, lives in this document so that operators can change it without
// a release.
const DefaultPolicyYAML = `kind: escalation-policy
name: default
description: >
  Escalate to the senior queue at high priority when the customer stays
  frustrated, or asks for a person.

phrases:
  # Asks for a human or a manager. Phrases match whole words, case-insensitively;
  # "a|the" matches either word and a trailing * matches word beginnings.
  # A phrase right after a negation ("I don't need a manager") does not count.
  human:
    - speak|talk|chat to|with a|the|your|someone's manager|supervisor|boss|superior
    - speak|talk|chat to|with a|an real|actual|live human|person|agent|representative
    - speak|talk|chat to|with someone real
    - speak|talk|chat to|with a|an human|person|agent|representative|rep
    - speak|talk|chat to|with someone in charge
    - get|give me a|an|your manager|supervisor|human|person|agent|representative
    - let me speak|talk to|with someone
    - want|need a|an|your manager|supervisor|human|representative
    - real person
    - real human
    - actual person
    - actual human
    - human being
    - live agent
    - live person
    - human agent
    - human please
    - agent please
    - supervisor
    - escalate this

rules:
  - name: sustained-frustration
    when: frustration >= 0.8
    for_turns: 2
    escalate: {queue: senior, priority: high}
    reason: frustration at or above 0.8 on two consecutive customer turns

  - name: asks-for-human
    when: says(phrases.human)
    escalate: {queue: senior, priority: high}
    reason: the customer asked for a human or a manager
`

// Policy is a parsed escalation policy: rules checked in order on every
// customer turn, before any troubleshooting script.
type Policy struct {
	Name        string
	Description string
	// Phrases holds the named phrase lists that conditions pass to says().
	Phrases map[string][]string
	Rules   []*Rule

	book *phraseBook
}

// Rule is one escalation rule of a policy.
type Rule struct {
	Name string
	// When is the condition's source.
	When string
	// ForTurns is how many consecutive customer turns the condition must
	// hold before the rule fires; 1 fires at once.
	ForTurns int
	Action   string
	Queue    string
	Priority string
	// Reason is the operator's explanation, used at the start of a
	// decision's reason.
	Reason string

	cond *condition
}

// Decision is the action a fired rule requests from the engine.
type Decision struct {
	Rule     string
	Action   string
	Queue    string
	Priority string
	// Reason is a sentence that names the rule and the values that fired
	// it, for the history and the console.
	Reason string
}

var (
	policyFields = []string{"kind", "name", "description", "phrases", "rules"}
	ruleFields   = []string{"name", "when", "for_turns", "escalate", "reason"}
	targetFields = []string{"queue", "priority"}
)

// Limits on a policy: rules per policy, and a rule's for_turns.
const (
	maxRules    = 200
	maxForTurns = 100
)

// ParsePolicy parses and validates an escalation policy document and
// compiles its conditions. source names the document in error messages,
// for example its file name. On failure the error is a *ValidationError
// that lists every problem found.
func ParsePolicy(source string, src []byte) (*Policy, error) {
	ps := &problems{}
	root := readDocument(src, ps)
	if root == nil {
		return nil, ps.err(source)
	}
	r := newReader(src, ps)
	m := r.mapping(root, "$", "an escalation policy", position{1, 1})
	if m == nil {
		return nil, ps.err(source)
	}
	r.checkFields(m, "an escalation policy", policyFields, "kind", "name", "rules")
	p := &Policy{book: newPhraseBook()}
	r.checkKind(m, KindEscalationPolicy)
	p.Name, _ = r.name(m.get("name"))
	if e := m.get("description"); e != nil {
		p.Description, _ = r.str(e)
	}
	p.Phrases = r.phraseLists(m.get("phrases"), p.book)
	p.Rules = r.rules(m.get("rules"), p.book)
	if err := ps.err(source); err != nil {
		return nil, err
	}
	return p, nil
}

// checkKind records a problem unless the document's kind is want.
func (r *reader) checkKind(m *mapping, want string) {
	e := m.get("kind")
	if e == nil {
		return
	}
	kind, ok := r.str(e)
	if ok && kind != want {
		r.ps.add(e.pos(), e.path, "kind is %q, expected %q", kind, want)
	}
}

// phraseLists reads the phrases mapping: names to lists of phrases.
func (r *reader) phraseLists(e *entry, book *phraseBook) map[string][]string {
	out := map[string][]string{}
	if e == nil {
		return out
	}
	m := r.mapping(e.value, e.path, `"phrases"`, e.keyPos)
	if m == nil {
		return out
	}
	for _, item := range m.entries {
		if !namePattern.MatchString(item.key) || strings.ContainsAny(item.key, "-.") {
			r.ps.add(item.keyPos, item.path, "invalid phrase list name %q: use lower-case letters, digits and '_', so that expressions can write phrases.%s", item.key, item.key)
			continue
		}
		list, positions, _ := r.stringList(item, "phrases")
		for i, s := range list {
			p, err := compilePhrase(s)
			if err != nil {
				r.ps.add(positions[i], item.path, "invalid phrase: %v", err)
				continue
			}
			book.named[item.key] = append(book.named[item.key], p)
			book.byText[s] = p
			out[item.key] = append(out[item.key], s)
		}
		if _, ok := book.named[item.key]; !ok {
			// Keep the name known so that expressions using it get no
			// second, misleading error.
			book.named[item.key] = nil
		}
	}
	return out
}

func (r *reader) rules(e *entry, book *phraseBook) []*Rule {
	if e == nil {
		return nil
	}
	items, paths, ok := r.sequence(e, "rules")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		r.ps.add(e.pos(), e.path, `"rules" is an empty list: give one or more rules`)
		return nil
	}
	if len(items) > maxRules {
		r.ps.add(e.pos(), e.path, "%d rules, more than the limit of %d: merge rules with the same escalation", len(items), maxRules)
		return nil
	}
	seen := map[string]position{}
	var rules []*Rule
	for i, item := range items {
		m := r.mapping(item, paths[i], "a rule", nodePosition(item))
		if m == nil {
			continue
		}
		r.checkFields(m, "a rule", ruleFields, "name", "when", "escalate")
		rule := &Rule{ForTurns: 1, Action: ActionEscalate}
		if name, ok := r.name(m.get("name")); ok {
			if prev, dup := seen[name]; dup {
				r.ps.add(m.get("name").pos(), m.get("name").path, "duplicate rule name %q: it is already used at line %d", name, prev.line)
			}
			seen[name] = m.get("name").pos()
			rule.Name = name
		}
		if when := m.get("when"); when != nil {
			rule.cond = r.compileCondition(when, signalEnv{}, book)
			if rule.cond != nil {
				rule.When = rule.cond.source
			}
		}
		if ft := m.get("for_turns"); ft != nil {
			rule.ForTurns, _ = r.integer(ft, 1, maxForTurns)
		}
		if esc := m.get("escalate"); esc != nil {
			rule.Queue, rule.Priority = r.target(esc)
		}
		if reason := m.get("reason"); reason != nil {
			rule.Reason, _ = r.str(reason)
		}
		rules = append(rules, rule)
	}
	return rules
}

// target reads an escalation target: {queue, priority}. Any queue name is
// accepted because operators name their own queues.
func (r *reader) target(e *entry) (queue, priority string) {
	m := r.mapping(e.value, e.path, `"escalate"`, e.keyPos)
	if m == nil {
		return "", ""
	}
	r.checkFields(m, `"escalate"`, targetFields, "queue", "priority")
	if q := m.get("queue"); q != nil {
		queue, _ = r.name(q)
	}
	if p := m.get("priority"); p != nil {
		priority, _ = r.priority(p)
	}
	return queue, priority
}

// priority reads one of low, normal, high or urgent.
func (r *reader) priority(e *entry) (string, bool) {
	s, ok := r.str(e)
	if !ok {
		return "", false
	}
	if !contains(priorities, s) {
		r.ps.add(e.pos(), e.path, "unknown priority %q: use low, normal, high or urgent", s)
		return "", false
	}
	return s, true
}

// Evaluate runs the policy's rules for one customer turn.
//
// streaks holds, per rule name, on how many consecutive customer turns
// before this one the rule's condition held. Evaluate does not modify it
// and returns the updated counts in a new map, which holds only the
// policy's own rules. A rule fires when its condition has now held on
// ForTurns consecutive turns, this one included.
//
// Every rule is evaluated on every turn, so that all streaks stay true.
// The first rule in order that fires or fails decides the result: a
// firing rule returns its decision, a failing one (a run-time expression
// error) returns an error that names the rule. A failing rule's streak
// restarts from zero. With no rule firing or failing, the decision is nil.
func (p *Policy) Evaluate(sig Signals, streaks map[string]int) (*Decision, map[string]int, error) {
	matcher := &phraseMatcher{}
	env := newSignalEnv(sig, p.book, p.Phrases, matcher)
	next := make(map[string]int, len(p.Rules))
	var decision *Decision
	var firstErr error
	for _, rule := range p.Rules {
		matcher.matched = matcher.matched[:0]
		out, err := expr.Run(rule.cond.program, &env)
		if err != nil {
			next[rule.Name] = 0
			if decision == nil && firstErr == nil {
				firstErr = &EvalError{Rule: rule.Name, Path: rule.cond.path, Err: err}
			}
			continue
		}
		if held, _ := out.(bool); !held {
			next[rule.Name] = 0
			continue
		}
		next[rule.Name] = streaks[rule.Name] + 1
		if decision == nil && firstErr == nil && next[rule.Name] >= rule.ForTurns {
			decision = &Decision{
				Rule:     rule.Name,
				Action:   rule.Action,
				Queue:    rule.Queue,
				Priority: rule.Priority,
				Reason:   rule.reason(env, next[rule.Name], matcher.matched),
			}
		}
	}
	if firstErr != nil {
		return nil, next, firstErr
	}
	return decision, next, nil
}

// reason builds a decision's sentence: the rule, its operator-written
// reason, and the values of the signals its condition read.
func (rule *Rule) reason(env signalEnv, streak int, matched []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule %s", rule.Name)
	if rule.Reason != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSpace(rule.Reason))
	}
	var values []string
	for _, name := range rule.cond.reads {
		if v, ok := fieldValue(env, name); ok {
			values = append(values, fmt.Sprintf("%s %s", name, formatValue(v)))
		}
	}
	if len(matched) > 0 {
		values = append(values, fmt.Sprintf("said %q", matched[0]))
	}
	if rule.ForTurns > 1 {
		values = append(values, fmt.Sprintf("held %d turns in a row", streak))
	}
	if len(values) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(values, ", "))
	}
	return b.String()
}

// EvalError is a run-time failure of one rule's or transition's
// condition.
type EvalError struct {
	Rule string
	// Path is the YAML path of the condition, such as "$.rules[0].when".
	Path string
	Err  error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("evaluate %s (%s): %v", e.Rule, e.Path, e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }

// DocumentKind reads a document's kind and name from its top-level "kind"
// and "name" fields without validating the rest, so that a caller can pick
// the parser. Any kind is returned as written. The error, when the
// document is not YAML or lacks either field, is a *ValidationError.
func DocumentKind(src []byte) (kind, name string, err error) {
	ps := &problems{}
	root := readDocument(src, ps)
	if root == nil {
		return "", "", ps.err("")
	}
	r := newReader(src, ps)
	m := r.mapping(root, "$", "a document", position{1, 1})
	if m == nil {
		return "", "", ps.err("")
	}
	kindEntry, nameEntry := m.get("kind"), m.get("name")
	if kindEntry == nil {
		ps.add(m.pos, "$", `missing field "kind": start the document with "kind: %s" or "kind: %s"`, KindEscalationPolicy, KindTroubleshooting)
	} else {
		kind, _ = r.str(kindEntry)
	}
	if nameEntry == nil {
		ps.add(m.pos, "$", `missing field "name"`)
	} else {
		name, _ = r.name(nameEntry)
	}
	if err := ps.err(""); err != nil {
		return "", "", err
	}
	return kind, name, nil
}
