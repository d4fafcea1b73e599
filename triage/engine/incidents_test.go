package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// outageTexts and managerAsks make varied outage messages that all ask
// for a manager, so that each escalates by rule asks-for-human.
var (
	outageTexts = []string{
		"the site is down and I cannot login, is there an outage",
		"login page is down for me, looks like an outage",
		"outage? your website is down, login fails every time",
		"everything is down, can't login at all, outage on your side?",
	}
	managerAsks = []string{"let me speak to a manager", "I want a manager", "get me a supervisor"}
	// unrelatedTexts escalate by the same rule about other matters.
	unrelatedTexts = []string{
		"I was charged twice on my invoice this month, I want a manager",
		"my parcel never arrived and tracking shows nothing, let me speak to a manager",
		"the printer driver crashes when I print labels, get me a supervisor",
		"I need a refund for my cancelled subscription, I want a manager",
		"the password reset email never comes through, let me speak to a manager",
	}
)

var surgeStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// surgeEvents returns one escalating message for each of n outage
// conversations, 12 seconds apart, with an unrelated escalation after
// every fourth.
func surgeEvents(n int) []triage.Event {
	var events []triage.Event
	at := surgeStart
	unrelated := 0
	for i := range n {
		text := outageTexts[i%len(outageTexts)] + ". " + managerAsks[i%len(managerAsks)]
		events = append(events, triage.Event{Conversation: fmt.Sprintf("outage-%02d", i), At: at,
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: text})
		at = at.Add(12 * time.Second)
		if i%4 == 3 && unrelated < len(unrelatedTexts) {
			events = append(events, triage.Event{Conversation: fmt.Sprintf("other-%d", unrelated), At: at,
				Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: unrelatedTexts[unrelated]})
			unrelated++
			at = at.Add(12 * time.Second)
		}
	}
	return events
}

// conversationTicket returns the ticket of a conversation.
func conversationTicket(t *testing.T, e *Engine, conversation string) *triage.Ticket {
	t.Helper()
	var tk *triage.Ticket
	err := e.Store().View(func(tx triage.ReadTx) error {
		c, err := tx.Conversation(conversation)
		if err != nil {
			return err
		}
		if c == nil {
			return fmt.Errorf("conversation %s: %w", conversation, triage.ErrNotFound)
		}
		tk, err = tx.Ticket(c.Ticket)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func ticketHistory(t *testing.T, e *Engine, id string) []*triage.Record {
	t.Helper()
	var out []*triage.Record
	err := e.Store().View(func(tx triage.ReadTx) error {
		return tx.TicketRecords(id, func(r *triage.Record) error {
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ingestOneByOne ingests each event in its own request, as live chats
// arrive.
func ingestOneByOne(t *testing.T, e *Engine, events []triage.Event) {
	t.Helper()
	for _, ev := range events {
		res, err := e.Ingest(context.Background(), []triage.Event{ev})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Status != StatusAccepted {
			t.Fatalf("event of %s: %+v", ev.Conversation, res[0])
		}
	}
}

func TestSurgeFormsOneIncident(t *testing.T) {
	e := startEngine(t)
	ingestOneByOne(t, e, surgeEvents(20))

	incidents, err := e.Incidents(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(incidents) != 1 {
		t.Fatalf("got %d incidents, want 1: %+v", len(incidents), incidents)
	}
	inc := incidents[0].Incident
	if inc.Status != triage.IncidentOpen {
		t.Errorf("status = %s, want open", inc.Status)
	}
	if inc.Rule != "asks-for-human" {
		t.Errorf("rule = %q, want asks-for-human", inc.Rule)
	}
	for _, w := range []string{"down", "login", "outage"} {
		if !slices.Contains(inc.Words, w) {
			t.Errorf("words %v lack %q", inc.Words, w)
		}
	}
	if len(inc.Members) != 20 {
		t.Errorf("incident has %d members, want 20: %v", len(inc.Members), inc.Members)
	}
	if len(incidents[0].Members) != 20 {
		t.Errorf("detail lists %d member tickets, want 20", len(incidents[0].Members))
	}
	for i := range 20 {
		tk := conversationTicket(t, e, fmt.Sprintf("outage-%02d", i))
		if tk.Incident != inc.ID {
			t.Errorf("outage-%02d: incident = %q, want %s", i, tk.Incident, inc.ID)
		}
		if tk.Status != triage.StatusEscalated {
			t.Errorf("outage-%02d: status = %s, want escalated", i, tk.Status)
		}
		grouped := recordsOfKind(ticketHistory(t, e, tk.ID), triage.KindGrouped)
		if len(grouped) != 1 {
			t.Errorf("outage-%02d: %d grouped records, want 1", i, len(grouped))
			continue
		}
		if !strings.HasPrefix(grouped[0].Reason, "grouped into incident "+inc.ID+": ") {
			t.Errorf("outage-%02d: reason %q", i, grouped[0].Reason)
		}
	}
	for i := range unrelatedTexts {
		tk := conversationTicket(t, e, fmt.Sprintf("other-%d", i))
		if tk.Status != triage.StatusEscalated {
			t.Errorf("other-%d: status = %s, want escalated", i, tk.Status)
		}
		if tk.Incident != "" {
			t.Errorf("other-%d joined incident %s", i, tk.Incident)
		}
	}
}

func TestIncidentOpensAtThirdMatch(t *testing.T) {
	e := startEngine(t)
	ingestOneByOne(t, e, surgeEvents(2))
	if incidents, err := e.Incidents(false); err != nil || len(incidents) != 0 {
		t.Fatalf("after two escalations: %d incidents (err %v), want 0", len(incidents), err)
	}
	ingestOneByOne(t, e, surgeEvents(3)[2:])
	first := conversationTicket(t, e, "outage-00")
	if first.Incident == "" {
		t.Fatal("the first escalation was not grouped when the third arrived")
	}
	grouped := recordsOfKind(ticketHistory(t, e, first.ID), triage.KindGrouped)
	if len(grouped) != 1 {
		t.Fatalf("%d grouped records, want 1", len(grouped))
	}
	want := "grouped into incident I-1: 3 tickets in 24s escalated by asks-for-human with the words "
	if !strings.HasPrefix(grouped[0].Reason, want) {
		t.Errorf("reason = %q, want prefix %q", grouped[0].Reason, want)
	}
	if !grouped[0].At.Equal(surgeStart.Add(24 * time.Second)) {
		t.Errorf("grouped at %s, want the third escalation's time", grouped[0].At)
	}
}

func TestEscalationsOutsideWindowStaySingle(t *testing.T) {
	e := startEngine(t)
	events := surgeEvents(3)
	for i := range events {
		events[i].At = surgeStart.Add(time.Duration(i) * (incidentWindow + time.Minute))
	}
	ingestOneByOne(t, e, events)
	incidents, err := e.Incidents(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(incidents) != 0 {
		t.Errorf("got %d incidents from escalations %s apart, want 0", len(incidents), incidentWindow+time.Minute)
	}
}

func TestResolveIncidentResolvesMembers(t *testing.T) {
	e := startEngine(t)
	ingestOneByOne(t, e, surgeEvents(6))
	at := surgeStart.Add(time.Hour)
	inc, err := e.ResolveIncident(context.Background(), "I-1", "ana", at)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != triage.IncidentResolved {
		t.Errorf("status = %s, want resolved", inc.Status)
	}
	for i := range 6 {
		tk := conversationTicket(t, e, fmt.Sprintf("outage-%02d", i))
		if tk.Status != triage.StatusResolved {
			t.Errorf("outage-%02d: status = %s, want resolved", i, tk.Status)
		}
		resolved := recordsOfKind(ticketHistory(t, e, tk.ID), triage.KindResolved)
		if len(resolved) != 1 || resolved[0].Reason != "resolved with incident I-1 by ana" {
			t.Errorf("outage-%02d: resolved records %+v", i, resolved)
		}
	}
	if _, err := e.ResolveIncident(context.Background(), "I-1", "ana", at); err == nil {
		t.Error("resolving a resolved incident succeeded")
	}
	// A new surge after the resolution opens a new incident.
	later := surgeEvents(3)
	for i := range later {
		later[i].Conversation += "-later"
		later[i].At = later[i].At.Add(2 * time.Hour)
	}
	ingestOneByOne(t, e, later)
	if tk := conversationTicket(t, e, "outage-00-later"); tk.Incident != "I-2" {
		t.Errorf("a surge after the resolution joined %q, want I-2", tk.Incident)
	}
}

func TestUngroupReturnsSingleEscalation(t *testing.T) {
	e := startEngine(t)
	ingestOneByOne(t, e, surgeEvents(4))
	member := conversationTicket(t, e, "outage-01")
	tk, err := e.UngroupTicket(context.Background(), member.ID, "ana", surgeStart.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Incident != "" {
		t.Errorf("incident = %q after ungroup", tk.Incident)
	}
	if tk.Status != triage.StatusEscalated || tk.Queue != triage.QueueSenior {
		t.Errorf("status %s queue %s, want escalated in senior", tk.Status, tk.Queue)
	}
	ungrouped := recordsOfKind(ticketHistory(t, e, member.ID), triage.KindUngrouped)
	if len(ungrouped) != 1 || !strings.Contains(ungrouped[0].Reason, "taken out of incident I-1 by ana") {
		t.Errorf("ungrouped records %+v", ungrouped)
	}
	d, err := e.Incident("I-1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Incident.HasMember(member.ID) || len(d.Incident.Members) != 3 {
		t.Errorf("members after ungroup: %v", d.Incident.Members)
	}
	if _, err := e.UngroupTicket(context.Background(), member.ID, "ana", surgeStart.Add(time.Hour)); err == nil {
		t.Error("ungrouping a ticket in no incident succeeded")
	}
}

func TestReplyIncidentQueuesOneReplyPerMember(t *testing.T) {
	e := startEngine(t)
	ingestOneByOne(t, e, surgeEvents(5))
	entries, err := e.ReplyIncident(context.Background(), IncidentReplyRequest{
		Incident: "I-1", Agent: "ana", Text: "We know about the outage and are fixing it.", At: surgeStart.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Fatalf("%d outbox entries, want 5", len(entries))
	}
	var pending []*triage.OutboxEntry
	if err := e.Outbox(0, func(o *triage.OutboxEntry) error { pending = append(pending, o); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(pending) != 5 {
		t.Errorf("outbox holds %d entries, want 5", len(pending))
	}
	tk := conversationTicket(t, e, "outage-03")
	if tk.LastAgentAt == nil || !tk.LastAgentAt.Equal(surgeStart.Add(time.Hour)) {
		t.Errorf("last agent reply at %v, want the reply's time", tk.LastAgentAt)
	}
}

func TestContentWordsDropStopWords(t *testing.T) {
	got := contentWords("I can't LOGIN, the site is down!!", "Let me speak to a manager about the outage")
	want := []string{"down", "login", "outage", "site"}
	if !slices.Equal(got, want) {
		t.Errorf("contentWords = %v, want %v", got, want)
	}
}
