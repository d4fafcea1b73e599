package sentiment

import (
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Behaviour and conversation constants. Evidence values are on a 0..1
// scale and combine as independent probabilities.
const (
	// maxTyping is how long a typing indicator stays valid; one that never
	// turned off is ignored after this and the gap is used instead.
	maxTyping = 2 * time.Minute
	// maxGap bounds the window used when only message times are known, so
	// that a customer who was away does not look slow.
	maxGap = 2 * time.Minute
	// minWindow keeps a speed finite when two events share a timestamp.
	minWindow = time.Second
	// minSpeedChars is the shortest message whose typing speed is measured.
	minSpeedChars = 8
	// baselineTurns is how many earlier turns the speed baseline needs.
	baselineTurns = 2
	baselineAlpha = 0.3 // weight of the newest turn in the baseline
	fastRatio     = 1.5 // speed ratios at or above this count as evidence
	speedEvidence = 0.35
	// burstWindow is the longest gap between customer messages, with no
	// reply between them, that counts as a burst.
	burstWindow    = 15 * time.Second
	burstEvidence  = 0.12 // per message in the burst, at most maxBurst
	maxBurst       = 3
	waitStart      = 2 * time.Minute // unanswered waits start to count here
	waitFull       = 30 * time.Minute
	waitEvidence   = 0.3
	repeatEvidence = 0.25
	repeatJaccard  = 0.6
	minRepeatWords = 2
	maxRecent      = 4 // customer messages kept for repeat detection
	maxSignature   = 24
)

// The conversation score is 1 - exp(-load). Every customer turn adds the
// load of its evidence, -ln(1 - evidenceShare*x) per item x. So one
// strongly negative turn carries the score most of the way at once, and
// repeated complaints compound. A turn that adds less than holdLoad is a
// calm turn, and only a calm turn lets the load decay.
const (
	// evidenceShare scales each evidence item before it adds load. A
	// turn whose only evidence is negativity 0.9 lifts a calm
	// conversation to about 0.86.
	evidenceShare = 0.95
	// holdLoad is the load, from an evidence item of about 0.19, below
	// which a turn counts as calm.
	holdLoad = 0.2
	// neutralKeep is the share of the load kept on a calm turn with
	// neutral wording. A calm turn whose valence is 1 keeps calmKeep, and
	// one with less positive wording keeps a share in between.
	neutralKeep = 0.9
	calmKeep    = 0.4
	// maxFrustration keeps the load finite when a stored score is 1.
	maxFrustration = 0.999
)

// Event is one conversation event as the scorer needs it.
type Event struct {
	At time.Time
	// Role is "customer", "agent" or "bot".
	Role string
	// Kind is "typing", "message" or "closed".
	Kind string
	Text string
	// Prepared, when set, is the wording of Text scored ahead by Prepare.
	// Observe uses it if the same scorer prepared it for the same text.
	Prepared *Prepared
}

// Prepared is a customer message's wording, scored ahead of its turn. It
// is the part of a turn that depends on the text alone, so a caller may
// compute it on another goroutine than the one that keeps the state.
type Prepared struct {
	scorer    *Scorer
	text      string
	message   Message
	signature []uint32
	// used is set by the turn that took the score. A turn adds its own
	// reasons to the message's, in place, so a second turn scores again.
	used bool
}

// Prepare scores the wording of a customer message for one later
// Observe. It is safe for concurrent use.
func (s *Scorer) Prepare(text string) *Prepared {
	sc := s.pool.Get().(*scratch)
	sc.reset()
	defer s.pool.Put(sc)
	return &Prepared{scorer: s, text: text, message: s.message(text, sc, turnReasons), signature: s.signature(sc)}
}

// State is a conversation's scoring state between events. It holds only
// exported, JSON-serialisable fields so that the store can save it.
type State struct {
	// Frustration is the conversation score after the last customer turn.
	Frustration float64 `json:"frustration"`
	// Turns counts the customer messages scored.
	Turns int `json:"turns"`
	// LastCustomerAt and LastReplyAt are the times of the latest customer
	// message and the latest agent or bot message.
	LastCustomerAt time.Time `json:"last_customer_at"`
	LastReplyAt    time.Time `json:"last_reply_at"`
	// TypingAt is when the customer started typing, zero when unknown or
	// already used by a message.
	TypingAt time.Time `json:"typing_at"`
	// WaitingSince is the first customer message not yet answered by an
	// agent or bot; zero when answered.
	WaitingSince time.Time `json:"waiting_since"`
	// BaselineSpeed is the customer's usual typing speed in characters
	// per second over BaselineTurns measured turns.
	BaselineSpeed float64 `json:"baseline_speed"`
	BaselineTurns int     `json:"baseline_turns"`
	// Burst counts the customer messages sent in quick succession before
	// this one.
	Burst int `json:"burst"`
	// Recent holds word signatures of the latest customer messages.
	Recent [][]uint32 `json:"recent,omitempty"`
	Closed bool       `json:"closed"`
}

// Turn is the scoring of one customer message.
type Turn struct {
	Message Message
	// Frustration is the conversation score after this turn, 0..1.
	Frustration float64
	// TypingSpeed is characters per second, 0 when unknown.
	TypingSpeed float64
	// SpeedRatio compares TypingSpeed with the customer's own baseline,
	// 0 when there is no baseline yet.
	SpeedRatio float64
	// Burst is true when the message came in quick succession after
	// another customer message with no reply between them.
	Burst bool
	// Reasons lists the wording reasons, then the behaviour ones, then a
	// summary of the score's change with weight 0. Every weight is
	// evidence on a 0..1 scale, positive when it raises frustration.
	Reasons []Reason
}

// Observe applies ev to st. It returns a scored Turn and true when ev is a
// customer message; other events only update st. Scores depend on event
// timestamps only, so the same events give the same scores.
func (s *Scorer) Observe(st *State, ev Event) (Turn, bool) {
	switch {
	case ev.Kind == "closed":
		st.Closed = true
		st.TypingAt = time.Time{}
		return Turn{}, false
	case ev.Role != "customer":
		if ev.Kind == "message" {
			if ev.At.After(st.LastReplyAt) {
				st.LastReplyAt = ev.At
			}
			if !st.WaitingSince.IsZero() && !ev.At.Before(st.WaitingSince) {
				st.WaitingSince = time.Time{}
			}
			st.Burst = 0
		}
		return Turn{}, false
	case ev.Kind == "typing":
		if st.TypingAt.IsZero() || ev.At.After(st.TypingAt) {
			st.TypingAt = ev.At
		}
		return Turn{}, false
	case ev.Kind != "message":
		return Turn{}, false
	}
	return s.customerTurn(st, ev), true
}

func (s *Scorer) customerTurn(st *State, ev Event) Turn {
	st.Closed = false

	// The turn's reasons share one array with the wording's, with room
	// for the behaviour and summary reasons after them.
	var t Turn
	var signature []uint32
	if p := ev.Prepared; p != nil && !p.used && p.scorer == s && p.text == ev.Text {
		p.used = true
		t.Message, signature = p.message, p.signature
	} else {
		sc := s.pool.Get().(*scratch)
		sc.reset()
		t.Message = s.message(ev.Text, sc, turnReasons)
		signature = s.signature(sc)
		s.pool.Put(sc)
	}
	t.Reasons = t.Message.Reasons[:len(t.Message.Reasons):cap(t.Message.Reasons)]
	t.Message.Reasons = t.Message.Reasons[:len(t.Message.Reasons):len(t.Message.Reasons)]

	load := evidenceLoad(t.Message.Negativity)
	add := func(r Reason) {
		load += evidenceLoad(r.Weight)
		t.Reasons = append(t.Reasons, r)
	}

	chars := utf8.RuneCountInString(ev.Text)
	t.TypingSpeed = s.typingSpeed(st, ev, chars)
	if t.TypingSpeed > 0 {
		if st.BaselineTurns >= baselineTurns && st.BaselineSpeed > 0 {
			t.SpeedRatio = t.TypingSpeed / st.BaselineSpeed
			if t.SpeedRatio >= fastRatio {
				w := speedEvidence * math.Min(1, (t.SpeedRatio-1)/2)
				add(Reason{Rule: "typing-speed", Weight: w,
					Text: "typed at " + fmt1(t.SpeedRatio) + "x the customer's usual speed (" +
						fmt1(t.TypingSpeed) + " chars/s)"})
			}
		}
		st.updateBaseline(t.TypingSpeed)
	}

	if !st.LastCustomerAt.IsZero() && !ev.At.Before(st.LastCustomerAt) &&
		ev.At.Sub(st.LastCustomerAt) <= burstWindow && !st.LastReplyAt.After(st.LastCustomerAt) {
		st.Burst++
		t.Burst = true
		w := burstEvidence * float64(min(st.Burst, maxBurst))
		add(Reason{Rule: "burst", Weight: w,
			Text: strconv.Itoa(st.Burst+1) + " messages in quick succession"})
	} else {
		st.Burst = 0
	}

	if !st.WaitingSince.IsZero() {
		if wait := ev.At.Sub(st.WaitingSince); wait >= waitStart {
			frac := math.Log(float64(wait)/float64(waitStart)) / math.Log(float64(waitFull)/float64(waitStart))
			w := waitEvidence * clamp(0.3+0.7*frac, 0, 1)
			add(Reason{Rule: "waiting", Weight: w,
				Text: "no reply for " + wait.Round(time.Second).String()})
		}
	} else {
		st.WaitingSince = ev.At
	}

	if sig := signature; len(sig) >= minRepeatWords {
		for _, old := range st.Recent {
			if jaccard(sig, old) >= repeatJaccard {
				rule, description := "repeated-message", "repeats an earlier message"
				if containsByte(ev.Text, '?') {
					rule, description = "repeated-question", "asks an earlier question again"
				}
				add(Reason{Rule: rule, Weight: repeatEvidence, Text: description})
				break
			}
		}
		st.Recent = append(st.Recent, sig)
		if len(st.Recent) > maxRecent {
			st.Recent = st.Recent[len(st.Recent)-maxRecent:]
		}
	}

	prev := st.Frustration
	keep := 1.0
	if load < holdLoad {
		keep = neutralKeep
		if t.Message.Valence > 0 && t.Message.Readable {
			keep -= (neutralKeep - calmKeep) * t.Message.Valence
		}
	}
	carried := -math.Log1p(-math.Min(prev, maxFrustration)) * keep
	next := clamp(1-math.Exp(-(carried+load)), 0, 1)
	// The change of the score restates the evidence above, so its reason
	// has weight 0 and never counts twice.
	switch {
	case next > prev:
		t.Reasons = append(t.Reasons, Reason{Rule: "rise",
			Text: "frustration " + fmt2(prev) + " → " + fmt2(next)})
	case next < prev:
		t.Reasons = append(t.Reasons, Reason{Rule: "decay",
			Text: "calm turn: frustration " + fmt2(prev) + " → " + fmt2(next)})
	}
	st.Frustration = next
	t.Frustration = next
	st.Turns++
	if ev.At.After(st.LastCustomerAt) {
		st.LastCustomerAt = ev.At
	}
	st.TypingAt = time.Time{}
	return t
}

// turnReasons is the room left after a message's reasons for a turn's
// behaviour and summary reasons.
const turnReasons = 6

// evidenceLoad returns the load that an evidence item x in [0, 1] adds to
// the conversation score.
func evidenceLoad(x float64) float64 {
	return -math.Log1p(-evidenceShare * clamp(x, 0, 1))
}

// typingSpeed returns characters per second for a customer message: from
// the customer's typing start when one is known and recent, else from the
// gap since the later of the customer's previous message and the last
// reply, bounded by maxGap. It returns 0 when no window can be measured.
func (s *Scorer) typingSpeed(st *State, ev Event, chars int) float64 {
	if chars < minSpeedChars {
		return 0
	}
	var window time.Duration
	if !st.TypingAt.IsZero() {
		if d := ev.At.Sub(st.TypingAt); d >= 0 && d <= maxTyping {
			window = d
		}
	}
	if window == 0 {
		from := st.LastCustomerAt
		if st.LastReplyAt.After(from) {
			from = st.LastReplyAt
		}
		if from.IsZero() {
			return 0
		}
		d := ev.At.Sub(from)
		if d <= 0 {
			return 0
		}
		window = min(d, maxGap)
	}
	window = max(window, minWindow)
	return float64(chars) / window.Seconds()
}

func (st *State) updateBaseline(speed float64) {
	if st.BaselineTurns == 0 {
		st.BaselineSpeed = speed
	} else {
		alpha := max(baselineAlpha, 1/float64(st.BaselineTurns+1))
		st.BaselineSpeed += alpha * (speed - st.BaselineSpeed)
	}
	st.BaselineTurns++
}

// signature returns the sorted hashes of the content words in sc, for
// spotting a customer who repeats themselves.
func (s *Scorer) signature(sc *scratch) []uint32 {
	var sig []uint32
	for i := range sc.toks {
		t := &sc.toks[i]
		if t.kind != kindWord || t.hi-t.lo < 3 {
			continue
		}
		if t.entry >= 0 && s.lex.entries[t.entry].flags&(flagEnglish|flagLexicon) == flagEnglish {
			continue // a function word
		}
		if sig == nil {
			sig = make([]uint32, 0, maxSignature)
		}
		sig = append(sig, fnv32a(sc.lower[t.lo:t.hi]))
	}
	slices.Sort(sig)
	sig = slices.Compact(sig)
	if len(sig) > maxSignature {
		sig = sig[:maxSignature]
	}
	return sig
}

// fnv32a returns the 32-bit FNV-1a hash of b.
func fnv32a(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// jaccard returns |a∩b| / |a∪b| for two sorted sets.
func jaccard(a, b []uint32) float64 {
	i, j, inter := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

func fmt1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
func fmt2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
