package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/triagedesk/triage/triage"
)

// checkStream reads input and checks the properties of every stream. No
// rejection lacks a reason or a line within the input. Every accepted event
// validates and has an id that no other event of the stream has. A second
// read gives the same ids.
func checkStream(t *testing.T, input string, opts Options) {
	lines := strings.Count(input, "\n") + 1
	var ids []string
	for pass := 0; pass < 2; pass++ {
		r, err := NewReader(strings.NewReader(input), opts)
		if err != nil {
			t.Fatalf("NewReader: %v", err)
		}
		seen := map[string]int{}
		n := 0
		for {
			item, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if item.Line < 1 || item.Line > lines {
				t.Fatalf("item line %d outside 1..%d", item.Line, lines)
			}
			if item.Err != nil {
				if item.Event != nil {
					t.Fatalf("line %d has both an event and an error", item.Line)
				}
				if item.Err.Reason == "" || item.Err.Line != item.Line || item.Err.Source == "" {
					t.Fatalf("incomplete rejection %+v of line %d", item.Err, item.Line)
				}
				continue
			}
			ev := item.Event
			if ev == nil && item.Skipped != "" {
				continue // valid input without a chat event
			}
			if ev == nil {
				t.Fatalf("line %d has neither an event nor an error", item.Line)
			}
			if err := ev.Validate(); err != nil {
				t.Fatalf("line %d: accepted event does not validate: %v", item.Line, err)
			}
			if ev.ID == "" {
				t.Fatalf("line %d: accepted event has no id", item.Line)
			}
			// A source may repeat its own ids (the daemon sorts those
			// out), but a derived id must never repeat.
			if first, ok := seen[ev.ID]; ok && strings.HasPrefix(ev.ID, "h-") {
				t.Fatalf("derived id %q given on line %d and on line %d", ev.ID, first, item.Line)
			}
			seen[ev.ID] = item.Line
			if pass == 0 {
				ids = append(ids, ev.ID)
			} else if n >= len(ids) || ids[n] != ev.ID {
				t.Fatalf("second read gave a different id at event %d", n)
			}
			n++
		}
		if pass == 1 && n != len(ids) {
			t.Fatalf("second read gave %d events, first %d", n, len(ids))
		}
	}
}

// checkTranscriptRewrite checks that the events read from a transcript,
// written again with WriteTranscript, read back with the same content.
func checkTranscriptRewrite(t *testing.T, input string, opts Options) {
	var events []triage.Event
	for _, item := range readAll(t, input, opts) {
		if item.Event != nil {
			events = append(events, *item.Event)
		}
	}
	if len(events) == 0 {
		return
	}
	var out bytes.Buffer
	if err := WriteTranscript(&out, events[0].Conversation, events); err != nil {
		t.Fatalf("WriteTranscript: %v", err)
	}
	again := readAll(t, out.String(), Options{Format: FormatText, Source: "rewritten.txt"})
	if len(again) != len(events) {
		t.Fatalf("read %d items back from %d events:\n%s", len(again), len(events), out.String())
	}
	for i, item := range again {
		if item.Err != nil {
			t.Fatalf("rewritten event %d rejected: %v\n%s", i, item.Err, out.String())
		}
		if !triage.SameContent(item.Event, &events[i]) {
			t.Fatalf("event %d read back as %+v, want %+v", i, item.Event, events[i])
		}
	}
}

func FuzzJSONLines(f *testing.F) {
	for _, seed := range []string{
		`{"id":"e-77","conversation":"c-1042","at":"2026-03-02T14:05:09.120Z","role":"customer","type":"message","text":"still not working!!"}`,
		`{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"ok"}` + "\n" +
			`{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"ok"}`,
		`{"id":"h-1","conversation":"c","at":"2026-03-02T14:05:09+02:00","role":"bot","type":"typing","x":{"y":[1]}}` + "\r\n\r\n{}",
		`{"conversation":7,"at":"2026-03-02 14:05:09","role":"agent","type":"closed","customer":{"name":"A"}}`,
		"\uFEFF{\"text\":\"\xff\"}\n[1,2]\nnull\n{\"a\":}",
		`{"id":"e","conversation":"c","at":"2026-03-02T14:05:09Z","role":"agent","type":"message"}` + "\n" +
			`{"id":"e","conversation":"c","at":"2026-03-02T14:05:09Z","role":"agent","type":"message"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		checkStream(t, input, Options{Format: FormatJSONL, Source: "fuzz.jsonl", MaxLineBytes: 512})
	})
}

func FuzzTranscript(f *testing.F) {
	for _, seed := range []string{
		"# conversation: c-1\n# date: 2026-03-02\n# timezone: Europe/Berlin\n[23:59:58] Customer is typing…\n[23:59:59] Customer (Jane): it still\n  fails\n[00:00:03] Agent (Ana): sorry\n(2:05:09 PM) Bot: hi\n--- closed ---\n",
		"[14:05:09] Customer: no date\ncontinued\n[2026-03-02T14:05:09Z] Agent: dated\n[14:05:09] Agent: ok\n[14:05:09] Agent: ok\n",
		"Chat started: 2018-05-18 01:51 PM UTC\n* Eric joined the chat *\n(01:51:11 PM) Eric: hi\n",
		"# date: 2026-03-02\n[14:05] <nick> hi\n[14:05]  * nick waves\n=== x has joined\n[25:00] Customer: bad\n# tz: +02:00\n[14:06] Conversation closed by Customer\n",
		"# date: 2026-02-30\n# timezone: Nowhere/Land\n# conversation:\n[14:05] : x\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		opts := Options{Format: FormatText, Source: "fuzz.txt", MaxLineBytes: 512}
		checkStream(t, input, opts)
		checkTranscriptRewrite(t, input, opts)
	})
}
