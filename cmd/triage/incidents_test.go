package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// surgeJSONL returns 20 outage chats that each ask for a manager, 15
// seconds apart, and 5 unrelated chats that ask for one in between, as
// native JSON Lines.
func surgeJSONL(t *testing.T) string {
	t.Helper()
	outage := []string{
		"the site is down and I cannot login, is there an outage? let me speak to a manager",
		"login page is down for me, looks like an outage. I want a manager",
		"outage? your website is down, login fails every time. get me a supervisor",
		"everything is down, can't login at all, outage on your side? I want a manager",
	}
	unrelated := []string{
		"I was charged twice on my invoice this month, I want a manager",
		"my parcel never arrived and tracking shows nothing, let me speak to a manager",
		"the printer driver crashes when I print labels, get me a supervisor",
		"I need a refund for my cancelled subscription, I want a manager",
		"the password reset email never comes through, let me speak to a manager",
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var b strings.Builder
	write := func(conversation, text string) {
		line, err := json.Marshal(map[string]string{
			"conversation": conversation, "at": at.Format(time.RFC3339), "role": "customer", "type": "message", "text": text,
		})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
		at = at.Add(15 * time.Second)
	}
	for i := range 20 {
		write(fmt.Sprintf("outage-%02d", i), outage[i%len(outage)])
		if i%4 == 3 {
			write(fmt.Sprintf("other-%d", i/4), unrelated[i/4])
		}
	}
	return b.String()
}

// queueEntries splits `triage queue --json` into incidents and tickets.
func queueEntries(t *testing.T, out string) (incidents []triage.IncidentDetail, tickets []triage.Ticket) {
	t.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("queue --json is not a JSON array: %v\n%s", err, out)
	}
	for _, r := range raw {
		var kind struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(r, &kind); err != nil {
			t.Fatal(err)
		}
		if kind.Type == "incident" {
			var d triage.IncidentDetail
			if err := json.Unmarshal(r, &d); err != nil {
				t.Fatal(err)
			}
			incidents = append(incidents, d)
			continue
		}
		var tk triage.Ticket
		if err := json.Unmarshal(r, &tk); err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	return incidents, tickets
}

func recordKinds(d triage.TicketDetail) []triage.RecordKind {
	var kinds []triage.RecordKind
	for _, r := range d.History {
		kinds = append(kinds, r.Kind)
	}
	return kinds
}

func TestSurgeBecomesOneIncidentRow(t *testing.T) {
	d := startDesk(t)
	if res := d.run(surgeJSONL(t), "ingest", "--format", "jsonl"); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}

	incidents, tickets := queueEntries(t, d.run("", "queue", "--json").stdout)
	if len(incidents) != 1 {
		t.Fatalf("queue lists %d incidents, want 1", len(incidents))
	}
	inc := incidents[0]
	if inc.Incident.ID != "I-1" || len(inc.Members) != 20 {
		t.Errorf("incident %s has %d members, want I-1 with 20", inc.Incident.ID, len(inc.Members))
	}
	if len(tickets) != 5 {
		t.Errorf("queue lists %d single tickets, want the 5 unrelated ones", len(tickets))
	}
	for _, tk := range tickets {
		if !strings.HasPrefix(tk.Conversation, "other-") || tk.Incident != "" {
			t.Errorf("single ticket %s of %s in incident %q", tk.ID, tk.Conversation, tk.Incident)
		}
	}

	_, all := queueEntries(t, d.run("", "queue", "--all", "--json").stdout)
	members := 0
	for _, tk := range all {
		if tk.Incident == "I-1" {
			members++
		}
	}
	if len(all) != 25 || members != 20 {
		t.Errorf("queue --all lists %d tickets with %d members, want 25 with 20", len(all), members)
	}

	text := d.run("", "queue").stdout
	if !strings.Contains(text, "I-1") || !strings.Contains(text, "20 tickets") {
		t.Errorf("queue table lacks the incident row:\n%s", text)
	}

	var listed []triage.IncidentDetail
	if err := json.Unmarshal([]byte(d.run("", "incidents", "--json").stdout), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || len(listed[0].Members) != 20 {
		t.Fatalf("incidents --json = %+v, want I-1 with 20 members", listed)
	}
}

func TestIncidentReplyUngroupResolve(t *testing.T) {
	d := startDesk(t)
	if res := d.run(surgeJSONL(t), "ingest", "--format", "jsonl"); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	incidents, _ := queueEntries(t, d.run("", "queue", "--json").stdout)
	if len(incidents) != 1 {
		t.Fatalf("queue lists %d incidents, want 1", len(incidents))
	}
	members := incidents[0].Members

	res := d.run("", "incidents", "reply", "I-1", "We know about the outage and are fixing it.")
	if res.code != 0 {
		t.Fatalf("incidents reply exit %d: %s", res.code, res.stderr)
	}
	if lines := strings.Count(res.stdout, "\n"); lines != 20 {
		t.Errorf("incidents reply printed %d outbox entries, want 20", lines)
	}

	out := members[3]
	if res := d.run("", "incidents", "ungroup", out.ID); res.code != 0 {
		t.Fatalf("incidents ungroup exit %d: %s", res.code, res.stderr)
	}
	if res := d.run("", "incidents", "ungroup", out.ID); res.code == 0 {
		t.Error("ungrouping a ticket in no incident exited 0")
	}
	incidents, tickets := queueEntries(t, d.run("", "queue", "--json").stdout)
	if len(incidents) != 1 || len(incidents[0].Members) != 19 {
		t.Fatalf("after ungroup the queue lists %+v, want I-1 with 19 members", incidents)
	}
	found := false
	for _, tk := range tickets {
		found = found || tk.ID == out.ID
	}
	if !found {
		t.Errorf("ungrouped ticket %s is not a single row of the queue", out.ID)
	}

	if res := d.run("", "incidents", "resolve", "1"); res.code != 0 {
		t.Fatalf("incidents resolve exit %d: %s", res.code, res.stderr)
	}
	incidents, tickets = queueEntries(t, d.run("", "queue", "--json").stdout)
	if len(incidents) != 0 || len(tickets) != 6 {
		t.Errorf("after resolve the queue lists %d incidents and %d tickets, want 0 and 6", len(incidents), len(tickets))
	}

	member := ticketDetail(t, d, members[0].ID)
	if member.Ticket.Status != triage.StatusResolved {
		t.Errorf("member %s status = %s, want resolved", members[0].ID, member.Ticket.Status)
	}
	kinds := fmt.Sprint(recordKinds(member))
	if !strings.Contains(kinds, "escalated grouped") || !strings.HasSuffix(kinds, "resolved]") {
		t.Errorf("member history kinds = %s, want escalated, grouped, …, resolved", kinds)
	}
	ungrouped := ticketDetail(t, d, out.ID)
	if ungrouped.Ticket.Status != triage.StatusEscalated || ungrouped.Ticket.Incident != "" {
		t.Errorf("ungrouped ticket %s is %s in incident %q, want escalated in none",
			out.ID, ungrouped.Ticket.Status, ungrouped.Ticket.Incident)
	}
	if kinds := fmt.Sprint(recordKinds(ungrouped)); !strings.Contains(kinds, "ungrouped") {
		t.Errorf("ungrouped ticket history kinds = %s, want an ungrouped record", kinds)
	}
}
