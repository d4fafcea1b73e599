package sentiment

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func customer(sec float64, text string) Event {
	return Event{At: at(sec), Role: "customer", Kind: "message", Text: text}
}

func agent(sec float64, text string) Event {
	return Event{At: at(sec), Role: "agent", Kind: "message", Text: text}
}

func typing(sec float64) Event { return Event{At: at(sec), Role: "customer", Kind: "typing"} }

// run feeds events through a fresh state and returns the scored turns.
func run(t *testing.T, events []Event) ([]Turn, State) {
	t.Helper()
	var st State
	var turns []Turn
	for _, ev := range events {
		turn, ok := scorer.Observe(&st, ev)
		if ok != (ev.Role == "customer" && ev.Kind == "message") {
			t.Fatalf("Observe(%s %s) returned %v", ev.Role, ev.Kind, ok)
		}
		if ok {
			turns = append(turns, turn)
		}
	}
	return turns, st
}

func ruleIn(reasons []Reason, rule string) bool {
	for _, r := range reasons {
		if r.Rule == rule {
			return true
		}
	}
	return false
}

// baselineThenLast types three messages at a steady pace and a fourth one
// whose typing window is window seconds.
func baselineThenLast(window float64) []Event {
	texts := []string{
		"hi, my order hasn't arrived yet",
		"the order number is 55512, placed last monday",
		"can you check where it is please",
		"I need to know where my parcel is",
	}
	var evs []Event
	sec := 0.0
	for i, text := range texts {
		w := float64(len(text)) / 2 // 2 chars/s
		if i == len(texts)-1 {
			w = window
		}
		evs = append(evs, typing(sec), customer(sec+w, text), agent(sec+w+30, "let me check that for you"))
		sec += w + 60
	}
	return evs
}

func TestObserveTypingSpeedAboveBaseline(t *testing.T) {
	text := "I need to know where my parcel is"
	steady, _ := run(t, baselineThenLast(float64(len(text))/2))
	fast, _ := run(t, baselineThenLast(float64(len(text))/6))
	s, f := steady[3], fast[3]
	if f.SpeedRatio < 2.5 || f.SpeedRatio > 3.5 {
		t.Errorf("fast SpeedRatio = %.2f, want about 3", f.SpeedRatio)
	}
	if s.SpeedRatio < 0.8 || s.SpeedRatio > 1.2 {
		t.Errorf("steady SpeedRatio = %.2f, want about 1", s.SpeedRatio)
	}
	if f.Frustration <= s.Frustration {
		t.Errorf("3x speed frustration %.3f, want above steady %.3f", f.Frustration, s.Frustration)
	}
	if !ruleIn(f.Reasons, "typing-speed") {
		t.Errorf("no typing-speed reason in %v", f.Reasons)
	}
	if ruleIn(s.Reasons, "typing-speed") {
		t.Errorf("steady turn has a typing-speed reason: %v", s.Reasons)
	}
}

func TestObserveBurstScoresHigher(t *testing.T) {
	texts := []string{"hello?", "is anyone there", "my card was charged but nothing happened"}
	var spaced, burst []Event
	for i, text := range texts {
		spaced = append(spaced, customer(float64(i)*120, text), agent(float64(i)*120+60, "one moment"))
		burst = append(burst, customer(float64(i)*4, text))
	}
	a, _ := run(t, spaced)
	b, _ := run(t, burst)
	if !b[2].Burst || !ruleIn(b[2].Reasons, "burst") {
		t.Errorf("third quick message not marked as a burst: %+v", b[2].Reasons)
	}
	if a[2].Burst {
		t.Error("answered messages marked as a burst")
	}
	if b[2].Frustration <= a[2].Frustration {
		t.Errorf("burst frustration %.3f, want above spaced %.3f", b[2].Frustration, a[2].Frustration)
	}
}

func TestObserveDecaysSlowly(t *testing.T) {
	evs := []Event{
		customer(0, "this is still not working, third time I'm asking!!!"),
		agent(60, "sorry about that"),
		customer(120, "ok"),
		agent(180, "try again now"),
		customer(240, "ok"),
		agent(300, "anything else?"),
		customer(360, "ok"),
	}
	turns, _ := run(t, evs)
	peak := turns[0].Frustration
	if peak < 0.3 {
		t.Fatalf("angry first turn scored %.3f", peak)
	}
	for i := 1; i < len(turns); i++ {
		prev, cur := turns[i-1].Frustration, turns[i].Frustration
		if cur >= prev {
			t.Errorf("turn %d: %.3f did not decay from %.3f", i, cur, prev)
		}
		if cur < prev*0.6 {
			t.Errorf("turn %d: %.3f fell too fast from %.3f", i, cur, prev)
		}
		if !ruleIn(turns[i].Reasons, "decay") {
			t.Errorf("turn %d has no decay reason: %v", i, turns[i].Reasons)
		}
	}
}

func TestObserveAgentApologyKeepsScore(t *testing.T) {
	var st State
	scorer.Observe(&st, customer(0, "this is ridiculous, I want a refund NOW"))
	before := st.Frustration
	scorer.Observe(&st, agent(30, "I'm so sorry, I completely understand, we apologise!"))
	if st.Frustration != before {
		t.Errorf("agent apology moved frustration from %.3f to %.3f", before, st.Frustration)
	}
}

func TestObserveOutOfOrderTyping(t *testing.T) {
	evs := []Event{
		customer(0, "first message to set things up"),
		agent(20, "hello"),
		customer(100, "my account is locked again today"),
		typing(130), // arrives after the message it belongs to
		customer(200, "please unlock my account"),
	}
	turns, _ := run(t, evs)
	for i, turn := range turns {
		if turn.TypingSpeed < 0 {
			t.Errorf("turn %d: negative typing speed %.3f", i, turn.TypingSpeed)
		}
		checkTurn(t, turn)
	}
	// A typing indicator older than maxTyping is ignored in favour of the gap.
	var st State
	scorer.Observe(&st, agent(0, "hello"))
	scorer.Observe(&st, typing(10))
	turn, _ := scorer.Observe(&st, customer(10+maxTyping.Seconds()*5, "twenty chars exactly"))
	want := 20 / maxGap.Seconds()
	if d := turn.TypingSpeed - want; d > 1e-9 || d < -1e-9 {
		t.Errorf("stale typing indicator: speed %.4f, want %.4f", turn.TypingSpeed, want)
	}
}

func TestObserveRepeatedQuestion(t *testing.T) {
	evs := []Event{
		customer(0, "when will my refund for order 5521 be processed?"),
		agent(60, "we are looking into it"),
		customer(600, "when will the refund for order 5521 be processed?"),
	}
	turns, _ := run(t, evs)
	if !ruleIn(turns[1].Reasons, "repeated-question") {
		t.Errorf("no repeated-question reason in %v", turns[1].Reasons)
	}
}

func TestObserveWaitingWithoutReply(t *testing.T) {
	turns, _ := run(t, []Event{
		customer(0, "my payment failed"),
		customer(20*60, "my payment failed, hello"),
	})
	if !ruleIn(turns[1].Reasons, "waiting") {
		t.Errorf("no waiting reason after 20 minutes: %v", turns[1].Reasons)
	}
}

func TestObserveDeterministicAndSerialisable(t *testing.T) {
	evs := baselineThenLast(3)
	a, stA := run(t, evs)
	b, _ := run(t, evs)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same events gave different turns")
	}
	// Resuming from a saved state gives the same scores as running through.
	var st State
	for i, ev := range evs {
		if i == 5 {
			raw, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			st = State{}
			if err := json.Unmarshal(raw, &st); err != nil {
				t.Fatal(err)
			}
		}
		scorer.Observe(&st, ev)
	}
	if st.Frustration != stA.Frustration || st.BaselineSpeed != stA.BaselineSpeed {
		t.Errorf("after a JSON round trip: frustration %.4f baseline %.4f, want %.4f %.4f",
			st.Frustration, st.BaselineSpeed, stA.Frustration, stA.BaselineSpeed)
	}
}

func TestObserveUnreadableKeepsBehaviour(t *testing.T) {
	var evs []Event
	for i := 0; i < 4; i++ {
		evs = append(evs, customer(float64(i)*3, "necesito ayuda con mi pedido"))
	}
	turns, _ := run(t, evs)
	last := turns[len(turns)-1]
	if last.Message.Readable {
		t.Fatal("Spanish read as English")
	}
	if !last.Burst || last.Frustration <= 0 {
		t.Errorf("burst in Spanish: burst %v frustration %.3f", last.Burst, last.Frustration)
	}
}

func checkTurn(t *testing.T, turn Turn) {
	t.Helper()
	if !(turn.Frustration >= 0 && turn.Frustration <= 1) {
		t.Errorf("Frustration %v out of range", turn.Frustration)
	}
	if turn.TypingSpeed < 0 || turn.SpeedRatio < 0 {
		t.Errorf("negative speed %v or ratio %v", turn.TypingSpeed, turn.SpeedRatio)
	}
}

func TestObserveStrongTurnCarriesFar(t *testing.T) {
	turns, _ := run(t, []Event{customer(0, "This is absolutely unacceptable, it's still not working and nobody replied!!!")})
	if f := turns[0].Frustration; f < 0.7 {
		t.Errorf("strongly negative first turn scored %.3f, want at least 0.7", f)
	}
}

func TestObserveNegativeTurnDoesNotDecay(t *testing.T) {
	turns, _ := run(t, []Event{
		customer(0, "this is ridiculous, the app is useless and still not working!!"),
		agent(90, "sorry to hear that, have you tried reinstalling?"),
		customer(180, "yes, it is still broken"),
	})
	if turns[1].Frustration < turns[0].Frustration {
		t.Errorf("negative turn lowered frustration from %.3f to %.3f", turns[0].Frustration, turns[1].Frustration)
	}
}

func TestObserveComplaintsCompound(t *testing.T) {
	first, _ := run(t, []Event{customer(0, "my parcel is missing")})
	second, _ := run(t, []Event{customer(0, "the refund never arrived")})
	both, _ := run(t, []Event{
		customer(0, "my parcel is missing"),
		agent(90, "let me check"),
		customer(180, "the refund never arrived"),
	})
	if f := both[1].Frustration; f <= first[0].Frustration || f <= second[0].Frustration {
		t.Errorf("two complaints scored %.3f, want above each alone (%.3f, %.3f)", f, first[0].Frustration, second[0].Frustration)
	}
}

func TestObserveSummaryReasonsWeighZero(t *testing.T) {
	turns, _ := run(t, []Event{
		customer(0, "still not working!!"),
		agent(90, "try again now"),
		customer(180, "thanks, that worked"),
	})
	for i, turn := range turns {
		for _, r := range turn.Reasons {
			if (r.Rule == "rise" || r.Rule == "decay") && r.Weight != 0 {
				t.Errorf("turn %d: %s reason has weight %.3f, want 0", i, r.Rule, r.Weight)
			}
		}
	}
	if !ruleIn(turns[0].Reasons, "rise") {
		t.Errorf("no rise reason in %v", turns[0].Reasons)
	}
	if !ruleIn(turns[1].Reasons, "decay") {
		t.Errorf("no decay reason in %v", turns[1].Reasons)
	}
}
