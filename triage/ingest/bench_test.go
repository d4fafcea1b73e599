package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// benchmarkRead reads input b.N times and reports events per second.
func benchmarkRead(b *testing.B, input string, opts Options) {
	b.SetBytes(int64(len(input)))
	events := 0
	for b.Loop() {
		r, err := NewReader(strings.NewReader(input), opts)
		if err != nil {
			b.Fatal(err)
		}
		for {
			item, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if item.Err != nil {
				b.Fatal(item.Err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

const benchEvents = 10000

func BenchmarkReadJSONLines(b *testing.B) {
	var s strings.Builder
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	for i := range benchEvents {
		fmt.Fprintf(&s, `{"conversation":"c-%d","at":"%s","role":"customer","type":"message","text":"still not working after the update, message %d!!"}`+"\n",
			i%50, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), i)
	}
	benchmarkRead(b, s.String(), Options{})
}

func BenchmarkReadTranscript(b *testing.B) {
	var s strings.Builder
	s.WriteString("# conversation: c-1\n# date: 2026-03-02\n# timezone: Europe/Berlin\n")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for i := range benchEvents {
		speaker := "Customer"
		if i%2 == 1 {
			speaker = "Agent (Ana)"
		}
		fmt.Fprintf(&s, "[%s] %s: still not working after the update, message %d!!\n",
			start.Add(time.Duration(i)*7*time.Second).Format("15:04:05"), speaker, i)
		if i%10 == 0 {
			s.WriteString("  and a second line\n")
		}
	}
	benchmarkRead(b, s.String(), Options{})
}
