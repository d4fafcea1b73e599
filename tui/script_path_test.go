package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestScriptPathInTicketView(t *testing.T) {
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	ss := &triage.ScriptState{
		Name: "sign-in-or-connection", Version: 2, Step: "ask-sign-in-error",
		Keywords: []string{"can't log in"}, Finished: true,
		Messages: []triage.ScriptMessage{
			{At: at, Step: "route", Kind: "send", Text: "Sorry about that."},
			{At: at.Add(time.Minute), Step: "ask-sign-in-error", Kind: "send", Text: "What does the screen say?"},
		},
	}
	lines := renderScriptPath(ss, time.UTC)
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		`sign-in-or-connection v2 · took the ticket on "can't log in"`,
		"path: route → ask-sign-in-error (finished at ask-sign-in-error)",
		"14:01:00 ask-sign-in-error send: What does the screen say?",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("script section lacks %q:\n%s", want, text)
		}
	}
	detail := &triage.TicketDetail{Ticket: &triage.Ticket{ID: "T-1", ScriptState: ss}}
	if view := renderTranscript(detail, 80, time.UTC, NewStyles(true)); !strings.Contains(view, "Script") {
		t.Errorf("ticket view has no script section:\n%s", view)
	}
}
