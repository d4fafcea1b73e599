package triage

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// eventJSONCases covers the inputs the one-pass decoder reads itself and
// those it leaves to encoding/json.
var eventJSONCases = []string{
	`{"id":"e-1","conversation":"c-1","at":"2026-03-02T14:00:00Z","role":"customer","type":"message","text":"hi"}`,
	` { "conversation" : "c-1" , "at" : "2026-03-02T14:00:00.5+02:00" , "role":"agent","type":"typing" } `,
	`{"conversation":"c-1","text":"caf\u00e9 \"quoted\" \\ back","customer":{"name":"Ada","email":"ada@example.com"}}`,
	`{"conversation":"c-1","channel":"web","meta":{"tabs":[1,{"x":"]}"}],"ok":true},"n":-1.5e3,"nothing":null}`,
	`{"conversation":"c-1","text":"bad utf-8 ` + "\xff\xfe" + `"}`,
	`{"conversation":"c-1","Conversation":"c-2"}`,
	`{"conversation":"c-1","conversation":"c-2"}`,
	`{"conversation":"c-1","ſext":"long s folds to text"}`,
	`{"conversation":"c-1","text":null,"customer":null,"at":null}`,
	`{"conversation":"c-1","i\u0064":"escaped key"}`,
	`{"conversation":"c-1","extra":{"Extra":1}}`,
	`{"conversation":"c-1","customer":{"NAME":"upper"}}`,
	`{}`,
	`null`,
	`{"conversation":5}`,
	`{"at":"yesterday"}`,
	`{"customer":"Ada"}`,
	`{"conversation":"c-1",}`,
	`{"conversation":"c-1"} trailing`,
	`[1,2]`,
	``,
}

func TestEventUnmarshalMatchesEncodingJSON(t *testing.T) {
	for _, input := range eventJSONCases {
		var got, want Event
		gotErr := got.UnmarshalJSON([]byte(input))
		wantErr := want.unmarshalWithMap([]byte(input))
		if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Errorf("UnmarshalJSON(%s): error %v, want %v", input, gotErr, wantErr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("UnmarshalJSON(%s):\n got %+v\nwant %+v", input, got, want)
		}
	}
}

func TestEventUnmarshalKeepsUnknownFields(t *testing.T) {
	var e Event
	input := `{"conversation":"c-1","at":"2026-03-02T14:00:00Z","channel":"web","meta":{"tabs":[1, 2]}}`
	if err := json.Unmarshal([]byte(input), &e); err != nil {
		t.Fatal(err)
	}
	if got := string(e.Extra["channel"]); got != `"web"` {
		t.Errorf(`Extra["channel"] = %s, want "web"`, got)
	}
	if got := string(e.Extra["meta"]); got != `{"tabs":[1, 2]}` {
		t.Errorf(`Extra["meta"] = %s, want {"tabs":[1, 2]}`, got)
	}
	if len(e.Extra) != 2 {
		t.Errorf("Extra has %d fields, want 2", len(e.Extra))
	}
	if !e.At.Equal(time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("At = %v", e.At)
	}
	out, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"channel":"web"`) {
		t.Errorf("MarshalJSON = %s, want the unknown field channel kept", out)
	}
}

// A decode into an Event that already has values replaces all of them,
// as encoding/json does for this type.
func TestEventUnmarshalReplacesOldValues(t *testing.T) {
	e := Event{ID: "old", Text: "old", Extra: map[string]json.RawMessage{"x": json.RawMessage("1")}}
	if err := e.UnmarshalJSON([]byte(`{"conversation":"c-1"}`)); err != nil {
		t.Fatal(err)
	}
	if e.ID != "" || e.Text != "" || e.Extra != nil {
		t.Errorf("after UnmarshalJSON: %+v, want only Conversation set", e)
	}
}

func FuzzEventUnmarshalJSON(f *testing.F) {
	for _, input := range eventJSONCases {
		f.Add([]byte(input))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want Event
		gotErr := got.UnmarshalJSON(data)
		wantErr := want.unmarshalWithMap(data)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("UnmarshalJSON(%q): error %v, encoding/json error %v", data, gotErr, wantErr)
		}
		if gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("UnmarshalJSON(%q):\n got %+v\nwant %+v", data, got, want)
		}
	})
}

func BenchmarkEventUnmarshalJSON(b *testing.B) {
	line := []byte(`{"id":"e-17","conversation":"c-204","at":"2026-03-02T14:00:00.17Z","role":"customer","type":"message","text":"I have been waiting for my refund for two weeks and it is still not working!!"}`)
	b.Run("one-pass", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var e Event
			if err := e.UnmarshalJSON(line); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var e Event
			if err := e.unmarshalWithMap(line); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// marshalPlain is the encoding/json form of e's known fields.
func marshalPlain(e Event) ([]byte, error) {
	type plain Event
	return json.Marshal(plain(e))
}

func TestEventMarshalMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 3, 2, 14, 0, 0, 170_000_000, time.UTC)
	cases := []Event{
		{ID: "e-1", Conversation: "c-1", At: at, Role: RoleCustomer, Type: TypeMessage, Text: "hi"},
		{Conversation: "c-1", At: at.In(time.FixedZone("", 3600)), Role: RoleAgent, Type: TypeTyping},
		{Conversation: "c-<1>", At: at, Text: "a & b \"quoted\" \\ \n\t caf\u00e9 \u2028 \x01 bad \xff utf-8"},
		{Conversation: "c-1", Customer: &Customer{}},
		{Conversation: "c-1", Customer: &Customer{Email: "ada@example.com"}},
		{Conversation: "c-1", Customer: &Customer{Name: "Ada", Email: "ada@example.com", Handle: "@ada"}},
		{},
	}
	for _, e := range cases {
		got, err := e.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%+v): %v", e, err)
		}
		want, err := marshalPlain(e)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("MarshalJSON:\n got %s\nwant %s", got, want)
		}
	}
}

func TestEventMarshalInvalidTime(t *testing.T) {
	e := Event{Conversation: "c-1", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err := e.MarshalJSON()
	_, want := marshalPlain(e)
	if err == nil || want == nil || err.Error() != want.Error() {
		t.Errorf("MarshalJSON of year 10000: error %v, want %v", err, want)
	}
}

func FuzzEventMarshalJSON(f *testing.F) {
	f.Add("e-1", "c-1", "customer", "message", "hi <b>", "Ada", "", int64(1772460000), int64(5))
	f.Fuzz(func(t *testing.T, id, conversation, role, typ, text, name, email string, sec, nsec int64) {
		e := Event{ID: id, Conversation: conversation, At: time.Unix(sec, nsec).UTC(),
			Role: Role(role), Type: EventType(typ), Text: text}
		if name != "" || email != "" {
			e.Customer = &Customer{Name: name, Email: email}
		}
		got, gotErr := e.MarshalJSON()
		want, wantErr := marshalPlain(e)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("MarshalJSON(%+v): error %v, encoding/json error %v", e, gotErr, wantErr)
		}
		if string(got) != string(want) {
			t.Fatalf("MarshalJSON(%+v):\n got %s\nwant %s", e, got, want)
		}
	})
}

func BenchmarkEventMarshalJSON(b *testing.B) {
	e := Event{ID: "e-17", Conversation: "c-204", At: time.Date(2026, 3, 2, 14, 0, 0, 170_000_000, time.UTC),
		Role: RoleCustomer, Type: TypeMessage, Text: "I have been waiting for my refund for two weeks and it is still not working!!"}
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := marshalPlain(e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
