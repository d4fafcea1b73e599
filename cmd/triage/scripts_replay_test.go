package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

const connectionTranscript = `# conversation: c-net
# date: 2026-03-02
[14:00:00] Customer: Hi, I cannot connect to the internet since this morning
[14:01:30] Customer: only on my laptop
[14:03:00] Customer: no, still not working
`

// escalatingScript is the default script with the restart advice's
// failure escalated to senior instead of handed to the agents.
var escalatingScript = strings.Replace(scripts.DefaultScripts[0],
	`hand_to_human: {reason: "restarting the router and device did not help"}`,
	`escalate: {queue: senior, priority: high, reason: "restart did not help"}`, 1)

func TestScriptsTestPrintsTurns(t *testing.T) {
	dir := shortTempDir(t)
	env := append(os.Environ(), "TRIAGE_SOCKET="+filepath.Join(dir, "none.sock"), "TRIAGE_DB="+filepath.Join(dir, "none.db"))
	transcript := writeFile(t, dir, "net.txt", connectionTranscript)

	res := runTriage(t, env, "", "scripts", "test", "sign-in-or-connection", transcript)
	if res.code != 0 {
		t.Fatalf("scripts test: exit %d\n%s", res.code, res.stderr)
	}
	for _, want := range []string{
		"conversation c-net, script sign-in-or-connection (default)",
		"2026-03-02T14:01:30Z",
		"route: transition 2 `mentions(phrases.connection)` fired",
		"ask-connection-scope: transition 2 `says(phrases.one_device)` fired (said \"only on\")",
		"outcome: handed over to agents at turn 3",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	if !strings.Contains(res.stderr, "using the default script") {
		t.Errorf("stderr does not say the default script was used: %q", res.stderr)
	}

	other := writeFile(t, dir, "escalating.yaml", escalatingScript)
	res = runTriage(t, env, "", "scripts", "test", "sign-in-or-connection", transcript, "--against-file", other)
	if res.code != 0 {
		t.Fatalf("scripts test --against-file: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, "the versions part ways at turn 3") {
		t.Errorf("output does not name turn 3 as the parting:\n%s", res.stdout)
	}
	if !strings.Contains(res.stdout, "escalated to senior at turn 3") {
		t.Errorf("output lacks the other version's outcome:\n%s", res.stdout)
	}
}

func TestScriptsTestAgainstStoredVersion(t *testing.T) {
	d := startDesk(t)
	transcript := writeFile(t, d.dir, "net.txt", connectionTranscript)
	if res := d.run("", "scripts", "apply", writeFile(t, d.dir, "v2.yaml", escalatingScript)); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	res := d.run("", "scripts", "test", "sign-in-or-connection", transcript, "--against", "1")
	if res.code != 0 {
		t.Fatalf("scripts test --against 1: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, "script sign-in-or-connection version 2") ||
		!strings.Contains(res.stdout, "outcome: escalated to senior at turn 3") {
		t.Errorf("version 2 is not the one tested:\n%s", res.stdout)
	}
	if !strings.Contains(res.stdout, "outcome with script sign-in-or-connection version 1: handed over to agents at turn 3") {
		t.Errorf("version 1's outcome is missing:\n%s", res.stdout)
	}
	// The replay changed no ticket.
	if all := decodeQueue(t, d.run("", "queue", "--all", "--json").stdout); len(all) != 0 {
		t.Errorf("scripts test opened %d tickets", len(all))
	}
	res = d.run("", "scripts", "test", "sign-in-or-connection", transcript, "--against", "7")
	if res.code != exitFailure || !strings.Contains(res.stderr, "not found") {
		t.Errorf("--against a missing version: exit %d, %q", res.code, res.stderr)
	}
}

func TestScriptsTestSummaryMatchesLiveOnTWCS(t *testing.T) {
	data := twcsHistoryDir(t)
	d := startDesk(t)
	dir := filepath.Join(d.dir, "twcs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	files := writeTWCSTranscripts(t, filepath.Join(data, "dprocessed.part1-conv001-230.txt"), dir)
	if len(files) != 230 {
		t.Fatalf("read %d dialogues, want 230", len(files))
	}

	res := d.run("", "scripts", "test", "sign-in-or-connection", dir, "--json")
	if res.code != 0 {
		t.Fatalf("scripts test: exit %d\n%s", res.code, res.stderr)
	}
	var rep report
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("scripts test --json: %v\n%s", err, res.stdout)
	}
	if rep.Summary.Conversations != len(files) {
		t.Fatalf("summary counts %d conversations, want %d", rep.Summary.Conversations, len(files))
	}
	if res := d.run("", append([]string{"ingest"}, files...)...); res.code != 0 {
		t.Fatalf("ingest: exit %d\n%s", res.code, res.stderr)
	}
	// The live outcome of a conversation is its first escalation,
	// hand-over or resolution, as the replay's is.
	live := map[string]triage.Record{}
	for _, line := range strings.Split(strings.TrimSpace(d.run("", "history", "--format", "json").stdout), "\n") {
		var rec triage.Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("history line %q: %v", line, err)
		}
		decisive := rec.Kind == triage.KindEscalated || rec.Kind == triage.KindResolved ||
			(rec.Kind == triage.KindReassigned && !strings.Contains(rec.Reason, "took the ticket"))
		if _, seen := live[rec.Conversation]; decisive && !seen {
			live[rec.Conversation] = rec
		}
	}

	liveEscalated := 0
	for _, o := range rep.Summary.Outcomes {
		rec, ok := live[o.Conversation]
		if rec.Kind == triage.KindEscalated {
			liveEscalated++
		}
		switch o.Result {
		case "escalated", "resolved", "handed_over":
			if !ok || rec.Reason != o.Reason || rec.Queue != o.Queue {
				t.Errorf("%s: replay %s %q, live %s %q", o.Conversation, o.Result, o.Reason, rec.Kind, rec.Reason)
			}
		default:
			if ok {
				t.Errorf("%s: replay %s, live %s %q", o.Conversation, o.Result, rec.Kind, rec.Reason)
			}
		}
	}
	if got := rep.Summary.Results["escalated"]; got != liveEscalated {
		t.Errorf("replay escalates %d conversations, the live daemon %d", got, liveEscalated)
	}
	if liveEscalated == 0 {
		t.Errorf("no conversation escalated; the comparison proves nothing")
	}
	t.Logf("replay outcomes of %d conversations: %v; escalations by turn %v",
		rep.Summary.Conversations, rep.Summary.Results, rep.Summary.EscalatedAtTurn)
}

func TestScriptsTestRejectedLineExits3(t *testing.T) {
	dir := shortTempDir(t)
	env := append(os.Environ(), "TRIAGE_SOCKET="+filepath.Join(dir, "none.sock"), "TRIAGE_DB="+filepath.Join(dir, "none.db"))
	// The third message has an hour of 25, which the transcript reader
	// rejects; the lines around it still make the conversation.
	bad := strings.Replace(connectionTranscript, "[14:01:30]", "[25:01:30]", 1)
	transcript := writeFile(t, dir, "net.txt", bad)

	res := runTriage(t, env, "", "scripts", "test", "sign-in-or-connection", transcript)
	if res.code != exitRejected {
		t.Errorf("scripts test with a rejected line: exit %d, want %d\n%s", res.code, exitRejected, res.stderr)
	}
	if !strings.Contains(res.stderr, transcript+":4:") {
		t.Errorf("stderr does not name the rejected line %s:4:\n%s", transcript, res.stderr)
	}
	if !strings.Contains(res.stdout, "conversation c-net") {
		t.Errorf("the good lines were not replayed:\n%s", res.stdout)
	}
}
