package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// outboxLine is one line that `triage outbox` prints, with every field a
// bridge relies on.
type outboxLine struct {
	ID           uint64    `json:"id"`
	Ticket       string    `json:"ticket"`
	Conversation string    `json:"conversation"`
	At           time.Time `json:"at"`
	Author       string    `json:"author"`
	Role         string    `json:"role"`
	Text         string    `json:"text"`
	Script       string    `json:"script"`
}

func decodeOutbox(t *testing.T, out string) []outboxLine {
	t.Helper()
	var lines []outboxLine
	for _, raw := range strings.Split(strings.TrimSpace(out), "\n") {
		if raw == "" {
			continue
		}
		var l outboxLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("outbox line %q: %v", raw, err)
		}
		lines = append(lines, l)
	}
	return lines
}

const signInTurn = `{"conversation":"c-sign","at":"2026-03-02T09:00:00Z","role":"customer","type":"message","text":"Hi, I can't log in to my account"}`

func TestReplyAndScriptMessageInOutbox(t *testing.T) {
	d := startDesk(t)
	if res := d.run(signInTurn+"\n"+`{"conversation":"c-calm","at":"2026-03-02T09:00:00Z","role":"customer","type":"message","text":"hello there"}`, "ingest"); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	calm := ticketFor(t, d, "c-calm")
	res := d.run("", "reply", calm, "We are", "on it")
	if res.code != 0 {
		t.Fatalf("reply exit %d: %s", res.code, res.stderr)
	}
	replied := decodeOutbox(t, res.stdout)
	if len(replied) != 1 || replied[0].Text != "We are on it" || replied[0].Ticket != calm {
		t.Fatalf("reply printed %q, want its outbox entry", res.stdout)
	}

	res = d.run("", "outbox")
	if res.code != 0 {
		t.Fatalf("outbox exit %d: %s", res.code, res.stderr)
	}
	lines := decodeOutbox(t, res.stdout)
	if len(lines) < 2 {
		t.Fatalf("outbox has %d entries, want the script's message and the reply:\n%s", len(lines), res.stdout)
	}
	script, reply := lines[0], lines[len(lines)-1]
	if script.Conversation != "c-sign" || script.Role != "bot" || script.Script == "" || script.Text == "" {
		t.Errorf("first entry %+v, want the sign-in script's message", script)
	}
	if reply.Conversation != "c-calm" || reply.Role != "agent" || reply.Author == "" || reply.At.IsZero() {
		t.Errorf("last entry %+v, want the agent reply with its author and time", reply)
	}
	for i := 1; i < len(lines); i++ {
		if lines[i].ID <= lines[i-1].ID {
			t.Errorf("ids out of order: %d after %d", lines[i].ID, lines[i-1].ID)
		}
	}

	// The reply is an agent message of the conversation too.
	found := false
	for _, e := range conversationEvents(t, d, "c-calm") {
		if e.Role == triage.RoleAgent && e.Type == triage.TypeMessage && e.Text == "We are on it" {
			found = true
		}
	}
	if !found {
		t.Error("the reply is not stored as an agent message in the conversation")
	}

	// Filter by conversation.
	res = d.run("", "outbox", "--conversation", "c-calm")
	if only := decodeOutbox(t, res.stdout); len(only) != 1 || only[0].ID != reply.ID {
		t.Errorf("outbox --conversation c-calm printed %q, want only the reply", res.stdout)
	}

	// Acknowledged entries are gone; acknowledging twice is fine; an id
	// never given fails.
	if res := d.run("", "outbox", "ack", strconv.FormatUint(reply.ID, 10)); res.code != 0 {
		t.Fatalf("ack exit %d: %s", res.code, res.stderr)
	}
	if res := d.run("", "outbox", "ack", strconv.FormatUint(reply.ID, 10)); res.code != 0 {
		t.Errorf("second ack exit %d, want 0: %s", res.code, res.stderr)
	}
	if res := d.run("", "outbox", "ack", "999999"); res.code != exitFailure || !strings.Contains(res.stderr, "999999 not found") {
		t.Errorf("ack of an unknown id: exit %d %q, want 1 naming the id", res.code, res.stderr)
	}
	if res := d.run("", "outbox", "ack", "x"); res.code != exitUsage {
		t.Errorf("ack of a non-number: exit %d, want %d", res.code, exitUsage)
	}
	left := decodeOutbox(t, d.run("", "outbox").stdout)
	if len(left) != len(lines)-1 {
		t.Errorf("%d entries left after the ack, want %d", len(left), len(lines)-1)
	}

	if res := d.run("", "reply", "T-999", "hello"); res.code != exitFailure || !strings.Contains(res.stderr, "not found") {
		t.Errorf("reply to a missing ticket: exit %d %q, want 1 and not found", res.code, res.stderr)
	}
}

// ticketFor returns the id of the active ticket of a conversation.
func ticketFor(t *testing.T, d *desk, conv string) string {
	t.Helper()
	tickets, err := d.client().Queue(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tickets {
		if tk.Conversation == conv {
			return tk.ID
		}
	}
	t.Fatalf("no active ticket for conversation %s", conv)
	return ""
}

// lineReader reads the stdout of a running command line by line.
type lineReader struct {
	lines chan string
}

func readLines(r io.Reader) *lineReader {
	lr := &lineReader{lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lr.lines <- sc.Text()
		}
		close(lr.lines)
	}()
	return lr
}

func (lr *lineReader) next(t *testing.T, stderr *bytes.Buffer) string {
	t.Helper()
	select {
	case line, ok := <-lr.lines:
		if !ok {
			t.Fatalf("output ended early\n%s", stderr)
		}
		return line
	case <-time.After(60 * time.Second):
		t.Fatalf("no output line within 60s\n%s", stderr)
	}
	return ""
}

func TestOutboxFollowRedeliversAfterRestart(t *testing.T) {
	d := startDesk(t)
	d.run(`{"conversation":"c-f","at":"2026-03-02T09:00:00Z","role":"customer","type":"message","text":"hello"}`, "ingest")
	tk := ticketFor(t, d, "c-f")

	cmd := exec.Command(triageBin, "outbox", "--follow")
	cmd.Env = d.env()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	out := readLines(stdout)

	d.run("", "reply", tk, "first")
	first := decodeOutbox(t, out.next(t, &stderr))[0]
	d.run("", "reply", tk, "second")
	second := decodeOutbox(t, out.next(t, &stderr))[0]
	if first.Text != "first" || second.Text != "second" {
		t.Fatalf("followed %q then %q", first.Text, second.Text)
	}
	d.run("", "outbox", "ack", strconv.FormatUint(first.ID, 10))

	// The daemon restarts: the follower reconnects and gets what comes
	// next, and a new follower starts from the oldest unacknowledged.
	d.stop()
	d.start()
	d.run("", "reply", tk, "third")
	if third := decodeOutbox(t, out.next(t, &stderr))[0]; third.Text != "third" {
		t.Fatalf("after the restart followed %q, want third", third.Text)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)

	res := d.run("", "outbox")
	again := decodeOutbox(t, res.stdout)
	if len(again) != 2 || again[0].Text != "second" || again[1].Text != "third" {
		t.Errorf("pending after the restart: %q, want second and third", res.stdout)
	}
}

func TestIngestReplyWritesOwnConversations(t *testing.T) {
	d := startDesk(t)
	// A reply pending for another conversation is not written.
	d.run(`{"conversation":"c-other","at":"2026-03-02T09:00:00Z","role":"customer","type":"message","text":"hello"}`, "ingest")
	d.run("", "reply", ticketFor(t, d, "c-other"), "not for this bridge")

	res := d.run(signInTurn+"\n", "ingest", "--reply")
	if res.code != 0 {
		t.Fatalf("ingest --reply exit %d: %s", res.code, res.stderr)
	}
	lines := decodeOutbox(t, res.stdout)
	if len(lines) == 0 {
		t.Fatalf("ingest --reply printed nothing; stderr:\n%s", res.stderr)
	}
	for _, l := range lines {
		if l.Conversation != "c-sign" {
			t.Errorf("ingest --reply printed an entry of %s: %+v", l.Conversation, l)
		}
	}
	if lines[0].Role != "bot" || lines[0].Text == "" {
		t.Errorf("first entry %+v, want the script's message", lines[0])
	}

	// Run again: the entries not acknowledged are written again, because
	// the same conversation was sent.
	again := decodeOutbox(t, d.run(signInTurn+"\n", "ingest", "--reply").stdout)
	if len(again) != len(lines) {
		t.Errorf("second run printed %d entries, want the %d still pending", len(again), len(lines))
	}
}

func TestIngestFollowReplyBothWays(t *testing.T) {
	d := startDesk(t)
	path := d.dir + "/bridge.jsonl"
	appendFile(t, path, "")
	f := startFollowerPiped(t, d, "--reply", path)

	appendFile(t, path, signInTurn+"\n")
	script := decodeOutbox(t, f.out.next(t, f.stderr))[0]
	if script.Conversation != "c-sign" || script.Role != "bot" {
		t.Fatalf("first reply line %+v, want the script's message to c-sign", script)
	}
	if res := d.run("", "reply", script.Ticket, "An agent is here"); res.code != 0 {
		t.Fatalf("reply exit %d: %s", res.code, res.stderr)
	}
	for {
		l := decodeOutbox(t, f.out.next(t, f.stderr))[0]
		if l.Text == "An agent is here" {
			if l.Role != "agent" || l.Conversation != "c-sign" {
				t.Errorf("agent reply line %+v", l)
			}
			break
		}
	}
	if code := f.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("follower exit %d after SIGTERM\n%s", code, f.stderr)
	}
}

// pipedFollower is an ingest --follow whose stdout is read line by line.
type pipedFollower struct {
	*follower
	out *lineReader
}

func startFollowerPiped(t *testing.T, d *desk, args ...string) *pipedFollower {
	t.Helper()
	f := &follower{t: t, stderr: &bytes.Buffer{}, exited: make(chan error, 1)}
	all := append([]string{"ingest", "--follow", "--poll", "10ms", "--flush-after", "100ms"}, args...)
	f.cmd = exec.Command(triageBin, all...)
	f.cmd.Env = d.env()
	f.cmd.Stderr = f.stderr
	stdout, err := f.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := readLines(stdout)
	go func() { f.exited <- f.cmd.Wait() }()
	t.Cleanup(func() {
		if f.cmd.ProcessState == nil {
			_ = f.cmd.Process.Kill()
			<-f.exited
		}
	})
	return &pipedFollower{follower: f, out: out}
}
