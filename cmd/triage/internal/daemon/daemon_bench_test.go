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

// BenchmarkIngestSocket sends events through the daemon's socket in
// requests of 1,000 and waits for each acknowledgement, which comes only
// after the events are durable (fsync). Scoring and the escalation policy
// run on every event. One op is one event. The clients sub-benchmarks
// send from several connections at once, as several ingest pipes would;
// ack-p99-ms is the 99th percentile time from sending a request to its
// acknowledgement. cpu-µs/event is the CPU time of the whole process,
// client included, per event.
func BenchmarkIngestSocket(b *testing.B) {
	for _, clients := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			d := startBenchDaemon(b)
			c := client.New(d.Socket())
			events := benchEvents(b.N)
			const batch = 1000
			var (
				mu        sync.Mutex
				latencies []time.Duration
				wg        sync.WaitGroup
			)
			next := make(chan []triage.Event)
			b.ResetTimer()
			cpuStart := processCPU()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for part := range next {
						start := time.Now()
						if _, err := c.Ingest(context.Background(), part); err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						latencies = append(latencies, time.Since(start))
						mu.Unlock()
					}
				}()
			}
			for start := 0; start < len(events); start += batch {
				next <- events[start:min(start+batch, len(events))]
			}
			close(next)
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
