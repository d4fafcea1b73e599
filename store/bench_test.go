package store_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/storetest"
)

var benchBase = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// eventLines returns storetest.BenchEvents(n) as JSON Lines.
func eventLines(n int) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range storetest.BenchEvents(n) {
		if err := enc.Encode(e); err != nil {
			panic(err)
		}
	}
	return buf.Bytes()
}

func openBench(b *testing.B, noSync bool) *store.DB {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "triage.db"), store.Options{NoSync: noSync})
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkPutEventsBatch1000 decodes JSON Lines events and stores them
// in write transactions of 1,000 events, without scoring: the floor for
// the daemon's ingest. One op is one event. cpu-µs/event is the CPU time
// of the whole process per event.
func BenchmarkPutEventsBatch1000(b *testing.B) {
	for _, mode := range []struct {
		name   string
		noSync bool
	}{{"fsync", false}, {"nosync", true}} {
		b.Run(mode.name, func(b *testing.B) {
			input := eventLines(b.N)
			db := openBench(b, mode.noSync)
			b.SetBytes(int64(len(input) / max(b.N, 1)))
			b.ResetTimer()
			cpuStart := processCPU()

			scanner := bufio.NewScanner(bytes.NewReader(input))
			batch := make([]*triage.StoredEvent, 0, 1000)
			flush := func() {
				err := db.Update(func(tx triage.Tx) error {
					for _, e := range batch {
						seq, err := tx.NextEventSeq()
						if err != nil {
							return err
						}
						e.Seq = seq
						if err := tx.PutEvent(e); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatalf("Update: %v", err)
				}
				batch = batch[:0]
			}
			for scanner.Scan() {
				e := &triage.StoredEvent{}
				if err := json.Unmarshal(scanner.Bytes(), &e.Event); err != nil {
					b.Fatalf("decode: %v", err)
				}
				if err := e.Validate(); err != nil {
					b.Fatalf("validate: %v", err)
				}
				batch = append(batch, e)
				if len(batch) == cap(batch) {
					flush()
				}
			}
			if len(batch) > 0 {
				flush()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64((processCPU()-cpuStart).Microseconds())/float64(b.N), "cpu-µs/event")
		})
	}
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

// BenchmarkEventJSON measures the JSON form of a stored event, which the
// API writes for a ticket's transcript and version 1 of the schema stored:
// one marshal and one unmarshal of a StoredEvent with an analysis.
// BenchmarkEventCodec measures the binary form that the store now uses.
func BenchmarkEventJSON(b *testing.B) {
	e := triage.StoredEvent{
		Event: triage.Event{
			ID: "e-77", Conversation: "c-1042", At: benchBase,
			Role: triage.RoleCustomer, Type: triage.TypeMessage, Text: "still not working!!",
		},
		Seq: 42,
		Analysis: &triage.Analysis{
			Valence: -0.6, Negativity: 0.42, Frustration: 0.55, Language: "en",
			Reasons: []triage.Reason{{Rule: "exclamations", Text: `"!!"`, Weight: 0.1, Spans: []triage.Span{{Start: 17, End: 19}}}},
		},
	}
	for b.Loop() {
		data, err := json.Marshal(e)
		if err != nil {
			b.Fatal(err)
		}
		var back triage.StoredEvent
		if err := json.Unmarshal(data, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordsRange reads history from a database of 100,000 records,
// one a second for about 28 hours. "window-1000" reads 1,000 consecutive
// records from a random start, "all" reads every record.
func BenchmarkRecordsRange(b *testing.B) {
	const total = 100_000
	db := openBench(b, true)
	for start := 0; start < total; start += 10_000 {
		err := db.Update(func(tx triage.Tx) error {
			for i := start; i < start+10_000; i++ {
				err := tx.AppendRecord(&triage.Record{
					At: benchBase.Add(time.Duration(i) * time.Second), Ticket: fmt.Sprintf("T-%d", i%5000+1),
					Conversation: fmt.Sprintf("c-%d", i%5000), Kind: triage.KindEscalated,
					Queue: triage.QueueSenior, Priority: triage.PriorityHigh, Reason: "frustration 0.85 on two turns",
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("fill: %v", err)
		}
	}

	read := func(b *testing.B, from, to time.Time, want int) {
		n := 0
		err := db.View(func(tx triage.ReadTx) error {
			return tx.Records(from, to, func(*triage.Record) error { n++; return nil })
		})
		if err != nil {
			b.Fatalf("Records: %v", err)
		}
		if n != want {
			b.Fatalf("Records returned %d records, want %d", n, want)
		}
	}
	b.Run("window-1000", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(3, 4))
		for b.Loop() {
			from := benchBase.Add(time.Duration(rng.IntN(total-1000)) * time.Second)
			read(b, from, from.Add(1000*time.Second), 1000)
		}
		b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			read(b, time.Time{}, time.Time{}, total)
		}
		b.ReportMetric(float64(b.N)*total/b.Elapsed().Seconds(), "records/s")
	})
}
