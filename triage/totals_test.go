package triage

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// exactQuantile is the nearest-rank quantile of sorted values.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func TestHistogramQuantileWithinBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	var values []time.Duration
	for range 50000 {
		// Log-uniform from 10 ms to 10 days, and a few zeros.
		d := time.Duration(math.Exp(rng.Float64()*math.Log(8.64e7)) * 1e7)
		if rng.IntN(100) == 0 {
			d = 0
		}
		h.Add(d)
		values = append(values, d)
	}
	slices.Sort(values)
	for _, q := range []float64{0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 1} {
		got, want := h.Quantile(q), exactQuantile(values, q)
		if err := math.Abs(float64(got-want)) / float64(want); want > 0 && err > HistogramRelativeError {
			t.Errorf("Quantile(%g) = %s, exact %s: relative error %.4f over %g", q, got, want, err, HistogramRelativeError)
		}
		if want == 0 && got != 0 {
			t.Errorf("Quantile(%g) = %s, exact 0", q, got)
		}
	}
	if h.Count() != 50000 {
		t.Errorf("Count = %d, want 50000", h.Count())
	}
}

func TestHistogramEmptyAndClamped(t *testing.T) {
	var h Histogram
	if got := h.Quantile(0.5); got != 0 {
		t.Errorf("empty Quantile = %s, want 0", got)
	}
	h.Add(time.Nanosecond)
	if got := h.Quantile(1); math.Abs(float64(got-HistogramMin))/float64(HistogramMin) > HistogramRelativeError {
		t.Errorf("Quantile of 1ns = %s, want about %s (clamped)", got, HistogramMin)
	}
}

func entry(kind RecordKind, ticket string, minute int, reason string) *HistoryEntry {
	script := "default"
	version := 1
	rec := Record{At: time.Date(2026, 3, 2, 0, minute, 0, 0, time.UTC), Ticket: ticket, Kind: kind, Reason: reason}
	if kind == KindEscalated {
		rec.Script, rec.ScriptVersion = &script, &version
	}
	return &HistoryEntry{Record: rec}
}

func TestTotalsOutcomesAndRate(t *testing.T) {
	tot := NewTotals()
	warranted := entry(KindEscalated, "T-1", 2, "rule manager: asked for a manager (said \"manager\")")
	warranted.Review = &Review{Verdict: VerdictWarranted}
	for _, e := range []*HistoryEntry{
		entry(KindOpened, "T-1", 0, "conversation started"),
		entry(KindOpened, "T-2", 1, "conversation started"),
		warranted,
		entry(KindOpened, "T-3", 3, "conversation started"),
		entry(KindEscalated, "T-4", 4, "rule sustained-frustration (frustration 0.9)"), // opened before the range
		entry(KindClaimed, "T-1", 12, "claimed by ann"),
		entry(KindSLABreached, "T-4", 30, "not claimed within 15m"),
		entry(KindResolved, "T-1", 40, "resolved by ann"),
		entry(KindEscalated, "T-2", 41, "rule manager: asked"),
		entry(KindClaimed, "T-4", 44, "claimed by bob"),
		entry(KindClosed, "T-2", 50, "conversation closed by customer"),
	} {
		tot.Add(e)
	}
	tot.Finish()
	if tot.Opened != 3 || tot.OpenedEscalated != 2 {
		t.Errorf("opened %d, escalated of them %d; want 3 and 2", tot.Opened, tot.OpenedEscalated)
	}
	all := tot.All
	if all.Escalations != 3 || all.Resolved != 1 || all.Closed != 1 || all.Open != 1 || all.SLABreaches != 1 {
		t.Errorf("all = %+v, want 3 escalations, 1 resolved, 1 closed, 1 open, 1 breach", all)
	}
	if all.Reviewed != 1 || all.Warranted != 1 {
		t.Errorf("reviews = %d/%d, want 1 warranted of 1", all.Warranted, all.Reviewed)
	}
	if got := all.TimeToClaim.Count(); got != 2 {
		t.Errorf("time to claim count = %d, want 2", got)
	}
	manager := tot.ByRule["manager"]
	if manager == nil || manager.Escalations != 2 || manager.Warranted != 1 {
		t.Errorf("rule manager = %+v, want 2 escalations, 1 warranted", manager)
	}
	frustration := tot.ByRule["sustained-frustration"]
	if frustration == nil || frustration.SLABreaches != 1 || frustration.Open != 1 {
		t.Errorf("rule sustained-frustration = %+v, want 1 breach, 1 open", frustration)
	}
	if got := frustration.TimeToClaim.Quantile(0.5); math.Abs(float64(got-40*time.Minute)) > 0.01*float64(40*time.Minute) {
		t.Errorf("sustained-frustration time to claim = %s, want about 40m", got)
	}
	if got := tot.ByScript["default v1"]; got == nil || got.Escalations != 3 {
		t.Errorf("script default v1 = %+v, want 3 escalations", got)
	}
}

func TestRuleOf(t *testing.T) {
	for reason, want := range map[string]string{
		"rule manager: asked for a manager (said \"manager\")": "manager",
		"rule sustained-frustration (frustration 0.91)":        "sustained-frustration",
		"rule bare": "bare",
		"escalation policy failed: division by zero": "policy-error",
		"":                      "(none)",
		"handed over by script": "handed over by script",
	} {
		if got := RuleOf(&Record{Reason: reason}); got != want {
			t.Errorf("RuleOf(%q) = %q, want %q", reason, got, want)
		}
	}
}
