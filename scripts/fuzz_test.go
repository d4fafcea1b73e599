package scripts

import (
	"errors"
	"testing"
)

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(DefaultPolicyYAML))
	f.Add([]byte(validPolicy))
	f.Add([]byte("kind: escalation-policy\nname: p\nrules:\n  - name: r\n    when: says(phrases.x) && frustration >\n"))
	f.Add([]byte("kind: [\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("when: |\n  a\n\tb\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ParsePolicy("fuzz.yaml", src)
		if err == nil {
			if p == nil {
				t.Fatal("nil policy without an error")
			}
			if _, _, err := p.Evaluate(Signals{Text: string(src), Frustration: 0.9}, nil); err != nil {
				var ee *EvalError
				if !errors.As(err, &ee) {
					t.Fatalf("Evaluate error %T %v, want *EvalError", err, err)
				}
			}
			return
		}
		checkPositions(t, err)
	})
}

// checkPositions fails unless err is a *ValidationError whose every
// problem has a position and a message.
func checkPositions(t *testing.T, err error) {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %T %v, want *ValidationError", err, err)
	}
	if len(verr.Problems) == 0 {
		t.Fatal("ValidationError without problems")
	}
	for _, p := range verr.Problems {
		if p.Line < 1 || p.Column < 1 {
			t.Errorf("problem without a position: %+v", p)
		}
		if p.Message == "" {
			t.Errorf("problem without a message: %+v", p)
		}
	}
}

func FuzzParseScript(f *testing.F) {
	f.Add([]byte(DefaultScripts[0]))
	f.Add([]byte(scriptHeader + "  - {name: a, wait: none, on: [{when: \"true\", goto: a}]}\n"))
	f.Add([]byte(scriptHeader + "  - name: a\n    wait: {for: reply, timeout: 5m}\n    on: [{when: says(\"x\"), resolve: ok}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := ParseScript("fuzz.yaml", src)
		if err != nil {
			checkPositions(t, err)
			return
		}
		res, err := s.Step(TicketState{}, Signals{Text: string(src)}, StepEvent{Kind: EventStart, At: t0})
		if err != nil {
			var ee *EvalError
			if !errors.As(err, &ee) {
				t.Fatalf("Step error %T %v, want *EvalError", err, err)
			}
			return
		}
		if len(res.Fired) > MaxTransitionsPerEvent {
			t.Fatalf("fired %d transitions, more than the limit", len(res.Fired))
		}
	})
}
