package daemon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/storetest"
)

// benchEvents returns the event mix of the store's write floor benchmark.
func benchEvents(n int) []triage.Event { return storetest.BenchEvents(n) }

func startBenchDaemon(b *testing.B) *Daemon {
	b.Helper()
	dir, err := os.MkdirTemp("", "tb")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	d, err := Start(Config{Database: filepath.Join(dir, "t.db"), Socket: filepath.Join(dir, "t.sock")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = d.Stop() })
	return d
}

// processCPU returns the user and system CPU time that this process has
// used. Per event, it varies less than wall time on a busy machine.
func processCPU() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// BenchmarkIngestSocket sends events through the daemon's socket and
// waits for each acknowledgement, which comes only after the events are
// durable (fsync). Scoring and the escalation policy run on every event.
// One op is one event. Each sub-benchmark names how many connections send
// at once and how many events each request carries: one connection with
// 1,000-event requests is a bulk import, several with small requests are
// live feeds. As with real feeds, each connection carries its own
// conversations, in order. ack-p99-ms is the 99th percentile time from
// sending a request to its acknowledgement. cpu-µs/event is the CPU time
// of the whole process, client included, per event.
func BenchmarkIngestSocket(b *testing.B) {
	for _, tc := range []struct{ clients, request int }{
		{1, 1000}, {4, 1000}, {8, 100}, {16, 25},
	} {
		b.Run(fmt.Sprintf("clients=%d/request=%d", tc.clients, tc.request), func(b *testing.B) {
			d := startBenchDaemon(b)
			c := client.New(d.Socket())
			feeds := splitByConversation(benchEvents(b.N), tc.clients)
			var (
				mu        sync.Mutex
				latencies []time.Duration
				wg        sync.WaitGroup
			)
			b.ResetTimer()
			cpuStart := processCPU()
			for _, feed := range feeds {
				wg.Go(func() {
					for start := 0; start < len(feed); start += tc.request {
						part := feed[start:min(start+tc.request, len(feed))]
						sent := time.Now()
						if _, err := c.Ingest(context.Background(), part); err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						latencies = append(latencies, time.Since(sent))
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64((processCPU()-cpuStart).Microseconds())/float64(b.N), "cpu-µs/event")
			sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
			if len(latencies) > 0 {
				p99 := latencies[min(len(latencies)-1, len(latencies)*99/100)]
				b.ReportMetric(float64(p99.Microseconds())/1000, "ack-p99-ms")
			}
		})
	}
}

// splitByConversation deals events into n feeds, every conversation to
// one feed, keeping their order.
func splitByConversation(events []triage.Event, n int) [][]triage.Event {
	feeds := make([][]triage.Event, n)
	owner := map[string]int{}
	for _, ev := range events {
		i, ok := owner[ev.Conversation]
		if !ok {
			i = len(owner) % n
			owner[ev.Conversation] = i
		}
		feeds[i] = append(feeds[i], ev)
	}
	return feeds
}

// BenchmarkIngestLatency offers events at a steady rate, as live chat
// feeds do, and measures how long each request waits for its
// acknowledgement. Sixteen feeds each send their own conversations in
// requests of ten events on a fixed schedule. A request's time counts
// from its scheduled send time, so a daemon that falls behind
// is charged for the wait. One op is one event. events/s is the rate
// achieved, which falls short of the offered rate when the daemon cannot
// keep up.
func BenchmarkIngestLatency(b *testing.B) {
	const feeds, request = 16, 10
	for _, rate := range []int{1000, 5000, 10000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			d := startBenchDaemon(b)
			c := client.New(d.Socket())
			split := splitByConversation(benchEvents(b.N), feeds)
			interval := time.Duration(float64(time.Second) * feeds * request / float64(rate))
			var (
				mu        sync.Mutex
				latencies []time.Duration
				wg        sync.WaitGroup
			)
			b.ResetTimer()
			start := time.Now()
			for f, feed := range split {
				// Feeds start spread over one interval, not all at once.
				offset := interval * time.Duration(f) / feeds
				wg.Go(func() {
					for i := 0; i*request < len(feed); i++ {
						due := start.Add(offset + time.Duration(i)*interval)
						time.Sleep(time.Until(due))
						part := feed[i*request : min((i+1)*request, len(feed))]
						if _, err := c.Ingest(context.Background(), part); err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						latencies = append(latencies, time.Since(due))
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
			if len(latencies) > 0 {
				at := func(q int) float64 {
					return float64(latencies[min(len(latencies)-1, len(latencies)*q/100)].Microseconds()) / 1000
				}
				b.ReportMetric(at(50), "ack-p50-ms")
				b.ReportMetric(at(99), "ack-p99-ms")
			}
		})
	}
}
