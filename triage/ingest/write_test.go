package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestWriteTranscriptRoundTrip(t *testing.T) {
	at := func(seconds int) time.Time {
		return time.Date(2026, 3, 2, 23, 59, 0, 0, time.UTC).Add(time.Duration(seconds) * time.Second)
	}
	speaker := func(s string) map[string]json.RawMessage {
		raw, _ := json.Marshal(s)
		return map[string]json.RawMessage{"speaker": raw}
	}
	events := []triage.Event{
		{At: at(0), Role: triage.RoleCustomer, Type: triage.TypeTyping},
		{At: at(5).Add(120 * time.Millisecond), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "it still fails\nand the app closes"},
		{At: at(5).Add(120 * time.Millisecond), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "it still fails\nand the app closes"},
		{At: at(30), Role: triage.RoleAgent, Type: triage.TypeTyping},
		{At: at(61), Role: triage.RoleAgent, Type: triage.TypeMessage, Text: "Sorry! Which version?", Extra: speaker("Agent (Ana)")},
		{At: at(62), Role: triage.RoleBot, Type: triage.TypeMessage, Text: "[14:05] is not a time here\n# nor a comment\n--- nor a close ---"},
		{At: at(63), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "4.2: see https://example.com", Customer: &triage.Customer{Name: "Jane"}},
		{At: at(64), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "", Customer: &triage.Customer{Handle: "jdoe"}},
		{At: at(65), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "me too", Customer: &triage.Customer{Name: "Jane Doe"}, Extra: speaker("Jane Doe")},
		{At: at(66), Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "odd name", Customer: &triage.Customer{Name: "a:b"}},
		{At: at(70), Role: triage.RoleCustomer, Type: triage.TypeClosed},
		{At: at(71), Role: triage.RoleAgent, Type: triage.TypeClosed},
	}
	var out bytes.Buffer
	if err := WriteTranscript(&out, "c-1042", events); err != nil {
		t.Fatal(err)
	}
	items := readAll(t, out.String(), Options{})
	if len(items) != len(events) {
		t.Fatalf("read %d items from %d events:\n%s", len(items), len(events), out.String())
	}
	for i, item := range items {
		if item.Err != nil {
			t.Errorf("event %d rejected: %v\n%s", i, item.Err, out.String())
			continue
		}
		want := events[i]
		want.Conversation = "c-1042"
		if !triage.SameContent(item.Event, &want) {
			t.Errorf("event %d read back as %+v, want %+v", i, item.Event, want)
		}
	}
	if items[1].Event.ID == items[2].Event.ID {
		t.Errorf("identical messages read back with one id")
	}
	if c := items[6].Event.Customer; c == nil || c.Name != "Jane" {
		t.Errorf("customer = %+v, want the name Jane", c)
	}
	if c := items[7].Event.Customer; c == nil || c.Handle != "jdoe" {
		t.Errorf("customer = %+v, want the handle jdoe", c)
	}
	if got := string(items[4].Event.Extra["speaker"]); got != `"Agent (Ana)"` {
		t.Errorf("speaker = %s, want \"Agent (Ana)\"", got)
	}
}

func TestWriteTranscriptDropsBlankLines(t *testing.T) {
	events := []triage.Event{{At: time.Date(2026, 3, 2, 14, 5, 9, 0, time.UTC), Role: triage.RoleCustomer, Type: triage.TypeMessage,
		Text: "  first  \n\n   second"}}
	var out bytes.Buffer
	if err := WriteTranscript(&out, "c", events); err != nil {
		t.Fatal(err)
	}
	want := "# conversation: c\n[2026-03-02T14:05:09Z] Customer: first\n  second\n"
	if out.String() != want {
		t.Errorf("wrote %q, want %q", out.String(), want)
	}
}

func TestWriteTranscriptRejects(t *testing.T) {
	ok := triage.Event{At: time.Date(2026, 3, 2, 14, 5, 9, 0, time.UTC), Role: triage.RoleCustomer, Type: triage.TypeMessage}
	with := func(change func(*triage.Event)) []triage.Event {
		ev := ok
		change(&ev)
		return []triage.Event{ev}
	}
	tests := []struct {
		name   string
		conv   string
		events []triage.Event
		want   string
	}{
		{"empty conversation", "", nil, "invalid conversation id"},
		{"conversation with newline", "a\nb", nil, "invalid conversation id"},
		{"other conversation", "c", with(func(e *triage.Event) { e.Conversation = "d" }), `belongs to conversation "d"`},
		{"bad role", "c", with(func(e *triage.Event) { e.Role = "admin" }), "invalid role"},
		{"bad type", "c", with(func(e *triage.Event) { e.Type = "sent" }), "invalid type"},
		{"no time", "c", with(func(e *triage.Event) { e.At = time.Time{} }), "missing time"},
		{"NUL", "c", with(func(e *triage.Event) { e.Text = "a\x00" }), "NUL"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := WriteTranscript(&out, tt.conv, tt.events)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote %q before failing", tt.name, out.String())
		}
	}
}
