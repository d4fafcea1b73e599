package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage/ingest"
)

func TestSpeedWaitsGapsDividedByFactor(t *testing.T) {
	d := startDesk(t)
	input := strings.Join([]string{
		`{"conversation":"c-pace","at":"2026-03-02T09:00:00Z","role":"customer","type":"typing"}`,
		`{"conversation":"c-pace","at":"2026-03-02T09:00:20Z","role":"customer","type":"message","text":"my order is late"}`,
		`{"conversation":"c-pace","at":"2026-03-02T09:00:20Z","role":"customer","type":"message","text":"and wrong"}`,
		`{"conversation":"c-pace","at":"2026-03-02T09:00:10Z","role":"agent","type":"message","text":"an earlier event"}`,
		`{"conversation":"c-pace","at":"2026-03-02T10:00:20Z","role":"agent","type":"message","text":"sorry about that"}`,
	}, "\n")

	var waits []time.Duration
	var sentBefore []int
	sum := &ingestSummary{}
	s := &sender{client: d.client(), sum: sum}
	s.pace = pacer{speed: 1000, sleep: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		sentBefore = append(sentBefore, sum.accepted)
		return nil
	}}
	err := ingestStream(context.Background(), s, strings.NewReader(input), ingest.Options{Format: ingest.FormatJSONL, Source: "pace.jsonl"})
	if err != nil {
		t.Fatal(err)
	}

	want := []time.Duration{20 * time.Millisecond, 3600 * time.Millisecond}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Errorf("wait %d is %v, want %v", i, waits[i], want[i])
		}
	}
	// Each wait comes after the events before it were acknowledged.
	if sentBefore[0] != 1 || sentBefore[1] != 4 {
		t.Errorf("events acknowledged before the waits: %v, want [1 4]", sentBefore)
	}
	if sum.accepted != 5 {
		t.Errorf("accepted %d events, want 5", sum.accepted)
	}

	// Timestamps are stored as recorded.
	detailEvents := conversationEvents(t, d, "c-pace")
	if len(detailEvents) != 5 {
		t.Fatalf("stored %d events, want 5", len(detailEvents))
	}
	last := detailEvents[len(detailEvents)-1]
	if !last.At.Equal(time.Date(2026, 3, 2, 10, 0, 20, 0, time.UTC)) {
		t.Errorf("last event stored at %v, want its recorded time", last.At)
	}
}

func TestSpeedMaxPauseCapsWait(t *testing.T) {
	p := pacer{speed: 2, maxPause: time.Second}
	if got := p.delay(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); got != 0 {
		t.Errorf("first event waits %v, want 0", got)
	}
	if got := p.delay(time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)); got != 500*time.Millisecond {
		t.Errorf("one-second gap at speed 2 waits %v, want 500ms", got)
	}
	if got := p.delay(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)); got != time.Second {
		t.Errorf("long gap waits %v, want the 1s cap", got)
	}
	off := pacer{}
	if got := off.delay(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)); got != 0 {
		t.Errorf("speed 0 waits %v, want 0", got)
	}
}
