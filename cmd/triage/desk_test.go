package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

const furiousTranscript = `# conversation: c-furious
# date: 2026-03-02
[14:00:00] Customer is typing…
[14:00:10] Customer: My internet has been down since this morning.
[14:00:40] Bot: Have you tried restarting the router?
[14:01:00] Customer is typing…
[14:01:03] Customer: Yes I restarted it. STILL NOT WORKING!!!
[14:01:06] Customer: This is the third time this week, absolutely useless service
[14:01:09] Customer: I want to speak to a manager now
`

const calmTranscript = `# conversation: c-calm
# date: 2026-03-02
[14:00:00] Customer: Hi, where can I find my invoice?
[14:00:30] Agent (Ana): Under Settings, then Billing.
[14:01:00] Customer: Found it, thanks a lot!
`

func decodeQueue(t *testing.T, out string) []triage.Ticket {
	t.Helper()
	var tickets []triage.Ticket
	if err := json.Unmarshal([]byte(out), &tickets); err != nil {
		t.Fatalf("queue --json is not a JSON array: %v\n%s", err, out)
	}
	return tickets
}

func TestIngestEscalatesFuriousNotCalm(t *testing.T) {
	d := startDesk(t)
	res := d.run(furiousTranscript, "ingest", "--format", "text")
	if res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "7 accepted") {
		t.Errorf("summary = %q, want 7 accepted", res.stderr)
	}
	res = d.run(calmTranscript, "ingest", "--format", "text")
	if res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}

	queue := decodeQueue(t, d.run("", "queue", "--json").stdout)
	if len(queue) != 1 {
		t.Fatalf("queue has %d tickets, want only the furious one: %+v", len(queue), queue)
	}
	got := queue[0]
	if got.Conversation != "c-furious" || got.Status != triage.StatusEscalated || got.Queue != triage.QueueSenior {
		t.Errorf("escalated ticket = %s %s %s, want c-furious escalated senior", got.Conversation, got.Status, got.Queue)
	}
	if got.Priority != triage.PriorityHigh {
		t.Errorf("priority = %s, want high", got.Priority)
	}
	if len(got.Reasons) == 0 || got.EscalationReason == "" {
		t.Errorf("escalated ticket has no reasons: %+v", got)
	}
	if got.ClaimedBy != nil {
		t.Errorf("claimed_by = %v, want null", *got.ClaimedBy)
	}

	all := decodeQueue(t, d.run("", "queue", "--all", "--json").stdout)
	if len(all) != 2 {
		t.Fatalf("queue --all has %d tickets, want 2", len(all))
	}
	if all[1].Conversation != "c-calm" || all[1].Status != triage.StatusOpen {
		t.Errorf("second ticket = %s %s, want c-calm open", all[1].Conversation, all[1].Status)
	}
}

func TestQueueJSONFieldNames(t *testing.T) {
	d := startDesk(t)
	d.run(furiousTranscript, "ingest")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(d.run("", "queue", "--json").stdout), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 1 {
		t.Fatalf("got %d tickets, want 1", len(raw))
	}
	for _, field := range []string{"id", "conversation", "status", "queue", "priority", "frustration", "reasons",
		"waiting_since", "last_customer_message", "claimed_by"} {
		if _, ok := raw[0][field]; !ok {
			t.Errorf("queue --json lacks field %q", field)
		}
	}
	if raw[0]["claimed_by"] != nil {
		t.Errorf("claimed_by = %v, want null", raw[0]["claimed_by"])
	}
}

func TestIngestTwiceAddsNothing(t *testing.T) {
	d := startDesk(t)
	first := d.run(furiousTranscript, "ingest")
	second := d.run(furiousTranscript, "ingest")
	if !strings.Contains(first.stderr, "7 accepted, 0 duplicates") {
		t.Errorf("first ingest: %q", first.stderr)
	}
	if !strings.Contains(second.stderr, "0 accepted, 7 duplicates") {
		t.Errorf("second ingest: %q", second.stderr)
	}
	var detail triage.TicketDetail
	if err := json.Unmarshal([]byte(d.run("", "ticket", "1", "--json").stdout), &detail); err != nil {
		t.Fatal(err)
	}
	if len(detail.Events) != 7 {
		t.Errorf("ticket has %d events after two ingests, want 7", len(detail.Events))
	}
}

func TestIngestBadLinesKeepGoodOnes(t *testing.T) {
	d := startDesk(t)
	input := strings.Join([]string{
		`{"conversation":"c-1","at":"2026-03-02T14:00:00Z","role":"customer","type":"message","text":"hello"}`,
		`{"conversation":"c-1","at":"2026-03-02T14:00:05","role":"customer","type":"message","text":"no zone"}`,
		`{"conversation":"c-1","at":"2026-03-02T14:00:10Z","role":"robot","type":"message","text":"bad role"}`,
		`not json at all`,
		`{"conversation":"c-1","at":"2026-03-02T14:00:20Z","role":"agent","type":"message","text":"hi there"}`,
		`{"conversation":"c-1","at":"2026-03-02T14:00:30Z","role":"customer","type":"message","text":"thanks"}`,
	}, "\n")
	path := filepath.Join(d.dir, "events.jsonl")
	if err := os.WriteFile(path, []byte(input), 0o600); err != nil {
		t.Fatal(err)
	}
	res := d.run("", "ingest", path)
	if res.code != exitRejected {
		t.Errorf("exit status = %d, want %d", res.code, exitRejected)
	}
	for _, want := range []string{path + ":2:", path + ":3:", path + ":4:", `"at"`, `"role"`, "3 accepted", "3 rejected"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	var detail triage.TicketDetail
	if err := json.Unmarshal([]byte(d.run("", "ticket", "T-1", "--json").stdout), &detail); err != nil {
		t.Fatal(err)
	}
	if len(detail.Events) != 3 {
		t.Errorf("stored %d events, want the 3 good ones", len(detail.Events))
	}
}

func TestIngestOverlongLineAlone(t *testing.T) {
	d := startDesk(t)
	long := `{"conversation":"c-1","at":"2026-03-02T14:00:01Z","role":"customer","type":"message","text":"` +
		strings.Repeat("a", 2<<20) + `"}`
	input := `{"conversation":"c-1","at":"2026-03-02T14:00:00Z","role":"customer","type":"message","text":"first"}` + "\n" +
		long + "\n" +
		`{"conversation":"c-1","at":"2026-03-02T14:00:02Z","role":"customer","type":"message","text":"third"}` + "\n"
	res := d.run(input, "ingest")
	if res.code != exitRejected {
		t.Errorf("exit status = %d, want %d\n%s", res.code, exitRejected, res.stderr)
	}
	if !strings.Contains(res.stderr, "stdin:2:") || !strings.Contains(res.stderr, "2 accepted") {
		t.Errorf("stderr = %q, want line 2 rejected and 2 accepted", res.stderr)
	}
}

func TestStdinTranscriptNeedsConversation(t *testing.T) {
	d := startDesk(t)
	res := d.run("[2026-03-02 14:00:00] Customer: hello\n", "ingest")
	if res.code != exitRejected {
		t.Errorf("exit status = %d, want %d", res.code, exitRejected)
	}
	if !strings.Contains(res.stderr, "--conversation") {
		t.Errorf("stderr does not advise --conversation: %q", res.stderr)
	}
	res = d.run("[2026-03-02 14:00:00] Customer: hello\n", "ingest", "--conversation", "c-9")
	if res.code != 0 || !strings.Contains(res.stderr, "1 accepted") {
		t.Errorf("with --conversation: exit %d, %q", res.code, res.stderr)
	}
}

func TestLateEventIsPlacedAndRescored(t *testing.T) {
	d := startDesk(t)
	ev := func(at, text string) string {
		return fmt.Sprintf(`{"conversation":"c-late","at":"2026-03-02T%sZ","role":"customer","type":"message","text":%q}`, at, text)
	}
	d.run(ev("14:00:00", "hello")+"\n"+ev("14:02:00", "thanks, all good")+"\n", "ingest")
	before := ticketDetail(t, d, "1")
	d.run(ev("14:01:00", "this is useless, still not working!!!")+"\n", "ingest")
	after := ticketDetail(t, d, "1")
	if len(after.Events) != 3 {
		t.Fatalf("%d events, want 3", len(after.Events))
	}
	if after.Events[1].Text != "this is useless, still not working!!!" {
		t.Errorf("late event not placed by time: order %q, %q, %q", after.Events[0].Text, after.Events[1].Text, after.Events[2].Text)
	}
	lastBefore := before.Events[1].Analysis.Frustration
	lastAfter := after.Events[2].Analysis.Frustration
	if lastAfter <= lastBefore {
		t.Errorf("frustration after the last turn = %.3f, want above %.3f once the angry turn is placed before it", lastAfter, lastBefore)
	}
}

func ticketDetail(t *testing.T, d *desk, id string) triage.TicketDetail {
	t.Helper()
	res := d.run("", "ticket", id, "--json")
	var detail triage.TicketDetail
	if err := json.Unmarshal([]byte(res.stdout), &detail); err != nil {
		t.Fatalf("ticket %s --json: %v\n%s%s", id, err, res.stdout, res.stderr)
	}
	return detail
}

func TestHistoryFormats(t *testing.T) {
	d := startDesk(t)
	d.run(furiousTranscript, "ingest")
	c := d.client().WithAgent("ana")
	if _, err := c.Claim(context.Background(), "T-1"); err != nil {
		t.Fatal(err)
	}
	res := d.run("", "history", "--format", "json")
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("history line is not JSON: %v: %q", err, line)
		}
		for _, f := range []string{"at", "ticket", "conversation", "kind", "queue", "priority", "reason", "frustration", "agent", "script", "script_version"} {
			if _, ok := rec[f]; !ok {
				t.Errorf("history record lacks %q: %s", f, line)
			}
		}
		kinds = append(kinds, rec["kind"].(string))
	}
	if got := strings.Join(kinds, ","); got != "opened,escalated,claimed" {
		t.Errorf("history kinds = %s, want opened,escalated,claimed", got)
	}
	rows, err := csv.NewReader(strings.NewReader(d.run("", "history", "--format", "csv").stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "at" || rows[3][8] != "ana" {
		t.Errorf("csv rows = %q", rows)
	}
	res = d.run("", "history", "--format", "json", "--kind", "escalated", "--since", "2026-03-01")
	if n := strings.Count(res.stdout, "\n"); n != 1 {
		t.Errorf("filtered history has %d lines, want 1:\n%s", n, res.stdout)
	}
	res = d.run("", "history", "--since", "yesterday")
	if res.code != exitUsage {
		t.Errorf("bad --since exit = %d, want %d", res.code, exitUsage)
	}
}

func TestClaimConflictNamesHolder(t *testing.T) {
	d := startDesk(t)
	d.run(furiousTranscript, "ingest")
	ctx := context.Background()
	if _, err := d.client().WithAgent("ana").Claim(ctx, "T-1"); err != nil {
		t.Fatal(err)
	}
	_, err := d.client().WithAgent("ben").Claim(ctx, "T-1")
	if err == nil || !strings.Contains(err.Error(), "ana") {
		t.Errorf("second claim error = %v, want a conflict naming ana", err)
	}
	tk, err := d.client().WithAgent("ana").Resolve(ctx, "T-1")
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != triage.StatusResolved {
		t.Errorf("status = %s, want resolved", tk.Status)
	}
	if q := decodeQueue(t, d.run("", "queue", "--json").stdout); len(q) != 0 {
		t.Errorf("resolved ticket still queued: %+v", q)
	}
}

func TestSecondDaemonNamesTheFirst(t *testing.T) {
	d := startDesk(t)
	res := runTriage(t, d.env(), "", "serve")
	if res.code == 0 {
		t.Fatal("second daemon started on a held database")
	}
	pid := fmt.Sprint(d.cmd.Process.Pid)
	for _, want := range []string{d.db, pid, d.socket} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("message %q does not name %s", res.stderr, want)
		}
	}
	if !socketAnswers(d.socket) {
		t.Error("the first daemon's socket stopped answering")
	}
	// A second daemon on another database must not take a live socket.
	other := append(d.env(), "TRIAGE_DB="+filepath.Join(d.dir, "other.db"))
	res = runTriage(t, other, "", "serve")
	if res.code == 0 || !strings.Contains(res.stderr, d.socket) {
		t.Errorf("daemon on another database: exit %d, %q", res.code, res.stderr)
	}
	if !socketAnswers(d.socket) {
		t.Error("the live socket was removed")
	}
}

func TestSIGTERMStopsCleanly(t *testing.T) {
	d := startDesk(t)
	d.run(furiousTranscript, "ingest")
	_ = d.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-d.exited:
		if err != nil {
			t.Errorf("daemon exit after SIGINT: %v\n%s", err, d.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not stop")
	}
	d.cmd = nil
	if _, err := os.Stat(d.socket); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
	if strings.Contains(d.stderr.String(), "STILL NOT WORKING") {
		t.Error("daemon logged message text at info level")
	}
	d.start()
	if q := decodeQueue(t, d.run("", "queue", "--json").stdout); len(q) != 1 {
		t.Errorf("after restart the queue has %d tickets, want 1", len(q))
	}
}

func TestSIGKILLKeepsAcknowledgedEvents(t *testing.T) {
	d := startDesk(t)
	const n = 3000
	var events []triage.Event
	base := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	for i := range n {
		events = append(events, triage.Event{
			Conversation: fmt.Sprintf("c-%d", i%50),
			At:           base.Add(time.Duration(i) * time.Second),
			Role:         triage.RoleCustomer,
			Type:         triage.TypeMessage,
			Text:         fmt.Sprintf("message %d", i),
		})
	}
	ctx := context.Background()
	acked := 0
	began := time.Now()
	for start := 0; start < n; start += 500 {
		res, err := d.client().Ingest(ctx, events[start:start+500])
		if err != nil {
			t.Fatal(err)
		}
		acked += len(res)
	}
	t.Logf("ingest took %v", time.Since(began))
	d.kill()
	d.start()
	t.Logf("restart took %v", time.Since(began))
	total := 0
	for i := range 50 {
		detail, err := d.client().Ticket(ctx, fmt.Sprint(i+1))
		if err != nil {
			t.Fatal(err)
		}
		total += len(detail.Events)
	}
	t.Logf("count took %v", time.Since(began))
	if total != acked {
		t.Errorf("after SIGKILL and restart %d events are stored, want the %d acknowledged", total, acked)
	}
}

func TestNoDaemonExitsWithAdvice(t *testing.T) {
	dir := shortTempDir(t)
	env := append(os.Environ(), "TRIAGE_DB="+filepath.Join(dir, "t.db"), "TRIAGE_SOCKET="+filepath.Join(dir, "none.sock"))
	for _, args := range [][]string{{"queue"}, {"console", "--no-start"}, {"ingest"}} {
		res := runTriage(t, env, "", args...)
		if res.code != exitNoDaemon {
			t.Errorf("%v: exit %d, want %d", args, res.code, exitNoDaemon)
		}
		if !strings.Contains(res.stderr, "triage serve") {
			t.Errorf("%v: stderr gives no advice: %q", args, res.stderr)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	dir := shortTempDir(t)
	env := append(os.Environ(), "TRIAGE_SOCKET="+filepath.Join(dir, "none.sock"))
	for _, args := range [][]string{{"queue", "--bogus"}, {"ticket"}, {"nosuchcommand"}} {
		if res := runTriage(t, env, "", args...); res.code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, res.code, exitUsage, res.stderr)
		}
	}
}

func TestDemoHeadlessEscalates(t *testing.T) {
	dir := shortTempDir(t)
	env := append(os.Environ(), "XDG_STATE_HOME="+dir, "TMPDIR="+dir)
	res := runTriage(t, env, "", "demo", "--headless", "--speed", "2000")
	if res.code != 0 {
		t.Fatalf("demo exit %d: %s", res.code, res.stderr)
	}
	status := make(map[string]string)
	for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n")[1:] {
		fields := strings.Fields(line)
		status[fields[1]] = fields[3]
	}
	for _, conv := range []string{"demo-furious-outage", "demo-furious-locked"} {
		if status[conv] != "escalated" {
			t.Errorf("%s is %q, want escalated:\n%s", conv, status[conv], res.stdout)
		}
	}
	for _, conv := range []string{"demo-calm-invoice", "demo-calm-export"} {
		if status[conv] != "open" {
			t.Errorf("%s is %q, want open:\n%s", conv, status[conv], res.stdout)
		}
	}
	if _, listed := status["demo-calm-password"]; listed {
		t.Errorf("closed conversation demo-calm-password is still listed:\n%s", res.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "triage", "demo.log")); err != nil {
		t.Errorf("demo log not written under XDG_STATE_HOME: %v", err)
	}
}

func TestTicketOutputIsInert(t *testing.T) {
	d := startDesk(t)
	line := `{"conversation":"c-bidi","at":"2026-03-02T14:00:00Z","role":"customer","type":"message","text":"refund ` +
		"\u202e" + `evil` + "\u202c" + ` \u001b]0;title\u0007 now"}`
	d.run(line+"\n", "ingest")
	res := d.run("", "ticket", "1")
	for _, bad := range []string{"\u202e", "\u202c", "\x1b", "\x07"} {
		if strings.Contains(res.stdout, bad) {
			t.Errorf("ticket output holds the raw control %q:\n%s", bad, res.stdout)
		}
	}
	if !strings.Contains(res.stdout, "refund") {
		t.Errorf("ticket output lacks the message:\n%s", res.stdout)
	}
	if res := d.run("", "ticket", "prn"); !strings.Contains(res.stderr, `"prn" not found`) || !strings.Contains(res.stderr, "T-12") {
		t.Errorf("unknown ticket message = %q, want the id as typed and the id form", res.stderr)
	}
}

func TestHistoryRangeChecked(t *testing.T) {
	d := startDesk(t)
	for _, args := range [][]string{
		{"history", "--since", "2026-03-03", "--until", "2026-03-01"},
		{"history", "--since", "200000d"},
	} {
		if res := d.run("", args...); res.code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, res.code, exitUsage, res.stderr)
		}
	}
}

func TestIngestNothingReadableFails(t *testing.T) {
	d := startDesk(t)
	res := d.run("", "ingest", filepath.Join(d.dir, "missing.txt"))
	if res.code != exitFailure {
		t.Errorf("ingest of a missing file: exit %d, want %d\n%s", res.code, exitFailure, res.stderr)
	}
	if !strings.Contains(res.stderr, "1 file unreadable") {
		t.Errorf("summary = %q, want \"1 file unreadable\"", res.stderr)
	}
}

func TestActionOnResolvedTicketIsInactive(t *testing.T) {
	d := startDesk(t)
	ctx := context.Background()
	ev := triage.Event{Conversation: "c-1", At: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC),
		Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "hello"}
	if _, err := d.client().Ingest(ctx, []triage.Event{ev}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.client().Resolve(ctx, "T-1"); err != nil {
		t.Fatal(err)
	}
	_, err := d.client().Claim(ctx, "T-1")
	if !errors.Is(err, triage.ErrInactive) {
		t.Errorf("claim of a resolved ticket: %v, want ErrInactive", err)
	}
	if !errors.Is(err, triage.ErrConflict) {
		t.Errorf("claim of a resolved ticket: %v, want it to be a conflict too", err)
	}
}
