package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/triagedesk/triage/triage"
)

// roleWidth is the width of the role column of the transcript.
const roleWidth = 8

// renderTranscript renders a ticket's transcript, with each customer
// turn's scores and reasons under it, followed by the ticket's history.
// Times are shown in loc. Every line fits in width cells.
func renderTranscript(d *triage.TicketDetail, width int, loc *time.Location, st Styles) string {
	width = max(width, minWidth)
	var lines []string
	lines = append(lines, st.Section.Render("Transcript"))
	lastDay := ""
	messages := 0
	for i := range d.Events {
		e := &d.Events[i]
		if e.Type == triage.TypeTyping {
			continue
		}
		messages++
		at := e.At.In(loc)
		if day := at.Format("Mon 2 Jan 2006"); day != lastDay {
			lines = append(lines, st.Dim.Render("── "+day+" ──"))
			lastDay = day
		}
		lines = append(lines, renderEvent(e, at, width, st)...)
	}
	if messages == 0 {
		lines = append(lines, st.Dim.Render("no messages yet"))
	}
	if d.Ticket != nil && d.Ticket.ScriptState != nil {
		lines = append(lines, "", st.Section.Render("Script"))
		for _, line := range renderScriptPath(d.Ticket.ScriptState, loc) {
			lines = append(lines, wrapHanging(line, width, 2, 4)...)
		}
	}
	lines = append(lines, "", st.Section.Render("History"))
	if len(d.History) == 0 {
		lines = append(lines, st.Dim.Render("no history records"))
	}
	for _, rec := range d.History {
		if rec != nil {
			lines = append(lines, wrapHanging(renderRecord(rec, loc), width, 2, 4)...)
		}
	}
	return strings.Join(lines, "\n")
}

// renderScriptPath describes a ticket's way through its troubleshooting
// script: the script version, the steps in the order the ticket reached
// them, where it stands now, and what the script said at each step.
func renderScriptPath(ss *triage.ScriptState, loc *time.Location) []string {
	head := fmt.Sprintf("%s v%d", sanitizeLine(ss.Name), ss.Version)
	if len(ss.Keywords) > 0 {
		quoted := make([]string, len(ss.Keywords))
		for i, k := range ss.Keywords {
			quoted[i] = strconv.Quote(sanitizeLine(k))
		}
		head += " · took the ticket on " + strings.Join(quoted, ", ")
	}
	var path []string
	add := func(step string) {
		if step != "" && (len(path) == 0 || path[len(path)-1] != step) {
			path = append(path, step)
		}
	}
	for _, msg := range ss.Messages {
		add(sanitizeLine(msg.Step))
	}
	add(sanitizeLine(ss.Step))
	state := "now at " + sanitizeLine(ss.Step)
	switch {
	case ss.LimitReached:
		state = "stopped at " + sanitizeLine(ss.Step) + ": too many transitions on one event"
	case ss.Finished:
		state = "finished at " + sanitizeLine(ss.Step)
	case ss.TimeoutAt != nil:
		state += ", waiting for a reply until " + ss.TimeoutAt.In(loc).Format("15:04:05")
	}
	lines := []string{head, "path: " + strings.Join(path, " → ") + " (" + state + ")"}
	for _, msg := range ss.Messages {
		lines = append(lines, fmt.Sprintf("%s %s %s: %s", msg.At.In(loc).Format("15:04:05"),
			sanitizeLine(msg.Step), sanitizeLine(msg.Kind), sanitizeLine(msg.Text)))
	}
	return lines
}

// renderEvent renders one message or closing event, and for a customer
// message its analysis.
func renderEvent(e *triage.StoredEvent, at time.Time, width int, st Styles) []string {
	role := sanitizeLine(string(e.Role))
	roleStyle := st.Agent
	if e.Role == triage.RoleCustomer {
		roleStyle = st.Customer
	}
	prefix := at.Format("15:04:05") + " " + roleStyle.Render(fit(role, roleWidth)) + " "
	indent := lipgloss.Width(prefix)
	bodyWidth := width - indent

	var reasons []triage.Reason
	if e.Analysis != nil {
		reasons = e.Analysis.Reasons
	}
	body := highlightText(e.Text, reasons, st)
	if e.Type == triage.TypeClosed {
		body = st.Dim.Render("closed the conversation")
	}
	var lines []string
	for i, line := range strings.Split(ansi.Wrap(body, bodyWidth, ""), "\n") {
		if i == 0 {
			lines = append(lines, prefix+line)
		} else {
			lines = append(lines, strings.Repeat(" ", indent)+line)
		}
	}
	if e.Role != triage.RoleCustomer || e.Type != triage.TypeMessage || e.Analysis == nil {
		return lines
	}
	lines = append(lines, wrapIndented(st.Dim.Render(analysisSummary(e.Analysis)), width, indent)...)
	for _, r := range e.Analysis.Reasons {
		// A positive weight raises frustration. A weight of 0 marks a
		// summary, such as the change of the score, and shows no number.
		weight := fmt.Sprintf("%+.2f", r.Weight)
		switch {
		case r.Weight > 0:
			weight = st.Hot.Render(weight)
		case r.Weight == 0:
			weight = strings.Repeat(" ", len(weight))
		}
		text := weight + " " + sanitizeLine(r.Rule)
		if r.Text != "" {
			text += ": " + sanitizeLine(r.Text)
		}
		lines = append(lines, wrapHanging(text, width, indent+2, indent+4)...)
	}
	return lines
}

// analysisSummary is the one-line account of a customer turn's scores.
func analysisSummary(a *triage.Analysis) string {
	parts := []string{
		"frustration " + frustrationText(a.Frustration),
		"negativity " + frustrationText(a.Negativity),
		fmt.Sprintf("valence %+.2f", a.Valence),
	}
	if a.TypingSpeed > 0 {
		speed := fmt.Sprintf("%.1f chars/s", a.TypingSpeed)
		if a.SpeedRatio > 0 {
			speed += fmt.Sprintf(" (%.1f× own baseline)", a.SpeedRatio)
		}
		parts = append(parts, speed)
	}
	return strings.Join(parts, " · ")
}

// renderRecord renders one history record on one logical line.
func renderRecord(rec *triage.Record, loc *time.Location) string {
	parts := []string{
		rec.At.In(loc).Format("2006-01-02 15:04:05"),
		sanitizeLine(string(rec.Kind)),
	}
	if rec.Queue != "" {
		parts = append(parts, sanitizeLine(rec.Queue)+"/"+rec.Priority.String())
	}
	if rec.Agent != nil {
		parts = append(parts, "by "+sanitizeLine(*rec.Agent))
	}
	if rec.Frustration != nil {
		parts = append(parts, "frustration "+frustrationText(*rec.Frustration))
	}
	if rec.Script != nil {
		script := "script " + sanitizeLine(*rec.Script)
		if rec.ScriptVersion != nil {
			script += fmt.Sprintf(" v%d", *rec.ScriptVersion)
		}
		parts = append(parts, script)
	}
	line := strings.Join(parts, "  ")
	if rec.Reason != "" {
		line += "  " + sanitizeLine(rec.Reason)
	}
	if len(rec.Scores) > 0 {
		scores := make([]string, len(rec.Scores))
		for i, s := range rec.Scores {
			scores[i] = sanitizeLine(s)
		}
		line += " (" + strings.Join(scores, ", ") + ")"
	}
	return line
}

// wrapIndented wraps s to width cells and indents every line by indent
// spaces.
func wrapIndented(s string, width, indent int) []string {
	return wrapHanging(s, width, indent, indent)
}

// wrapHanging wraps s to width cells, indenting the first line by first
// spaces and the lines after it by rest spaces. s must be one line.
func wrapHanging(s string, width, first, rest int) []string {
	lines := strings.Split(ansi.Wrap(s, max(width-first, 10), ""), "\n")
	if len(lines) > 1 && rest != first {
		tail := strings.Join(lines[1:], " ")
		lines = append(lines[:1], strings.Split(ansi.Wrap(tail, max(width-rest, 10), ""), "\n")...)
	}
	for i := range lines {
		indent := rest
		if i == 0 {
			indent = first
		}
		lines[i] = strings.Repeat(" ", indent) + lines[i]
	}
	return lines
}

// Span classes of highlightText.
const (
	spanPlain    int8 = 0
	spanCalming  int8 = -1
	spanNegative int8 = 1
)

// highlightText sanitises a message and highlights the byte ranges that
// the reasons matched: a reason with a positive weight added to the score
// and marks negative words, one with a negative weight marks calming
// words. Where ranges overlap, negative wins. Spans out of range are
// clamped, and span edges inside a UTF-8 sequence are widened to whole
// runes.
func highlightText(text string, reasons []triage.Reason, st Styles) string {
	var marks []int8
	for _, r := range reasons {
		if r.Weight == 0 {
			continue
		}
		for _, sp := range r.Spans {
			start, end := runeSpan(text, sp)
			if start >= end {
				continue
			}
			if marks == nil {
				marks = make([]int8, len(text))
			}
			for i := start; i < end; i++ {
				if r.Weight > 0 {
					marks[i] = spanNegative
				} else if marks[i] == spanPlain {
					marks[i] = spanCalming
				}
			}
		}
	}
	if marks == nil {
		return cleanBody(text)
	}
	var b strings.Builder
	for start := 0; start < len(text); {
		end := start + 1
		for end < len(text) && marks[end] == marks[start] {
			end++
		}
		segment := cleanBody(text[start:end])
		switch marks[start] {
		case spanNegative:
			segment = styleLines(segment, st.negative)
		case spanCalming:
			segment = styleLines(segment, func(s string) string { return st.Calming.Render(s) })
		}
		b.WriteString(segment)
		start = end
	}
	return b.String()
}

// runeSpan clamps a span to text and widens it to rune boundaries.
func runeSpan(text string, sp triage.Span) (start, end int) {
	start = min(max(sp.Start, 0), len(text))
	end = min(max(sp.End, 0), len(text))
	for start > 0 && start < len(text) && !utf8.RuneStart(text[start]) {
		start--
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	return start, end
}

// cleanBody sanitises message text and expands tabs, whose width a
// terminal decides and a layout cannot know.
func cleanBody(s string) string {
	return strings.ReplaceAll(Sanitize(s), "\t", "    ")
}

// styleLines applies render to each line of s separately, so that a style
// never spans a line break.
func styleLines(s string, render func(string) string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if line != "" {
			lines[i] = render(line)
		}
	}
	return strings.Join(lines, "\n")
}
