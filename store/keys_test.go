package store

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestTimeKeyOrder(t *testing.T) {
	times := []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), // the zero time.Time
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Unix(1, 0),
		time.Date(2026, 3, 2, 14, 5, 9, 120_000_000, time.UTC),
		time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC), // past the int64 nanosecond range
		time.Date(9000, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		sec := rng.Int64N(1<<40) - 1<<39
		times = append(times, time.Unix(sec, rng.Int64N(1e9)))
	}
	for i, a := range times {
		for _, b := range times[i+1:] {
			got := bytes.Compare(appendTime(nil, a), appendTime(nil, b))
			if want := a.Compare(b); got != want {
				t.Fatalf("keys of %v and %v compare %d, want %d", a, b, got, want)
			}
		}
	}

	// The zone does not change the key.
	berlin := time.FixedZone("CET", 3600)
	utc := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	if !bytes.Equal(appendTime(nil, utc), appendTime(nil, utc.In(berlin))) {
		t.Error("one instant in two zones has two keys")
	}
}

func TestQueueKeyOrder(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Second)
	// In queue order.
	tickets := []*triage.Ticket{
		{ID: "b", Priority: triage.PriorityUrgent, WaitingSince: &t0},
		{ID: "a", Priority: triage.PriorityUrgent, WaitingSince: &t1},
		{ID: "c", Priority: triage.PriorityUrgent, WaitingSince: &t1},
		{ID: "a", Priority: triage.PriorityUrgent},
		{ID: "z", Priority: triage.PriorityHigh, WaitingSince: &t0},
		{ID: "y", Priority: triage.PriorityLow, WaitingSince: &t0},
	}
	for i := 1; i < len(tickets); i++ {
		prev, next := queueKey(queueAll, tickets[i-1]), queueKey(queueAll, tickets[i])
		if bytes.Compare(prev, next) >= 0 {
			t.Errorf("queue key of ticket %d (%s) does not sort before ticket %d (%s)", i-1, tickets[i-1].ID, i, tickets[i].ID)
		}
		if got := queueKeyID(next); got != tickets[i].ID {
			t.Errorf("queueKeyID = %q, want %q", got, tickets[i].ID)
		}
	}
}

func TestCheckID(t *testing.T) {
	long := string(bytes.Repeat([]byte{'x'}, triage.MaxIDLength))
	for _, id := range []string{"c-1", "é", long} {
		if err := checkID("conversation", id); err != nil {
			t.Errorf("checkID(%q): %v", id, err)
		}
	}
	for _, id := range []string{"", "a\x00", long + "x"} {
		if err := checkID("conversation", id); err == nil {
			t.Errorf("checkID(%q): got no error", id)
		}
	}
}
