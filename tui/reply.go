package tui

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/triagedesk/triage/triage"
)

// ReplyDesk is the part of a desk that sends an agent's reply to the
// customer through the daemon's outbox. The console offers the reply box
// only when its desk implements it.
type ReplyDesk interface {
	Reply(ctx context.Context, ticket, text string) (*triage.OutboxEntry, error)
}

// maxReplyBytes bounds a reply; the daemon stores it as a message event.
const maxReplyBytes = triage.MaxTextLength

// replyBoxLines is how many lines of the reply the box shows; the box
// also has a title line.
const replyBoxLines = 4

// replyState is the reply box of the open ticket.
type replyState struct {
	active  bool
	sending bool
	ticket  string
	text    string
}

type replySentMsg struct {
	ticket string
	err    error
}

// startReply opens the reply box for the open ticket.
func (m *Model) startReply() tea.Cmd {
	if m.replyDesk == nil || m.detailID == "" || m.reply.sending {
		return nil
	}
	m.reply = replyState{active: true, ticket: m.detailID}
	m.syncKeys()
	m.layout()
	return nil
}

// endReply closes the reply box.
func (m *Model) endReply() {
	m.reply.active = false
	m.syncKeys()
	m.layout()
}

// handleReplyKey edits the reply. Enter starts a new line, pasted text is
// inserted as it is and never sends, ctrl+s sends, esc cancels and ctrl+c
// quits; every other key, q included, is text.
func (m *Model) handleReplyKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyCtrlC:
		m.shutdown()
		return tea.Quit
	case tea.KeyEsc:
		m.endReply()
		m.setStatus("reply cancelled")
		return nil
	case tea.KeyCtrlS:
		text := strings.TrimSpace(m.reply.text)
		if text == "" {
			m.setError("the reply is empty: type a message, or esc to cancel")
			return nil
		}
		ticket := m.reply.ticket
		m.endReply()
		m.reply.sending = true
		m.setStatus("sending reply to " + sanitizeLine(ticket) + "…")
		return sendReplyCmd(m.ctx, m.replyDesk, ticket, text)
	case tea.KeyEnter:
		m.insertReply("\n")
	case tea.KeyRunes, tea.KeySpace, tea.KeyTab:
		text := string(msg.Runes)
		switch msg.Type {
		case tea.KeySpace:
			text = " "
		case tea.KeyTab:
			text = "\t"
		}
		m.insertReply(Sanitize(strings.ReplaceAll(text, "\r\n", "\n")))
	case tea.KeyBackspace:
		if _, size := utf8.DecodeLastRuneInString(m.reply.text); size > 0 {
			m.reply.text = m.reply.text[:len(m.reply.text)-size]
		}
	case tea.KeyCtrlU:
		m.reply.text = ""
	}
	return nil
}

// insertReply appends text to the reply up to its size bound.
func (m *Model) insertReply(text string) {
	for _, r := range text {
		if len(m.reply.text)+utf8.RuneLen(r) > maxReplyBytes {
			m.setError(fmt.Sprintf("a reply holds at most %d bytes", maxReplyBytes))
			return
		}
		m.reply.text += string(r)
	}
}

func sendReplyCmd(ctx context.Context, desk ReplyDesk, ticket, text string) tea.Cmd {
	return func() tea.Msg {
		_, err := desk.Reply(ctx, ticket, text)
		return replySentMsg{ticket: ticket, err: err}
	}
}

func (m *Model) handleReplySent(msg replySentMsg) tea.Cmd {
	m.reply.sending = false
	if msg.err != nil {
		m.setError("reply to " + sanitizeLine(msg.ticket) + " failed: " + sanitizeLine(msg.err.Error()))
		return nil
	}
	m.reply.text = ""
	m.setStatus("reply sent to " + sanitizeLine(msg.ticket))
	if m.view == viewTicket && m.detailID == msg.ticket {
		return m.loadDetail()
	}
	return nil
}

// replyBox renders the box above the status line: a title and the last
// lines of the reply, each cut to the width, with a cursor at the end.
func (m *Model) replyBox() string {
	title := m.styles.Title.Render(fmt.Sprintf("reply to %s", sanitizeLine(m.reply.ticket))) +
		m.styles.Dim.Render(" · ctrl+s send · enter new line · esc cancel")
	lines := strings.Split(m.reply.text+"█", "\n")
	if len(lines) > replyBoxLines {
		lines = lines[len(lines)-replyBoxLines:]
	}
	for len(lines) < replyBoxLines {
		lines = append(lines, "")
	}
	out := []string{fit(title, m.width)}
	for _, line := range lines {
		line = strings.ReplaceAll(line, "\t", "    ")
		for lipgloss.Width(line) > m.width-2 && len(line) > 0 {
			_, size := utf8.DecodeRuneInString(line)
			line = line[size:]
		}
		out = append(out, fit("│ "+line, m.width))
	}
	return strings.Join(out, "\n")
}
