package scripts

import "testing"

// BenchmarkPolicyEvaluate evaluates the default escalation policy on one
// frustrated customer turn, as the engine does on every customer message.
func BenchmarkPolicyEvaluate(b *testing.B) {
	p, err := ParsePolicy("default", []byte(DefaultPolicyYAML))
	if err != nil {
		b.Fatal(err)
	}
	sig := Signals{
		Frustration: 0.85, Valence: -0.6, Negativity: 0.7, Turn: 3,
		Text:  "I have been waiting for my refund for two weeks and it is still not working!!",
		Queue: "senior", Priority: "high", Status: "escalated",
		Reasons: []string{"negative-words", "repeated-complaint"},
	}
	streaks := map[string]int{"sustained-frustration": 2}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.Evaluate(sig, streaks); err != nil {
			b.Fatal(err)
		}
	}
}
