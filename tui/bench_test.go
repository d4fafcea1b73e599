package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// benchTickets builds n escalated tickets with spread priorities, waits
// and claimers.
func benchTickets(n int) []*triage.Ticket {
	tickets := make([]*triage.Ticket, n)
	for i := range tickets {
		t := ticketAt(fmt.Sprintf("T-%06d", i), triage.StatusEscalated, triage.Priority(i%4),
			time.Duration(i%5000)*time.Second, float64(i%100)/100, "still not working, I have tried everything you said 日本語 🙂")
		if i%3 == 0 {
			t.Status = triage.StatusClaimed
			t.ClaimedBy = ptr(fmt.Sprintf("agent-%d", i%40))
		}
		tickets[i] = t
	}
	return tickets
}

// benchUpdates builds count stream updates that change tickets of the
// queue in ways that move them: new priority, new wait, or resolution.
func benchUpdates(tickets []*triage.Ticket, count int) []triage.Update {
	updates := make([]triage.Update, count)
	for i := range updates {
		t := tickets[(i*7919)%len(tickets)].Clone()
		t.Version = uint64(i + 2)
		t.Priority = triage.Priority((i / 3) % 4)
		t.Frustration = float64(i%97) / 97
		if i%10 == 9 {
			t.Status = triage.StatusResolved
		}
		updates[i] = triage.Update{Seq: uint64(i + 1), Epoch: "epoch-1", Ticket: t}
	}
	return updates
}

func newBenchHarness(b *testing.B, n int) (*harness, []*triage.Ticket) {
	tickets := benchTickets(n)
	h := newHarness(b, newFakeDesk(tickets...), 120, 40)
	h.m.epoch = "epoch-1"
	h.m.moveCursor(n / 2)
	return h, tickets
}

func BenchmarkView10k(b *testing.B) {
	h, _ := newBenchHarness(b, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		_ = h.m.View()
	}
}

func BenchmarkUpdateStream10k(b *testing.B) {
	h, tickets := newBenchHarness(b, 10_000)
	updates := benchUpdates(tickets, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u := updates[i%len(updates)]
		u.Seq = h.m.seq + 1
		u.Ticket.Version = u.Seq + 1
		h.m.Update(updateMsg{generation: h.m.generation, update: u})
		i++
	}
}

// BenchmarkUpdateAndView10k is one stream update followed by the redraw it
// causes.
func BenchmarkUpdateAndView10k(b *testing.B) {
	h, tickets := newBenchHarness(b, 10_000)
	updates := benchUpdates(tickets, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u := updates[i%len(updates)]
		u.Seq = h.m.seq + 1
		u.Ticket.Version = u.Seq + 1
		h.m.Update(updateMsg{generation: h.m.generation, update: u})
		_ = h.m.View()
		i++
	}
}
