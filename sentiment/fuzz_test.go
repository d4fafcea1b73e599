package sentiment

import (
	"encoding/binary"
	"reflect"
	"testing"
	"time"
)

func FuzzMessage(f *testing.F) {
	for _, m := range supportMessages[:10] {
		f.Add(m)
	}
	f.Add("")
	f.Add("\xff\xfe not \xc3 good")
	f.Add("NOT BAD!!! :( 😡😡 sooooo")
	f.Fuzz(func(t *testing.T, text string) {
		a := scorer.Message(text)
		checkMessage(t, text, a)
		if b := scorer.Message(text); !reflect.DeepEqual(a, b) {
			t.Fatalf("two calls on %q differ:\n%+v\n%+v", text, a, b)
		}
	})
}

// FuzzObserve decodes the input into events: each 4-byte header gives a
// time step (which may go backwards), a role, a kind and a text length.
func FuzzObserve(f *testing.F) {
	f.Add([]byte("\x05\x00\x01\x10still not working!!\x10\x01\x01\x05sorry\x01\x00\x00\x00"), "x")
	f.Add([]byte{0xff, 2, 1, 40, 0, 0, 0, 0}, "THIS IS USELESS where is my refund???")
	f.Fuzz(func(t *testing.T, script []byte, text string) {
		events := decodeEvents(script, text)
		a := observeAll(t, events)
		b := observeAll(t, events)
		if !reflect.DeepEqual(a, b) {
			t.Fatal("same events gave different turns")
		}
	})
}

func decodeEvents(script []byte, text string) []Event {
	roles := []string{"customer", "agent", "bot", ""}
	kinds := []string{"message", "typing", "closed", "other"}
	var evs []Event
	now := t0
	for len(script) >= 4 && len(evs) < 64 {
		step := int8(script[0])
		now = now.Add(time.Duration(step) * 700 * time.Millisecond)
		n := int(binary.BigEndian.Uint16([]byte{0, script[3]}))
		if n > len(text) {
			n = len(text)
		}
		evs = append(evs, Event{At: now, Role: roles[script[1]%4], Kind: kinds[script[2]%4], Text: text[:n]})
		script = script[4:]
	}
	return evs
}

func observeAll(t *testing.T, events []Event) []Turn {
	var st State
	var turns []Turn
	for _, ev := range events {
		turn, ok := scorer.Observe(&st, ev)
		if ok != (ev.Role == "customer" && ev.Kind == "message") {
			t.Fatalf("Observe(%q %q) = %v", ev.Role, ev.Kind, ok)
		}
		if !ok {
			continue
		}
		checkTurn(t, turn)
		checkMessage(t, ev.Text, turn.Message)
		turns = append(turns, turn)
	}
	if !(st.Frustration >= 0 && st.Frustration <= 1) {
		t.Fatalf("state frustration %v out of range", st.Frustration)
	}
	return turns
}
