package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestJSONLinesAccepts(t *testing.T) {
	input := `{"id":"e-77","conversation":"c-1042","at":"2026-03-02T14:05:09.120Z","role":"customer","type":"message","text":"still not working!!","customer":{"name":"Ada","email":"ada@example.com","handle":"@ada"}}` + "\n"
	items := readAll(t, input, Options{Format: FormatJSONL})
	if len(items) != 1 || items[0].Err != nil {
		t.Fatalf("items = %+v, want one event", items)
	}
	ev := items[0].Event
	want := triage.Event{
		ID: "e-77", Conversation: "c-1042",
		At:   time.Date(2026, 3, 2, 14, 5, 9, 120e6, time.UTC),
		Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "still not working!!",
	}
	if !triage.SameContent(ev, &want) || ev.ID != want.ID {
		t.Errorf("event = %+v, want %+v", ev, want)
	}
	if ev.Customer == nil || *ev.Customer != (triage.Customer{Name: "Ada", Email: "ada@example.com", Handle: "@ada"}) {
		t.Errorf("customer = %+v", ev.Customer)
	}
	if items[0].Line != 1 {
		t.Errorf("line = %d, want 1", items[0].Line)
	}
}

func TestJSONLinesOffsetToUTC(t *testing.T) {
	items := readAll(t, `{"conversation":"c","at":"2026-03-02T16:05:09+02:00","role":"agent","type":"typing"}`, Options{})
	if items[0].Err != nil {
		t.Fatal(items[0].Err)
	}
	at := items[0].Event.At
	if !at.Equal(time.Date(2026, 3, 2, 14, 5, 9, 0, time.UTC)) || at.Location() != time.UTC {
		t.Errorf("at = %v, want 2026-03-02 14:05:09 UTC", at)
	}
}

func TestJSONLinesUnknownFieldsKept(t *testing.T) {
	input := `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"hi","channel":"web","meta":{"a":[1,2]}}`
	items := readAll(t, input, Options{})
	if items[0].Err != nil {
		t.Fatal(items[0].Err)
	}
	extra := items[0].Event.Extra
	if string(extra["channel"]) != `"web"` {
		t.Errorf("channel = %s, want \"web\"", extra["channel"])
	}
	if string(extra["meta"]) != `{"a":[1,2]}` {
		t.Errorf("meta = %s", extra["meta"])
	}
	if len(extra) != 2 {
		t.Errorf("extra has %d fields, want 2: %v", len(extra), extra)
	}
	out, err := items[0].Event.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"channel":"web"`) {
		t.Errorf("marshalled event lost the unknown field: %s", out)
	}
}

func TestJSONLinesRejects(t *testing.T) {
	const ok = `"conversation":"c","role":"customer","type":"message"`
	tests := []struct {
		name   string
		line   string
		field  string
		reason string // a part of the reason
	}{
		{"time without offset", `{` + ok + `,"at":"2026-03-02T14:05:09"}`, "at", "time has no UTC offset; add Z or +02:00"},
		{"time with space and no offset", `{` + ok + `,"at":"2026-03-02 14:05:09"}`, "at", "no UTC offset"},
		{"time as number", `{` + ok + `,"at":1772460309}`, "at", "found a number"},
		{"time garbage", `{` + ok + `,"at":"yesterday"}`, "at", `invalid time "yesterday"`},
		{"time missing", `{` + ok + `}`, "at", "missing"},
		{"hour out of range", `{` + ok + `,"at":"2026-03-02T25:05:09Z"}`, "at", "invalid time"},
		{"role unknown", `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"admin","type":"message"}`, "role", `"admin" is not one of`},
		{"role not string", `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":1,"type":"message"}`, "role", "must be a string, found a number"},
		{"type unknown", `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"sent"}`, "type", `"sent" is not one of`},
		{"conversation missing", `{"at":"2026-03-02T14:05:09Z","role":"customer","type":"message"}`, "conversation", "missing"},
		{"conversation float", `{"conversation":1.5,"at":"2026-03-02T14:05:09Z","role":"customer","type":"message"}`, "conversation", "string or an integer"},
		{"text not string", `{` + ok + `,"at":"2026-03-02T14:05:09Z","text":["a"]}`, "text", "found an array"},
		{"customer not object", `{` + ok + `,"at":"2026-03-02T14:05:09Z","customer":"Ada"}`, "customer", "must be an object"},
		{"customer email not string", `{` + ok + `,"at":"2026-03-02T14:05:09Z","customer":{"email":5}}`, "customer.email", "must be a string"},
		{"id too long", `{` + ok + `,"at":"2026-03-02T14:05:09Z","id":"` + strings.Repeat("x", 300) + `"}`, "id", "longer than 256"},
		{"text too long", `{` + ok + `,"at":"2026-03-02T14:05:09Z","text":"` + strings.Repeat("x", triage.MaxTextLength+1) + `"}`, "text", "longer than"},
		{"syntax error", `{"conversation":"c",,}`, "", "invalid JSON at column 21"},
		{"truncated", `{"conversation":"c"`, "", "invalid JSON"},
		{"array", `[1,2]`, "", "expected a JSON object {...}, found array"},
		{"null", `null`, "", "found null"},
		{"two objects", `{} {}`, "", "invalid JSON at column 4"},
		{"NUL byte", "{\"text\":\"a\x00b\"}", "", "NUL byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := readAll(t, tt.line+"\n", Options{Format: FormatJSONL, Source: "events.jsonl"})
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1", len(items))
			}
			err := items[0].Err
			if err == nil {
				t.Fatalf("accepted %+v, want a rejection", items[0].Event)
			}
			if err.Field != tt.field {
				t.Errorf("field = %q, want %q", err.Field, tt.field)
			}
			if !strings.Contains(err.Reason, tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", err.Reason, tt.reason)
			}
			if err.Line != 1 || items[0].Line != 1 || err.Source != "events.jsonl" {
				t.Errorf("position = %s:%d (item line %d), want events.jsonl:1", err.Source, err.Line, items[0].Line)
			}
		})
	}
}

func TestJSONLinesErrorMessage(t *testing.T) {
	input := strings.Repeat("\n", 11) + `{"conversation":"c","at":"2026-03-02T14:05:09","role":"customer","type":"message"}`
	items := readAll(t, input, Options{})
	want := `stdin:12: field "at": time has no UTC offset; add Z or +02:00`
	if len(items) != 1 || items[0].Err == nil {
		t.Fatalf("items = %+v, want one rejection", items)
	}
	if got := items[0].Err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestJSONLinesSyntaxColumnCountsIndent(t *testing.T) {
	items := readAll(t, `   {"a":}`, Options{Format: FormatJSONL})
	if items[0].Err == nil || !strings.Contains(items[0].Err.Reason, "column 9") {
		t.Errorf("reason = %v, want column 9 (the \"}\")", items[0].Err)
	}
}

func TestJSONLinesIntegerIDs(t *testing.T) {
	items := readAll(t, `{"id":77,"conversation":1042,"at":"2026-03-02T14:05:09Z","role":"customer","type":"message"}`, Options{})
	if items[0].Err != nil {
		t.Fatal(items[0].Err)
	}
	if ev := items[0].Event; ev.ID != "77" || ev.Conversation != "1042" {
		t.Errorf("id, conversation = %q, %q; want \"77\", \"1042\"", ev.ID, ev.Conversation)
	}
}

func TestJSONLinesNullsAreAbsent(t *testing.T) {
	items := readAll(t, `{"id":null,"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":null,"customer":null}`, Options{})
	if items[0].Err != nil {
		t.Fatal(items[0].Err)
	}
	ev := items[0].Event
	if !strings.HasPrefix(ev.ID, "h-") || ev.Text != "" || ev.Customer != nil {
		t.Errorf("event = %+v, want a derived id, no text and no customer", ev)
	}
}

func TestJSONLinesConversationOption(t *testing.T) {
	input := `{"at":"2026-03-02T14:05:09Z","role":"customer","type":"message"}
{"conversation":"own","at":"2026-03-02T14:05:09Z","role":"customer","type":"message"}`
	items := readAll(t, input, Options{Conversation: "flag"})
	events, rejects := splitItems(items)
	if len(rejects) != 0 {
		t.Fatalf("rejected: %v", rejects[0].Err)
	}
	if events[0].Event.Conversation != "flag" || events[1].Event.Conversation != "own" {
		t.Errorf("conversations = %q, %q; want \"flag\", \"own\"", events[0].Event.Conversation, events[1].Event.Conversation)
	}
}

func TestJSONLinesBadAmongGood(t *testing.T) {
	input := strings.Join([]string{
		`{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"one"}`,
		``,
		`{"conversation":"c","at":"2026-03-02T14:05:10","role":"customer","type":"message","text":"bad time"}`,
		`not json`,
		`{"conversation":"c","at":"2026-03-02T14:05:11Z","role":"agent","type":"message","text":"two"}`,
		`   `,
		`{"conversation":"c","at":"2026-03-02T14:05:12Z","role":"robot","type":"message"}`,
		`{"conversation":"c","at":"2026-03-02T14:05:13Z","role":"customer","type":"closed"}`,
	}, "\r\n")
	items := readAll(t, input, Options{})
	events, rejects := splitItems(items)
	if got, want := lineNumbers(events), []int{1, 5, 8}; !equalInts(got, want) {
		t.Errorf("event lines = %v, want %v", got, want)
	}
	if got, want := lineNumbers(rejects), []int{3, 4, 7}; !equalInts(got, want) {
		t.Errorf("rejected lines = %v, want %v", got, want)
	}
	if got, want := lineNumbers(items), []int{1, 3, 4, 5, 7, 8}; !equalInts(got, want) {
		t.Errorf("item order = %v, want %v", got, want)
	}
	if events[1].Event.Text != "two" {
		t.Errorf("text = %q, want \"two\" without a carriage return", events[1].Event.Text)
	}
}

func TestJSONLinesRepeatedIDPassedOn(t *testing.T) {
	input := `{"id":"e-1","conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"a"}
{"id":"e-1","conversation":"c","at":"2026-03-02T14:05:10Z","role":"customer","type":"message","text":"b"}`
	items := readAll(t, input, Options{})
	if len(items) != 2 {
		t.Fatalf("got %d items, want 2", len(items))
	}
	for i, item := range items {
		if item.Err != nil {
			t.Fatalf("line %d rejected: %v", item.Line, item.Err)
		}
		if item.Event.ID != "e-1" {
			t.Errorf("event %d id = %q, want the source's e-1", i, item.Event.ID)
		}
	}
}
