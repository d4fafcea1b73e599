package store

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

var codecBase = time.Date(2026, 3, 2, 14, 5, 9, 120_000_000, time.UTC)

func fullEvent() *triage.StoredEvent {
	return &triage.StoredEvent{
		Event: triage.Event{
			ID:           "e-77",
			Conversation: "c-1042",
			At:           codecBase,
			Role:         triage.RoleCustomer,
			Type:         triage.TypeMessage,
			Text:         "still not working!! \u00e9\u4e16",
			Customer:     &triage.Customer{Name: "Ada", Email: "ada@example.com", Handle: "@ada"},
			Extra: map[string]json.RawMessage{
				"channel": json.RawMessage(`"web"`),
				"meta":    json.RawMessage(`{"browser":"firefox","tabs":[1,2]}`),
			},
		},
		Seq: 1 << 40,
		Analysis: &triage.Analysis{
			Valence: -0.6, Negativity: 0.42, Frustration: 0.55,
			TypingSpeed: 4.5, SpeedRatio: 1.8, Language: "en",
			Reasons: []triage.Reason{
				{Rule: "exclamations", Text: `"!!"`, Weight: 0.1, Spans: []triage.Span{{Start: 17, End: 19}, {Start: 0, End: 5}}},
				{Rule: "waiting", Text: "waited", Weight: -0.25, Spans: []triage.Span{}},
				{Rule: "empty"},
			},
		},
	}
}

func fullTicket() *triage.Ticket {
	waiting := codecBase.Add(-time.Hour)
	escalated := codecBase.Add(-time.Minute)
	agentAt := codecBase.Add(-30 * time.Minute)
	timeout := codecBase.Add(time.Hour)
	agent := "grace"
	return &triage.Ticket{
		ID:                  "T-42",
		Conversation:        "c-1042",
		Status:              triage.StatusEscalated,
		Queue:               triage.QueueSenior,
		Priority:            triage.PriorityUrgent,
		Frustration:         0.875,
		Reasons:             []string{"negative wording", "repeated question"},
		WaitingSince:        &waiting,
		LastCustomerMessage: "where is my refund?",
		ClaimedBy:           &agent,
		EscalationReason:    "frustration 0.85 on two turns",
		Trend:               []float64{0.1, 0.5, 0.875},
		Streaks:             map[string]int{"frustrated": 2, "slow": 1, "": 0},
		CustomerTurns:       7,
		OpenedAt:            codecBase.Add(-2 * time.Hour),
		UpdatedAt:           codecBase,
		EscalatedAt:         &escalated,
		LastAgentAt:         &agentAt,
		CustomerHash:        "h-abc",
		Version:             9,
		Script:              "refund",
		ScriptVersion:       3,
		Step:                "ask-order",
		ScriptState: &triage.ScriptState{
			Name: "refund", Version: 3, Step: "ask-order", EnteredAt: codecBase,
			Visits: map[string]int{"start": 1, "ask-order": 2}, RepliesInStep: 1,
			Keywords: []string{"refund"}, Finished: true, TimeoutAt: &timeout, LimitReached: true,
			Messages: []triage.ScriptMessage{{At: codecBase, Step: "start", Kind: "send", Text: "Hello"}},
		},
		Tags: []string{"billing", "vip"},
	}
}

func TestEventRoundTrip(t *testing.T) {
	cases := map[string]*triage.StoredEvent{
		"full":    fullEvent(),
		"minimal": {Event: triage.Event{Conversation: "c", At: codecBase, Role: triage.RoleBot, Type: triage.TypeTyping}},
		"empty extra and reasons": {
			Event:    triage.Event{Conversation: "c", Extra: map[string]json.RawMessage{}},
			Analysis: &triage.Analysis{Reasons: []triage.Reason{}},
		},
		"zero time":   {Event: triage.Event{Conversation: "c"}},
		"empty names": {Event: triage.Event{Conversation: "c", Customer: &triage.Customer{}}},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			data := appendEvent(nil, e)
			var got triage.StoredEvent
			if err := decodeEvent(data, &got); err != nil {
				t.Fatalf("decodeEvent: %v", err)
			}
			if !reflect.DeepEqual(&got, e) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, *e)
			}
			id, err := storedEventID(data)
			if err != nil {
				t.Fatalf("storedEventID: %v", err)
			}
			if id != e.ID {
				t.Errorf("storedEventID = %q, want %q", id, e.ID)
			}
		})
	}
}

func TestTicketRoundTrip(t *testing.T) {
	cases := map[string]*triage.Ticket{
		"full":    fullTicket(),
		"new":     {ID: "T-1", Status: triage.StatusOpen, Reasons: []string{}, OpenedAt: codecBase},
		"nil":     {ID: "T-2"},
		"empties": {ID: "T-3", Trend: []float64{}, Streaks: map[string]int{}, Tags: []string{}, ScriptState: &triage.ScriptState{}},
	}
	for name, tk := range cases {
		t.Run(name, func(t *testing.T) {
			data := appendTicket(nil, tk)
			var got triage.Ticket
			if err := decodeTicket(data, &got); err != nil {
				t.Fatalf("decodeTicket: %v", err)
			}
			if !reflect.DeepEqual(&got, tk) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, *tk)
			}
			q, err := queueFields(data)
			if err != nil {
				t.Fatalf("queueFields: %v", err)
			}
			if !reflect.DeepEqual(queueKeys(q), queueKeys(tk)) {
				t.Errorf("queue keys from queueFields differ from those of the ticket")
			}
		})
	}
}

// A ticket's JSON form distinguishes a nil Reasons (null) from an empty
// one ([]), and `triage queue --json` prints it, so the store keeps the
// difference.
func TestTicketKeepsEmptyReasons(t *testing.T) {
	tk := &triage.Ticket{ID: "T-1", Reasons: []string{}}
	var got triage.Ticket
	if err := decodeTicket(appendTicket(nil, tk), &got); err != nil {
		t.Fatalf("decodeTicket: %v", err)
	}
	out, err := json.Marshal(&got)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"reasons":[]`) {
		t.Errorf("JSON of the decoded ticket = %s, want \"reasons\":[]", out)
	}
}

func TestConversationRoundTrip(t *testing.T) {
	cases := map[string]*triage.Conversation{
		"full":     {ID: "c-1", Ticket: "T-1", LastAt: codecBase, Events: 12, ScorerState: json.RawMessage(`{"turns":3}`)},
		"no state": {ID: "c-2", Ticket: "T-2"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var got triage.Conversation
			if err := decodeConversation(appendConversation(nil, c), &got); err != nil {
				t.Fatalf("decodeConversation: %v", err)
			}
			if !reflect.DeepEqual(&got, c) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, *c)
			}
		})
	}
}

func TestTimeEncoding(t *testing.T) {
	cases := []time.Time{
		{},
		codecBase,
		time.Unix(0, 0).UTC(),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2026, 3, 2, 14, 0, 0, 5, time.FixedZone("", 5*3600+1800)),
		time.Date(2026, 3, 2, 14, 0, 0, 5, time.FixedZone("", -8*3600)),
	}
	for _, want := range cases {
		enc := encoder{}
		enc.time(want)
		d := newDecoder(enc.buf)
		got := d.time()
		if err := d.finish(); err != nil {
			t.Fatalf("decode %v: %v", want, err)
		}
		if !got.Equal(want) {
			t.Errorf("time %v decoded as %v", want, got)
		}
		_, wantOffset := want.Zone()
		if _, offset := got.Zone(); offset != wantOffset {
			t.Errorf("time %v decoded with offset %d, want %d", want, offset, wantOffset)
		}
	}
}

func TestFloatEncoding(t *testing.T) {
	for _, want := range []float64{0, -0.5, 1e-300, math.MaxFloat64, math.Inf(-1)} {
		enc := encoder{}
		enc.float(want)
		d := newDecoder(enc.buf)
		if got := d.float(); got != want || d.finish() != nil {
			t.Errorf("float %v decoded as %v (error %v)", want, got, d.err)
		}
	}
}

// Every prefix of a valid value is rejected with an error, not a panic
// or a partial value.
func TestDecodeTruncated(t *testing.T) {
	decoders := map[string]struct {
		data   []byte
		decode func([]byte) error
	}{
		"event": {appendEvent(nil, fullEvent()), func(b []byte) error {
			var e triage.StoredEvent
			return decodeEvent(b, &e)
		}},
		"ticket": {appendTicket(nil, fullTicket()), func(b []byte) error {
			var tk triage.Ticket
			return decodeTicket(b, &tk)
		}},
		"conversation": {appendConversation(nil, &triage.Conversation{ID: "c-1", ScorerState: []byte("{}")}), func(b []byte) error {
			var c triage.Conversation
			return decodeConversation(b, &c)
		}},
	}
	for name, c := range decoders {
		for n := range len(c.data) {
			if err := c.decode(c.data[:n]); err == nil {
				t.Errorf("%s cut to %d of %d bytes: no error", name, n, len(c.data))
			}
		}
		if err := c.decode(append(c.data, 0)); err == nil {
			t.Errorf("%s with a trailing byte: no error", name)
		}
	}
}

func TestDecodeWrongFormat(t *testing.T) {
	var e triage.StoredEvent
	err := decodeEvent(appendTicket(nil, fullTicket()), &e)
	if err == nil || !strings.Contains(err.Error(), "format byte") {
		t.Errorf("decodeEvent of a ticket: got %v, want a format byte error", err)
	}
	var tk triage.Ticket
	err = decodeTicket([]byte(`{"id":"T-1"}`), &tk)
	if err == nil || !strings.Contains(err.Error(), "schema version 1") {
		t.Errorf("decodeTicket of JSON: got %v, want an error naming schema version 1", err)
	}
}

func FuzzDecodeEvent(f *testing.F) {
	f.Add(appendEvent(nil, fullEvent()))
	f.Add(appendEvent(nil, &triage.StoredEvent{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e triage.StoredEvent
		if decodeEvent(data, &e) != nil {
			return
		}
		var again triage.StoredEvent
		if err := decodeEvent(appendEvent(nil, &e), &again); err != nil {
			t.Fatalf("re-encoded event does not decode: %v", err)
		}
	})
}

func FuzzDecodeTicket(f *testing.F) {
	f.Add(appendTicket(nil, fullTicket()))
	f.Add(appendTicket(nil, &triage.Ticket{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tk triage.Ticket
		if decodeTicket(data, &tk) != nil {
			return
		}
		var again triage.Ticket
		if err := decodeTicket(appendTicket(nil, &tk), &again); err != nil {
			t.Fatalf("re-encoded ticket does not decode: %v", err)
		}
	})
}

// BenchmarkEventCodec measures the binary encoding that PutEvent and the
// event reads pay per event, on the event of BenchmarkEventJSON: one
// encode and one decode.
func BenchmarkEventCodec(b *testing.B) {
	e := triage.StoredEvent{
		Event: triage.Event{
			ID: "e-77", Conversation: "c-1042", At: codecBase,
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "still not working!!",
		},
		Seq: 42,
		Analysis: &triage.Analysis{
			Valence: -0.6, Negativity: 0.42, Frustration: 0.55, Language: "en",
			Reasons: []triage.Reason{{Rule: "exclamations", Text: `"!!"`, Weight: 0.1, Spans: []triage.Span{{Start: 17, End: 19}}}},
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		data := appendEvent(make([]byte, 0, eventSizeHint(&e)), &e)
		var back triage.StoredEvent
		if err := decodeEvent(data, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTicketCodec is BenchmarkEventCodec for a ticket with every
// field set.
func BenchmarkTicketCodec(b *testing.B) {
	tk := fullTicket()
	b.ReportAllocs()
	for b.Loop() {
		data := appendTicket(make([]byte, 0, ticketSizeHint(tk)), tk)
		var back triage.Ticket
		if err := decodeTicket(data, &back); err != nil {
			b.Fatal(err)
		}
	}
}
