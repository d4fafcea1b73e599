package triage

import "testing"

func TestScriptOfNamesStep(t *testing.T) {
	name, version := "sign-in-or-connection", 3
	policy, one := "default", 1
	cases := []struct {
		rec  Record
		want string
	}{
		{Record{Script: &name, ScriptVersion: &version, Reason: "script sign-in-or-connection version 3 step ask-sign-in-error: sign-in error the script does not cover"}, "sign-in-or-connection v3 step ask-sign-in-error"},
		{Record{Script: &name, ScriptVersion: &version, Reason: "script sign-in-or-connection version 3 step route failed: boom"}, "sign-in-or-connection v3 step route"},
		{Record{Script: &policy, ScriptVersion: &one, Reason: "rule asks-for-human: the customer asked for a human"}, "default v1"},
		{Record{Reason: "claimed by ana"}, "(none)"},
	}
	for _, c := range cases {
		if got := ScriptOf(&c.rec); got != c.want {
			t.Errorf("ScriptOf(%q) = %q, want %q", c.rec.Reason, got, c.want)
		}
	}
}
