package scripts

import (
	"strings"
	"testing"
	"time"
)

func TestParseSLADefault(t *testing.T) {
	s, err := ParseSLA("sla.yaml", []byte(DefaultSLAYAML))
	if err != nil {
		t.Fatal(err)
	}
	if s.Calendar != "office-hours" {
		t.Errorf("calendar = %q, want office-hours", s.Calendar)
	}
	urgent := s.Targets["urgent"].FirstResponse
	if urgent == nil || urgent.Duration != 15*time.Minute || urgent.Business {
		t.Errorf("urgent first response = %+v, want 15m of elapsed time", urgent)
	}
	normal := s.Targets["normal"].NextResponse
	if normal == nil || normal.Duration != 8*time.Hour || !normal.Business || normal.Text != "8 business hours" {
		t.Errorf("normal next response = %+v, want 8 business hours", normal)
	}
	if len(s.Unclaimed) != 2 {
		t.Fatalf("unclaimed tiers = %d, want 2", len(s.Unclaimed))
	}
	if got := s.Unclaimed[0]; got.Priority != "urgent" || got.Queue != "" || got.After.Duration != 15*time.Minute {
		t.Errorf("first tier = %+v, want urgent after 15m", got)
	}
	if got := s.Unclaimed[1]; got.Queue != "duty-manager" || got.After.Duration != 30*time.Minute {
		t.Errorf("second tier = %+v, want duty-manager after 30m", got)
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in       string
		want     time.Duration
		business bool
	}{
		{"15m", 15 * time.Minute, false},
		{"1h30m", 90 * time.Minute, false},
		{"2d", 48 * time.Hour, false},
		{"1 business hour", time.Hour, true},
		{"4 business hours", 4 * time.Hour, true},
		{"1.5 business hours", 90 * time.Minute, true},
		{"90 business minutes", 90 * time.Minute, true},
	}
	for _, tc := range tests {
		got, err := ParseTarget(tc.in)
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", tc.in, err)
			continue
		}
		if got.Duration != tc.want || got.Business != tc.business {
			t.Errorf("ParseTarget(%q) = %s business %v, want %s business %v", tc.in, got.Duration, got.Business, tc.want, tc.business)
		}
	}
	for _, bad := range []string{"0m", "-5m", "31d", "soon", "2 business days", "0.001 business hours", "3000 business hours"} {
		if _, err := ParseTarget(bad); err == nil {
			t.Errorf("ParseTarget(%q) succeeded, want an error", bad)
		}
	}
}

func TestParseSLAProblems(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"business without calendar",
			"kind: sla\nname: x\ntargets:\n  high: {first_response: 2 business hours}\n",
			"needs a calendar"},
		{"unknown priority",
			"kind: sla\nname: x\ntargets:\n  critical: {first_response: 1h}\n",
			`unknown priority "critical"`},
		{"unknown target field",
			"kind: sla\nname: x\ntargets:\n  high: {first_reply: 1h}\n",
			`unknown field "first_reply"`},
		{"tier changes nothing",
			"kind: sla\nname: x\nunclaimed:\n  - after: 10m\n",
			"a tier must change something"},
		{"tiers out of order",
			"kind: sla\nname: x\nunclaimed:\n  - {after: 30m, priority: high}\n  - {after: 10m, priority: urgent}\n",
			"not longer than the tier before it"},
		{"no targets", "kind: sla\nname: x\n", "no targets"},
		{"bad target", "kind: sla\nname: x\ntargets:\n  low: {next_response: whenever}\n", `invalid target "whenever"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSLA("x.yaml", []byte(tc.doc))
			if err == nil {
				t.Fatalf("ParseSLA succeeded, want a problem containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}
