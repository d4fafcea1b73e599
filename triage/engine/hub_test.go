package engine

import (
	"testing"

	"github.com/triagedesk/triage/triage"
)

func publishN(h *Hub, n int) {
	for range n {
		h.Publish([]triage.Update{{Ticket: &triage.Ticket{ID: "T-1"}}})
	}
}

func TestHubResumesFromSeq(t *testing.T) {
	h := NewHub()
	publishN(h, 5)
	sub := h.Subscribe(3, h.Epoch())
	defer sub.Close()
	for want := uint64(4); want <= 5; want++ {
		u := <-sub.Updates()
		if u.Reset || u.Seq != want {
			t.Fatalf("got seq %d reset %v, want seq %d", u.Seq, u.Reset, want)
		}
	}
	publishN(h, 1)
	if u := <-sub.Updates(); u.Seq != 6 {
		t.Errorf("live update seq = %d, want 6", u.Seq)
	}
}

func TestHubResetsOnOtherEpoch(t *testing.T) {
	h := NewHub()
	publishN(h, 2)
	sub := h.Subscribe(2, "another-daemon")
	defer sub.Close()
	u := <-sub.Updates()
	if !u.Reset || u.Seq != 2 || u.Epoch != h.Epoch() {
		t.Errorf("first update = %+v, want a reset at seq 2 of this epoch", u)
	}
}

func TestHubResetsWhenRingPassed(t *testing.T) {
	h := NewHub()
	publishN(h, hubRingSize+10)
	sub := h.Subscribe(5, h.Epoch())
	defer sub.Close()
	if u := <-sub.Updates(); !u.Reset {
		t.Errorf("first update = %+v, want a reset: seq 6 has left the ring", u)
	}
}

func TestHubDropsSlowSubscriber(t *testing.T) {
	h := NewHub()
	sub := h.Subscribe(0, h.Epoch())
	publishN(h, cap(sub.ch)+1)
	n := 0
	for range sub.Updates() {
		n++
	}
	if n != cap(sub.ch) {
		t.Errorf("received %d updates before the drop, want %d", n, cap(sub.ch))
	}
	if sub.Err() != ErrSubscriberTooSlow {
		t.Errorf("Err = %v, want ErrSubscriberTooSlow", sub.Err())
	}
}
