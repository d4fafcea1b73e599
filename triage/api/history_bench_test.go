package api_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/engine"
)

const benchRecords = 1_000_000

var (
	benchOnce   sync.Once
	benchSocket string
	benchErr    error
)

// startBenchDaemon writes benchRecords history records straight into a
// new store (250,000 tickets, each opened, escalated, claimed and
// resolved) and serves it on a Unix socket for the rest of the process.
func startBenchDaemon(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "triage-bench")
		if err != nil {
			benchErr = err
			return
		}
		db, err := store.Open(filepath.Join(dir, "triage.db"), store.Options{NoSync: true})
		if err != nil {
			benchErr = err
			return
		}
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		policy, version := "default", 1
		const perTx = 50_000
		for start := 0; start < benchRecords/4; start += perTx / 4 {
			benchErr = db.Update(func(tx triage.Tx) error {
				for i := start; i < start+perTx/4; i++ {
					id := fmt.Sprintf("T-%d", i+1)
					at := base.Add(time.Duration(i) * 30 * time.Second)
					agent := "ana"
					f := 0.9
					for k, rec := range []*triage.Record{
						{Kind: triage.KindOpened, Reason: "conversation started"},
						{Kind: triage.KindEscalated, Reason: "rule sustained-frustration (frustration 0.9)", Frustration: &f, Script: &policy, ScriptVersion: &version},
						{Kind: triage.KindClaimed, Reason: "claimed by ana", Agent: &agent},
						{Kind: triage.KindResolved, Reason: "resolved by ana", Agent: &agent},
					} {
						rec.At = at.Add(time.Duration(k*(1+i%600)) * time.Second)
						rec.Ticket, rec.Conversation, rec.Queue = id, "c-"+id, triage.QueueSenior
						if err := tx.AppendRecord(rec); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if benchErr != nil {
				return
			}
		}
		eng, err := engine.New(db, engine.Options{})
		if err != nil {
			benchErr = err
			return
		}
		go eng.Run(context.Background())
		benchSocket = filepath.Join(dir, "triage.sock")
		ln, err := net.Listen("unix", benchSocket)
		if err != nil {
			benchErr = err
			return
		}
		go func() { _ = api.NewServer(eng, api.Info{}, nil).HTTPServer().Serve(ln) }()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchSocket
}

// BenchmarkHistoryTotals streams one million records from a daemon and
// accumulates their totals, as `triage history --totals` does. It
// reports the records per second and the largest live heap sampled
// during the run, which stays flat if the stream holds no records.
func BenchmarkHistoryTotals(b *testing.B) {
	c := client.New(startBenchDaemon(b))
	b.ResetTimer()
	var maxHeap uint64
	for range b.N {
		runtime.GC()
		totals := triage.NewTotals()
		n := 0
		err := c.History(context.Background(), client.HistoryQuery{}, func(e *triage.HistoryEntry) error {
			totals.Add(e)
			n++
			if n%100_000 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				maxHeap = max(maxHeap, ms.HeapInuse)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		totals.Finish()
		if n != benchRecords || totals.All.Escalations != benchRecords/4 {
			b.Fatalf("streamed %d records with %d escalations, want %d and %d", n, totals.All.Escalations, benchRecords, benchRecords/4)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(maxHeap)/(1<<20), "max-heap-MiB")
}
