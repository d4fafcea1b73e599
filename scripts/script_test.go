package scripts

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func mustDefaultScript(t *testing.T) *Script {
	t.Helper()
	s, err := ParseScript("default", []byte(DefaultScripts[0]))
	if err != nil {
		t.Fatalf("ParseScript(DefaultScripts[0]): %v", err)
	}
	return s
}

func mustScript(t *testing.T, src string) *Script {
	t.Helper()
	s, err := ParseScript("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParseScript: %v", err)
	}
	return s
}

// scriptEvent is one event fed to a script: its kind, the customer's text
// and the minutes since t0.
type scriptEvent struct {
	kind    string
	text    string
	minutes float64
}

// runScript starts s and applies events in order, returning every result.
func runScript(t *testing.T, s *Script, firstText string, events []scriptEvent) []StepResult {
	t.Helper()
	sig := Signals{Text: firstText, Turn: 1}
	keywords, _ := s.Matches(sig)
	res, err := s.Step(TicketState{Keywords: keywords}, sig, StepEvent{Kind: EventStart, At: t0})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	results := []StepResult{res}
	for i, ev := range events {
		sig.Text = ev.text
		if ev.kind == EventReply {
			sig.Turn++
		}
		at := t0.Add(time.Duration(ev.minutes * float64(time.Minute)))
		res, err = s.Step(res.State, sig, StepEvent{Kind: ev.kind, At: at})
		if err != nil {
			t.Fatalf("event %d (%s %q): %v", i+1, ev.kind, ev.text, err)
		}
		results = append(results, res)
	}
	return results
}

func actionKinds(actions []Action) string {
	kinds := make([]string, len(actions))
	for i, a := range actions {
		kinds[i] = a.Kind
	}
	return strings.Join(kinds, ",")
}

func TestDefaultScriptDocumentKind(t *testing.T) {
	kind, name, err := DocumentKind([]byte(DefaultScripts[0]))
	if err != nil {
		t.Fatalf("DocumentKind: %v", err)
	}
	if kind != KindTroubleshooting || name != "sign-in-or-connection" {
		t.Errorf("DocumentKind = %q, %q", kind, name)
	}
}

func TestDefaultScriptPaths(t *testing.T) {
	s := mustDefaultScript(t)
	tests := []struct {
		name      string
		first     string
		events    []scriptEvent
		wantStep  string
		wantLast  string // action kinds of the last result
		wantDone  bool
		wantQueue string
	}{
		{
			name:     "password reset works",
			first:    "I can't log in to my account",
			events:   []scriptEvent{{EventReply, "it says wrong password", 1}, {EventReply, "yes, it works now", 5}},
			wantStep: "send-reset", wantLast: "send,resolve", wantDone: true,
		},
		{
			name:     "password reset fails",
			first:    "I can't log in",
			events:   []scriptEvent{{EventReply, "Invalid credentials", 1}, {EventReply, "no, still not working", 5}},
			wantStep: "send-reset", wantLast: "set_priority,hand_to_human", wantDone: true, wantQueue: "agents",
		},
		{
			name:     "reset not fixed is not a yes",
			first:    "I can't log in",
			events:   []scriptEvent{{EventReply, "forgot my password", 1}, {EventReply, "not fixed", 5}},
			wantStep: "send-reset", wantLast: "set_priority,hand_to_human", wantDone: true, wantQueue: "agents",
		},
		{
			name:     "locked account",
			first:    "I'm locked out",
			events:   []scriptEvent{{EventReply, "Account locked: too many attempts", 2}},
			wantStep: "ask-sign-in-error", wantLast: "set_priority,tag,send,hand_to_human", wantDone: true, wantQueue: "agents",
		},
		{
			name:     "outage on every device",
			first:    "I can't connect since this morning",
			events:   []scriptEvent{{EventReply, "every device in the house", 3}},
			wantStep: "possible-outage", wantLast: "goto,tag,send,escalate", wantDone: true, wantQueue: "senior",
		},
		{
			name:     "restart fixes one device",
			first:    "no internet on my laptop",
			events:   []scriptEvent{{EventReply, "only my laptop", 2}, {EventReply, "yep that did it", 10}},
			wantStep: "restart-router", wantLast: "send,resolve", wantDone: true,
		},
		{
			name:     "timer before the timeout does nothing",
			first:    "can't sign in",
			events:   []scriptEvent{{EventTimer, "", 9.9}},
			wantStep: "ask-sign-in-error", wantLast: "", wantDone: false,
		},
		{
			name:     "timeout asks again once",
			first:    "can't sign in",
			events:   []scriptEvent{{EventTimer, "", 10}},
			wantStep: "ask-sign-in-error", wantLast: "goto,send,prompt", wantDone: false,
		},
		{
			name:     "second timeout resolves",
			first:    "can't sign in",
			events:   []scriptEvent{{EventTimer, "", 10}, {EventTimer, "", 15}, {EventTimer, "", 20}},
			wantStep: "ask-sign-in-error", wantLast: "resolve", wantDone: true,
		},
		{
			name:     "unknown reply waits",
			first:    "no connection",
			events:   []scriptEvent{},
			wantStep: "ask-connection-scope", wantLast: "goto,send", wantDone: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := runScript(t, s, tt.first, tt.events)
			last := results[len(results)-1]
			if last.State.Step != tt.wantStep {
				t.Errorf("step = %q, want %q", last.State.Step, tt.wantStep)
			}
			if got := actionKinds(last.Actions); got != tt.wantLast {
				t.Errorf("actions = %s, want %s (%+v)", got, tt.wantLast, last.Actions)
			}
			if last.State.Finished != tt.wantDone {
				t.Errorf("finished = %v, want %v", last.State.Finished, tt.wantDone)
			}
			if tt.wantQueue != "" && len(last.Actions) > 0 {
				end := last.Actions[len(last.Actions)-1]
				if end.Queue != tt.wantQueue {
					t.Errorf("queue = %q, want %q", end.Queue, tt.wantQueue)
				}
			}
			if last.LimitReached {
				t.Error("LimitReached set")
			}
		})
	}
}

func TestStepTimeoutAt(t *testing.T) {
	s := mustDefaultScript(t)
	results := runScript(t, s, "can't sign in", []scriptEvent{{EventTimer, "", 5}, {EventReply, "hm", 7}})
	want := t0.Add(10 * time.Minute)
	for i, res := range results[:2] {
		if !res.TimeoutAt.Equal(want) {
			t.Errorf("result %d: TimeoutAt = %v, want %v", i, res.TimeoutAt, want)
		}
	}
	// The unknown reply hands over, so nothing waits any more.
	if !results[2].TimeoutAt.IsZero() {
		t.Errorf("TimeoutAt after the script ended = %v, want zero", results[2].TimeoutAt)
	}
}

func TestStepFiredExplainsTransition(t *testing.T) {
	s := mustDefaultScript(t)
	results := runScript(t, s, "I can't log in", nil)
	fired := results[0].Fired
	if len(fired) != 1 {
		t.Fatalf("fired %d transitions, want 1: %+v", len(fired), fired)
	}
	if fired[0].Step != "route" || fired[0].Index != 0 {
		t.Errorf("fired = %+v, want route transition 0", fired[0])
	}
	if fired[0].Because != `said "log in"` {
		t.Errorf("Because = %q, want the matched words", fired[0].Because)
	}
	if got := results[0].State.Keywords; len(got) != 1 || got[0] != "can't log in" {
		t.Errorf("Keywords = %q, want [can't log in]", got)
	}
}

func TestStepDoesNotModifyState(t *testing.T) {
	s := mustDefaultScript(t)
	res, err := s.Step(TicketState{}, Signals{Text: "can't sign in"}, StepEvent{Kind: EventStart, At: t0})
	if err != nil {
		t.Fatalf("Step: %v", err)
	}
	before := res.State.Visits["ask-sign-in-error"]
	if _, err := s.Step(res.State, Signals{}, StepEvent{Kind: EventTimer, At: t0.Add(time.Hour)}); err != nil {
		t.Fatalf("Step: %v", err)
	}
	if res.State.Visits["ask-sign-in-error"] != before {
		t.Errorf("input Visits changed from %d to %d", before, res.State.Visits["ask-sign-in-error"])
	}
}

func TestStepConditionsSeeScriptNames(t *testing.T) {
	s := mustScript(t, `kind: troubleshooting
name: names
trigger: {default: true}
steps:
  - name: ask
    send: hello?
    wait: {for: reply, timeout: 1h}
    on:
      - when: >-
          step == "ask" && minutes_in_step == 30 && visits == 1 &&
          step_visits["ask"] == 1 && replies_in_step == 1 && "printer" in keywords &&
          replied && !timed_out && text == "still broken" && frustration > 0.5
        resolve: all names seen
`)
	state := TicketState{Keywords: []string{"printer"}}
	res, err := s.Step(state, Signals{Text: "Still broken"}, StepEvent{Kind: EventStart, At: t0})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	res, err = s.Step(res.State, Signals{Text: "Still broken", Frustration: 0.7}, StepEvent{Kind: EventReply, At: t0.Add(30 * time.Minute)})
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	if actionKinds(res.Actions) != "resolve" {
		t.Fatalf("actions = %s, want resolve", actionKinds(res.Actions))
	}
}

func TestStepTimeoutFallsBackToHuman(t *testing.T) {
	s := mustScript(t, `kind: troubleshooting
name: fallback
trigger: {default: true}
steps:
  - name: ask
    wait: {for: reply, timeout: 5m}
    on:
      - when: says("yes")
        resolve: done
`)
	res, err := s.Step(TicketState{}, Signals{}, StepEvent{Kind: EventStart, At: t0})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	res, err = s.Step(res.State, Signals{Text: "yes"}, StepEvent{Kind: EventTimer, At: t0.Add(5 * time.Minute)})
	if err != nil {
		t.Fatalf("timer: %v", err)
	}
	if actionKinds(res.Actions) != "hand_to_human" {
		t.Fatalf("actions = %s, want hand_to_human", actionKinds(res.Actions))
	}
	if !strings.Contains(res.Actions[0].Reason, "timed out after 5m0s") {
		t.Errorf("Reason = %q", res.Actions[0].Reason)
	}
	if !res.State.Finished {
		t.Error("script not finished after the hand to a human")
	}
}

func TestStepTransitionLimit(t *testing.T) {
	s := mustScript(t, `kind: troubleshooting
name: loop
trigger: {default: true}
steps:
  - name: a
    wait: none
    on:
      - when: frustration > 0.99
        resolve: never in this test
      - when: "true"
        goto: b
  - name: b
    wait: none
    on:
      - when: "true"
        goto: a
`)
	res, err := s.Step(TicketState{}, Signals{}, StepEvent{Kind: EventStart, At: t0})
	if err != nil {
		t.Fatalf("Step: %v", err)
	}
	if !res.LimitReached {
		t.Fatal("LimitReached not set")
	}
	if len(res.Fired) != MaxTransitionsPerEvent {
		t.Errorf("fired %d transitions, want %d", len(res.Fired), MaxTransitionsPerEvent)
	}
	if res.State.Finished {
		t.Error("state finished after hitting the limit")
	}
}

func TestStepRuntimeError(t *testing.T) {
	s := mustScript(t, `kind: troubleshooting
name: broken
trigger: {default: true}
steps:
  - name: ask
    wait: {for: reply, timeout: 5m}
    on:
      - when: reasons[3] == "caps"
        resolve: never
`)
	res, err := s.Step(TicketState{}, Signals{}, StepEvent{Kind: EventStart, At: t0})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	_, err = s.Step(res.State, Signals{Text: "x"}, StepEvent{Kind: EventReply, At: t0})
	var ee *EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("error %T %v, want *EvalError", err, err)
	}
	if ee.Path != "$.steps[0].on[0].when" {
		t.Errorf("Path = %q", ee.Path)
	}
}

func TestStepRejectsBadCalls(t *testing.T) {
	s := mustDefaultScript(t)
	if _, err := s.Step(TicketState{Finished: true, Step: "send-reset"}, Signals{}, StepEvent{Kind: EventReply, At: t0}); !errors.Is(err, ErrScriptFinished) {
		t.Errorf("finished state: error %v, want ErrScriptFinished", err)
	}
	if _, err := s.Step(TicketState{Step: "gone"}, Signals{}, StepEvent{Kind: EventReply, At: t0}); err == nil || !strings.Contains(err.Error(), `unknown step "gone"`) {
		t.Errorf("unknown step: error %v", err)
	}
	if _, err := s.Step(TicketState{Step: "send-reset"}, Signals{}, StepEvent{Kind: EventStart, At: t0}); err == nil {
		t.Error("start of a started ticket: no error")
	}
	if _, err := s.Step(TicketState{Step: "send-reset"}, Signals{}, StepEvent{Kind: "typing", At: t0}); err == nil {
		t.Error("unknown event kind: no error")
	}
}

func TestSelectScript(t *testing.T) {
	login := mustDefaultScript(t)
	billing := mustScript(t, `kind: troubleshooting
name: billing
trigger:
  phrases: ["refund*", "charged twice"]
  channels: [email]
steps:
  - {name: a, wait: none, on: [{when: "true", hand_to_human: billing}]}
`)
	twitter := mustScript(t, `kind: troubleshooting
name: twitter
trigger: {channels: [twitter]}
steps:
  - {name: a, wait: none, on: [{when: "true", hand_to_human: social}]}
`)
	fallback := mustScript(t, `kind: troubleshooting
name: fallback
trigger: {default: true}
steps:
  - {name: a, wait: none, on: [{when: "true", hand_to_human: none matched}]}
`)
	all := []*Script{fallback, twitter, billing, login}
	tests := []struct {
		name    string
		sig     Signals
		want    string
		keyword string
	}{
		{"phrase before default", Signals{Text: "I can't log in", Turn: 1, Channel: "chat"}, "sign-in-or-connection", "can't log in"},
		{"phrase on second turn", Signals{Text: "still offline", Turn: 2, Channel: "chat"}, "sign-in-or-connection", "offline"},
		{"phrase too late", Signals{Text: "still offline", Turn: 3, Channel: "chat"}, "fallback", ""},
		{"phrase before channel", Signals{Text: "can't log in", Turn: 1, Channel: "twitter"}, "sign-in-or-connection", "can't log in"},
		{"channel only", Signals{Text: "hello", Turn: 1, Channel: "twitter"}, "twitter", ""},
		{"phrase needs its channel", Signals{Text: "I want a refund", Turn: 1, Channel: "chat"}, "fallback", ""},
		{"phrase and channel", Signals{Text: "I was Charged twice", Turn: 1, Channel: "email"}, "billing", "charged twice"},
		{"negated phrase still matches", Signals{Text: "I don't want a refund, just answers", Turn: 1, Channel: "email"}, "billing", "refund"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, keywords := SelectScript(all, tt.sig)
			if got == nil {
				t.Fatal("no script selected")
			}
			if got.Name != tt.want {
				t.Errorf("selected %q, want %q", got.Name, tt.want)
			}
			if tt.keyword == "" && len(keywords) > 0 {
				t.Errorf("keywords = %q, want none", keywords)
			}
			if tt.keyword != "" && (len(keywords) == 0 || keywords[0] != tt.keyword) {
				t.Errorf("keywords = %q, want [%s]", keywords, tt.keyword)
			}
		})
	}
	if got, _ := SelectScript([]*Script{billing, login}, Signals{Text: "hello", Turn: 1}); got != nil {
		t.Errorf("selected %q with no matching trigger, want none", got.Name)
	}
}

const scriptHeader = `kind: troubleshooting
name: t
trigger: {default: true}
steps:
`

func TestParseScriptProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Problem
	}{
		{
			name: "unknown step field",
			src: scriptHeader + `  - name: a
    wait: none
    sendd: hi
    on: [{when: "true", resolve: ok}]
`,
			want: []Problem{{7, 5, "$.steps[0].sendd", `unknown field "sendd" in a step; did you mean "send"?`}},
		},
		{
			name: "bad expression lists script names",
			src: scriptHeader + `  - name: a
    wait: none
    on:
      - when: minutes_in_stepp > 5
        resolve: ok
      - when: "true"
        resolve: ok
`,
			want: []Problem{{8, 15, "$.steps[0].on[0].when", "unknown name minutes_in_stepp. Expressions may use: burst, channel, frustration, keywords, mentions, minutes_in_step,"}},
		},
		{
			name: "unknown step target",
			src: scriptHeader + `  - name: ask
    wait: none
    on:
      - when: "true"
        goto: asc
`,
			want: []Problem{{9, 15, "$.steps[0].on[0].goto", `unknown step "asc": did you mean "ask"?`}},
		},
		{
			name: "unreachable step",
			src: scriptHeader + `  - name: a
    wait: none
    on: [{when: "true", resolve: ok}]
  - name: orphan
    wait: none
    on: [{when: "true", resolve: ok}]
`,
			want: []Problem{{8, 11, "$.steps[1].name", `step "orphan" is unreachable`}},
		},
		{
			name: "step without transitions",
			src: scriptHeader + `  - name: a
    wait: none
    on: []
`,
			want: []Problem{{5, 11, "$.steps[0]", `step "a" has no way out`}},
		},
		{
			name: "cycle without an end",
			src: scriptHeader + `  - name: a
    wait: {for: reply, timeout: 5m}
    on:
      - when: replied
        goto: b
      - when: timed_out
        resolve: gone
  - name: b
    wait: {for: reply, timeout: 5m}
    on:
      - when: replied
        goto: c
  - name: c
    wait: {for: reply, timeout: 5m}
    on:
      - when: replied
        goto: b
`,
			want: []Problem{
				{12, 11, "$.steps[1].name", `step "b" has no way out: no path from it escalates, hands to a human or resolves`},
				{17, 11, "$.steps[2].name", `step "c" has no way out`},
			},
		},
		{
			name: "wait for reply without timeout",
			src: scriptHeader + `  - name: a
    wait: reply
    on: [{when: "true", resolve: ok}]
`,
			want: []Problem{{6, 11, "$.steps[0].wait", "wait for a reply without a timeout"}},
		},
		{
			name: "wait mapping without timeout",
			src: scriptHeader + `  - name: a
    wait:
      for: reply
    on: [{when: "true", resolve: ok}]
`,
			want: []Problem{{7, 7, "$.steps[0].wait", `add a timeout such as "timeout: 10m"`}},
		},
		{
			name: "invalid timeout",
			src: scriptHeader + `  - name: a
    wait: {for: reply, timeout: 10 minutes}
    on: [{when: "true", resolve: ok}]
`,
			want: []Problem{{6, 33, "$.steps[0].wait.timeout", `invalid duration "10 minutes"`}},
		},
		{
			name: "step that does not wait needs a catch-all",
			src: scriptHeader + `  - name: a
    wait: none
    on:
      - when: frustration > 0.5
        resolve: ok
`,
			want: []Problem{{8, 9, "$.steps[0].on[0]", `its last transition needs "when: true"`}},
		},
		{
			name: "step that does not wait must move",
			src: scriptHeader + `  - name: a
    wait: none
    on:
      - when: "true"
        send: hello
`,
			want: []Problem{{8, 9, "$.steps[0].on[0]", "each of its transitions must move the ticket"}},
		},
		{
			name: "duplicate step",
			src: scriptHeader + `  - name: a
    wait: none
    on: [{when: "true", resolve: ok}]
  - name: a
    wait: none
    on: [{when: "true", resolve: ok}]
`,
			want: []Problem{{8, 11, "$.steps[1].name", `duplicate step name "a": it is already used at line 5`}},
		},
		{
			name: "two moves",
			src: scriptHeader + `  - name: a
    wait: none
    on:
      - when: "true"
        resolve: ok
        escalate: {queue: senior, priority: high}
`,
			want: []Problem{{10, 9, "$.steps[0].on[0].escalate", "a transition moves the ticket once"}},
		},
		{
			name: "transition without action",
			src: scriptHeader + `  - name: a
    wait: none
    on:
      - when: "true"
`,
			want: []Problem{{8, 9, "$.steps[0].on[0]", "a transition needs an action"}},
		},
		{
			name: "escalate needs priority",
			src: scriptHeader + `  - name: a
    wait: none
    on:
      - when: "true"
        escalate: {queue: senior}
`,
			want: []Problem{{9, 20, "$.steps[0].on[0].escalate", `missing field "priority"`}},
		},
		{
			name: "invalid priority in transition",
			src: scriptHeader + `  - name: a
    wait: none
    on:
      - when: "true"
        priority: asap
        resolve: ok
`,
			want: []Problem{{9, 19, "$.steps[0].on[0].priority", `unknown priority "asap"`}},
		},
		{
			name: "unknown start",
			src: `kind: troubleshooting
name: t
trigger: {default: true}
start: begin
steps:
  - name: a
    wait: none
    on: [{when: "true", resolve: ok}]
`,
			want: []Problem{{4, 8, "$.start", `unknown step "begin": the steps are a`}},
		},
		{
			name: "empty trigger",
			src: `kind: troubleshooting
name: t
trigger: {within_turns: 2}
steps:
  - {name: a, wait: none, on: [{when: "true", resolve: ok}]}
`,
			want: []Problem{{3, 11, "$.trigger", "empty trigger"}},
		},
		{
			name: "default with phrases",
			src: `kind: troubleshooting
name: t
trigger:
  phrases: [printer]
  default: true
steps:
  - {name: a, wait: none, on: [{when: "true", resolve: ok}]}
`,
			want: []Problem{{5, 12, "$.trigger.default", "cannot also have phrases"}},
		},
		{
			name: "missing steps and trigger",
			src:  "kind: troubleshooting\nname: t\n",
			want: []Problem{
				{1, 1, "$", `missing field "trigger"`},
				{1, 1, "$", `missing field "steps"`},
			},
		},
		{
			name: "policy kind",
			src:  strings.Replace(scriptHeader, "troubleshooting", "escalation-policy", 1) + "  - {name: a, wait: none, on: [{when: \"true\", resolve: ok}]}\n",
			want: []Problem{{1, 7, "$.kind", `kind is "escalation-policy", expected "troubleshooting"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseScript("test.yaml", []byte(tt.src))
			checkProblems(t, err, tt.want)
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90s", 90 * time.Second, true},
		{"1h30m", 90 * time.Minute, true},
		{"2d", 48 * time.Hour, true},
		{"d", 0, false},
		{"1.5d", 0, false},
		{"ten", 0, false},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseDuration(%q) error = %v, want ok %v", tt.in, err, tt.ok)
			continue
		}
		if got != tt.want {
			t.Errorf("parseDuration(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
