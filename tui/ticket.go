package tui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/triage"
)

// openTicket switches to the ticket view and loads the ticket.
// Esc returns to the view it was opened from.
func (m *Model) openTicket(id string) tea.Cmd {
	m.ticketReturn = m.view
	m.view = viewTicket
	m.detailID = id
	m.detail = nil
	m.detailErr = ""
	m.detailBusy = false
	m.review.reset()
	m.syncKeys()
	m.layout()
	m.renderDetail()
	return tea.Batch(m.loadDetail(), m.loadReview())
}

// closeTicket returns to the view the ticket was opened from.
func (m *Model) closeTicket() {
	m.view = m.ticketReturn
	m.detailID = ""
	m.detail = nil
	m.detailErr = ""
	m.review.reset()
	m.syncKeys()
	m.layout()
	m.restoreCursor()
}

// loadDetail requests the open ticket. While a request is in flight a
// second one is not sent; the reply then triggers one more load.
func (m *Model) loadDetail() tea.Cmd {
	if m.detailID == "" {
		return nil
	}
	if m.detailBusy {
		m.detailStale = true
		return nil
	}
	m.detailBusy = true
	m.detailStale = false
	return loadTicketCmd(m.ctx, m.desk, m.detailID)
}

// refreshDetail reloads the open ticket when an update concerns it, since
// an update carries the ticket but not the new transcript events.
func (m *Model) refreshDetail(u triage.Update) tea.Cmd {
	if m.view != viewTicket || m.detailID == "" {
		return nil
	}
	if (u.Ticket != nil && u.Ticket.ID == m.detailID) || (u.Record != nil && u.Record.Ticket == m.detailID) ||
		(u.Review != nil && u.Review.Ticket == m.detailID) {
		return m.loadDetail()
	}
	return nil
}

func (m *Model) handleTicketLoaded(msg ticketLoadedMsg) tea.Cmd {
	if msg.id != m.detailID {
		return nil
	}
	m.detailBusy = false
	if msg.err != nil {
		if errors.Is(msg.err, triage.ErrNotFound) {
			m.detailErr = fmt.Sprintf("ticket %s not found", sanitizeLine(msg.id))
		} else {
			m.detailErr = "load ticket failed: " + sanitizeLine(msg.err.Error())
		}
	} else if msg.detail != nil {
		m.detail = msg.detail
		m.detailErr = ""
	}
	m.renderDetail()
	if m.detailStale {
		return m.loadDetail()
	}
	return nil
}

// renderDetail refills the viewport from the loaded ticket. A reader at
// the bottom stays at the bottom, so that new messages come into view.
func (m *Model) renderDetail() {
	atBottom := m.viewport.AtBottom()
	offset := m.viewport.YOffset
	var content string
	switch {
	case m.detailErr != "" && m.detail == nil:
		content = m.styles.Error.Render(m.detailErr)
	case m.detail == nil:
		content = m.styles.Dim.Render("loading " + sanitizeLine(m.detailID) + "…")
	default:
		content = renderTranscript(m.detail, m.viewport.Width, m.now().Location(), m.styles)
	}
	m.viewport.SetContent(content)
	if atBottom && offset > 0 {
		m.viewport.GotoBottom()
	} else {
		m.viewport.SetYOffset(offset)
	}
}

// actionError words the failure of an action for the status line.
func actionError(a fmt.Stringer, id string, err error) string {
	id = sanitizeLine(id)
	switch {
	case errors.Is(err, triage.ErrInactive):
		return fmt.Sprintf("%s %s failed: the ticket is already resolved or closed", a, id)
	case errors.Is(err, triage.ErrConflict):
		return fmt.Sprintf("%s %s failed: someone else changed or claimed it first", a, id)
	case errors.Is(err, triage.ErrNotFound):
		return fmt.Sprintf("%s %s failed: ticket not found", a, id)
	}
	return fmt.Sprintf("%s %s failed: %s", a, id, sanitizeLine(err.Error()))
}
