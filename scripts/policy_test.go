package scripts

import (
	"errors"
	"strings"
	"testing"
)

func mustDefaultPolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := ParsePolicy("default", []byte(DefaultPolicyYAML))
	if err != nil {
		t.Fatalf("ParsePolicy(DefaultPolicyYAML): %v", err)
	}
	return p
}

// turn is one customer turn fed to a policy in sequence.
type turn struct {
	frustration float64
	text        string
}

// runTurns evaluates turns in order, carrying the streaks, and returns the
// 1-based turn of the first decision (0 for none) and that decision.
func runTurns(t *testing.T, p *Policy, turns []turn) (int, *Decision) {
	t.Helper()
	var streaks map[string]int
	for i, tn := range turns {
		d, next, err := p.Evaluate(Signals{Frustration: tn.frustration, Text: tn.text, Turn: i + 1}, streaks)
		if err != nil {
			t.Fatalf("turn %d: Evaluate: %v", i+1, err)
		}
		if d != nil {
			return i + 1, d
		}
		streaks = next
	}
	return 0, nil
}

func TestDefaultPolicySustainedFrustration(t *testing.T) {
	p := mustDefaultPolicy(t)
	tests := []struct {
		name   string
		scores []float64
		want   int // turn that escalates, 0 for none
	}{
		{"one high turn", []float64{0.95}, 0},
		{"two high turns", []float64{0.85, 0.9}, 2},
		{"exactly at threshold", []float64{0.8, 0.8}, 2},
		{"just below threshold", []float64{0.79, 0.8}, 0},
		{"interrupted streak", []float64{0.8, 0.5, 0.8}, 0},
		{"streak after calm turn", []float64{0.8, 0.5, 0.8, 0.81}, 4},
		{"calm conversation", []float64{0.1, 0.3, 0.5, 0.7}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			turns := make([]turn, len(tt.scores))
			for i, s := range tt.scores {
				turns[i] = turn{frustration: s, text: "it still does not work"}
			}
			got, d := runTurns(t, p, turns)
			if got != tt.want {
				t.Fatalf("escalated at turn %d, want %d (decision %+v)", got, tt.want, d)
			}
			if d == nil {
				return
			}
			if d.Rule != "sustained-frustration" {
				t.Errorf("Rule = %q, want sustained-frustration", d.Rule)
			}
			if d.Action != ActionEscalate || d.Queue != "senior" || d.Priority != "high" {
				t.Errorf("decision = %+v, want escalate to senior at high", d)
			}
		})
	}
}

func TestDefaultPolicyHumanAsk(t *testing.T) {
	p := mustDefaultPolicy(t)
	tests := []struct {
		text string
		want bool
	}{
		{"I want to speak to a manager", true},
		{"SPEAK TO A MANAGER NOW!!!", true},
		{"let me talk to a human", true},
		{"Can I talk to a real person please?", true},
		{"get me your supervisor", true},
		{"is there a live agent?", true},
		{"Why won't you let me speak to a manager?", true},
		{"I don\u2019t care. Speak to the manager.", true},
		{"no, I want a real person", true},
		{"this is useless, i need a human", true},
		{"my supervisor asked me to write", true}, // "supervisor" on its own is listed
		{"the managerial dashboard is broken", false},
		{"our manager account is locked", false},
		{"I don't need a manager", false},
		{"no need for a supervisor, thanks", false},
		{"I'm not asking for a human, just fix it", false},
		{"humanity is doomed", false},
		{"the real personality test", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			d, _, err := p.Evaluate(Signals{Frustration: 0.1, Text: tt.text, Turn: 1}, nil)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if got := d != nil; got != tt.want {
				t.Fatalf("escalated = %v, want %v (decision %+v)", got, tt.want, d)
			}
			if d != nil && d.Rule != "asks-for-human" {
				t.Errorf("Rule = %q, want asks-for-human", d.Rule)
			}
		})
	}
}

func TestDefaultPolicyHumanAskFiresAtOnce(t *testing.T) {
	p := mustDefaultPolicy(t)
	got, d := runTurns(t, p, []turn{{0.2, "hello"}, {0.3, "speak to a manager"}})
	if got != 2 {
		t.Fatalf("escalated at turn %d, want 2", got)
	}
	if !strings.Contains(d.Reason, `said "speak to a manager"`) {
		t.Errorf("Reason = %q, want the matched words", d.Reason)
	}
	if !strings.Contains(d.Reason, "asks-for-human") {
		t.Errorf("Reason = %q, want the rule name", d.Reason)
	}
}

func TestEvaluateReasonNamesValues(t *testing.T) {
	p := mustDefaultPolicy(t)
	_, d := runTurns(t, p, []turn{{0.83, "x"}, {0.91, "y"}})
	if d == nil {
		t.Fatal("no decision")
	}
	for _, want := range []string{"sustained-frustration", "frustration 0.91", "held 2 turns in a row", "at or above 0.8"} {
		if !strings.Contains(d.Reason, want) {
			t.Errorf("Reason = %q, want it to contain %q", d.Reason, want)
		}
	}
}

func TestEvaluateStreaks(t *testing.T) {
	p := mustDefaultPolicy(t)
	in := map[string]int{"sustained-frustration": 0, "removed-rule": 4}
	d, out, err := p.Evaluate(Signals{Frustration: 0.9, Text: "hm"}, in)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if d != nil {
		t.Fatalf("decision = %+v, want none on the first high turn", d)
	}
	if out["sustained-frustration"] != 1 {
		t.Errorf("sustained-frustration streak = %d, want 1", out["sustained-frustration"])
	}
	if got, ok := out["asks-for-human"]; !ok || got != 0 {
		t.Errorf("asks-for-human streak = %d (present %v), want 0", got, ok)
	}
	if _, ok := out["removed-rule"]; ok {
		t.Error("streak of a rule the policy does not have was kept")
	}
	if in["sustained-frustration"] != 0 || in["removed-rule"] != 4 {
		t.Errorf("input map was modified: %v", in)
	}

	// A caller that resumes from a stored streak escalates on the next turn.
	d, out, err = p.Evaluate(Signals{Frustration: 0.9}, map[string]int{"sustained-frustration": 1})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if d == nil || d.Rule != "sustained-frustration" {
		t.Fatalf("decision = %+v, want sustained-frustration", d)
	}
	if out["sustained-frustration"] != 2 {
		t.Errorf("streak = %d, want 2", out["sustained-frustration"])
	}
}

func TestEvaluateLaterRulesKeepStreaks(t *testing.T) {
	// The first rule fires, and the second one's streak still counts.
	src := `kind: escalation-policy
name: two
rules:
  - name: first
    when: "true"
    escalate: {queue: agents, priority: normal}
  - name: second
    when: frustration > 0.5
    for_turns: 3
    escalate: {queue: senior, priority: urgent}
`
	p, err := ParsePolicy("two.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	d, out, err := p.Evaluate(Signals{Frustration: 0.6}, map[string]int{"second": 1})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if d == nil || d.Rule != "first" {
		t.Fatalf("decision = %+v, want first", d)
	}
	if out["second"] != 2 {
		t.Errorf("second streak = %d, want 2", out["second"])
	}
}

func TestEvaluateRuntimeError(t *testing.T) {
	src := `kind: escalation-policy
name: broken
rules:
  - name: third-reason
    when: reasons[2] == "caps"
    escalate: {queue: senior, priority: high}
`
	p, err := ParsePolicy("broken.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	d, out, err := p.Evaluate(Signals{Reasons: []string{"negative-word"}}, map[string]int{"third-reason": 3})
	if err == nil {
		t.Fatalf("Evaluate returned no error, decision %+v", d)
	}
	if d != nil {
		t.Errorf("decision = %+v, want nil with an error", d)
	}
	var ee *EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("error %T %v, want *EvalError", err, err)
	}
	if ee.Rule != "third-reason" || ee.Path != "$.rules[0].when" {
		t.Errorf("EvalError = %+v, want rule third-reason at $.rules[0].when", ee)
	}
	if out["third-reason"] != 0 {
		t.Errorf("streak of failing rule = %d, want 0", out["third-reason"])
	}
}

func TestEvaluateEarlierRuleWinsOverLaterError(t *testing.T) {
	src := `kind: escalation-policy
name: order
rules:
  - name: asks
    when: says("refund")
    escalate: {queue: billing, priority: normal}
  - name: broken
    when: reasons[9] == "x"
    escalate: {queue: senior, priority: high}
`
	p, err := ParsePolicy("order.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	d, _, err := p.Evaluate(Signals{Text: "I want a refund"}, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if d == nil || d.Rule != "asks" || d.Queue != "billing" {
		t.Fatalf("decision = %+v, want asks to billing", d)
	}
	if _, _, err := p.Evaluate(Signals{Text: "hello"}, nil); err == nil {
		t.Error("Evaluate returned no error when no earlier rule fired")
	}
}

func TestEvaluateExpressionsSeeSignals(t *testing.T) {
	src := `kind: escalation-policy
name: signals
phrases:
  refund: ["refund*", "money back"]
rules:
  - name: all
    when: >-
      valence < 0 && negativity > 0.5 && typing_speed > 5 && speed_ratio > 1.5 &&
      burst && text == "give me my money back" && original_text startsWith "GIVE" &&
      turn == 3 && queue == "bot" && priority == "normal" && status == "open" &&
      minutes_since_agent_reply >= 10 && "caps" in reasons && says(phrases.refund)
    escalate: {queue: billing, priority: urgent}
`
	p, err := ParsePolicy("signals.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	sig := Signals{
		Frustration: 0.2, Valence: -0.4, Negativity: 0.6, TypingSpeed: 7, SpeedRatio: 2,
		Burst: true, Text: "GIVE me my money back", Turn: 3, Queue: "bot", Priority: "normal",
		Status: "open", MinutesSinceAgentReply: 12, Reasons: []string{"negative-word", "caps"},
	}
	d, _, err := p.Evaluate(sig, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if d == nil {
		t.Fatal("rule did not fire")
	}
	if d.Priority != "urgent" {
		t.Errorf("Priority = %q, want urgent", d.Priority)
	}
	sig.Burst = false
	if d, _, _ := p.Evaluate(sig, nil); d != nil {
		t.Errorf("rule fired without a burst: %+v", d)
	}
}

const validPolicy = `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration > 0.9
    escalate: {queue: senior, priority: high}
`

func TestParsePolicyProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Problem // Message holds a substring of the message
	}{
		{
			name: "unknown top-level key",
			src:  validPolicy + "colour: blue\n",
			want: []Problem{{7, 1, "$.colour", `unknown field "colour"`}},
		},
		{
			name: "unknown rule key with suggestion",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    whn: frustration > 0.9
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{
				{4, 5, "$.rules[0]", `missing field "when"`},
				{5, 5, "$.rules[0].whn", `did you mean "when"?`},
			},
		},
		{
			name: "missing rules",
			src:  "kind: escalation-policy\nname: p\n",
			want: []Problem{{1, 1, "$", `missing field "rules"`}},
		},
		{
			name: "missing escalate",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration > 0.9
`,
			want: []Problem{{4, 5, "$.rules[0]", `missing field "escalate"`}},
		},
		{
			name: "unknown name in expression",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration >= 0.8 && angry
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{5, 33, "$.rules[0].when", "unknown name angry. Expressions may use: burst, channel, frustration"}},
		},
		{
			name: "syntax error in quoted expression",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: "frustration >="
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{5, 25, "$.rules[0].when", "invalid expression: unexpected token EOF"}},
		},
		{
			name: "expression in a literal block",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: |
      frustration > 0.5 &&
        nope > 1
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{7, 9, "$.rules[0].when", "unknown name nope"}},
		},
		{
			name: "expression not boolean",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration + 1
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{5, 11, "$.rules[0].when", "expected bool"}},
		},
		{
			name: "unknown priority",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration > 0.9
    escalate: {queue: senior, priority: critical}
`,
			want: []Problem{{6, 41, "$.rules[0].escalate.priority", `unknown priority "critical": use low, normal, high or urgent`}},
		},
		{
			name: "missing queue",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration > 0.9
    escalate:
      priority: high
`,
			want: []Problem{{7, 7, "$.rules[0].escalate", `missing field "queue"`}},
		},
		{
			name: "for_turns out of range",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration > 0.9
    for_turns: 0
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{6, 16, "$.rules[0].for_turns", "give a whole number from 1 to 100"}},
		},
		{
			name: "for_turns not a number",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration > 0.9
    for_turns: two
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{6, 16, "$.rules[0].for_turns", "must be a whole number"}},
		},
		{
			name: "duplicate rule names",
			src: validPolicy + `  - name: r
    when: frustration > 0.5
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{7, 11, "$.rules[1].name", `duplicate rule name "r": it is already used at line 4`}},
		},
		{
			name: "wrong kind",
			src:  strings.Replace(validPolicy, "escalation-policy", "troubleshooting", 1),
			want: []Problem{{1, 7, "$.kind", `kind is "troubleshooting", expected "escalation-policy"`}},
		},
		{
			name: "invalid rule name",
			src:  strings.Replace(validPolicy, "name: r", "name: Rule One", 1),
			want: []Problem{{4, 11, "$.rules[0].name", `invalid name "Rule One"`}},
		},
		{
			name: "unknown phrase list",
			src: `kind: escalation-policy
name: p
phrases:
  human: [real person]
rules:
  - name: r
    when: says(phrases.humans)
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{7, 24, "$.rules[0].when", `unknown phrase list "humans": this document defines human`}},
		},
		{
			name: "invalid phrase",
			src: `kind: escalation-policy
name: p
phrases:
  human:
    - real person
    - "speak to a manager!"
rules:
  - name: r
    when: says(phrases.human)
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{6, 7, "$.phrases.human", `invalid phrase: invalid character '!'`}},
		},
		{
			name: "says with a number",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: says(42)
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{5, 16, "$.rules[0].when", "says() takes phrase lists"}},
		},
		{
			name: "rules not a list",
			src:  "kind: escalation-policy\nname: p\nrules: nope\n",
			want: []Problem{{3, 8, "$.rules", `"rules" must be a list of rules, not a string`}},
		},
		{
			name: "empty rules",
			src:  "kind: escalation-policy\nname: p\nrules: []\n",
			want: []Problem{{3, 8, "$.rules", "empty list"}},
		},
		{
			name: "rule not a mapping",
			src:  "kind: escalation-policy\nname: p\nrules:\n  - just a string\n",
			want: []Problem{{4, 5, "$.rules[0]", "a rule must be a mapping"}},
		},
		{
			name: "root not a mapping",
			src:  "- a\n- b\n",
			want: []Problem{{1, 1, "$", "an escalation policy must be a mapping"}},
		},
		{
			name: "empty when",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when:
    escalate: {queue: senior, priority: high}
`,
			want: []Problem{{5, 5, "$.rules[0].when", `missing value for "when"`}},
		},
		{
			name: "alias",
			src: `kind: escalation-policy
name: p
rules:
  - name: r
    when: frustration > 0.9
    escalate: &target {queue: senior, priority: high}
  - name: s
    when: frustration > 0.5
    escalate: *target
`,
			want: []Problem{
				{6, 15, "$.rules[0].escalate", "anchors (&name) are not supported"},
				{9, 15, "$.rules[1].escalate", "aliases (*name) are not supported"},
			},
		},
		{
			name: "several problems at once",
			src: `kind: escalation-policy
name: p
extra: 1
rules:
  - name: r
    when: frustration >
    escalate: {queue: senior, priority: top}
`,
			want: []Problem{
				{3, 1, "$.extra", `unknown field "extra"`},
				{6, 23, "$.rules[0].when", "invalid expression"},
				{7, 41, "$.rules[0].escalate.priority", `unknown priority "top"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy("test.yaml", []byte(tt.src))
			checkProblems(t, err, tt.want)
		})
	}
}

// checkProblems compares a *ValidationError's problems with want, where
// each wanted Message is a substring of the actual one.
func checkProblems(t *testing.T, err error, want []Problem) {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want a *ValidationError")
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %T %v, want *ValidationError", err, err)
	}
	if len(verr.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(verr.Problems), len(want), err)
	}
	for i, w := range want {
		got := verr.Problems[i]
		if got.Line != w.Line || got.Column != w.Column {
			t.Errorf("problem %d at %d:%d, want %d:%d (%s)", i, got.Line, got.Column, w.Line, w.Column, got.Message)
		}
		if got.Path != w.Path {
			t.Errorf("problem %d path %q, want %q", i, got.Path, w.Path)
		}
		if !strings.Contains(got.Message, w.Message) {
			t.Errorf("problem %d message %q, want it to contain %q", i, got.Message, w.Message)
		}
	}
}

func TestParsePolicyUnknownQueueAccepted(t *testing.T) {
	src := strings.Replace(validPolicy, "queue: senior", "queue: tier-3-night", 1)
	p, err := ParsePolicy("q.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	if p.Rules[0].Queue != "tier-3-night" {
		t.Errorf("Queue = %q, want tier-3-night", p.Rules[0].Queue)
	}
}

func TestParsePolicyRejectsBadInput(t *testing.T) {
	big := validPolicy + "description: \"" + strings.Repeat("x", 10<<20) + "\"\n"
	tests := []struct {
		name string
		src  string
		want Problem
	}{
		{"invalid YAML", "kind: escalation-policy\nname: [unclosed\n", Problem{2, 7, "", "invalid YAML"}},
		{"tab indentation", "kind: escalation-policy\nname: p\nrules:\n\t- name: r\n", Problem{4, 1, "", "tab in indentation: indent with spaces"}},
		{"tab after spaces", "kind: x\nrules:\n  \t- a\n", Problem{3, 3, "", "tab in indentation"}},
		{"ten megabytes", big, Problem{1, 1, "", "larger than the limit of 1048576 bytes"}},
		{"empty", "", Problem{1, 1, "$", "empty document"}},
		{"only a comment", "# nothing\n", Problem{1, 1, "$", "empty document"}},
		{"two documents", validPolicy + "---\n" + validPolicy, Problem{8, 1, "$", "more than one YAML document"}},
		{"invalid UTF-8", "kind: escalation-policy\nname: \xff\n", Problem{2, 7, "", "invalid UTF-8"}},
		{"deep flow nesting", "kind: escalation-policy\nname: " + strings.Repeat("[", 100), Problem{2, 71, "", "brackets nest more than 64 levels deep"}},
		{"too many rules", "kind: escalation-policy\nname: p\nrules:\n" + strings.Repeat("  - {name: r, when: 'true', escalate: {queue: q, priority: low}}\n", 201),
			Problem{4, 3, "$.rules", "201 rules, more than the limit of 200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy("bad.yaml", []byte(tt.src))
			checkProblems(t, err, []Problem{tt.want})
		})
	}
}

func TestParsePolicyCapsProblems(t *testing.T) {
	src := "kind: escalation-policy\nname: p\nrules:\n" + strings.Repeat("  - {name: r, when: x, escalate: {queue: q, priority: low}}\n", 150)
	_, err := ParsePolicy("many.yaml", []byte(src))
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %T %v, want *ValidationError", err, err)
	}
	if len(verr.Problems) != maxProblems+1 {
		t.Fatalf("got %d problems, want %d", len(verr.Problems), maxProblems+1)
	}
	last := verr.Problems[maxProblems]
	if !strings.Contains(last.Message, "more problems not shown") {
		t.Errorf("last problem = %q, want a count of the rest", last.Message)
	}
	if last.Line < 1 || last.Column < 1 {
		t.Errorf("last problem has no position: %+v", last)
	}
}

func TestValidationErrorFormat(t *testing.T) {
	_, err := ParsePolicy("team.yaml", []byte(validPolicy+"colour: blue\n"))
	if err == nil {
		t.Fatal("no error")
	}
	want := `team.yaml:7:1: $.colour: unknown field "colour"`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Error() = %q, want prefix %q", err.Error(), want)
	}
}

func TestDocumentKind(t *testing.T) {
	kind, name, err := DocumentKind([]byte(DefaultPolicyYAML))
	if err != nil {
		t.Fatalf("DocumentKind: %v", err)
	}
	if kind != KindEscalationPolicy || name != "default" {
		t.Errorf("DocumentKind = %q, %q, want %q, default", kind, name, KindEscalationPolicy)
	}

	kind, name, err = DocumentKind([]byte("kind: sla-targets\nname: eu\nanything: [1, 2]\n"))
	if err != nil {
		t.Fatalf("DocumentKind of another kind: %v", err)
	}
	if kind != "sla-targets" || name != "eu" {
		t.Errorf("DocumentKind = %q, %q, want sla-targets, eu", kind, name)
	}

	_, _, err = DocumentKind([]byte("name: eu\n"))
	checkProblems(t, err, []Problem{{1, 1, "$", `missing field "kind"`}})

	_, _, err = DocumentKind([]byte("kind: troubleshooting\n"))
	checkProblems(t, err, []Problem{{1, 1, "$", `missing field "name"`}})

	_, _, err = DocumentKind([]byte("kind: [\n"))
	if err == nil {
		t.Error("DocumentKind accepted invalid YAML")
	}
}
