package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/triagedesk/triage/triage"
)

// Lines of the history view above its body: title, filters and the three
// lines of totals.
const historyChromeLines = 5

// A terminal at least historyWideWidth by historyWideHeight shows the
// charts beside the table, in a panel chartPanelWidth cells wide.
const (
	historyWideWidth  = 150
	historyWideHeight = 30
	chartPanelWidth   = 56
)

func (m *Model) historyWide() bool {
	return m.width >= historyWideWidth && m.height >= historyWideHeight
}

// historyBodyHeight is the number of lines below the totals.
func (m *Model) historyBodyHeight() int {
	return max(1, m.height-historyChromeLines-m.bottomLines())
}

// historyTableHeight is the number of record rows the table has room for.
func (m *Model) historyTableHeight() int {
	return max(1, m.historyBodyHeight()-1)
}

func (m *Model) historyView() string {
	h := &m.history
	right := ""
	if m.agent != "" {
		right = "agent " + sanitizeLine(m.agent)
	}
	lines := []string{
		spread(m.styles.Title.Render("triage · History"), m.styles.Dim.Render(right), m.width),
		fit(m.historyFilterLine(), m.width),
	}
	for _, line := range m.historyTotalsLines() {
		lines = append(lines, fit(line, m.width))
	}
	height := m.historyBodyHeight()
	switch {
	case m.historyWide():
		tableWidth := m.width - chartPanelWidth - 2
		table := padLines(m.historyTable(tableWidth, height), tableWidth, height)
		charts := padLines(m.historyCharts(chartPanelWidth, height, true), chartPanelWidth, height)
		for i := range height {
			lines = append(lines, table[i]+" │"+charts[i])
		}
	case h.charts:
		lines = append(lines, m.historyCharts(m.width, height, false)...)
	default:
		table := m.historyTable(m.width, height)
		lines = append(lines, table[:min(len(table), height)]...)
	}
	return strings.Join(lines, "\n")
}

// historyFilterLine names the filters, the keys that change them and the
// number of records.
func (m *Model) historyFilterLine() string {
	h := &m.history
	queue := historyQueues[h.queueIndex]
	if queue == "" {
		queue = "all queues"
	}
	kind := string(h.kind())
	if kind == "" {
		kind = "all kinds"
	}
	parts := []string{
		h.rangePreset().label + " (t)",
		queue + " (Q)",
		kind + " (K)",
		plural(len(h.rows), "record", "records"),
	}
	line := strings.Join(parts, " · ")
	switch {
	case h.err != "":
		line += " · " + m.styles.Error.Render(h.err)
	case h.loading:
		line += " · " + m.styles.Dim.Render("loading…")
	case h.dropped > 0:
		line += " · " + m.styles.Dim.Render(fmt.Sprintf("table shows the newest %d", len(h.entries)))
	}
	return line
}

// historyTotalsLines sums the escalations of the range.
func (m *Model) historyTotalsLines() []string {
	t := m.history.totals
	all := &t.All
	rate := "no tickets opened"
	if t.Opened > 0 {
		rate = fmt.Sprintf("rate %.0f%% of %s", 100*t.EscalationRate(), plural(t.Opened, "ticket opened", "tickets opened"))
	}
	first := fmt.Sprintf("%s %d · %s · %s %d",
		m.styles.Title.Render("Escalations"), all.Escalations, rate,
		m.styles.Title.Render("SLA breaches"), all.SLABreaches)

	claim := "— no claims"
	if n := all.TimeToClaim.Count(); n > 0 {
		claim = fmt.Sprintf("median %s · p90 %s · %s",
			formatDuration(all.TimeToClaim.Quantile(0.5)), formatDuration(all.TimeToClaim.Quantile(0.9)),
			plural(int(n), "claim", "claims"))
	}
	second := m.styles.Title.Render("Time to claim") + " " + claim

	open := fmt.Sprint(all.Open)
	if m.history.loading {
		open = "…"
	}
	third := fmt.Sprintf("%s resolved %d · closed %d · open %s · reviewed %d, %d warranted",
		m.styles.Title.Render("Outcomes"), all.Resolved, all.Closed, open, all.Reviewed, all.Warranted)
	return []string{first, second, third}
}

// formatDuration renders a duration like formatWait, with "<1s" for less
// than a second.
func formatDuration(d time.Duration) string {
	if d > 0 && d < time.Second {
		return "<1s"
	}
	return formatWait(d)
}

// historyColumns is the table's layout; reason takes the rest.
type historyColumns struct {
	id, reason int
}

const (
	historyTimeWidth  = 11 // 01-02 15:04
	historyKindWidth  = 12 // sla_breached
	historyQueueWidth = 7
	historyAgentWidth = 8
)

func historyLayout(width, idWidth int) historyColumns {
	c := historyColumns{id: columnWidth(idWidth, len("TICKET"), 14)}
	used := historyTimeWidth + 1 + c.id + 1 + historyKindWidth + 1 + historyQueueWidth + 1 +
		priorityWidth + 1 + frustrationWidth + 1 + historyAgentWidth + 1
	c.reason = max(width-used, 1)
	return c
}

func (c historyColumns) join(at, id, kind, queue, priority, frustration, agent, reason string) string {
	return strings.Join([]string{at, id, kind, queue, priority, frustration, agent, reason}, " ")
}

// historyTable renders the header and the visible records, newest first.
func (m *Model) historyTable(width, height int) []string {
	h := &m.history
	rows := max(1, height-1)
	end := min(h.offset+rows, len(h.rows))
	idWidth := 0
	for i := h.offset; i < end; i++ {
		idWidth = max(idWidth, lipgloss.Width(sanitizeLine(h.rowEntry(i).Ticket)))
	}
	c := historyLayout(width, idWidth)
	header := c.join(fit("TIME", historyTimeWidth), fit("TICKET", c.id), fit("KIND", historyKindWidth),
		fit("QUEUE", historyQueueWidth), fit("PRI", priorityWidth), fitRight("FRUST", frustrationWidth),
		fit("AGENT", historyAgentWidth), fit("REASON", c.reason))
	lines := []string{m.styles.Header.Render(fit(header, width))}
	if len(h.rows) == 0 {
		empty := "No records in this range."
		if h.loading {
			empty = "Loading the history…"
		}
		lines = append(lines, m.styles.Dim.Render(fit(empty, width)))
	}
	loc := m.now().Location()
	for i := h.offset; i < end; i++ {
		e := h.rowEntry(i)
		row := fit(m.historyRow(e, c, loc), width)
		if i == h.cursor {
			row = m.styles.Selected.Render(row)
		}
		lines = append(lines, row)
	}
	return lines
}

// historyRow renders one record. Cells carry no styles, so that the
// selection's style covers the whole line.
func (m *Model) historyRow(e *triage.HistoryEntry, c historyColumns, loc *time.Location) string {
	frustration := ""
	if e.Frustration != nil {
		frustration = frustrationText(*e.Frustration)
	}
	agent := ""
	if e.Agent != nil {
		agent = sanitizeLine(*e.Agent)
	}
	reason := ""
	if e.Reason != "" {
		reason = sanitizeLine(triage.RuleOf(&e.Record))
	}
	if e.Review != nil {
		reason = "[" + verdictText(e.Review.Verdict) + "] " + reason
	}
	priority := ""
	if e.Queue != "" {
		priority = e.Priority.String()
	}
	return c.join(
		fit(e.At.In(loc).Format("01-02 15:04"), historyTimeWidth),
		fit(sanitizeLine(e.Ticket), c.id),
		fit(sanitizeLine(string(e.Kind)), historyKindWidth),
		fit(sanitizeLine(e.Queue), historyQueueWidth),
		fit(priority, priorityWidth),
		fitRight(frustration, frustrationWidth),
		fit(agent, historyAgentWidth),
		fit(reason, c.reason),
	)
}

// claimBins are the ranges of the time-to-claim chart, each up to its
// bound; the last one is open.
var claimBins = []struct {
	label string
	upTo  time.Duration
}{
	{"<1m", time.Minute},
	{"1-5m", 5 * time.Minute},
	{"5-15m", 15 * time.Minute},
	{"15-60m", time.Hour},
	{"1-4h", 4 * time.Hour},
	{">4h", 0},
}

// topReasons is the number of rules the reasons chart shows.
const topReasons = 5

// historyCharts renders the escalations per slot, the time-to-claim
// distribution and the top reasons in width by height cells. stacked
// puts every chart under the one before; otherwise the last two sit side
// by side when they fit.
func (m *Model) historyCharts(width, height int, stacked bool) []string {
	lines := m.escalationsChart(width, 5)
	claims, reasons := m.claimChart(), m.reasonsChart()
	if stacked || width < 60 {
		lines = append(lines, "")
		lines = append(lines, chartSection(m.styles.Section.Render("Time to claim"), barChart(claims, width))...)
		lines = append(lines, "")
		lines = append(lines, chartSection(m.styles.Section.Render("Top reasons"), barChart(reasons, width))...)
	} else {
		half := (width - 3) / 2
		left := chartSection(m.styles.Section.Render("Time to claim"), barChart(claims, half))
		right := chartSection(m.styles.Section.Render("Top reasons"), barChart(reasons, width-half-3))
		rows := max(len(left), len(right))
		left, right = padLines(left, half, rows), padLines(right, width-half-3, rows)
		lines = append(lines, "")
		for i := range rows {
			lines = append(lines, left[i]+" │ "+right[i])
		}
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	for i := range lines {
		lines[i] = fit(lines[i], width)
	}
	return lines
}

func chartSection(title string, body []string) []string {
	if len(body) == 0 {
		body = []string{"none"}
	}
	return append([]string{title}, body...)
}

// escalationsChart draws the escalations per slot of the range as
// columns bars rows high, with the range's ends under them.
func (m *Model) escalationsChart(width, bars int) []string {
	h := &m.history
	preset := h.rangePreset()
	slots := h.slots
	if len(slots) > width {
		slots = slots[len(slots)-width:]
	}
	top, total := 0, 0
	for _, v := range slots {
		top = max(top, v)
		total += v
	}
	title := fmt.Sprintf("Escalations per %s · %d, at most %d in one %s", preset.slotName, total, top, preset.slotName)
	n := max(len(slots), 1)
	gap := 2*n-1 <= width
	cell := 1
	if gap {
		cell = min(max((width+1)/n-1, 1), 3)
	}
	chart := columnChart(slots, bars, cell, gap)
	chartWidth := n*cell + (n - 1)
	if !gap {
		chartWidth = n * cell
	}
	loc := m.now().Location()
	layout := "Jan 2"
	if preset.slot < 24*time.Hour {
		layout = "15:04"
	}
	start := h.until.Add(-time.Duration(len(slots)) * preset.slot).In(loc).Format(layout)
	axis := spread(start, "now", max(chartWidth, lipgloss.Width(start)+5))
	lines := []string{m.styles.Section.Render(title)}
	lines = append(lines, chart...)
	return append(lines, m.styles.Dim.Render(axis))
}

// claimChart counts the claims of the range per time-to-claim bin.
func (m *Model) claimChart() []barRow {
	hist := &m.history.totals.All.TimeToClaim
	if hist.Count() == 0 {
		return nil
	}
	rows := make([]barRow, len(claimBins))
	for i, b := range claimBins {
		rows[i].label = b.label
	}
	hist.Buckets(func(value time.Duration, count uint64) {
		i := len(claimBins) - 1
		for j, b := range claimBins[:len(claimBins)-1] {
			if value < b.upTo {
				i = j
				break
			}
		}
		rows[i].value += int(count)
	})
	return rows
}

// reasonsChart counts the escalations of the most frequent rules.
func (m *Model) reasonsChart() []barRow {
	byRule := m.history.totals.ByRule
	var rows []barRow
	for _, rule := range triage.SortedKeys(byRule) {
		if len(rows) == topReasons {
			break
		}
		if n := byRule[rule].Escalations; n > 0 {
			rows = append(rows, barRow{label: sanitizeLine(rule), value: n})
		}
	}
	return rows
}

// padLines fits every line to width and adds blank lines up to height.
func padLines(lines []string, width, height int) []string {
	out := make([]string, height)
	for i := range height {
		if i < len(lines) {
			out[i] = fit(lines[i], width)
		} else {
			out[i] = strings.Repeat(" ", width)
		}
	}
	return out
}
