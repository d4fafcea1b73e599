package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestQueueWaitOnlyForActiveTickets(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	since := now.Add(-3 * time.Hour)
	open := &triage.Ticket{ID: "T-1", Conversation: "c-1", Status: triage.StatusOpen, Queue: triage.QueueAgents, WaitingSince: &since}
	resolved := &triage.Ticket{ID: "T-2", Conversation: "c-2", Status: triage.StatusResolved, Queue: triage.QueueAgents, WaitingSince: &since}
	var out bytes.Buffer
	printQueue(&out, []*triage.Ticket{open, resolved}, now)
	for _, line := range strings.Split(out.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "T-1") && !strings.Contains(line, "3h00m"):
			t.Errorf("open ticket's row does not show its wait of 3h00m: %q", line)
		case strings.HasPrefix(line, "T-2") && strings.Contains(line, "3h00m"):
			t.Errorf("resolved ticket's row shows a wait: %q", line)
		}
	}
	if !strings.Contains(out.String(), "T-2") {
		t.Errorf("queue lacks the resolved ticket:\n%s", out.String())
	}
}
