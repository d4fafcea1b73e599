package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/triagedesk/triage/triage"
)

func TestTextReplacesPersonalData(t *testing.T) {
	cases := []struct{ in, want string }{
		{"mail me at Ada.Lovelace+x@example.co.uk please", "mail me at [email] please"},
		{"card 4111 1111 1111 1111 declined", "card [card] declined"},
		{"card 4111-1111-1111-1112 declined", "card 4111-1111-1111-1112 declined"}, // fails Luhn
		{"my ip is 192.168.0.17.", "my ip is [ip]."},
		{"from 2001:db8::8a2e:370:7334 today", "from [ip] today"},
		{"call +44 20 7946 0958 now", "call [phone] now"},
		{"call (555) 123-4567 or 1-800-275-2273", "call [phone] or [phone]"},
		{"call 5551234567", "call [phone]"},
		{"I live at 221B Baker Street, London", "I live at [address], London"},
		{"send it to 12 North 5th Ave.", "send it to [address]"},
		{"write to PO Box 1234", "write to [address]"},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTextKeepsOrdinaryNumbers(t *testing.T) {
	for _, s := range []string{
		"order 12345678 is late",
		"iOS 11.1.1 broke it",
		"version 1.10.0.0.1",
		"since 2017-10-31 at 10:30",
		"waited 2 hours on the road",
		"it costs $1,299.99",
		"3 weeks and 4 days",
		"12:30:45",
	} {
		if got := Text(s); got != s {
			t.Errorf("Text(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestLuhn(t *testing.T) {
	for s, want := range map[string]bool{
		"4111111111111111":    true,
		"4111 1111 1111 1111": true,
		"378282246310005":     true,
		"4111111111111112":    false,
		"79927398713":         false, // valid checksum but too short for a card
	} {
		if got := Luhn(s); got != want {
			t.Errorf("Luhn(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCustomerHashIsKeyedAndStable(t *testing.T) {
	a, b := New([]byte("key-a")), New([]byte("key-b"))
	c := &triage.Customer{Name: "Ada", Email: " Ada@Example.com", Handle: "ada"}
	first := a.Customer(c)
	if first.Email != a.Customer(&triage.Customer{Email: "ada@example.com"}).Email {
		t.Error("e-mail hash depends on case or white space")
	}
	if first.Email == b.Customer(c).Email {
		t.Error("two keys gave the same hash")
	}
	for _, v := range []string{first.Name, first.Email, first.Handle} {
		if !isHash(v) || strings.Contains(v, "Ada") {
			t.Errorf("identity field %q is not a hash", v)
		}
	}
	if again := a.Customer(first); *again != *first {
		t.Errorf("hashing twice changed %+v to %+v", first, again)
	}
	if first.Name == first.Handle {
		t.Error("name and handle hashes collide")
	}
}

func TestEventRedactsTextCustomerAndSpeaker(t *testing.T) {
	r := New([]byte("k"))
	ev := &triage.Event{
		Role: triage.RoleCustomer, Type: triage.TypeMessage,
		Text:     "I am Jane, jane@example.com, 555-123-4567",
		Customer: &triage.Customer{Name: "Jane"},
		Extra: map[string]json.RawMessage{
			"speaker": json.RawMessage(`"Customer (Jane)"`),
			"note":    json.RawMessage(`"ip 10.0.0.1"`),
			"count":   json.RawMessage(`3`),
		},
	}
	r.Event(ev)
	if ev.Text != "I am Jane, [email], [phone]" {
		t.Errorf("text = %q", ev.Text)
	}
	if strings.Contains(string(ev.Extra["speaker"]), "Jane") {
		t.Errorf("speaker still names the customer: %s", ev.Extra["speaker"])
	}
	if string(ev.Extra["note"]) != `"ip [ip]"` {
		t.Errorf("note = %s", ev.Extra["note"])
	}
	if string(ev.Extra["count"]) != `3` {
		t.Errorf("count = %s", ev.Extra["count"])
	}
	once := *ev
	r.Event(ev)
	if ev.Text != once.Text || *ev.Customer != *once.Customer {
		t.Error("redacting twice changed the event")
	}
}
