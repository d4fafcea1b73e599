package engine

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"

	"github.com/triagedesk/triage/triage"
)

// ErrSubscriberTooSlow ends a subscription whose reader fell so far behind
// that its buffer filled. The subscriber resumes from the last sequence it
// saw and gets the missed updates from the hub's ring, or a reset.
var ErrSubscriberTooSlow = errors.New("subscriber fell behind")

// hubRingSize is how many recent updates the hub keeps for subscribers that
// resume; one further back gets a reset and reloads the snapshot.
const hubRingSize = 8192

// subscriberBuffer is how many updates may wait for one subscriber before
// the hub drops it rather than block the writer.
const subscriberBuffer = 4096

// Hub numbers committed changes and fans them out to live subscribers.
// Publishing never blocks: a subscriber whose buffer is full is dropped.
type Hub struct {
	epoch string

	mu   sync.Mutex
	seq  uint64
	ring []triage.Update // ring[i%len] holds update seq i+1
	subs map[*Subscription]struct{}
}

// NewHub returns a hub with a fresh random epoch, so that subscribers can
// tell a restarted daemon from the one they followed.
func NewHub() *Hub {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Hub{
		epoch: hex.EncodeToString(b[:]),
		ring:  make([]triage.Update, hubRingSize),
		subs:  make(map[*Subscription]struct{}),
	}
}

// Epoch identifies this hub's sequence numbers.
func (h *Hub) Epoch() string { return h.epoch }

// Seq returns the sequence number of the latest update.
func (h *Hub) Seq() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq
}

// Publish assigns sequence numbers to updates in order and delivers them.
func (h *Hub) Publish(updates []triage.Update) {
	if len(updates) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, u := range updates {
		h.seq++
		u.Seq = h.seq
		u.Epoch = h.epoch
		h.ring[(h.seq-1)%hubRingSize] = u
		for s := range h.subs {
			select {
			case s.ch <- u:
			default:
				h.dropLocked(s, ErrSubscriberTooSlow)
			}
		}
	}
}

// Subscription is one live reader of the hub.
type Subscription struct {
	hub *Hub
	ch  chan triage.Update
	err error // set before ch is closed
}

// Updates returns the channel the subscription's updates arrive on. It is
// closed when the subscription ends; Err then says why.
func (s *Subscription) Updates() <-chan triage.Update { return s.ch }

// Err returns why the subscription ended, or nil while it runs or after Close.
func (s *Subscription) Err() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.err
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if _, ok := s.hub.subs[s]; ok {
		s.hub.dropLocked(s, nil)
	}
}

func (h *Hub) dropLocked(s *Subscription, err error) {
	delete(h.subs, s)
	s.err = err
	close(s.ch)
}

// Subscribe starts a subscription that first replays the updates after
// since (when epoch is this hub's and they are still in the ring) and then
// follows live ones. When it cannot resume, the first update is a Reset
// carrying the current sequence number: the subscriber reloads a snapshot.
func (h *Hub) Subscribe(since uint64, epoch string) *Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &Subscription{hub: h, ch: make(chan triage.Update, subscriberBuffer+hubRingSize)}
	oldest := uint64(1)
	if h.seq > hubRingSize {
		oldest = h.seq - hubRingSize + 1
	}
	canResume := epoch == h.epoch && since <= h.seq && since+1 >= oldest
	if !canResume {
		s.ch <- triage.Update{Seq: h.seq, Epoch: h.epoch, Reset: true}
	} else {
		for seq := since + 1; seq <= h.seq; seq++ {
			s.ch <- h.ring[(seq-1)%hubRingSize]
		}
	}
	h.subs[s] = struct{}{}
	return s
}

// CloseAll ends every subscription with err, for shutdown.
func (h *Hub) CloseAll(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		h.dropLocked(s, err)
	}
}
