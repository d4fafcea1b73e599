package tui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/triagedesk/triage/triage"
)

// replyingDesk is a fake desk that records the replies it is sent.
type replyingDesk struct {
	*fakeDesk
	sent []string
}

func (d *replyingDesk) Reply(_ context.Context, ticket, text string) (*triage.OutboxEntry, error) {
	d.sent = append(d.sent, ticket+": "+text)
	return &triage.OutboxEntry{Ticket: ticket, Text: text}, nil
}

func newReplyHarness(t *testing.T) (*harness, *replyingDesk) {
	t.Helper()
	fake := newFakeDesk(sampleTickets()...)
	fake.details["T-1001"] = sampleDetail()
	desk := &replyingDesk{fakeDesk: fake}
	h := newHarnessFor(t, desk, fake, 80, 24)
	h.openTicket()
	return h, desk
}

func TestReplyBoxSendsOnlyOnCtrlS(t *testing.T) {
	h, desk := newReplyHarness(t)
	h.key("R")
	if !h.m.reply.active {
		t.Fatal("R did not open the reply box")
	}
	id := h.m.detailID
	// q is text while the box has focus, and a paste with a line break
	// never sends by itself.
	if cmd := h.key("q"); cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q quit the console while the reply box had focus")
		}
	}
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("uick fix\non its way"), Paste: true})
	h.send(tea.KeyMsg{Type: tea.KeyEnter})
	h.key("ok")
	if len(desk.sent) != 0 {
		t.Fatalf("sent %q before ctrl+s", desk.sent)
	}
	if view := h.view(); !strings.Contains(view, "reply to "+id) {
		t.Errorf("reply box not shown:\n%s", view)
	}
	for _, line := range strings.Split(h.view(), "\n") {
		if w := len([]rune(line)); w > 80 {
			t.Errorf("line wider than the terminal (%d): %q", w, line)
		}
	}
	h.run(h.send(tea.KeyMsg{Type: tea.KeyCtrlS}))
	if len(desk.sent) != 1 || desk.sent[0] != id+": quick fix\non its way\nok" {
		t.Fatalf("sent = %q, want the typed and pasted reply once", desk.sent)
	}
	if h.m.reply.active {
		t.Error("reply box still open after sending")
	}
	if !strings.Contains(h.m.status, "reply sent to "+id) {
		t.Errorf("status = %q", h.m.status)
	}
}

func TestReplyBoxEscCancels(t *testing.T) {
	h, desk := newReplyHarness(t)
	h.key("R")
	h.key("never mind")
	h.key("esc")
	if h.m.reply.active || len(desk.sent) != 0 {
		t.Errorf("esc left the box open (%v) or sent %q", h.m.reply.active, desk.sent)
	}
}

func TestReplyKeyHiddenWithoutReplyDesk(t *testing.T) {
	fake := newFakeDesk(sampleTickets()...)
	fake.details["T-1001"] = sampleDetail()
	h := newHarness(t, fake, 80, 24)
	h.openTicket()
	h.key("R")
	if h.m.reply.active {
		t.Error("a desk that cannot send replies opened the reply box")
	}
}
