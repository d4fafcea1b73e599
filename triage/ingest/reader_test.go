package ingest

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReaderIDsReproducible(t *testing.T) {
	for _, tt := range []struct {
		name  string
		input string
	}{
		{"jsonl", `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"ok"}
{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"ok"}
{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"agent","type":"message","text":"ok"}
`},
		{"text", "# date: 2026-03-02\n[14:05:09] Customer: ok\n[14:05:09] Customer: ok\n[14:05:09] Agent: ok\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			first := readAll(t, tt.input, Options{Source: "c.txt"})
			second := readAll(t, tt.input, Options{Source: "c.txt"})
			if len(first) != 3 || len(second) != 3 {
				t.Fatalf("got %d and %d items, want 3", len(first), len(second))
			}
			seen := map[string]bool{}
			for i := range first {
				if first[i].Err != nil {
					t.Fatalf("line %d rejected: %v", first[i].Line, first[i].Err)
				}
				id := first[i].Event.ID
				if id == "" {
					t.Errorf("event %d has no id", i)
				}
				if id != second[i].Event.ID {
					t.Errorf("event %d: id %q on the first read, %q on the second", i, id, second[i].Event.ID)
				}
				if seen[id] {
					t.Errorf("event %d: id %q given twice", i, id)
				}
				seen[id] = true
			}
		})
	}
}

func TestReaderIdenticalMessagesDifferentIDs(t *testing.T) {
	line := `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"ok"}`
	items := readAll(t, line+"\n"+line+"\n", Options{})
	if items[0].Err != nil || items[1].Err != nil {
		t.Fatalf("rejected: %v %v", items[0].Err, items[1].Err)
	}
	a, b := items[0].Event, items[1].Event
	if a.ID == b.ID {
		t.Errorf("both events have id %q", a.ID)
	}
	if a.ID != "h-"+a.ID[2:] || len(a.ID) != 26 {
		t.Errorf("id %q does not have the derived form", a.ID)
	}
}

func TestReaderLongLineRejectedAlone(t *testing.T) {
	good := `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"before"}`
	long := `{"conversation":"c","text":"` + strings.Repeat("x", 5000) + `"}`
	after := `{"conversation":"c","at":"2026-03-02T14:05:10Z","role":"customer","type":"message","text":"after"}`
	input := good + "\n" + long + "\n" + after + "\n"
	items := readAll(t, input, Options{MaxLineBytes: 1000})
	if len(items) != 3 {
		t.Fatalf("got %d items, want 3", len(items))
	}
	if items[0].Err != nil || items[2].Err != nil {
		t.Errorf("good lines rejected: %v, %v", items[0].Err, items[2].Err)
	}
	if items[2].Event == nil || items[2].Event.Text != "after" || items[2].Line != 3 {
		t.Errorf("third item = %+v, want the event of line 3", items[2])
	}
	err := items[1].Err
	if err == nil || err.Line != 2 || !strings.Contains(err.Reason, "longer than 1000 bytes") {
		t.Errorf("second item: %v, want line 2 rejected as longer than 1000 bytes", err)
	}
}

func TestReaderLongLineDefaultLimit(t *testing.T) {
	long := strings.Repeat("x", DefaultMaxLineBytes+1)
	items := readAll(t, "{}\n"+long+"\n{}", Options{Format: FormatJSONL})
	if len(items) != 3 {
		t.Fatalf("got %d items, want 3", len(items))
	}
	if items[1].Err == nil || items[1].Line != 2 || !strings.Contains(items[1].Err.Reason, "longer than 1048576 bytes") {
		t.Errorf("line 2: %v, want rejected as too long", items[1].Err)
	}
	if items[2].Line != 3 {
		t.Errorf("last item on line %d, want 3", items[2].Line)
	}
}

func TestReaderLineAtLimitAccepted(t *testing.T) {
	prefix := `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message","text":"`
	line := prefix + strings.Repeat("y", 200-len(prefix)-2) + `"}`
	if len(line) != 200 {
		t.Fatalf("test line has %d bytes", len(line))
	}
	for _, ending := range []string{"\n", "\r\n", ""} {
		items := readAll(t, line+ending, Options{MaxLineBytes: 200})
		if len(items) != 1 || items[0].Err != nil {
			t.Errorf("line of exactly the limit with ending %q: %+v", ending, items)
		}
	}
	items := readAll(t, line+" \n", Options{MaxLineBytes: 200})
	if items[0].Err == nil {
		t.Errorf("line one byte over the limit accepted")
	}
}

func TestReaderByteOrderMarkSkipped(t *testing.T) {
	input := "\uFEFF" + `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message"}`
	for _, format := range []Format{FormatAuto, FormatJSONL} {
		items := readAll(t, input, Options{Format: format})
		if len(items) != 1 || items[0].Err != nil {
			t.Errorf("format %s: %+v, want one event", format, items)
		}
	}
	items := readAll(t, "\uFEFF# date: 2026-03-02\n[14:05] Customer: hi", Options{Source: "c.txt"})
	if len(items) != 1 || items[0].Err != nil {
		t.Errorf("transcript with a byte order mark: %+v", items)
	}
}

func TestReaderInvalidUTF8Replaced(t *testing.T) {
	json := "{\"conversation\":\"c\",\"at\":\"2026-03-02T14:05:09Z\",\"role\":\"customer\",\"type\":\"message\",\"text\":\"caf\xe9 \xff!\"}"
	text := "# date: 2026-03-02\n[14:05:09] Customer: caf\xe9 \xff!\n"
	for name, input := range map[string]string{"jsonl": json, "text": text} {
		items := readAll(t, input, Options{Source: "c.txt"})
		if len(items) != 1 || items[0].Err != nil {
			t.Fatalf("%s: %+v, want one event", name, items)
		}
		if got := items[0].Event.Text; got != "caf\uFFFD \uFFFD!" {
			t.Errorf("%s: text = %q, want the bad bytes replaced by U+FFFD", name, got)
		}
	}
}

func TestReaderNULRejected(t *testing.T) {
	input := "# date: 2026-03-02\n[14:05:09] Customer: a\x00b\n[14:05:10] Customer: fine\n"
	items := readAll(t, input, Options{Source: "c.txt"})
	events, rejects := splitItems(items)
	if len(rejects) != 1 || rejects[0].Line != 2 || !strings.Contains(rejects[0].Err.Reason, "NUL") {
		t.Errorf("rejects = %+v, want line 2 rejected for its NUL byte", rejects)
	}
	if len(events) != 1 || events[0].Event.Text != "fine" {
		t.Errorf("events = %+v, want the line after it", events)
	}
}

func TestReaderUnknownFormat(t *testing.T) {
	_, err := NewReader(strings.NewReader("{}"), Options{Format: "xml"})
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("err = %v, want unknown format", err)
	}
}

func TestReaderEmptyInput(t *testing.T) {
	for _, input := range []string{"", "\n\n  \r\n", "\uFEFF"} {
		items := readAll(t, input, Options{})
		if len(items) != 0 {
			t.Errorf("input %q: %+v, want nothing", input, items)
		}
	}
}

func TestReaderIOErrorAfterItems(t *testing.T) {
	line := `{"conversation":"c","at":"2026-03-02T14:05:09Z","role":"customer","type":"message"}` + "\n"
	failing := io.MultiReader(strings.NewReader(line), iotest.ErrReader(errors.New("disk on fire")))
	r, err := NewReader(failing, Options{Format: FormatJSONL})
	if err != nil {
		t.Fatal(err)
	}
	item, err := r.Next()
	if err != nil || item.Event == nil {
		t.Fatalf("first Next = %+v, %v; want the event", item, err)
	}
	_, err = r.Next()
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("second Next error = %v, want the read error", err)
	}
	if _, again := r.Next(); again == nil || errors.Is(again, io.EOF) {
		t.Errorf("Next after the error = %v, want the read error again", again)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		peek   string
		format Format
		err    string
	}{
		{`{"a":1}`, FormatJSONL, ""},
		{"\n\n  {", FormatJSONL, ""},
		{"\uFEFF{", FormatJSONL, ""},
		{"[14:05] Customer: hi", FormatText, ""},
		{"(2:05:09 PM) Customer: hi", FormatText, ""},
		{"# conversation: c", FormatText, ""},
		{"\r\n\t[", FormatText, ""},
		{"hello", "", `cannot tell the input format from "hello"`},
		{"tweet_id,author_id,inbound", "", "--format"},
		{"", "", "empty"},
		{" \n ", "", "empty"},
		{"\xff\xfe[\x00", "", "UTF-16"},
	}
	for _, tt := range tests {
		format, err := Detect([]byte(tt.peek))
		if format != tt.format {
			t.Errorf("Detect(%q) format = %q, want %q", tt.peek, format, tt.format)
		}
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("Detect(%q) error = %v", tt.peek, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Detect(%q) error = %v, want it to contain %q", tt.peek, err, tt.err)
		}
	}
}

func TestNewReaderDetectError(t *testing.T) {
	_, err := NewReader(strings.NewReader("\n\nhello world\n"), Options{Source: "in.log"})
	var lineErr *LineError
	if !errors.As(err, &lineErr) {
		t.Fatalf("err = %v, want a *LineError", err)
	}
	if lineErr.Source != "in.log" || lineErr.Line != 3 {
		t.Errorf("position = %s:%d, want in.log:3", lineErr.Source, lineErr.Line)
	}
}

func TestNewReaderDetectsFormat(t *testing.T) {
	for input, want := range map[string]Format{
		`{"a":1}`:            FormatJSONL,
		"[14:05] Agent: hi":  FormatText,
		"# date: 2026-03-02": FormatText,
	} {
		r, err := NewReader(strings.NewReader(input), Options{})
		if err != nil {
			t.Fatalf("NewReader(%q): %v", input, err)
		}
		if r.Format() != want {
			t.Errorf("NewReader(%q).Format() = %q, want %q", input, r.Format(), want)
		}
	}
}

func TestLineErrorWithoutField(t *testing.T) {
	err := &LineError{Source: "a.txt", Line: 3, Reason: "bad"}
	if got := err.Error(); got != "a.txt:3: bad" {
		t.Errorf("Error() = %q", got)
	}
}
