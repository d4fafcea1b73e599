package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/triage"
)

// handleKey runs the binding that msg matches in the current view.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	m.notice = ""
	if m.review.active {
		return m.handleReviewKey(msg)
	}
	if m.reply.active {
		return m.handleReplyKey(msg)
	}
	// Keys typed faster than the terminal is read arrive as one message
	// with several runes. Outside a text box each is a key of its own.
	if msg.Type == tea.KeyRunes && !msg.Paste && len(msg.Runes) > 1 {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		m.shutdown()
		return tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		if m.help.ShowAll {
			m.keys.Help.SetHelp("?", "less help")
		} else {
			m.keys.Help.SetHelp("?", "help")
		}
		m.layout()
		return nil
	}
	if m.width < minWidth || m.height < minHeight {
		return nil
	}
	switch m.view {
	case viewTicket:
		return m.handleTicketKey(msg)
	case viewHistory:
		return m.handleHistoryKey(msg)
	case viewScripts:
		return m.handleScriptsKey(msg)
	}
	return m.handleQueueKey(msg)
}

func (m *Model) handleQueueKey(msg tea.KeyMsg) tea.Cmd {
	page := max(1, m.listHeight())
	switch {
	case key.Matches(msg, m.keys.Up):
		m.moveCursor(m.cursor - 1)
	case key.Matches(msg, m.keys.Down):
		m.moveCursor(m.cursor + 1)
	case key.Matches(msg, m.keys.Top):
		m.moveCursor(0)
	case key.Matches(msg, m.keys.Bottom):
		m.moveCursor(len(m.queue.tickets) - 1)
	case key.Matches(msg, m.keys.PageUp):
		m.moveCursor(m.cursor - page)
	case key.Matches(msg, m.keys.PageDown):
		m.moveCursor(m.cursor + page)
	case key.Matches(msg, m.keys.ToggleAll):
		m.all = !m.all
		m.pending = nil
		if m.all {
			m.setStatus("showing all active tickets")
		} else {
			m.setStatus("showing escalated and claimed tickets")
		}
		return m.reloadQueue()
	case key.Matches(msg, m.keys.Open):
		if m.selectedID == "" {
			return nil
		}
		delete(m.newAt, m.selectedID)
		return m.openTicket(m.selectedID)
	case key.Matches(msg, m.keys.History):
		return m.openHistory()
	case key.Matches(msg, m.keys.Scripts):
		return m.openScripts()
	}
	return nil
}

func (m *Model) handleTicketKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back):
		m.closeTicket()
		if m.view == viewHistory && m.history.stale {
			// The table and totals show reviews, so a mark made in the
			// ticket view needs the records again.
			m.history.stale = false
			return m.loadHistory()
		}
	case key.Matches(msg, m.keys.Up):
		m.viewport.ScrollUp(1)
	case key.Matches(msg, m.keys.Down):
		m.viewport.ScrollDown(1)
	case key.Matches(msg, m.keys.Top):
		m.viewport.GotoTop()
	case key.Matches(msg, m.keys.Bottom):
		m.viewport.GotoBottom()
	case key.Matches(msg, m.keys.PageUp):
		m.viewport.PageUp()
	case key.Matches(msg, m.keys.PageDown):
		m.viewport.PageDown()
	case key.Matches(msg, m.keys.Claim):
		return m.startAction(actionClaim)
	case key.Matches(msg, m.keys.Release):
		return m.startAction(actionRelease)
	case key.Matches(msg, m.keys.Resolve):
		return m.startAction(actionResolve)
	case key.Matches(msg, m.keys.Reply):
		return m.startReply()
	case key.Matches(msg, m.keys.Warranted):
		return m.startReview(triage.VerdictWarranted)
	case key.Matches(msg, m.keys.Unwarrant):
		return m.startReview(triage.VerdictUnwarranted)
	}
	return nil
}

// handleMouse scrolls the list or the text of the current view with the
// wheel.
func (m *Model) handleMouse(msg tea.MouseMsg) {
	if msg.Action != tea.MouseActionPress || m.review.active {
		return
	}
	step := 0
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		step = -1
	case tea.MouseButtonWheelDown:
		step = 1
	default:
		return
	}
	switch m.view {
	case viewTicket:
		if step < 0 {
			m.viewport.ScrollUp(3)
		} else {
			m.viewport.ScrollDown(3)
		}
	case viewHistory:
		m.moveHistoryCursor(m.history.cursor + step)
	case viewScripts:
		m.moveScriptsCursor(m.scriptsCursor() + step)
	default:
		m.moveCursor(m.cursor + step)
	}
}

// startAction sends a claim, release or resolve for the open ticket; one
// action runs at a time.
func (m *Model) startAction(a action) tea.Cmd {
	if m.detailID == "" || m.actionActive {
		return nil
	}
	m.actionActive = true
	m.setStatus(a.String() + " " + sanitizeLine(m.detailID) + "…")
	return actionCmd(m.ctx, m.desk, a, m.detailID)
}

// moveCursor selects the ticket at index i, clamped to the list. Landing
// on a ticket clears its NEW badge.
func (m *Model) moveCursor(i int) {
	n := len(m.queue.tickets)
	if n == 0 {
		m.cursor, m.offset, m.selectedID = 0, 0, ""
		return
	}
	m.cursor = min(max(i, 0), n-1)
	m.selectedID = m.queue.tickets[m.cursor].ID
	delete(m.newAt, m.selectedID)
	m.scrollToCursor()
}

// restoreCursor keeps the selection on the same ticket after the list
// changed. When that ticket left the list, the cursor stays at its row and
// selects the ticket that moved up into it.
func (m *Model) restoreCursor() {
	n := len(m.queue.tickets)
	if n == 0 {
		m.cursor, m.offset, m.selectedID = 0, 0, ""
		return
	}
	if i := m.queue.index(m.selectedID); i >= 0 {
		m.cursor = i
	} else {
		m.cursor = min(max(m.cursor, 0), n-1)
		m.selectedID = m.queue.tickets[m.cursor].ID
	}
	m.scrollToCursor()
}

// scrollToCursor moves the visible window of rows so that it shows the
// cursor.
func (m *Model) scrollToCursor() {
	rows := max(1, m.listHeight())
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, min(m.offset, len(m.queue.tickets)-rows))
}
