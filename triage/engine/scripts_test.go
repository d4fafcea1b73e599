package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

var scriptBase = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// customer returns a customer message of conversation conv, seconds after
// scriptBase.
func customer(conv string, seconds int, text string) triage.Event {
	return triage.Event{Conversation: conv, At: scriptBase.Add(time.Duration(seconds) * time.Second),
		Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: text}
}

func ingest(t *testing.T, e *Engine, events ...triage.Event) {
	t.Helper()
	results, err := e.Ingest(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Status != StatusAccepted {
			t.Fatalf("event %d: %s %s", i+1, r.Status, r.Error)
		}
	}
}

func ticketOf(t *testing.T, e *Engine, id string) (*triage.Ticket, []*triage.Record) {
	t.Helper()
	var ticket *triage.Ticket
	var records []*triage.Record
	err := e.Store().View(func(tx triage.ReadTx) error {
		var err error
		if ticket, err = tx.Ticket(id); err != nil {
			return err
		}
		return tx.TicketRecords(id, func(r *triage.Record) error {
			records = append(records, r)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return ticket, records
}

func TestScriptTakesTicketAndResolves(t *testing.T) {
	e := startEngine(t)
	ingest(t, e, customer("c-1", 0, "Hi, I can't log in to my account"))
	ticket, _ := ticketOf(t, e, "T-1")
	if ticket.Queue != triage.QueueBot || ticket.Status != triage.StatusOpen {
		t.Fatalf("after the first turn: queue %s status %s, want bot open", ticket.Queue, ticket.Status)
	}
	st := ticket.ScriptState
	if st == nil || st.Name != "sign-in-or-connection" || st.Version != 1 {
		t.Fatalf("script state = %+v, want sign-in-or-connection version 1", st)
	}
	if st.Step != "ask-sign-in-error" || ticket.Step != "ask-sign-in-error" {
		t.Errorf("step = %q (ticket %q), want ask-sign-in-error", st.Step, ticket.Step)
	}
	if st.TimeoutAt == nil || !st.TimeoutAt.Equal(scriptBase.Add(10*time.Minute)) {
		t.Errorf("timeout = %v, want 10 minutes after the turn", st.TimeoutAt)
	}
	if len(st.Messages) == 0 || !strings.Contains(st.Messages[0].Text, "What does the message on the sign-in screen say?") {
		t.Errorf("messages = %+v, want the step's question", st.Messages)
	}

	ingest(t, e, customer("c-1", 60, "it says the password is incorrect"),
		customer("c-1", 120, "yes it works now, thanks"))
	ticket, records := ticketOf(t, e, "T-1")
	if ticket.Status != triage.StatusResolved {
		t.Fatalf("status = %s, want resolved; records %+v", ticket.Status, records)
	}
	if !ticket.ScriptState.Finished || ticket.ScriptState.TimeoutAt != nil {
		t.Errorf("script state = %+v, want finished with no timeout", ticket.ScriptState)
	}
	last := records[len(records)-1]
	if last.Kind != triage.KindResolved || !strings.Contains(last.Reason, "step send-reset: the password reset worked") {
		t.Errorf("last record = %s %q", last.Kind, last.Reason)
	}
	if last.Script == nil || *last.Script != "sign-in-or-connection" || last.ScriptVersion == nil || *last.ScriptVersion != 1 {
		t.Errorf("last record names script %v version %v", last.Script, last.ScriptVersion)
	}
	if records[1].Kind != triage.KindReassigned || !strings.Contains(records[1].Reason, "took the ticket") {
		t.Errorf("second record = %s %q, want the script taking the ticket", records[1].Kind, records[1].Reason)
	}
}

func TestScriptTagsAndHandsOver(t *testing.T) {
	e := startEngine(t)
	ingest(t, e, customer("c-1", 0, "I cannot sign in"),
		customer("c-1", 30, "it says my account is locked out"))
	ticket, records := ticketOf(t, e, "T-1")
	if ticket.Queue != triage.QueueAgents || ticket.Status != triage.StatusOpen {
		t.Errorf("queue %s status %s, want agents open", ticket.Queue, ticket.Status)
	}
	if ticket.Priority != triage.PriorityHigh {
		t.Errorf("priority = %s, want high", ticket.Priority)
	}
	if len(ticket.Tags) != 1 || ticket.Tags[0] != "account-locked" {
		t.Errorf("tags = %v, want [account-locked]", ticket.Tags)
	}
	last := records[len(records)-1]
	if last.Kind != triage.KindReassigned || !strings.Contains(last.Reason, "locked account needs an identity check") {
		t.Errorf("last record = %s %q", last.Kind, last.Reason)
	}
}

func TestRunningTicketStaysOnVersion(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	ingest(t, e, customer("c-old", 0, "I can't log in"))

	v2 := strings.Replace(scripts.DefaultScripts[0], "Please choose \"Forgot password?\"", "Version two, choose \"Forgot password?\"", 1)
	doc, err := e.PutDocument(ctx, ScriptKind, "sign-in-or-connection", []byte(v2), "lead", scriptBase, "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != 2 {
		t.Fatalf("saved version %d, want 2", doc.Version)
	}
	ingest(t, e, customer("c-old", 60, "wrong password it says"),
		customer("c-new", 60, "I can't log in"), customer("c-new", 90, "wrong password it says"))

	old, _ := ticketOf(t, e, "T-1")
	if old.ScriptState.Version != 1 {
		t.Errorf("running ticket moved to version %d, want 1", old.ScriptState.Version)
	}
	lastOld := old.ScriptState.Messages[len(old.ScriptState.Messages)-1].Text
	if !strings.HasPrefix(lastOld, "Please choose") {
		t.Errorf("running ticket got %q, want version 1's message", lastOld)
	}
	fresh, _ := ticketOf(t, e, "T-2")
	if fresh.ScriptState.Version != 2 {
		t.Errorf("new ticket on version %d, want 2", fresh.ScriptState.Version)
	}
	lastNew := fresh.ScriptState.Messages[len(fresh.ScriptState.Messages)-1].Text
	if !strings.HasPrefix(lastNew, "Version two") {
		t.Errorf("new ticket got %q, want version 2's message", lastNew)
	}
}

// failingScript fails at run time on the first reply: reasons has fewer
// than eleven entries.
const failingScript = `kind: troubleshooting
name: failing
trigger:
  phrases: ["printer"]
steps:
  - name: ask
    send: Is the printer on?
    wait: {for: reply, timeout: 10m}
    on:
      - when: reasons[10] == "x"
        resolve: impossible
      - when: timed_out
        resolve: no reply
`

func TestScriptRuntimeErrorEscalatesToSenior(t *testing.T) {
	e := startEngine(t)
	if _, err := e.PutDocument(context.Background(), ScriptKind, "failing", []byte(failingScript), "lead", scriptBase, ""); err != nil {
		t.Fatal(err)
	}
	ingest(t, e, customer("c-1", 0, "my printer is broken"), customer("c-1", 30, "yes it is on"))
	ticket, records := ticketOf(t, e, "T-1")
	if ticket.Queue != triage.QueueSenior || ticket.Status != triage.StatusEscalated {
		t.Fatalf("queue %s status %s, want senior escalated", ticket.Queue, ticket.Status)
	}
	last := records[len(records)-1]
	if last.Kind != triage.KindEscalated || !strings.Contains(last.Reason, "script failing version 1 step ask failed") {
		t.Errorf("last record = %s %q", last.Kind, last.Reason)
	}
	if !ticket.ScriptState.Finished {
		t.Errorf("script is not finished after its failure")
	}
}

func TestPolicyEscalationEndsScript(t *testing.T) {
	e := startEngine(t)
	ingest(t, e, customer("c-1", 0, "I can't log in"), customer("c-1", 30, "I want to speak to a manager"))
	ticket, records := ticketOf(t, e, "T-1")
	if ticket.Queue != triage.QueueSenior || ticket.Status != triage.StatusEscalated {
		t.Fatalf("queue %s status %s, want senior escalated", ticket.Queue, ticket.Status)
	}
	if !ticket.ScriptState.Finished {
		t.Errorf("the script still runs after the policy escalated")
	}
	last := records[len(records)-1]
	if last.Kind != triage.KindEscalated || !strings.Contains(last.Reason, "asks-for-human") {
		t.Errorf("last record = %s %q", last.Kind, last.Reason)
	}
}

func TestPutDocumentRejectsInvalid(t *testing.T) {
	e := startEngine(t)
	_, err := e.PutDocument(context.Background(), ScriptKind, "failing", []byte("kind: troubleshooting\nname: failing\n"), "lead", scriptBase, "")
	var verr *scripts.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a *scripts.ValidationError", err)
	}
	_, err = e.PutDocument(context.Background(), ScriptKind, "other", []byte(failingScript), "lead", scriptBase, "")
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "saved as \"other\"") {
		t.Errorf("name mismatch: error = %v", err)
	}
	if _, ok := e.CurrentScripts()["failing"]; ok {
		t.Errorf("an invalid document was applied")
	}
}

// replayEvents is a conversation that takes the default script through
// two steps and ends in a hand-over.
func replayEvents() []triage.Event {
	return []triage.Event{
		customer("c-r", 0, "I cannot connect to the internet"),
		customer("c-r", 90, "only on my laptop"),
		customer("c-r", 180, "no, still not working, this is useless"),
	}
}

func TestReplayMatchesLiveEngine(t *testing.T) {
	e := startEngine(t)
	ingest(t, e, replayEvents()...)
	live, liveRecords := ticketOf(t, e, "T-1")

	policy, err := scripts.ParsePolicy("policy", []byte(scripts.DefaultPolicyYAML))
	if err != nil {
		t.Fatal(err)
	}
	script, err := scripts.ParseScript("script", []byte(scripts.DefaultScripts[0]))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Replay(replayEvents(), ReplayOptions{
		Policy: policy, PolicyName: PolicyName, PolicyVersion: 1,
		Scripts: []ReplayScript{{Script: script, Name: "sign-in-or-connection", Version: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Turns) != 3 {
		t.Fatalf("replay has %d turns, want 3", len(res.Turns))
	}
	if len(res.Records) != len(liveRecords) {
		t.Fatalf("replay made %d records, live %d", len(res.Records), len(liveRecords))
	}
	for i, rec := range res.Records {
		if rec.Kind != liveRecords[i].Kind || rec.Reason != liveRecords[i].Reason || rec.Queue != liveRecords[i].Queue {
			t.Errorf("record %d: replay %s %q %s, live %s %q %s", i, rec.Kind, rec.Reason, rec.Queue,
				liveRecords[i].Kind, liveRecords[i].Reason, liveRecords[i].Queue)
		}
	}
	if res.Ticket.Status != live.Status || res.Ticket.Queue != live.Queue || res.Ticket.Priority != live.Priority {
		t.Errorf("replay ends %s %s %s, live %s %s %s", res.Ticket.Status, res.Ticket.Queue, res.Ticket.Priority,
			live.Status, live.Queue, live.Priority)
	}
	if res.Ticket.Frustration != live.Frustration {
		t.Errorf("replay frustration %v, live %v", res.Ticket.Frustration, live.Frustration)
	}
	first := res.Turns[0]
	if len(first.Steps) != 1 || first.Steps[0].To != "ask-connection-scope" || len(first.Steps[0].Fired) != 1 {
		t.Errorf("first turn steps = %+v, want a start into ask-connection-scope", first.Steps)
	}
	second := res.Turns[1]
	if second.Step != "ask-connection-scope" || second.Steps[0].To != "restart-router" {
		t.Errorf("second turn = from %q %+v, want ask-connection-scope to restart-router", second.Step, second.Steps)
	}
}

func TestReplayForceStartsScript(t *testing.T) {
	policy, err := scripts.ParsePolicy("policy", []byte(scripts.DefaultPolicyYAML))
	if err != nil {
		t.Fatal(err)
	}
	script, err := scripts.ParseScript("script", []byte(failingScript))
	if err != nil {
		t.Fatal(err)
	}
	rs := ReplayScript{Script: script, Name: "failing", Version: 3}
	events := []triage.Event{customer("c-f", 0, "hello there")}
	plain, err := Replay(events, ReplayOptions{Policy: policy, Scripts: []ReplayScript{rs}})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Ticket.ScriptState != nil {
		t.Errorf("the trigger does not match, yet script state = %+v", plain.Ticket.ScriptState)
	}
	forced, err := Replay(events, ReplayOptions{Policy: policy, Force: &rs})
	if err != nil {
		t.Fatal(err)
	}
	if st := forced.Ticket.ScriptState; st == nil || st.Name != "failing" || st.Version != 3 || st.Step != "ask" {
		t.Errorf("forced script state = %+v, want failing version 3 in step ask", st)
	}
}

func TestScriptTakesTicketsOfItsChannel(t *testing.T) {
	e := startEngine(t)
	social := `kind: troubleshooting
name: social
trigger: {channels: [twitter]}
steps:
  - {name: a, wait: none, on: [{when: "true", hand_to_human: {queue: social, reason: public complaint}}]}
`
	if _, err := e.PutDocument(context.Background(), ScriptKind, "social", []byte(social), "lead", scriptBase, ""); err != nil {
		t.Fatal(err)
	}
	tweet := customer("c-tweet", 0, "my order never arrived")
	tweet.Extra = map[string]json.RawMessage{"channel": json.RawMessage(`"Twitter"`)}
	chat := customer("c-chat", 0, "my order never arrived")
	ingest(t, e, tweet, chat)
	fromTwitter, _ := ticketOf(t, e, "T-1")
	if fromTwitter.Script != "social" || fromTwitter.Queue != "social" {
		t.Errorf("tweet ticket: script %q queue %q, want the social script's hand-over", fromTwitter.Script, fromTwitter.Queue)
	}
	fromChat, _ := ticketOf(t, e, "T-2")
	if fromChat.Script == "social" {
		t.Errorf("chat ticket was taken by the twitter-only script")
	}
}
