package scripts

import (
	"errors"
	"testing"
)

func TestParseDocumentPicksParser(t *testing.T) {
	p, err := ParseDocument("policy.yaml", []byte(DefaultPolicyYAML))
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != KindEscalationPolicy || p.Policy == nil || p.Script != nil {
		t.Errorf("default policy parsed as %+v", p)
	}
	s, err := ParseDocument("script.yaml", []byte(DefaultScripts[0]))
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != KindTroubleshooting || s.Script == nil || s.Name != "sign-in-or-connection" {
		t.Errorf("default script parsed as %+v", s)
	}
	sla, err := ParseDocument("sla.yaml", []byte(DefaultSLAYAML))
	if err != nil {
		t.Fatal(err)
	}
	if sla.Kind != KindSLA || sla.SLA == nil || sla.Name != "standard" {
		t.Errorf("default SLA parsed as %+v", sla)
	}
	cal, err := ParseDocument("calendar.yaml", []byte(DefaultCalendarYAML))
	if err != nil {
		t.Fatal(err)
	}
	if cal.Kind != KindCalendar || cal.Calendar == nil || cal.Name != "office-hours" {
		t.Errorf("default calendar parsed as %+v", cal)
	}
}

func TestParseDocumentUnknownKind(t *testing.T) {
	_, err := ParseDocument("cal.yaml", []byte("name: x\nkind: weather\n"))
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a *ValidationError", err)
	}
	if len(verr.Problems) != 1 {
		t.Fatalf("problems = %v, want one", verr.Problems)
	}
	got := verr.Problems[0]
	if got.Line != 2 || got.Column != 7 {
		t.Errorf("problem at %d:%d, want 2:7 (the kind's value)", got.Line, got.Column)
	}
	if verr.Source != "cal.yaml" {
		t.Errorf("source = %q, want cal.yaml", verr.Source)
	}
}

func TestParseDocumentMissingKindNamesSource(t *testing.T) {
	_, err := ParseDocument("x.yaml", []byte("name: x\n"))
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a *ValidationError", err)
	}
	if verr.Source != "x.yaml" {
		t.Errorf("source = %q, want x.yaml", verr.Source)
	}
}
