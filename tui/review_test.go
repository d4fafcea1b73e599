package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/triage"
)

func newReviewHarness(t *testing.T) (*harness, *fullDesk) {
	t.Helper()
	desk := newFullDesk(sampleTickets()...)
	desk.details["T-1002"] = sampleDetail()
	desk.history = []*triage.HistoryEntry{{Record: *sampleDetail().History[1]}}
	h := newHarnessFor(t, desk, desk.fakeDesk, 80, 24)
	h.run(h.key("enter"))
	return h, desk
}

func TestReviewMarkWithNote(t *testing.T) {
	h, desk := newReviewHarness(t)
	if !strings.Contains(h.view(), "not reviewed") {
		t.Errorf("ticket header does not say not reviewed:\n%s", h.view())
	}
	h.key("w")
	if !h.m.review.active {
		t.Fatal("w did not open the note input")
	}
	for _, k := range []string{"q", "u", "i", "t", "e"} {
		if cmd := h.key(k); cmd != nil {
			if _, quit := cmd().(tea.QuitMsg); quit {
				t.Fatalf("%s quit the console while the note input had focus", k)
			}
		}
	}
	h.send(tea.KeyMsg{Type: tea.KeySpace})
	h.key("ok")
	if !strings.Contains(h.view(), "mark warranted: note (optional) quite ok") {
		t.Errorf("status line does not show the note being typed:\n%s", h.view())
	}
	h.run(h.key("enter"))
	if len(desk.reviews) != 1 {
		t.Fatalf("enter stored %d reviews, want 1", len(desk.reviews))
	}
	r := desk.reviews[0]
	if r.Ticket != "T-1002" || r.Record != 2 || r.Verdict != triage.VerdictWarranted || r.Note != "quite ok" {
		t.Errorf("stored review = %+v, want T-1002 record 2 warranted with note \"quite ok\"", r)
	}
	if !strings.Contains(h.view(), "reviewed: warranted by alice") {
		t.Errorf("ticket header does not show the verdict:\n%s", h.view())
	}
}

func TestReviewEscCancels(t *testing.T) {
	h, desk := newReviewHarness(t)
	h.key("x")
	h.key("no")
	h.key("esc")
	if h.m.review.active {
		t.Error("esc left the note input open")
	}
	if h.m.view != viewTicket {
		t.Errorf("esc in the note input left the ticket view for %s", h.m.view)
	}
	if len(desk.reviews) != 0 {
		t.Errorf("esc stored %d reviews", len(desk.reviews))
	}
	h.key("x")
	h.run(h.key("enter"))
	if len(desk.reviews) != 1 || desk.reviews[0].Verdict != triage.VerdictUnwarranted || desk.reviews[0].Note != "" {
		t.Errorf("x then enter stored %+v, want one unwarranted review without a note", desk.reviews)
	}
	if !strings.Contains(h.view(), "reviewed: not warranted by alice") {
		t.Errorf("ticket header does not show the verdict:\n%s", h.view())
	}
}

func TestReviewWithoutEscalation(t *testing.T) {
	desk := newFullDesk(sampleTickets()...)
	h := newHarnessFor(t, desk, desk.fakeDesk, 80, 24)
	h.run(h.key("enter"))
	h.key("w")
	if h.m.review.active {
		t.Error("w opened the note input on a ticket with no escalation record")
	}
	if !strings.Contains(h.view(), "has no escalation to review") {
		t.Errorf("status line does not explain why:\n%s", h.view())
	}
}
