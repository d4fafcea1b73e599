package tui

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/triagedesk/triage/triage"
)

func TestSanitize(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"plain", "still not working", "still not working"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"crlf becomes lf", "a\r\nb", "a\nb"},
		{"lone cr", "a\rb", "a^Mb"},
		{"csi sequence", "\x1b[2Jboom", "^[[2Jboom"},
		{"osc hyperlink", "\x1b]8;;http://x\x07y", "^[]8;;http://x^Gy"},
		{"backspace", "ab\bc", "ab^Hc"},
		{"nul", "a\x00b", "a^@b"},
		{"del", "a\x7fb", "a^?b"},
		{"c1 csi", "a\u009b31mb", "a\ufffd31mb"},
		{"c1 next line", "a\u0085b", "a\ufffdb"},
		{"right-to-left override", "abc\u202edcba", "abc\ufffddcba"},
		{"isolate", "\u2066x\u2069", "\ufffdx\ufffd"},
		{"marks", "\u200e\u200f\u061c", "\ufffd\ufffd\ufffd"},
		{"line separator", "a\u2028b", "a\ufffdb"},
		{"invalid utf-8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"cjk and emoji kept", "日本語 🙂 👨‍👩‍👧", "日本語 🙂 👨‍👩‍👧"},
		{"replacement char kept", "\ufffd", "\ufffd"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Sanitize(c.in); got != c.want {
				t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestSanitizeLineFlattens(t *testing.T) {
	if got := sanitizeLine("a\nb\tc\r\nd"); got != "a b c d" {
		t.Errorf("sanitizeLine = %q, want %q", got, "a b c d")
	}
}

// checkInert fails when out is invalid UTF-8 or holds a rune a terminal
// could act on.
func checkInert(t *testing.T, in, out string, allowed string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output of %q is invalid UTF-8: %q", in, out)
	}
	for _, r := range out {
		if unicode.IsControl(r) && !strings.ContainsRune(allowed, r) {
			t.Fatalf("output of %q keeps control %U: %q", in, r, out)
		}
		if unsafeRune(r) {
			t.Fatalf("output of %q keeps %U: %q", in, r, out)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, seed := range []string{
		"", "hello", "\x1b[31mred\x1b[0m", "\u009b2J", "\u202eabc", "a\r\nb\rc",
		"\xff\xfe", "日本語🙂", "\x1b]52;c;ZXZpbA==\x07", "\t\n\x00\x7f",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		checkInert(t, in, out, "\t\n")
		checkInert(t, in, sanitizeLine(in), "")
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize is not idempotent on %q: %q then %q", in, out, again)
		}
		if isClean(in) && out != in {
			t.Fatalf("clean input %q changed to %q", in, out)
		}
	})
}

func FuzzHighlightText(f *testing.F) {
	f.Add("still NOT working!!", 6, 9, 0.3)
	f.Add("日本語\x1b[2J", 1, 4, -0.2)
	f.Add("\xff\xfe\r\n", -3, 100, 1.0)
	st := plainStyles()
	f.Fuzz(func(t *testing.T, text string, start, end int, weight float64) {
		reasons := []triageReason{{Weight: weight, Start: start, End: end}}
		out := highlightText(text, toReasons(reasons), st)
		checkInert(t, text, out, "\n")
	})
}

// triageReason is a fuzzable stand-in for a triage.Reason with one span.
type triageReason struct {
	Weight     float64
	Start, End int
}

func toReasons(rs []triageReason) []triage.Reason {
	out := make([]triage.Reason, len(rs))
	for i, r := range rs {
		out[i] = triage.Reason{Rule: "fuzz", Weight: r.Weight, Spans: []triage.Span{{Start: r.Start, End: r.End}}}
	}
	return out
}
