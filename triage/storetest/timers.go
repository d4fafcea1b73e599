package storetest

import (
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// RunTimers runs the conformance tests of timers as subtests of t, with
// open as in Run.
func RunTimers(t *testing.T, open func(t *testing.T) triage.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, triage.Store)
	}{
		{"Timers/DueOrder", testTimersDueOrder},
		{"Timers/ReplaceSameKind", testTimersReplaceSameKind},
		{"Timers/Cancel", testTimersCancel},
		{"Timers/FiredMarker", testTimersFiredMarker},
		{"Timers/TicketTimers", testTicketTimers},
		{"Timers/DeleteTicketTimers", testDeleteTicketTimers},
		{"Timers/RoundTrip", testTimerRoundTrip},
		{"Timers/InvalidTicket", testTimerInvalidTicket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// timer returns a timer of ticket and kind due seconds after base.
func timer(ticket string, kind triage.TimerKind, seconds float64) *triage.Timer {
	return &triage.Timer{Due: at(seconds), Ticket: ticket, Kind: kind, Key: "k-" + ticket, Start: base}
}

func setTimers(t *testing.T, s triage.Store, timers ...*triage.Timer) {
	t.Helper()
	update(t, s, func(tx triage.Tx) error {
		for _, tm := range timers {
			if err := tx.SetTimer(tm); err != nil {
				return err
			}
		}
		return nil
	})
}

// dueTimers returns "TICKET/KIND" of each timer due at or before until.
func dueTimers(t *testing.T, s triage.Store, until time.Time) []string {
	t.Helper()
	out := []string{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.DueTimers(until, func(tm *triage.Timer) error {
			out = append(out, tm.Ticket+"/"+string(tm.Kind))
			return nil
		})
	})
	return out
}

func testTimersDueOrder(t *testing.T, s triage.Store) {
	setTimers(t, s,
		timer("T-2", triage.TimerScript, 60),
		timer("T-1", triage.TimerUnclaimed, 30),
		timer("T-3", triage.TimerFirstResponse, 30),
		timer("T-1", triage.TimerFirstResponse, 30),
		timer("T-4", triage.TimerScript, 120),
	)
	assertEqual(t, "due by +60s", dueTimers(t, s, at(60)),
		[]string{"T-1/first_response", "T-1/unclaimed", "T-3/first_response", "T-2/script"})
	assertEqual(t, "due by +29s", dueTimers(t, s, at(29)), []string{})
	assertEqual(t, "due by +1h", len(dueTimers(t, s, at(3600))), 5)
}

func testTimersReplaceSameKind(t *testing.T, s triage.Store) {
	setTimers(t, s, timer("T-1", triage.TimerScript, 60))
	later := timer("T-1", triage.TimerScript, 600)
	later.Key = "second"
	setTimers(t, s, later)
	assertEqual(t, "due by +60s after re-arming later", dueTimers(t, s, at(60)), []string{})
	assertEqual(t, "due by +600s", dueTimers(t, s, at(600)), []string{"T-1/script"})
	var keys []string
	view(t, s, func(tx triage.ReadTx) error {
		return tx.DueTimers(at(600), func(tm *triage.Timer) error {
			keys = append(keys, tm.Key)
			return nil
		})
	})
	assertEqual(t, "key of the replacing timer", keys, []string{"second"})
}

func testTimersCancel(t *testing.T, s triage.Store) {
	setTimers(t, s, timer("T-1", triage.TimerScript, 60), timer("T-1", triage.TimerUnclaimed, 60))
	update(t, s, func(tx triage.Tx) error {
		if err := tx.CancelTimer("T-1", triage.TimerScript); err != nil {
			return err
		}
		// Cancelling what is not armed is no error.
		return tx.CancelTimer("T-9", triage.TimerScript)
	})
	assertEqual(t, "due after cancel", dueTimers(t, s, at(60)), []string{"T-1/unclaimed"})
}

func testTimersFiredMarker(t *testing.T, s triage.Store) {
	tm := timer("T-1", triage.TimerScript, 60)
	setTimers(t, s, tm)
	update(t, s, func(tx triage.Tx) error {
		fired, err := tx.TimerFired("T-1", triage.TimerScript, tm.Key)
		if err != nil {
			return err
		}
		if fired {
			t.Errorf("TimerFired before MarkTimerFired = true, want false")
		}
		return tx.MarkTimerFired(tm, at(61))
	})
	assertEqual(t, "due after firing", dueTimers(t, s, at(60)), []string{})
	view(t, s, func(tx triage.ReadTx) error {
		fired, err := tx.TimerFired("T-1", triage.TimerScript, tm.Key)
		if err != nil {
			return err
		}
		if !fired {
			t.Errorf("TimerFired after MarkTimerFired = false, want true")
		}
		other, err := tx.TimerFired("T-1", triage.TimerScript, tm.Key+"-other")
		if err != nil {
			return err
		}
		if other {
			t.Errorf("TimerFired of another key = true, want false")
		}
		kind, err := tx.TimerFired("T-1", triage.TimerUnclaimed, tm.Key)
		if err != nil {
			return err
		}
		if kind {
			t.Errorf("TimerFired of another kind = true, want false")
		}
		return nil
	})
}

func testTicketTimers(t *testing.T, s triage.Store) {
	setTimers(t, s,
		timer("T-1", triage.TimerUnclaimed, 10),
		timer("T-1", triage.TimerScript, 90),
		timer("T-10", triage.TimerScript, 5),
	)
	var got []string
	view(t, s, func(tx triage.ReadTx) error {
		return tx.TicketTimers("T-1", func(tm *triage.Timer) error {
			got = append(got, tm.Ticket+"/"+string(tm.Kind))
			return nil
		})
	})
	assertEqual(t, "timers of T-1", got, []string{"T-1/script", "T-1/unclaimed"})
}

func testDeleteTicketTimers(t *testing.T, s triage.Store) {
	fired := timer("T-1", triage.TimerFirstResponse, 10)
	setTimers(t, s, fired, timer("T-1", triage.TimerScript, 90), timer("T-2", triage.TimerScript, 90))
	update(t, s, func(tx triage.Tx) error {
		if err := tx.MarkTimerFired(fired, at(11)); err != nil {
			return err
		}
		return tx.DeleteTicketTimers("T-1")
	})
	assertEqual(t, "due after deleting T-1's timers", dueTimers(t, s, at(3600)), []string{"T-2/script"})
	view(t, s, func(tx triage.ReadTx) error {
		ok, err := tx.TimerFired("T-1", triage.TimerFirstResponse, fired.Key)
		if err != nil {
			return err
		}
		if ok {
			t.Errorf("fired marker of T-1 kept after DeleteTicketTimers")
		}
		return nil
	})
}

func testTimerRoundTrip(t *testing.T, s triage.Store) {
	want := &triage.Timer{
		Due: at(3600), Ticket: "T-7", Kind: triage.TimerUnclaimed, Key: "2026-03-02T14:00:00Z/1",
		Start: base, Target: "1 business hour", Tier: 1,
	}
	setTimers(t, s, want)
	var got *triage.Timer
	view(t, s, func(tx triage.ReadTx) error {
		return tx.DueTimers(at(3600), func(tm *triage.Timer) error {
			got = tm
			return nil
		})
	})
	if got == nil {
		t.Fatal("DueTimers returned no timer")
	}
	if !got.Due.Equal(want.Due) || !got.Start.Equal(want.Start) {
		t.Errorf("times: got due %v start %v, want due %v start %v", got.Due, got.Start, want.Due, want.Start)
	}
	got.Due, got.Start = want.Due, want.Start
	assertEqual(t, "timer", got, want)
}

func testTimerInvalidTicket(t *testing.T, s triage.Store) {
	err := s.Update(func(tx triage.Tx) error {
		return tx.SetTimer(&triage.Timer{Due: base, Kind: triage.TimerScript})
	})
	if err == nil {
		t.Errorf("SetTimer with an empty ticket id succeeded, want an error")
	}
	err = s.Update(func(tx triage.Tx) error {
		return tx.SetTimer(&triage.Timer{Due: base, Ticket: "T-1", Kind: triage.TimerScript, Key: "a\x00b"})
	})
	if err == nil {
		t.Errorf("SetTimer with a NUL byte in the key succeeded, want an error")
	}
}
