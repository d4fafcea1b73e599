package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// followOpts polls often so that tests finish quickly; no check depends
// on how long anything takes.
func followOpts(format Format) FollowOptions {
	return FollowOptions{Options: Options{Format: format}, Poll: 5 * time.Millisecond, Quiet: 50 * time.Millisecond}
}

// collect reads from f until it has n Items, failing the test after a
// generous timeout.
func collect(t *testing.T, f *Follower, n int) []FollowItem {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var items []FollowItem
	for len(items) < n {
		item, err := f.Next()
		if errors.Is(err, ErrNeedInput) {
			if err := f.Wait(ctx); err != nil {
				t.Fatalf("waited for item %d of %d: %v", len(items)+1, n, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		items = append(items, item)
	}
	return items
}

// expectNothing checks that f has no Item ready after a few polls.
func expectNothing(t *testing.T, f *Follower) {
	t.Helper()
	for range 3 {
		item, err := f.Next()
		if err == nil {
			t.Fatalf("unexpected item at line %d: %+v", item.Line, item.Event)
		}
		if !errors.Is(err, ErrNeedInput) {
			t.Fatalf("Next: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_ = f.Wait(ctx)
		cancel()
	}
}

func jsonLine(conv string, sec int, text string) string {
	return fmt.Sprintf(`{"conversation":%q,"at":"2026-03-02T14:%02d:%02dZ","role":"customer","type":"message","text":%q}`+"\n",
		conv, sec/60, sec%60, text)
}

func appendFile(t *testing.T, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func texts(items []FollowItem) []string {
	var out []string
	for _, it := range items {
		if it.Event != nil {
			out = append(out, it.Event.Text)
		} else {
			out = append(out, "rejected: "+it.Err.Reason)
		}
	}
	return out
}

func TestFollowAppendedLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	appendFile(t, path, jsonLine("c", 1, "one"))
	f, err := NewFollower(path, followOpts(FormatAuto))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := texts(collect(t, f, 1)); got[0] != "one" {
		t.Fatalf("first item %q", got)
	}
	// Half a line is held until its end arrives.
	line := jsonLine("c", 2, "two")
	appendFile(t, path, line[:10])
	expectNothing(t, f)
	appendFile(t, path, line[10:]+jsonLine("c", 3, "three"))
	items := collect(t, f, 2)
	if got := strings.Join(texts(items), ","); got != "two,three" {
		t.Fatalf("items %q, want two,three", got)
	}
	if items[1].State.Line != 3 {
		t.Errorf("state line %d, want 3", items[1].State.Line)
	}
	info, _ := os.Stat(path)
	if items[1].State.Offset != info.Size() {
		t.Errorf("state offset %d, want the file size %d", items[1].State.Offset, info.Size())
	}
}

func TestFollowWaitsForMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.jsonl")
	f, err := NewFollower(path, followOpts(FormatAuto))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	expectNothing(t, f)
	appendFile(t, path, jsonLine("c", 1, "hello"))
	if got := texts(collect(t, f, 1)); got[0] != "hello" {
		t.Fatalf("item %q", got)
	}
}

func TestFollowTruncation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	appendFile(t, path, jsonLine("c", 1, "one")+jsonLine("c", 2, "two"))
	var notices []string
	opts := followOpts(FormatJSONL)
	opts.Notify = func(msg string) { notices = append(notices, msg) }
	f, err := NewFollower(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	collect(t, f, 2)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	expectNothing(t, f)
	appendFile(t, path, jsonLine("c", 3, "three"))
	items := collect(t, f, 1)
	if items[0].Event.Text != "three" || items[0].Line != 1 {
		t.Fatalf("after truncation got %q at line %d, want three at line 1", items[0].Event.Text, items[0].Line)
	}
	if len(notices) == 0 || !strings.Contains(notices[0], "truncated") {
		t.Errorf("notices %q, want one about truncation", notices)
	}
}

func TestFollowRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chat.txt")
	appendFile(t, path, "# date: 2026-03-02\n[14:00:01] Customer: first\n")
	f, err := NewFollower(path, followOpts(FormatAuto))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The pending message is flushed after the quiet period.
	if got := texts(collect(t, f, 1)); got[0] != "first" {
		t.Fatalf("item %q", got)
	}
	// Lines written to the old file after the rename are still read.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path+".1", "[14:00:02] Customer: late in the old file\n")
	if got := texts(collect(t, f, 1)); got[0] != "late in the old file" {
		t.Fatalf("item %q", got)
	}
	appendFile(t, path, "# date: 2026-03-03\n[09:00:00] Customer: new file\n[09:00:05] Agent: hi\n")
	items := collect(t, f, 2)
	if got := strings.Join(texts(items), ","); got != "new file,hi" {
		t.Fatalf("items %q", got)
	}
	if items[0].Event.Conversation != "chat" || items[0].Line != 2 {
		t.Errorf("first event of the new file: conversation %q line %d", items[0].Event.Conversation, items[0].Line)
	}
}

func TestFollowResumeSkipsHandledLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	appendFile(t, path, jsonLine("c", 1, "ok")+jsonLine("c", 1, "ok")+jsonLine("c", 2, "three"))
	f, err := NewFollower(path, followOpts(FormatAuto))
	if err != nil {
		t.Fatal(err)
	}
	first := collect(t, f, 3)
	f.Close()
	state := first[1].State

	opts := followOpts(FormatAuto)
	opts.Resume = &state
	g, err := NewFollower(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	again := collect(t, g, 1)
	if again[0].Line != 3 || again[0].Event.ID != first[2].Event.ID {
		t.Fatalf("resumed at line %d id %s, want line 3 id %s", again[0].Line, again[0].Event.ID, first[2].Event.ID)
	}
	// The two identical "ok" lines keep their distinct ids because the
	// resumed reader counted the skipped one too.
	if first[0].Event.ID == first[1].Event.ID {
		t.Fatal("identical lines got one id")
	}
}

func TestFollowResumeOtherFileStartsOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	appendFile(t, path, jsonLine("c", 1, "old one")+jsonLine("c", 2, "old two"))
	f, err := NewFollower(path, followOpts(FormatAuto))
	if err != nil {
		t.Fatal(err)
	}
	state := collect(t, f, 2)[1].State
	f.Close()

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, jsonLine("c", 3, "new one")+jsonLine("c", 4, "new two")+jsonLine("c", 5, "new three"))
	opts := followOpts(FormatAuto)
	opts.Resume = &state
	var notices []string
	opts.Notify = func(msg string) { notices = append(notices, msg) }
	g, err := NewFollower(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := texts(collect(t, g, 3)); got[0] != "new one" {
		t.Fatalf("items %q, want the new file from its start", got)
	}
	if len(notices) != 1 {
		t.Errorf("notices %q, want one", notices)
	}
}

func TestFollowLateContinuationRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.txt")
	appendFile(t, path, "# date: 2026-03-02\n[14:00:01] Customer: it fails\n")
	f, err := NewFollower(path, followOpts(FormatText))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	collect(t, f, 1)
	appendFile(t, path, "and crashes\n")
	items := collect(t, f, 1)
	if items[0].Err == nil || !strings.Contains(items[0].Err.Reason, "quiet period") {
		t.Fatalf("late continuation gave %+v, want a rejection naming the quiet period", items[0])
	}
	if items[0].Line != 3 {
		t.Errorf("rejection at line %d, want 3", items[0].Line)
	}
}

func TestFollowRejectsTWCS(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	if _, err := NewFollower(path, followOpts(FormatTWCS)); err == nil {
		t.Fatal("following TWCS was accepted")
	}
	appendFile(t, path, "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n")
	f, err := NewFollower(path, followOpts(FormatAuto))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, err := f.Next()
		if errors.Is(err, ErrNeedInput) {
			if err := f.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "TWCS") {
			t.Fatalf("detected TWCS gave %v, want an error naming TWCS", err)
		}
		return
	}
}

func TestFollowLongLineInParts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	opts := followOpts(FormatJSONL)
	opts.MaxLineBytes = 100
	f, err := NewFollower(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A line longer than the limit arrives in three writes, each read on
	// its own; it is rejected once and the next line is taken.
	long := jsonLine("c", 1, strings.Repeat("x", 150))
	appendFile(t, path, long[:60])
	expectNothing(t, f)
	appendFile(t, path, long[60:120])
	expectNothing(t, f)
	appendFile(t, path, long[120:]+jsonLine("c", 2, "short"))
	items := collect(t, f, 2)
	if items[0].Err == nil || items[0].Line != 1 || !strings.Contains(items[0].Err.Reason, "longer than 100 bytes") {
		t.Errorf("first item %+v, want line 1 rejected as too long", items[0])
	}
	if items[1].Event == nil || items[1].Event.Text != "short" || items[1].Line != 2 {
		t.Errorf("second item %+v, want the short line 2", items[1])
	}
}

func TestReaderNeedInputKeepsPartialLine(t *testing.T) {
	src := &feed{}
	r, err := NewReader(src, Options{Format: FormatJSONL, Source: "parts.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	line := jsonLine("c", 1, "hello")
	src.buf = []byte(line[:20])
	if _, err := r.Next(); !errors.Is(err, ErrNeedInput) {
		t.Fatalf("Next on half a line: %v, want ErrNeedInput", err)
	}
	src.buf = append(src.buf, line[20:]...)
	item, err := r.Next()
	if err != nil || item.Event == nil || item.Event.Text != "hello" {
		t.Fatalf("Next after the rest: %+v %v, want the event", item, err)
	}
	src.closed = true
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("Next after close: %v, want io.EOF", err)
	}
}
