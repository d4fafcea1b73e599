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
// # Troubleshooting scripts
//
// A document of kind "troubleshooting" names the tickets it takes and the
// steps a ticket goes through:
//
//	kind: troubleshooting
//	name: printer
//	trigger:
//	  phrases: ["printer", "paper jam"]  # on the first within_turns turns (1)
//	  channels: [chat]                   # optional
//	  # or: default: true, for tickets no other script takes
//	phrases:
//	  fixed: ["yes", "it works"]
//	start: ask                           # optional, the first step by default
//	steps:
//	  - name: ask
//	    send: Is the printer showing a light?   # the bot sends this on entry
//	    prompt: Ask about the status light.     # the agent sees this
//	    wait: {for: reply, timeout: 10m}        # or: wait: none
//	    on:
//	      - when: says(phrases.fixed)
//	        resolve: the customer confirmed it works
//	      - when: timed_out
//	        hand_to_human: {reason: no reply}
//	      - when: replies_in_step >= 2
//	        tag: printer-unclear
//	        priority: high
//	        send: Let me find a colleague.
//	        escalate: {queue: senior, priority: high, reason: unclear printer fault}
//
// A transition's actions run in a fixed order: priority, tag, send, then
// one move: goto (a step), escalate ({queue, priority, reason}),
// hand_to_human (a reason, or {queue, priority, reason}, queue "agents" by
// default) or resolve (a reason). Escalating, handing over and resolving
// end the script. A transition without a move leaves the ticket waiting
// in its step.
//
// ParseScript rejects unknown step targets, unreachable steps, steps with
// no transition or from which no path ends the script, waits for a reply
// without a timeout, and steps that do not wait but have a transition that
// does not move the ticket or a last transition that is not "when: true".
//
// SelectScript picks the script for a new ticket. Script.Step applies one
// StepEvent (start, reply or timer) to a TicketState and returns the new
// state, the actions to take, the transitions that fired and why, and when
// the step times out. Entering a step that does not wait evaluates its
// transitions at once; at most MaxTransitionsPerEvent transitions fire per
// event, and hitting that bound sets StepResult.LimitReached rather than
// looping. A step whose timeout passes with no transition firing hands the
// ticket to a human. Time in a step is measured between event timestamps.
//
// # Conditions
//
// A condition ("when") is an expr expression that must be boolean. Both
// kinds of document may use these names, taken from Signals:
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
//	says(...), mentions(...)               bool, see below
//
// Transitions of a troubleshooting script may also use:
//
//	step                    string, the current step
//	minutes_in_step         float, since the ticket entered the step
//	visits                  int, entries into the current step, this one included
//	step_visits             map of step name to entries
//	replies_in_step         int, customer replies received in the step
//	keywords                list of the trigger phrases that matched
//	replied, timed_out      bool, whether this event is a reply or the step's timeout
//
// and expr's operators and built-ins ("caps" in reasons, text contains
// "password", any(reasons, # startsWith "neg")). On a timer event, text is
// empty.
//
// says() and mentions() take phrase lists (phrases.human), quoted phrases
// or lists of quoted phrases, and report whether the customer's last
// message contains one of them. They match whole words case-insensitively;
// in a phrase, "a|the" matches either word and a trailing '*' matches word
// beginnings, so "speak to a manager" never fires on "managerial".
//
// says() is for what the customer asks or answers: a phrase that follows
// a negation in the same clause ("I don't need a manager", "not fixed")
// does not count. mentions() is for topics and symptoms, where the
// negation is part of the meaning ("no internet"). The negation check is
// an English word-list heuristic: a comma or full stop ends its reach, and
// only words of intent and fillers (need, want, asking, for, to, a, the)
// may stand between the negation and the phrase.
package scripts
