package daemon

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// Event stream that the memory benchmark sends while it samples: requests
// of memoryRequestEvents every memoryRequestEvery, about 1,000 events/s.
const (
	memoryStreamEvents  = 10_000
	memoryRequestEvents = 100
	memoryRequestEvery  = 100 * time.Millisecond
	memorySampleEvery   = 100 * time.Millisecond
)

// buildTriage builds `triage` into b's temporary folder, without the
// race detector, which would multiply the memory it uses.
func buildTriage(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "triage")
	out, err := exec.Command("go", "build", "-o", path, "github.com/triagedesk/triage/cmd/triage").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// BenchmarkDaemonMemory runs `triage serve` as its own process and reads
// its anonymous resident memory (RssAnon in /proc/PID/status, which
// leaves out the memory-mapped database file). One console-like client
// follows the update stream and loads the queue once, then events arrive
// at about 1,000 a second for 10 seconds: customer messages on the open
// conversations and new conversations. "empty" starts on an empty
// database; "large" on 100,000 conversations of which 10,000 are
// escalated tickets in the queue. One op is one daemon run.
//
// Reported: rss-anon-idle-MB once the daemon has served the queue and
// before events arrive, rss-anon-peak-MB the largest sample while they
// arrive, and rss-anon-end-MB after the last one is acknowledged.
func BenchmarkDaemonMemory(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc/PID/status (Linux)")
	}
	bin := buildTriage(b)
	large := fillLargeDeskOnce(b)
	for _, size := range []string{"empty", "large"} {
		b.Run(size, func(b *testing.B) {
			var idle, peak, end int64
			for range b.N {
				dir := shortBenchDir(b)
				database := filepath.Join(dir, "t.db")
				if size == "large" {
					b.StopTimer()
					database = copyDatabase(b, large, dir)
					b.StartTimer()
				}
				idle, peak, end = measureDaemonMemory(b, bin, dir, database)
			}
			b.ReportMetric(float64(idle)/1024, "rss-anon-idle-MB")
			b.ReportMetric(float64(peak)/1024, "rss-anon-peak-MB")
			b.ReportMetric(float64(end)/1024, "rss-anon-end-MB")
		})
	}
}

// shortBenchDir returns a folder whose path is short enough for a Unix
// socket, removed when the benchmark ends.
func shortBenchDir(b *testing.B) string {
	b.Helper()
	dir, err := os.MkdirTemp("", "tm")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// measureDaemonMemory starts `triage serve` on database, sends the event
// stream and returns RssAnon in KiB: after the queue load, the peak while
// events arrive, and after the last one.
func measureDaemonMemory(b *testing.B, bin, dir, database string) (idle, peak, end int64) {
	b.Helper()
	socket := filepath.Join(dir, "t.sock")
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "serve", "--log-level", "warn")
	cmd.Env = append(os.Environ(), "TRIAGE_DB="+database, "TRIAGE_SOCKET="+socket, "XDG_STATE_HOME="+dir)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			b.Errorf("daemon did not stop within 30s after SIGTERM\n%s", &stderr)
		}
	}()

	c := client.New(socket)
	waitForSocket(b, c, exited, &stderr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := c.Subscribe(ctx, 0, "")
	if err != nil {
		b.Fatal(err)
	}
	defer stream.Close()
	go func() {
		for {
			if _, err := stream.Next(); err != nil {
				return
			}
		}
	}()
	if _, err := c.Queue(ctx, false); err != nil {
		b.Fatal(err)
	}
	pid := cmd.Process.Pid
	idle = rssAnon(b, pid)

	done := make(chan struct{})
	var sampler sync.WaitGroup
	peak = idle
	sampler.Go(func() {
		ticker := time.NewTicker(memorySampleEvery)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				peak = max(peak, rssAnon(b, pid))
			}
		}
	})
	ticker := time.NewTicker(memoryRequestEvery)
	for sent := 0; sent < memoryStreamEvents; sent += memoryRequestEvents {
		<-ticker.C
		now := time.Now()
		events := make([]triage.Event, memoryRequestEvents)
		for i := range events {
			events[i] = liveEvent(sent+i, now)
		}
		if _, err := c.Ingest(ctx, events); err != nil {
			b.Fatal(err)
		}
	}
	ticker.Stop()
	close(done)
	sampler.Wait()
	end = rssAnon(b, pid)
	return idle, max(peak, end), end
}

// waitForSocket waits until the daemon responds on its socket, and fails
// the benchmark when the daemon exits first.
func waitForSocket(b *testing.B, c *client.Client, exited <-chan error, stderr *bytes.Buffer) {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Info(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case err := <-exited:
			b.Fatalf("daemon exited before answering: %v\n%s", err, stderr)
		default:
		}
		if time.Now().After(deadline) {
			b.Fatalf("daemon did not answer within a minute: %v\n%s", err, stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rssAnon returns the RssAnon line of /proc/PID/status in KiB.
func rssAnon(b *testing.B, pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Error(err)
		return 0
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		value, ok := strings.CutPrefix(scanner.Text(), "RssAnon:")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			b.Errorf("parse RssAnon %q: %v", value, err)
		}
		return kib
	}
	b.Errorf("no RssAnon line in /proc/%d/status", pid)
	return 0
}
