// Package scripts is the desk's workflow language: YAML documents that
// support leads write, parsed and validated with line:column errors, whose
// conditions are expr (github.com/expr-lang/expr) expressions compiled once
// at parse time and evaluated on every event.
//
// The package is pure. It imports nothing else from this module, never
// reads the clock and does no I/O, so that a replay of the same inputs
// gives the same results.
//
// # Documents
//
// Every document is one YAML mapping with a "kind" and a "name".
// DocumentKind reads the two without validating the rest. Documents larger
// than MaxDocumentSize, indented with tabs, holding several YAML documents,
// or using anchors, aliases, tags or merge keys are rejected. Unknown
// fields are errors. Every problem found is reported, each with its line,
// column and YAML path, in a *ValidationError.
//
// # Escalation policy
//
// A document of kind "escalation-policy" holds named phrase lists and
// rules, checked in order on every customer turn before any script:
//
//	kind: escalation-policy
//	name: default
//	phrases:
//	  human: ["speak|talk to a|the manager", "real person"]
//	rules:
//	  - name: sustained-frustration
//	    when: frustration >= 0.8
//	    for_turns: 2
//	    escalate: {queue: senior, priority: high}
//	    reason: frustration at or above 0.8 on two consecutive customer turns
//
// A rule fires when its condition has held on for_turns consecutive
// customer turns (1 by default). ParsePolicy reads a policy and
// Policy.Evaluate applies it to one turn; DefaultPolicyYAML is the policy
// the desk starts with.
//
// # Conditions
//
// A condition ("when") is an expr expression that must be boolean. It may
// use these names, taken from Signals:
//
//	frustration, valence, negativity       float, scores of the conversation and message
//	typing_speed, speed_ratio              float, characters per second and ratio to baseline
//	burst                                  bool
//	text, original_text                    string, the last message lower-cased and as sent
//	turn                                   int, customer turn from 1
//	queue, priority, status, channel       string, the ticket's
//	minutes_since_agent_reply              float
//	reasons                                list of the score's reason names
//	phrases                                the document's phrase lists
//	says(...)                              bool, see below
//
// and expr's operators and built-ins ("refund" in reasons, text contains
// "password", any(reasons, # startsWith "neg")).
//
// says() takes phrase lists (phrases.human), quoted phrases or lists of
// quoted phrases, and reports whether the customer's last message contains
// one of them. It matches whole words case-insensitively; in a phrase,
// "a|the" matches either word and a trailing '*' matches word beginnings,
// so "speak to a manager" never fires on "managerial". A phrase that
// follows a negation in the same clause ("I don't need a manager", "not
// asking for a supervisor") does not count. The negation check is an
// English word-list heuristic: a comma or full stop ends its reach, and
// only words of intent and fillers (need, want, asking, for, to, a, the)
// may stand between the negation and the phrase.
package scripts
