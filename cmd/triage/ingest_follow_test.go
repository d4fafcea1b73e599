package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// follower is a running `triage ingest --follow`.
type follower struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	stdout *bytes.Buffer
	exited chan error
}

// startFollower runs ingest --follow with short poll and quiet periods.
func startFollower(t *testing.T, d *desk, args ...string) *follower {
	t.Helper()
	f := &follower{t: t, stderr: &bytes.Buffer{}, stdout: &bytes.Buffer{}, exited: make(chan error, 1)}
	all := append([]string{"ingest", "--follow", "--poll", "10ms", "--flush-after", "100ms"}, args...)
	f.cmd = exec.Command(triageBin, all...)
	f.cmd.Env = d.env()
	f.cmd.Stderr, f.cmd.Stdout = f.stderr, f.stdout
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { f.exited <- f.cmd.Wait() }()
	t.Cleanup(func() {
		if f.cmd.ProcessState == nil {
			_ = f.cmd.Process.Kill()
			<-f.exited
		}
	})
	return f
}

// stop ends the follower with sig and returns its exit code.
func (f *follower) stop(sig syscall.Signal) int {
	f.t.Helper()
	_ = f.cmd.Process.Signal(sig)
	select {
	case <-f.exited:
	case <-time.After(60 * time.Second):
		f.t.Fatalf("follower did not stop within 60s after %v\n%s", sig, f.stderr)
	}
	return f.cmd.ProcessState.ExitCode()
}

// conversationEvents returns the stored events of a conversation, or nil
// when it has no active ticket yet.
func conversationEvents(t *testing.T, d *desk, conv string) []triage.StoredEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tickets, err := d.client().Queue(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tickets {
		if tk.Conversation != conv {
			continue
		}
		detail, err := d.client().Ticket(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		return detail.Events
	}
	return nil
}

// conversationTexts returns the texts of the stored message events of a
// conversation.
func conversationTexts(t *testing.T, d *desk, conv string) []string {
	t.Helper()
	var out []string
	for _, e := range conversationEvents(t, d, conv) {
		if e.Type == triage.TypeMessage {
			out = append(out, e.Text)
		}
	}
	return out
}

// waitForTexts waits until the conversation has at least n messages and
// returns them.
func waitForTexts(t *testing.T, d *desk, f *follower, conv string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		texts := conversationTexts(t, d, conv)
		if len(texts) >= n {
			return texts
		}
		if time.Now().After(deadline) {
			t.Fatalf("conversation %s has %d of %d messages after 60s: %q\nfollower stderr:\n%s", conv, len(texts), n, texts, f.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func calmLine(conv string, n int) string {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
	return fmt.Sprintf(`{"conversation":%q,"at":%q,"role":"customer","type":"message","text":"hello number %d"}`+"\n",
		conv, at.Format(time.RFC3339), n)
}

func writeLines(t *testing.T, path string, conv string, from, to int) {
	t.Helper()
	var b strings.Builder
	for n := from; n < to; n++ {
		b.WriteString(calmLine(conv, n))
	}
	appendFile(t, path, b.String())
}

func appendFile(t *testing.T, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
}

// checkEachOnce fails unless texts holds "hello number N" exactly once
// for every N in [0, n).
func checkEachOnce(t *testing.T, texts []string, n int) {
	t.Helper()
	if len(texts) != n {
		t.Errorf("stored %d messages, want %d", len(texts), n)
	}
	for i := range n {
		want := fmt.Sprintf("hello number %d", i)
		if c := countOf(texts, want); c != 1 {
			t.Errorf("%q stored %d times, want once", want, c)
		}
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

func TestFollowAppendTruncateRotate(t *testing.T) {
	d := startDesk(t)
	path := filepath.Join(d.dir, "live.jsonl")
	writeLines(t, path, "c-follow", 0, 3)
	f := startFollower(t, d, path)
	waitForTexts(t, d, f, "c-follow", 3)

	writeLines(t, path, "c-follow", 3, 6)
	waitForTexts(t, d, f, "c-follow", 6)

	// Truncate, then write new lines: they are read from the top.
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	writeLines(t, path, "c-follow", 6, 8)
	waitForTexts(t, d, f, "c-follow", 8)

	// Rotate: rename, write to the old file, then create a new one.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	writeLines(t, path+".1", "c-follow", 8, 9)
	writeLines(t, path, "c-follow", 9, 12)
	texts := waitForTexts(t, d, f, "c-follow", 12)

	if code := f.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("follower exit %d after SIGTERM, want 0\n%s", code, f.stderr)
	}
	checkEachOnce(t, texts, 12)
	if !strings.Contains(f.stderr.String(), "truncated") {
		t.Errorf("stderr does not report the truncation:\n%s", f.stderr)
	}
	if !strings.Contains(f.stderr.String(), "12 accepted, 0 duplicates") {
		t.Errorf("summary does not count 12 accepted and no duplicates:\n%s", f.stderr)
	}
}

func TestFollowRestartResumes(t *testing.T) {
	d := startDesk(t)
	path := filepath.Join(d.dir, "resume.jsonl")
	writeLines(t, path, "c-resume", 0, 5)
	f := startFollower(t, d, path)
	waitForTexts(t, d, f, "c-resume", 5)
	if code := f.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("follower exit %d, want 0\n%s", code, f.stderr)
	}

	// Lines written while no follower runs are sent by the next one, and
	// nothing sent before is sent again.
	writeLines(t, path, "c-resume", 5, 8)
	g := startFollower(t, d, path)
	texts := waitForTexts(t, d, g, "c-resume", 8)
	if code := g.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("second follower exit %d, want 0\n%s", code, g.stderr)
	}
	checkEachOnce(t, texts, 8)
	if !strings.Contains(g.stderr.String(), "3 accepted, 0 duplicates") {
		t.Errorf("second run should send only the 3 new lines:\n%s", g.stderr)
	}
	states, _ := filepath.Glob(filepath.Join(d.dir, "triage", "follow", "*.json"))
	if len(states) != 1 {
		t.Errorf("follow position files %q, want one", states)
	}
}

func TestFollowKilledStoresEachOnce(t *testing.T) {
	d := startDesk(t)
	path := filepath.Join(d.dir, "killed.jsonl")
	total := 0
	for round := range 4 {
		f := startFollower(t, d, path)
		// Write in small steps so that the kill lands at varying points.
		for step := range 5 {
			writeLines(t, path, "c-kill", total, total+3)
			total += 3
			if step == 2 {
				waitForTexts(t, d, f, "c-kill", total-3)
			}
		}
		if round%2 == 0 {
			f.stop(syscall.SIGKILL)
		} else {
			waitForTexts(t, d, f, "c-kill", total)
			f.stop(syscall.SIGTERM)
		}
	}
	f := startFollower(t, d, path)
	texts := waitForTexts(t, d, f, "c-kill", total)
	f.stop(syscall.SIGTERM)
	checkEachOnce(t, texts, total)
	slices.Sort(texts)
	if len(slices.Compact(texts)) != total {
		t.Errorf("duplicate texts stored")
	}
}

func TestFollowTranscriptFlushesLastMessage(t *testing.T) {
	d := startDesk(t)
	path := filepath.Join(d.dir, "c-chat.txt")
	appendFile(t, path, "# date: 2026-03-02\n[09:00:00] Customer: hello number 0\n")
	f := startFollower(t, d, path)
	// Only the quiet period sends the message: no line follows it.
	waitForTexts(t, d, f, "c-chat", 1)
	appendFile(t, path, "[09:01:00] Customer: hello number 1\n  and more\n")
	texts := waitForTexts(t, d, f, "c-chat", 2)
	f.stop(syscall.SIGTERM)
	if len(texts) != 2 || texts[1] != "hello number 1\nand more" {
		t.Errorf("messages %q, want the continuation joined to the second", texts)
	}
}

func TestFollowUsageErrors(t *testing.T) {
	d := startDesk(t)
	for _, args := range [][]string{
		{"ingest", "--follow"},
		{"ingest", "--follow", "--format", "twcs", "x.csv"},
		{"ingest", "--speed", "-1"},
	} {
		res := d.run("", args...)
		if res.code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, res.code, exitUsage, res.stderr)
		}
	}
}
