package tui

import (
	"fmt"
	"strings"
)

// columnBlocks are the eighths of a cell that a column chart fills,
// lowest first.
var columnBlocks = []rune(" ▁▂▃▄▅▆▇█")

// barBlocks are the eighths of a cell that a horizontal bar fills,
// narrowest first.
var barBlocks = []rune(" ▏▎▍▌▋▊▉█")

// columnChart draws values as vertical bars, height rows high, each bar
// cellWidth cells wide with a gap of one cell when gap is set. The
// highest value fills the height; any value above zero shows at least
// one eighth.
func columnChart(values []int, height, cellWidth int, gap bool) []string {
	top := 0
	for _, v := range values {
		top = max(top, v)
	}
	lines := make([]string, height)
	for row := range height {
		// Rows are built top first; level counts eighths from the bottom.
		base := (height - 1 - row) * 8
		var b strings.Builder
		for i, v := range values {
			if i > 0 && gap {
				b.WriteByte(' ')
			}
			eighths := 0
			if top > 0 && v > 0 {
				eighths = max(1, (v*height*8+top/2)/top)
			}
			level := min(max(eighths-base, 0), 8)
			b.WriteString(strings.Repeat(string(columnBlocks[level]), cellWidth))
		}
		lines[row] = b.String()
	}
	return lines
}

// hbar draws value against top as a bar up to width cells, in eighths of
// a cell. Any value above zero shows at least one eighth.
func hbar(value, top, width int) string {
	if width <= 0 || top <= 0 || value <= 0 {
		return strings.Repeat(" ", max(width, 0))
	}
	eighths := max(1, (min(value, top)*width*8+top/2)/top)
	full, rest := eighths/8, eighths%8
	s := strings.Repeat("█", full)
	if rest > 0 {
		s += string(barBlocks[rest])
	}
	return s + strings.Repeat(" ", width-full-min(rest, 1))
}

// barRow is one labelled horizontal bar.
type barRow struct {
	label string
	value int
}

// barChart draws labelled horizontal bars in width cells: the label, the
// bar and the value.
func barChart(rows []barRow, width int) []string {
	top, labelWidth, valueWidth := 0, 0, 1
	for _, r := range rows {
		top = max(top, r.value)
		labelWidth = max(labelWidth, len([]rune(r.label)))
		valueWidth = max(valueWidth, len(fmt.Sprint(r.value)))
	}
	labelWidth = min(labelWidth, max(width/2, 6))
	barWidth := max(width-labelWidth-valueWidth-2, 1)
	lines := make([]string, 0, len(rows))
	for _, r := range rows {
		line := fit(r.label, labelWidth) + " " + hbar(r.value, top, barWidth) + " " + fitRight(fmt.Sprint(r.value), valueWidth)
		lines = append(lines, fit(line, width))
	}
	return lines
}
