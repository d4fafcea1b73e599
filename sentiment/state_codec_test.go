package sentiment

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// randomState returns a state with every field set from rng, times
// included, some of them zero.
func randomState(rng *rand.Rand) State {
	randomTime := func() time.Time {
		if rng.IntN(4) == 0 {
			return time.Time{}
		}
		// From the start of year 1 to the end of year 9999, as events
		// may carry.
		const year1, year10000 = -62_135_596_800, 253_402_300_800
		return time.Unix(year1+rng.Int64N(year10000-year1), rng.Int64N(1e9)).UTC()
	}
	st := State{
		Frustration:    rng.Float64(),
		Turns:          rng.IntN(10_000),
		LastCustomerAt: randomTime(),
		LastReplyAt:    randomTime(),
		TypingAt:       randomTime(),
		WaitingSince:   randomTime(),
		BaselineSpeed:  rng.Float64() * 20,
		BaselineTurns:  rng.IntN(10),
		Burst:          rng.IntN(8),
		Closed:         rng.IntN(2) == 0,
	}
	for range rng.IntN(maxRecent + 1) {
		sig := make([]uint32, rng.IntN(maxSignature+1))
		for i := range sig {
			sig[i] = rng.Uint32()
		}
		st.Recent = append(st.Recent, sig)
	}
	return st
}

func TestStateBinaryRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		want := randomState(rng)
		data, err := want.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got State
		if err := got.UnmarshalBinary(data); err != nil {
			t.Fatalf("state %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("state %d changed in a round trip:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

func TestStateReadsJSONForm(t *testing.T) {
	want := randomState(rand.New(rand.NewPCG(3, 4)))
	data, err := json.Marshal(&want)
	if err != nil {
		t.Fatal(err)
	}
	var got State
	if err := got.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("state from JSON:\n got %+v\nwant %+v", got, want)
	}
}

func TestStateTruncatedIsAnError(t *testing.T) {
	st := randomState(rand.New(rand.NewPCG(5, 6)))
	st.Recent = [][]uint32{{1, 2, 3}, {4}}
	data, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(data) {
		var got State
		if err := got.UnmarshalBinary(data[:n]); err == nil {
			t.Errorf("the first %d of %d bytes decoded without an error", n, len(data))
		}
	}
}

func FuzzStateBinary(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 4 {
		st := randomState(rng)
		data, _ := st.MarshalBinary()
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var st State
		if err := st.UnmarshalBinary(data); err != nil || (len(data) > 0 && data[0] == '{') {
			return
		}
		again, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back State
		if err := back.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded state does not decode: %v", err)
		}
		// The encodings are compared, not the states: a NaN read from
		// the input is kept bit for bit but never equals itself.
		third, err := back.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(third, again) {
			t.Fatalf("state changed in a second round trip:\n got %+v\nwant %+v", back, st)
		}
	})
}
