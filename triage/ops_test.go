package triage_test

import (
	"testing"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/redact"
)

func TestParseCustomerMatch(t *testing.T) {
	hash := "h-" + "0123456789abcdef0123456789abcdef"
	cases := map[string]triage.CustomerMatch{
		"ada@example.com":                    {Email: "ada@example.com"},
		" ada_l ":                            {Handle: "ada_l"},
		hash:                                 {Hash: hash},
		"H-0123456789ABCDEF0123456789ABCDEF": {Hash: hash},
		"h-short":                            {Handle: "h-short"},
	}
	for in, want := range cases {
		got, err := triage.ParseCustomerMatch(in)
		if err != nil {
			t.Errorf("ParseCustomerMatch(%q): %v", in, err)
			continue
		}
		if got != want {
			t.Errorf("ParseCustomerMatch(%q) = %+v, want %+v", in, got, want)
		}
	}
	if _, err := triage.ParseCustomerMatch("  "); err == nil {
		t.Errorf("ParseCustomerMatch of blanks succeeded, want an error")
	}
}

func TestMatchesRedactedCustomer(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	plain := &triage.Customer{Name: "Ada", Email: "Ada@Example.com", Handle: "ada_l"}
	redacted := redact.New(secret).Customer(plain)
	if redacted.Email == plain.Email {
		t.Fatalf("redaction kept the email")
	}
	for _, m := range []triage.CustomerMatch{
		{Email: "ada@example.com"},
		{Email: " ADA@example.com"},
		{Handle: "ada_l"},
		{Hash: triage.HashIdentifier(secret, "email", "ada@example.com")},
	} {
		if !m.Matches(plain, secret) {
			t.Errorf("%+v does not match the plain customer", m)
		}
		if !m.Matches(redacted, secret) {
			t.Errorf("%+v does not match the redacted customer", m)
		}
	}
	for _, m := range []triage.CustomerMatch{{Email: "bob@example.com"}, {Handle: "ada"}} {
		if m.Matches(plain, secret) || m.Matches(redacted, secret) {
			t.Errorf("%+v matches another customer", m)
		}
	}
	if got, want := triage.HashIdentifier(secret, "email", " Ada@Example.com"), redacted.Email; got != want {
		t.Errorf("HashIdentifier = %s, redaction stored %s", got, want)
	}
}
