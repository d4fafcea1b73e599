package config

import (
	"testing"
	"time"

	"github.com/triagedesk/triage/scripts"
)

func TestPolicyYAMLDefaultIsEmpty(t *testing.T) {
	body, err := Defaults().FirstStart.PolicyYAML()
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		t.Errorf("built-in values gave a policy body; want none so the engine seeds its own")
	}
}

func TestPolicyYAMLSetsRule(t *testing.T) {
	fs := Defaults().FirstStart
	fs.Escalation = Escalation{FrustrationThreshold: 0.65, ConsecutiveTurns: 3}
	body, err := fs.PolicyYAML()
	if err != nil {
		t.Fatal(err)
	}
	policy, err := scripts.ParsePolicy("test", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var rule *scripts.Rule
	for _, r := range policy.Rules {
		if r.Name == "sustained-frustration" {
			rule = r
		}
	}
	if rule == nil {
		t.Fatalf("policy lacks the sustained-frustration rule:\n%s", body)
	}
	if rule.When != "frustration >= 0.65" {
		t.Errorf("when = %q, want %q", rule.When, "frustration >= 0.65")
	}
	if rule.ForTurns != 3 {
		t.Errorf("for_turns = %d, want 3", rule.ForTurns)
	}
}

func TestSLAYAMLSetsTargets(t *testing.T) {
	fs := Defaults().FirstStart
	fs.SLA.High = ResponseTargets{FirstResponse: "45m", NextResponse: "3 business hours"}
	body, err := fs.SLAYAML()
	if err != nil {
		t.Fatal(err)
	}
	sla, err := scripts.ParseSLA("test", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	high := sla.Targets["high"]
	if high.FirstResponse == nil || high.FirstResponse.Duration != 45*time.Minute || high.FirstResponse.Business {
		t.Errorf("high first response = %+v, want 45m of elapsed time", high.FirstResponse)
	}
	if high.NextResponse == nil || high.NextResponse.Duration != 3*time.Hour || !high.NextResponse.Business {
		t.Errorf("high next response = %+v, want 3 business hours", high.NextResponse)
	}
	urgent := sla.Targets["urgent"]
	if urgent.FirstResponse == nil || urgent.FirstResponse.Duration != 15*time.Minute {
		t.Errorf("urgent first response = %+v, want the built-in 15m", urgent.FirstResponse)
	}
}
