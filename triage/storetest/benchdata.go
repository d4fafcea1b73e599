package storetest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/triagedesk/triage/triage"
)

// benchStart is the time of the first event BenchEvents returns.
var benchStart = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// BenchEvents returns n events spread over 500 conversations, one every
// 10 ms: half customer messages, a quarter agent replies and a quarter
// typing events. The store's write floor and the daemon's ingest
// benchmarks use the same mix, so that their figures compare.
func BenchEvents(n int) []triage.Event {
	rng := rand.New(rand.NewPCG(7, 7))
	events := make([]triage.Event, n)
	for i := range events {
		e := triage.Event{
			ID:           fmt.Sprintf("e-%d", i),
			Conversation: fmt.Sprintf("c-%d", rng.IntN(500)),
			At:           benchStart.Add(time.Duration(i) * 10 * time.Millisecond),
			Role:         triage.RoleCustomer,
			Type:         triage.TypeMessage,
			Text:         "I have been waiting for my refund for two weeks and it is still not working!!",
		}
		switch i % 4 {
		case 1:
			e.Role = triage.RoleAgent
			e.Text = "Sorry to hear that, let me check your order."
		case 2:
			e.Type, e.Text = triage.TypeTyping, ""
		}
		events[i] = e
	}
	return events
}
