package sentiment

import (
	"reflect"
	"testing"
)

// observePrepared feeds events through a fresh state, preparing each customer
// message's wording first with the scorer given, and returns the turns.
func observePrepared(t *testing.T, events []Event, prepare *Scorer) []Turn {
	t.Helper()
	var st State
	var turns []Turn
	for _, ev := range events {
		if prepare != nil && ev.Role == "customer" && ev.Kind == "message" {
			ev.Prepared = prepare.Prepare(ev.Text)
		}
		if turn, ok := scorer.Observe(&st, ev); ok {
			turns = append(turns, turn)
		}
	}
	return turns
}

func TestPreparedWordingScoresTheSame(t *testing.T) {
	events := []Event{
		typing(0), customer(20, "my refund still has not arrived"),
		customer(25, "still not working, third time I ask!!"),
		agent(60, "Sorry, let me check."),
		typing(70), customer(80, "still not working, third time I ask!!"),
	}
	want := observePrepared(t, events, nil)
	if got := observePrepared(t, events, scorer); !reflect.DeepEqual(got, want) {
		t.Errorf("turns with prepared wording differ:\n got %+v\nwant %+v", got, want)
	}
	// Wording prepared by another scorer, with an extra keyword, is
	// scored again by the one that keeps the state.
	other := New(Options{Keywords: []Keyword{{Phrase: "refund", Weight: -3}}})
	if got := observePrepared(t, events, other); !reflect.DeepEqual(got, want) {
		t.Errorf("turns with another scorer's wording differ:\n got %+v\nwant %+v", got, want)
	}
}

func TestPreparedWordingUsedOnce(t *testing.T) {
	ev := customer(10, "this is the third time I write, still not working")
	ev.Prepared = scorer.Prepare(ev.Text)
	var first, second State
	a, _ := scorer.Observe(&first, ev)
	b, _ := scorer.Observe(&second, ev)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("second turn from the same prepared wording differs:\n got %+v\nwant %+v", b, a)
	}
	// The turns must not share the array their reasons are added to.
	if len(a.Reasons) > 0 && &a.Reasons[0] == &b.Reasons[0] {
		t.Errorf("two turns share one reasons array")
	}
}
