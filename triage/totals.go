package triage

import (
	"math"
	"sort"
	"time"
)

// HistogramRelativeError is the largest relative error of a quantile that
// a Histogram returns, for durations between HistogramMin and
// HistogramMax.
const HistogramRelativeError = 0.01

// Range of durations that a Histogram resolves. Shorter positive
// durations count as HistogramMin, longer ones as HistogramMax.
const (
	HistogramMin = time.Millisecond
	HistogramMax = 400 * 24 * time.Hour
)

// histogramGamma is the ratio between neighbouring bucket bounds. A
// bucket (gamma^(i-1), gamma^i] reported by its midpoint 2*gamma^i/(gamma+1)
// is off by at most (gamma-1)/(gamma+1) = HistogramRelativeError of any
// value inside it.
var (
	histogramGamma   = (1 + HistogramRelativeError) / (1 - HistogramRelativeError)
	histogramLogG    = math.Log(histogramGamma)
	histogramBuckets = bucketIndex(float64(HistogramMax)/float64(HistogramMin)) + 1
)

func bucketIndex(ratio float64) int {
	return int(math.Ceil(math.Log(ratio) / histogramLogG))
}

// Histogram counts durations in log-spaced buckets, so that its memory
// is fixed (1,215 counters) however many values it takes, and its
// quantiles are within HistogramRelativeError of the exact nearest-rank
// quantile. The zero value is ready to use.
type Histogram struct {
	zero   uint64 // durations <= 0
	counts []uint64
	n      uint64
}

// Add counts one duration.
func (h *Histogram) Add(d time.Duration) {
	h.n++
	if d <= 0 {
		h.zero++
		return
	}
	if h.counts == nil {
		h.counts = make([]uint64, histogramBuckets)
	}
	d = min(max(d, HistogramMin), HistogramMax)
	h.counts[bucketIndex(float64(d)/float64(HistogramMin))]++
}

// Count returns the number of durations added.
func (h *Histogram) Count() uint64 { return h.n }

// Quantile returns the nearest-rank q-quantile (0 < q <= 1): the value at
// rank ceil(q*n) of the sorted durations, within the relative error. It
// returns 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	seen := h.zero
	if seen >= rank {
		return 0
	}
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return bucketValue(i)
		}
	}
	return HistogramMax
}

// bucketValue is the midpoint of bucket i in relative terms.
func bucketValue(i int) time.Duration {
	upper := float64(HistogramMin) * math.Pow(histogramGamma, float64(i))
	return time.Duration(math.Round(2 * upper / (histogramGamma + 1)))
}

// Buckets calls fn for every non-empty bucket in ascending order with the
// bucket's representative value and count; durations <= 0 come first as 0.
func (h *Histogram) Buckets(fn func(value time.Duration, count uint64)) {
	if h.zero > 0 {
		fn(0, h.zero)
	}
	for i, c := range h.counts {
		if c > 0 {
			fn(bucketValue(i), c)
		}
	}
}

// GroupTotals sums the escalations of one group: all of them, one rule,
// or one script.
type GroupTotals struct {
	Escalations int `json:"escalations"`
	// TimeToClaim runs from an escalation to the ticket's next claim.
	TimeToClaim Histogram `json:"-"`
	SLABreaches int       `json:"sla_breaches"`
	// Outcomes of the escalated tickets: resolved or closed within the
	// range, or still open at its end.
	Resolved int `json:"resolved"`
	Closed   int `json:"closed"`
	Open     int `json:"open"`
	// Reviewed counts escalations with a review, Warranted those whose
	// latest review says warranted.
	Reviewed  int `json:"reviewed"`
	Warranted int `json:"warranted"`
}

// ticketState follows one ticket while its records stream past. It is
// dropped when the ticket is resolved or closed, so the memory of Totals
// grows with the tickets open at once, not with the length of the range.
type ticketState struct {
	opened    bool // the opened record is inside the range
	escalated bool
	rule      string
	script    string
	// waitingSince is the time of the latest escalation not yet claimed.
	waitingSince *time.Time
}

// Totals accumulates the summary of a stream of history entries in time
// order. Add each entry, then call Finish once.
type Totals struct {
	// Opened counts tickets opened in the range, and OpenedEscalated
	// those of them that were escalated before they ended.
	Opened          int
	OpenedEscalated int
	All             GroupTotals
	ByRule          map[string]*GroupTotals
	ByScript        map[string]*GroupTotals

	tickets  map[string]*ticketState
	finished bool
}

// NewTotals returns empty totals.
func NewTotals() *Totals {
	return &Totals{
		ByRule:   make(map[string]*GroupTotals),
		ByScript: make(map[string]*GroupTotals),
		tickets:  make(map[string]*ticketState),
	}
}

func (t *Totals) group(m map[string]*GroupTotals, key string) *GroupTotals {
	g := m[key]
	if g == nil {
		g = &GroupTotals{}
		m[key] = g
	}
	return g
}

// groups returns the totals an escalation of rule and script counts in.
func (t *Totals) groups(rule, script string) [3]*GroupTotals {
	return [3]*GroupTotals{&t.All, t.group(t.ByRule, rule), t.group(t.ByScript, script)}
}

// Add counts one entry. Entries must come in time order.
func (t *Totals) Add(e *HistoryEntry) {
	st := t.tickets[e.Ticket]
	if st == nil {
		st = &ticketState{}
		t.tickets[e.Ticket] = st
	}
	switch e.Kind {
	case KindOpened:
		st.opened = true
		t.Opened++
	case KindEscalated:
		if !st.escalated && st.opened {
			t.OpenedEscalated++
		}
		st.escalated = true
		st.rule, st.script = RuleOf(&e.Record), ScriptOf(&e.Record)
		at := e.At
		st.waitingSince = &at
		for _, g := range t.groups(st.rule, st.script) {
			g.Escalations++
			if e.Review != nil {
				g.Reviewed++
				if e.Review.Verdict == VerdictWarranted {
					g.Warranted++
				}
			}
		}
	case KindClaimed:
		if st.waitingSince != nil {
			wait := e.At.Sub(*st.waitingSince)
			for _, g := range t.groups(st.rule, st.script) {
				g.TimeToClaim.Add(wait)
			}
			st.waitingSince = nil
		}
	case KindSLABreached:
		rule, script := "(none)", "(none)"
		if st.escalated {
			rule, script = st.rule, st.script
		}
		for _, g := range t.groups(rule, script) {
			g.SLABreaches++
		}
	case KindResolved, KindClosed:
		if st.escalated {
			for _, g := range t.groups(st.rule, st.script) {
				if e.Kind == KindResolved {
					g.Resolved++
				} else {
					g.Closed++
				}
			}
		}
		delete(t.tickets, e.Ticket)
	}
	if !st.escalated && !st.opened && e.Kind != KindOpened {
		// Nothing about this ticket needs remembering.
		delete(t.tickets, e.Ticket)
	}
}

// Finish counts the escalated tickets that are still open at the end of
// the range. Later calls do nothing.
func (t *Totals) Finish() {
	if t.finished {
		return
	}
	t.finished = true
	for _, st := range t.tickets {
		if st.escalated {
			for _, g := range t.groups(st.rule, st.script) {
				g.Open++
			}
		}
	}
	t.tickets = nil
}

// EscalationRate returns OpenedEscalated / Opened, or 0 when no ticket
// was opened in the range.
func (t *Totals) EscalationRate() float64 {
	if t.Opened == 0 {
		return 0
	}
	return float64(t.OpenedEscalated) / float64(t.Opened)
}

// SortedKeys returns the keys of a group map, most escalations first,
// then by name.
func SortedKeys(m map[string]*GroupTotals) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := m[keys[i]], m[keys[j]]
		if a.Escalations != b.Escalations {
			return a.Escalations > b.Escalations
		}
		return keys[i] < keys[j]
	})
	return keys
}
