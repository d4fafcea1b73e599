package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// sparkBlocks are the eight levels of a sparkline, lowest first.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the last width values of a trend, each in [0,1], one
// cell per value.
func sparkline(trend []float64, width int) string {
	if width <= 0 || len(trend) == 0 {
		return ""
	}
	if len(trend) > width {
		trend = trend[len(trend)-width:]
	}
	var b strings.Builder
	for _, v := range trend {
		if math.IsNaN(v) {
			v = 0
		}
		level := int(math.Round(min(max(v, 0), 1) * float64(len(sparkBlocks)-1)))
		b.WriteRune(sparkBlocks[level])
	}
	return b.String()
}

// formatWait renders a wait time compactly, at most six cells wide: 45s,
// 12m, 3h05m, 2d04h, and whole days from 100 days on (333d), up to
// ">9999d".
func formatWait(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	days := int64(d / (24 * time.Hour))
	switch {
	case days > 9999:
		return ">9999d"
	case days >= 100:
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%02dh", days, int(d%(24*time.Hour)/time.Hour))
}

// fit truncates s to width display cells, ending it with "…" when cut,
// and pads it with spaces to exactly width cells.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(s) > width {
		s = ansi.Truncate(s, width, "…")
	}
	if pad := width - lipgloss.Width(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// fitRight is fit with the padding on the left.
func fitRight(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(s) > width {
		s = ansi.Truncate(s, width, "…")
	}
	if pad := width - lipgloss.Width(s); pad > 0 {
		s = strings.Repeat(" ", pad) + s
	}
	return s
}

// clip cuts every line of s to width display cells.
func clip(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if lipgloss.Width(line) > width {
			lines[i] = ansi.Truncate(line, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// spread places left and right on one line of the given width, cutting
// left when both do not fit.
func spread(left, right string, width int) string {
	rw := lipgloss.Width(right)
	if rw >= width {
		return fit(right, width)
	}
	return fit(left, width-rw-1) + " " + right
}

// frustrationText formats a score in [0,1] with two decimals.
func frustrationText(f float64) string {
	return fmt.Sprintf("%.2f", f)
}

// plural formats n with the singular or plural noun: "1 ticket",
// "2 tickets".
func plural(n int, singular, pluralForm string) string {
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, pluralForm)
}
