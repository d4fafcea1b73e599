package tui

import (
	"context"
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// historyRange is a time range preset of the history view: the span up
// to now, and the slot of the escalations chart.
type historyRange struct {
	label    string
	span     time.Duration
	slot     time.Duration
	slotName string
}

var historyRanges = []historyRange{
	{"last 24 hours", 24 * time.Hour, time.Hour, "hour"},
	{"last 7 days", 7 * 24 * time.Hour, 24 * time.Hour, "day"},
	{"last 30 days", 30 * 24 * time.Hour, 24 * time.Hour, "day"},
}

// historyQueues are the queue filters that Q steps through; "" is every
// queue.
var historyQueues = []string{"", triage.QueueSenior, triage.QueueAgents, triage.QueueBot}

// historyKinds are the record kinds that K steps through; "" is every
// kind. The kind filters the table only: the totals need every kind.
var historyKinds = []triage.RecordKind{
	"", triage.KindEscalated, triage.KindClaimed, triage.KindSLABreached,
	triage.KindResolved, triage.KindClosed, triage.KindOpened, triage.KindDeescalated,
	triage.KindReleased, triage.KindReassigned, triage.KindReopened,
}

// maxHistoryEntries bounds the records the history view keeps for its
// table. The totals and charts count every record of the range; the
// table then shows the newest ones.
const maxHistoryEntries = 20000

// historyBatch is the number of records the loader sends to the model at
// a time.
const historyBatch = 500

// historyState is the history view: its filters, the records loaded for
// them in time order, and their totals.
type historyState struct {
	rangeIndex, queueIndex, kindIndex int

	request int
	cancel  context.CancelFunc
	loading bool
	err     string

	since, until time.Time
	entries      []*triage.HistoryEntry
	// dropped counts the oldest records removed to stay within
	// maxHistoryEntries.
	dropped int
	// rows indexes entries that pass the kind filter, oldest first.
	rows   []int
	totals *triage.Totals
	// slots counts escalations per chart slot from since.
	slots []int

	cursor, offset int
	// charts makes a narrow layout show the charts in place of the table.
	charts bool
	// stale is set when a review was saved since the records loaded.
	stale bool
}

func (h *historyState) init() {
	h.rangeIndex = 1
	h.totals = triage.NewTotals()
}

func (h *historyState) rangePreset() historyRange { return historyRanges[h.rangeIndex] }

func (h *historyState) kind() triage.RecordKind { return historyKinds[h.kindIndex] }

// historyChunkMsg carries records streamed for one request. The last
// message of a request has done set, or err.
type historyChunkMsg struct {
	request int
	entries []*triage.HistoryEntry
	done    bool
	err     error
	next    <-chan historyChunkMsg
}

// openHistory switches to the history view and loads the records.
func (m *Model) openHistory() tea.Cmd {
	if m.historyDesk == nil {
		return nil
	}
	m.view = viewHistory
	m.syncKeys()
	m.layout()
	return m.loadHistory()
}

// closeHistory returns to the queue and stops a load in flight.
func (m *Model) closeHistory() {
	if m.history.cancel != nil {
		m.history.cancel()
		m.history.cancel = nil
	}
	m.history.loading = false
	m.view = viewQueue
	m.syncKeys()
	m.layout()
	m.restoreCursor()
}

// loadHistory starts streaming the records of the current filters,
// dropping what an earlier load found.
func (m *Model) loadHistory() tea.Cmd {
	h := &m.history
	if h.cancel != nil {
		h.cancel()
	}
	h.request++
	h.loading = true
	h.err = ""
	h.until = m.now()
	preset := h.rangePreset()
	h.since = h.until.Add(-preset.span)
	h.entries, h.rows, h.dropped = nil, nil, 0
	h.totals = triage.NewTotals()
	h.slots = make([]int, int(preset.span/preset.slot))
	h.cursor, h.offset = 0, 0

	ctx, cancel := context.WithCancel(m.ctx)
	h.cancel = cancel
	q := client.HistoryQuery{Since: h.since, Until: h.until, Queue: historyQueues[h.queueIndex]}
	ch := make(chan historyChunkMsg, 2)
	go streamHistory(ctx, m.historyDesk, q, h.request, ch)
	return readHistoryCmd(ch)
}

// streamHistory runs one History call and sends its records on ch in
// batches, then a message with done or err set, and closes ch.
func streamHistory(ctx context.Context, desk HistoryDesk, q client.HistoryQuery, request int, ch chan<- historyChunkMsg) {
	defer close(ch)
	var batch []*triage.HistoryEntry
	send := func(msg historyChunkMsg) error {
		msg.request = request
		select {
		case ch <- msg:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := desk.History(ctx, q, func(e *triage.HistoryEntry) error {
		batch = append(batch, e)
		if len(batch) < historyBatch {
			return nil
		}
		err := send(historyChunkMsg{entries: batch})
		batch = nil
		return err
	})
	if ctx.Err() != nil {
		return
	}
	_ = send(historyChunkMsg{entries: batch, done: err == nil, err: err})
}

// readHistoryCmd waits for the loader's next message.
func readHistoryCmd(ch <-chan historyChunkMsg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		msg.next = ch
		return msg
	}
}

func (m *Model) handleHistoryChunk(msg historyChunkMsg) tea.Cmd {
	h := &m.history
	if msg.request != h.request {
		return nil
	}
	for _, e := range msg.entries {
		m.addHistoryEntry(e)
	}
	switch {
	case msg.err != nil:
		h.loading = false
		if !errors.Is(msg.err, context.Canceled) {
			h.err = "load history failed: " + sanitizeLine(msg.err.Error())
		}
		h.totals.Finish()
		return nil
	case msg.done:
		h.loading = false
		h.totals.Finish()
		return nil
	}
	return readHistoryCmd(msg.next)
}

// addHistoryEntry counts one streamed record and keeps it for the table.
func (m *Model) addHistoryEntry(e *triage.HistoryEntry) {
	h := &m.history
	if e == nil {
		return
	}
	h.totals.Add(e)
	if e.Kind == triage.KindEscalated && !e.At.Before(h.since) {
		slot := int(e.At.Sub(h.since) / h.rangePreset().slot)
		if slot >= 0 && slot < len(h.slots) {
			h.slots[slot]++
		}
	}
	if len(h.entries) >= maxHistoryEntries {
		// Drop a tenth at once, so that the copy is rare.
		n := maxHistoryEntries / 10
		h.entries = append(h.entries[:0], h.entries[n:]...)
		h.dropped += n
		h.filterRows()
	}
	h.entries = append(h.entries, e)
	if h.kind() == "" || e.Kind == h.kind() {
		h.rows = append(h.rows, len(h.entries)-1)
	}
}

// filterRows recomputes the rows that pass the kind filter.
func (h *historyState) filterRows() {
	h.rows = h.rows[:0]
	for i, e := range h.entries {
		if h.kind() == "" || e.Kind == h.kind() {
			h.rows = append(h.rows, i)
		}
	}
	h.cursor = min(h.cursor, max(len(h.rows)-1, 0))
}

// rowEntry returns the record on table row i, newest first.
func (h *historyState) rowEntry(i int) *triage.HistoryEntry {
	if i < 0 || i >= len(h.rows) {
		return nil
	}
	return h.entries[h.rows[len(h.rows)-1-i]]
}

func (m *Model) handleHistoryKey(msg tea.KeyMsg) tea.Cmd {
	h := &m.history
	page := max(1, m.historyTableHeight())
	switch {
	case key.Matches(msg, m.keys.Back):
		m.closeHistory()
	case key.Matches(msg, m.keys.Up):
		m.moveHistoryCursor(h.cursor - 1)
	case key.Matches(msg, m.keys.Down):
		m.moveHistoryCursor(h.cursor + 1)
	case key.Matches(msg, m.keys.Top):
		m.moveHistoryCursor(0)
	case key.Matches(msg, m.keys.Bottom):
		m.moveHistoryCursor(len(h.rows) - 1)
	case key.Matches(msg, m.keys.PageUp):
		m.moveHistoryCursor(h.cursor - page)
	case key.Matches(msg, m.keys.PageDown):
		m.moveHistoryCursor(h.cursor + page)
	case key.Matches(msg, m.keys.Range):
		h.rangeIndex = (h.rangeIndex + 1) % len(historyRanges)
		return m.loadHistory()
	case key.Matches(msg, m.keys.QueueOf):
		h.queueIndex = (h.queueIndex + 1) % len(historyQueues)
		return m.loadHistory()
	case key.Matches(msg, m.keys.KindOf):
		h.kindIndex = (h.kindIndex + 1) % len(historyKinds)
		h.filterRows()
		m.moveHistoryCursor(0)
	case key.Matches(msg, m.keys.Charts):
		h.charts = !h.charts
	case key.Matches(msg, m.keys.Open):
		if e := h.rowEntry(h.cursor); e != nil {
			return m.openTicket(e.Ticket)
		}
	}
	return nil
}

// moveHistoryCursor selects table row i, clamped, and scrolls to it.
func (m *Model) moveHistoryCursor(i int) {
	h := &m.history
	h.cursor = min(max(i, 0), max(len(h.rows)-1, 0))
	rows := max(1, m.historyTableHeight())
	if h.cursor < h.offset {
		h.offset = h.cursor
	}
	if h.cursor >= h.offset+rows {
		h.offset = h.cursor - rows + 1
	}
	h.offset = max(0, min(h.offset, len(h.rows)-rows))
}
