package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/triagedesk/triage/tui"
)

// hostileLines are JSON Lines inputs an attacker or a broken exporter
// could send. Each entry says whether the line should be accepted.
var hostileLines = []struct {
	name   string
	line   string
	accept bool
}{
	{"invalid UTF-8 in text", `{"conversation":"h-1","at":"2026-03-02T14:00:00Z","role":"customer","type":"message","text":"bad ` + "\xff\xfe" + ` bytes"}`, true},
	{"NUL byte", `{"conversation":"h-1","at":"2026-03-02T14:00:01Z","role":"customer","type":"message","text":"nul ` + "\x00" + ` here"}`, false},
	{"deeply nested JSON", `{"conversation":"h-1","at":"2026-03-02T14:00:02Z","role":"customer","type":"message","text":"x","extra":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, false},
	// An unknown field is kept verbatim, never parsed, so an overflowing
	// number there is harmless; in the id it is rejected.
	{"overflowing number in an unknown field", `{"conversation":"h-1","at":"2026-03-02T14:00:03Z","role":"customer","type":"message","text":"x","n":1e999999}`, true},
	{"overflowing number as id", `{"id":1e999999,"conversation":"h-1","at":"2026-03-02T14:00:03Z","role":"customer","type":"message","text":"y"}`, false},
	{"year 0", `{"conversation":"h-1","at":"0000-01-01T00:00:00Z","role":"customer","type":"message","text":"old"}`, false},
	{"year 9999", `{"conversation":"h-1","at":"9999-12-31T23:59:59Z","role":"customer","type":"message","text":"late"}`, false},
	{"right-to-left override", `{"conversation":"h-1","at":"2026-03-02T14:00:04Z","role":"customer","type":"message","text":"refund ` + "\u202e" + `evil\u202c now"}`, true},
	{"terminal escapes", `{"conversation":"h-1","at":"2026-03-02T14:00:05Z","role":"customer","type":"message","text":"\u001b]0;pwned\u0007\u001b[2J\r\bclear \u009b31m red"}`, true},
	{"ten megabyte line", `{"conversation":"h-1","at":"2026-03-02T14:00:06Z","role":"customer","type":"message","text":"` + strings.Repeat("a", 10<<20) + `"}`, false},
	{"good line", `{"conversation":"h-1","at":"2026-03-02T14:00:07Z","role":"customer","type":"message","text":"still not working"}`, true},
}

// TestHostileInputRejectedAlone pipes hostile lines among good ones into a
// real daemon: each bad line is rejected with its line number, the good
// ones are stored, and the daemon keeps answering.
func TestHostileInputRejectedAlone(t *testing.T) {
	d := startDesk(t)
	var input strings.Builder
	want := 0
	for _, h := range hostileLines {
		input.WriteString(h.line + "\n")
		if h.accept {
			want++
		}
	}
	path := filepath.Join(d.dir, "hostile.jsonl")
	if err := os.WriteFile(path, []byte(input.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	res := d.run("", "ingest", path)
	if res.code != exitRejected {
		t.Errorf("exit status = %d, want %d\n%s", res.code, exitRejected, res.stderr)
	}
	for i, h := range hostileLines {
		mentioned := strings.Contains(res.stderr, fmt.Sprintf("%s:%d:", path, i+1))
		if mentioned == h.accept {
			t.Errorf("%s (line %d): accepted=%v, but stderr mentions it=%v\n%s", h.name, i+1, h.accept, mentioned, res.stderr)
		}
	}
	if !strings.Contains(res.stderr, fmt.Sprintf("%d accepted", want)) {
		t.Errorf("summary does not say %d accepted:\n%s", want, res.stderr)
	}
	if _, err := d.client().Info(context.Background()); err != nil {
		t.Fatalf("daemon stopped answering: %v", err)
	}

	// The stored escapes reach the console inert.
	lipgloss.SetColorProfile(termenv.Ascii)
	now := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	model := tui.New(tui.Options{Desk: consoleDesk{d.client()}, Agent: "alice", Now: func() time.Time { return now }, NoColor: true})
	tm := teatest.NewTestModel(t, model, teatest.WithInitialTermSize(100, 40))
	waitScreen(t, tm, "Escalation queue")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")})
	waitScreen(t, tm, "All active tickets")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitScreen(t, tm, "Transcript")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(consoleWait)).View()
	for _, bad := range []string{"\x1b]", "\x07", "\u009b", "\u202e", "\r", "\b"} {
		if strings.Contains(final, bad) {
			t.Errorf("ticket view contains the raw control %q", bad)
		}
	}
	if !strings.Contains(final, "still not working") {
		t.Errorf("ticket view lacks the good message:\n%s", final)
	}
}

// TestHostileConversationIDPrintsInert gives a conversation an id full of
// terminal controls, as any source may, and checks that the commands
// that print it make every control inert.
func TestHostileConversationIDPrintsInert(t *testing.T) {
	d := startDesk(t)
	id := "c\u001b]0;title\u0007\u001b[41mred\u202eevil\u009b31m\r\b"
	line, err := json.Marshal(map[string]string{
		"conversation": id, "at": "2026-03-02T14:00:00Z", "role": "customer", "type": "message",
		"text": "I want to speak to a manager",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := d.run(string(line)+"\n", "ingest", "-"); res.code != 0 {
		t.Fatalf("ingest: exit status %d\n%s", res.code, res.stderr)
	}
	for _, args := range [][]string{{"queue", "--all"}, {"ticket", "T-1"}} {
		res := d.run("", args...)
		if res.code != 0 {
			t.Fatalf("%v: exit status %d\n%s", args, res.code, res.stderr)
		}
		if !strings.Contains(res.stdout, "red") {
			t.Errorf("%v does not show the conversation id:\n%s", args, res.stdout)
		}
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\r", "\b"} {
			if strings.Contains(res.stdout, bad) {
				t.Errorf("%v prints the raw control %q", args, bad)
			}
		}
	}
}
