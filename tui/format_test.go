package tui

import (
	"math"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/triagedesk/triage/triage"
)

func TestFormatWait(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want string
	}{
		{-time.Minute, "0s"},
		{0, "0s"},
		{59 * time.Second, "59s"},
		{time.Minute, "1m"},
		{59*time.Minute + 59*time.Second, "59m"},
		{time.Hour + 5*time.Minute, "1h05m"},
		{23*time.Hour + 59*time.Minute, "23h59m"},
		{26 * time.Hour, "1d02h"},
		{99*24*time.Hour + 23*time.Hour, "99d23h"},
		{100 * 24 * time.Hour, "100d"},
		{333*24*time.Hour + 5*time.Hour, "333d"},
		{9999 * 24 * time.Hour, "9999d"},
		{10000 * 24 * time.Hour, ">9999d"},
	}
	for _, c := range cases {
		got := formatWait(c.in)
		if got != c.want {
			t.Errorf("formatWait(%s) = %q, want %q", c.in, got, c.want)
		}
		if len(got) > waitWidth {
			t.Errorf("formatWait(%s) = %q is wider than the column (%d)", c.in, got, waitWidth)
		}
	}
}

func TestSparkline(t *testing.T) {
	cases := []struct {
		trend []float64
		width int
		want  string
	}{
		{nil, 6, ""},
		{[]float64{0, 1}, 0, ""},
		{[]float64{0, 0.5, 1}, 6, "▁▅█"},
		{[]float64{-1, 2, math.NaN()}, 6, "▁█▁"},
		{[]float64{0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1}, 3, "▆▇█"},
	}
	for _, c := range cases {
		if got := sparkline(c.trend, c.width); got != c.want {
			t.Errorf("sparkline(%v, %d) = %q, want %q", c.trend, c.width, got, c.want)
		}
	}
}

func TestFitMeasuresDisplayWidth(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"日本語", 6, "日本語"},
		{"日本語", 5, "日本…"},
		{"日本語", 4, "日… "},
		{"🙂🙂", 3, "🙂…"},
		{"x", 0, ""},
	}
	for _, c := range cases {
		got := fit(c.in, c.width)
		if got != c.want {
			t.Errorf("fit(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
		if w := lipgloss.Width(got); w != c.width {
			t.Errorf("fit(%q, %d) is %d cells wide", c.in, c.width, w)
		}
	}
}

func TestHighlightSpans(t *testing.T) {
	st := plainStyles()
	cases := []struct {
		name    string
		text    string
		reasons []triage.Reason
		want    string
	}{
		{"no reasons", "fine", nil, "fine"},
		{"one word", "this is useless", []triage.Reason{{Weight: 0.3, Spans: []triage.Span{{Start: 8, End: 15}}}}, "this is «useless»"},
		{"overlap merges", "NOT working", []triage.Reason{
			{Weight: 0.1, Spans: []triage.Span{{Start: 0, End: 3}}},
			{Weight: 0.2, Spans: []triage.Span{{Start: 0, End: 11}}},
		}, "«NOT working»"},
		{"calming not marked in plain styles", "thanks a lot", []triage.Reason{{Weight: -0.2, Spans: []triage.Span{{Start: 0, End: 6}}}}, "thanks a lot"},
		{"zero weight ignored", "meh", []triage.Reason{{Weight: 0, Spans: []triage.Span{{Start: 0, End: 3}}}}, "meh"},
		{"out of range clamped", "bad", []triage.Reason{{Weight: 1, Spans: []triage.Span{{Start: -4, End: 99}}}}, "«bad»"},
		{"reversed span ignored", "bad", []triage.Reason{{Weight: 1, Spans: []triage.Span{{Start: 2, End: 1}}}}, "bad"},
		{"mid-rune edges widened", "日本語", []triage.Reason{{Weight: 1, Spans: []triage.Span{{Start: 4, End: 5}}}}, "日«本»語"},
		{"control inside span", "a\x1bb", []triage.Reason{{Weight: 1, Spans: []triage.Span{{Start: 0, End: 3}}}}, "«a^[b»"},
		{"span over newline", "ab\ncd", []triage.Reason{{Weight: 1, Spans: []triage.Span{{Start: 1, End: 4}}}}, "a«b»\n«c»d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := highlightText(c.text, c.reasons, st); got != c.want {
				t.Errorf("highlightText(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestNewStylesHonoursNoColor(t *testing.T) {
	if st := NewStyles(true); st.NegativeOpen == "" {
		t.Error("NewStyles(true) does not mark negative words in text")
	}
	lipgloss.SetColorProfile(termenv.ANSI)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	if st := NewStyles(false); st.NegativeOpen != "" {
		t.Error("NewStyles(false) on a colour terminal marks negative words in text")
	}
	if st := NewStyles(true); st.Negative.GetForeground() != (lipgloss.NoColor{}) {
		t.Errorf("NewStyles(true) on a colour terminal has colour %v", st.Negative.GetForeground())
	}
}
