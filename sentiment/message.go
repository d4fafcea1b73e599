package sentiment

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Scoring constants, in lexicon units (a word's valence runs from -4 to
// 4). The emphasis values are VADER's empirically derived means.
const (
	capsEmphasis     = 0.733 // a word in capitals among lower-case words
	negationScalar   = -0.74 // a negated word keeps 74% of its strength, flipped
	neverSoScalar    = 1.25  // "never so good" strengthens instead of negating
	butBefore        = 0.5   // weight kept by the clause before "but"
	butAfter         = 1.5   // weight given to the clause after "but"
	bangEmphasis     = 0.292 // per '!', at most maxBangs of them
	maxBangs         = 4
	questionEmphasis = 0.18 // per '?' when there are two or three
	maxQuestion      = 0.96 // four or more '?'
	shoutEmphasis    = 0.733
	sarcasmScalar    = -0.5 // praise next to a sarcasm marker counts as half as much blame
	normAlpha        = 15   // compound = sum / sqrt(sum² + normAlpha)
	negativityAlpha  = 8    // negativity = x / sqrt(x² + negativityAlpha)
	praiseOffset     = 0.2  // share of positive wording that offsets negative wording
	maxReasons       = 200  // later contributions are folded into one reason
	maxQuote         = 40   // bytes of message text quoted in a reason
	fillerLike       = 0.5  // weight kept by "like" when it is not the verb
	questionDamp     = 0.5  // share of a sentiment word's weight removed inside a question
)

// Message is the score of one message's wording.
type Message struct {
	// Valence runs from -1 (most negative) to 1 (most positive).
	Valence float64
	// Negativity is the negative evidence in the wording, from 0 to 1;
	// praise offsets it only in part, since polite customers can be
	// frustrated too.
	Negativity float64
	// Language is a BCP 47 code such as "en", or "und" when unknown.
	Language string
	// Readable is false when the wording could not be scored, for example
	// in a language with no lexicon. Emoji, emoticons and punctuation are
	// still scored.
	Readable bool
	// Reasons lists every contribution to the wording's score. Their
	// weights add up to Negativity when it is above 0.
	Reasons []Reason
}

// Reason is one contribution to a score.
type Reason struct {
	// Rule names the rule that fired, such as "negative-word",
	// "negation", "caps", "exclamation", "support-phrase", "typing-speed",
	// "burst" or "decay".
	Rule string
	// Text explains the contribution, for example `"useless" (lexicon
	// -1.80)`: a wording reason ends with its value in lexicon units.
	Text string
	// Weight is the contribution on the 0..1 scale of the evidence that
	// the conversation score combines, positive when it raises
	// frustration. A message's wording reasons add up to its Negativity,
	// or to a negative total when praise outweighs complaints. A weight
	// of 0 marks a summary of other reasons, such as the rise or decay of
	// the conversation score, which must not count twice.
	Weight float64
	// Spans are the byte ranges of the message text that matched.
	Spans []Span
}

// Span is a byte range [Start, End) of a message's text.
type Span struct {
	Start, End int
}

// Keyword is an operator's word or phrase with its valence.
type Keyword struct {
	Phrase string
	// Weight is a valence from -4 to 4 like the lexicon's; negative
	// values are frustrating.
	Weight float64
}

// Options configures a Scorer.
type Options struct {
	// Keywords are added on top of the built-in lexicon. A one-word
	// keyword replaces that word's valence.
	Keywords []Keyword
}

// Scorer scores messages and conversations. It is safe for concurrent use.
type Scorer struct {
	lex  *lexicon
	pool sync.Pool
}

// New returns a Scorer with the built-in lexicon and opts's keywords.
func New(opts Options) *Scorer {
	lx := base()
	if len(opts.Keywords) > 0 {
		lx = lx.clone()
		lx.addKeywords(opts.Keywords)
		lx.buildTable()
	}
	s := &Scorer{lex: lx}
	s.pool.New = func() any { return new(scratch) }
	return s
}

// contribution is one reason before its text is written.
type contribution struct {
	rule       string
	value      float64
	start, end int32
	tok        int32 // token index, -1 for message-wide rules
	base       bool  // the word's own valence, not a modifier
	praise     bool  // counts as praise, set by totals and emphasis
	note       string
}

// Message scores the wording of one message.
func (s *Scorer) Message(text string) Message {
	sc := s.pool.Get().(*scratch)
	sc.reset()
	defer s.pool.Put(sc)
	return s.message(text, sc, 0)
}

// message scores text with the scratch space sc, which it leaves holding
// the tokens. The returned reasons have room for extra more.
func (s *Scorer) message(text string, sc *scratch, extra int) Message {
	lx := s.lex
	lx.tokenize(text, sc)
	lang, readable := detectLanguage(sc)
	m := Message{Language: lang, Readable: readable}
	if readable {
		s.scoreWords(text, sc)
	} else {
		sc.contrib = append(sc.contrib, contribution{rule: "language", tok: -1,
			note: "wording in " + lang + " not scored: no lexicon for it"})
	}
	s.scoreSymbols(sc)
	sum := sc.totals()
	sum = s.emphasis(text, sc, sum)
	m.Valence = clamp(sum/math.Sqrt(sum*sum+normAlpha), -1, 1)
	net := sc.netNegative()
	scale := 1 / math.Sqrt(net*net+negativityAlpha)
	m.Negativity = clamp(net*scale, 0, 1)
	m.Reasons = sc.reasons(text, scale, extra)
	return m
}

func (sc *scratch) reset() {
	sc.lower = sc.lower[:0]
	sc.toks = sc.toks[:0]
	sc.bangs = sc.bangs[:0]
	sc.asks = sc.asks[:0]
	sc.contrib = sc.contrib[:0]
	sc.nBang, sc.nQuest, sc.nCaps, sc.nLetters = 0, 0, 0, 0
	sc.nLatin, sc.nOther, sc.first, sc.enHits = 0, 0, 0, 0
	sc.other = [8]int{}
}

// word returns token i's lower-case text.
func (sc *scratch) word(i int) string {
	t := &sc.toks[i]
	return string(sc.lower[t.lo:t.hi])
}

// wordIs reports whether token i is the word w, without allocating.
func (sc *scratch) wordIs(i int, w string) bool {
	if i < 0 || i >= len(sc.toks) || sc.toks[i].kind != kindWord {
		return false
	}
	t := &sc.toks[i]
	return string(sc.lower[t.lo:t.hi]) == w
}

// scoreWords scores the word tokens: lexicon valences, phrases, and the
// modifiers around them.
func (s *Scorer) scoreWords(text string, sc *scratch) {
	lx := s.lex
	capsDiff := sc.nCaps > 0 && sc.nCaps < sc.nLetters
	butTok := -1
	for i := 0; i < len(sc.toks); i++ {
		t := &sc.toks[i]
		if t.kind != kindWord || t.entry < 0 {
			continue
		}
		e := &lx.entries[t.entry]
		if e.flags&flagBut != 0 && butTok < 0 {
			butTok = i
		}
		if len(e.phrases) > 0 {
			if n := s.matchPhrase(sc, i, e.phrases); n > 0 {
				i += n - 1
				continue
			}
		}
		if (e.flags&flagNegator != 0 || hasNT(sc, i)) && i+1 < len(sc.toks) && sc.toks[i+1].entry >= 0 {
			if next := &lx.entries[sc.toks[i+1].entry]; len(next.negPhrases) > 0 {
				if n := s.matchPhrase(sc, i, next.negPhrases); n > 0 {
					i += n - 1
					continue
				}
			}
		}
		if e.flags&flagInability != 0 && s.inability(sc, i) {
			continue
		}
		if e.valence == 0 || e.flags&flagBooster != 0 && (e.flags&flagProfanity == 0 || s.intensifies(sc, i)) {
			continue // a profane intensifier with nothing to intensify is scored as profanity
		}
		if (sc.wordIs(i, "kind") || sc.wordIs(i, "sort")) && sc.wordIs(i+1, "of") {
			continue
		}
		if sc.wordIs(i, "no") && i+1 < len(sc.toks) && sc.toks[i+1].entry >= 0 &&
			lx.entries[sc.toks[i+1].entry].valence != 0 {
			continue // "no" before a sentiment word only negates it
		}
		rule := "negative-word"
		switch {
		case e.flags&flagKeyword != 0:
			rule = "keyword"
		case e.flags&flagProfanity != 0:
			rule = "profanity"
		case e.flags&flagSupport != 0:
			rule = "support-word"
		case e.valence > 0:
			rule = "positive-word"
		}
		v := e.valence
		if sc.wordIs(i, "like") && !verbLike(sc, i) {
			v *= fillerLike
		}
		sc.contrib = append(sc.contrib, contribution{rule: rule, value: v,
			start: t.start, end: t.end, tok: int32(i), base: true})
		s.modifiers(sc, i, v, capsDiff)
	}
	if butTok >= 0 {
		sc.butShift(butTok)
	}
	sc.questionDamp()
	s.sarcasm(text, sc)
}

// modifiers adds the contributions of capitals, elongation, intensifiers,
// dampeners and negation around the sentiment word at token i.
func (s *Scorer) modifiers(sc *scratch, i int, v float64, capsDiff bool) {
	lx := s.lex
	t := &sc.toks[i]
	sign := 1.0
	if v < 0 {
		sign = -1
	}
	add := func(rule string, delta float64, j int) {
		if delta == 0 {
			return
		}
		u := &sc.toks[j]
		sc.contrib = append(sc.contrib, contribution{rule: rule, value: delta,
			start: u.start, end: u.end, tok: int32(i)})
		v += delta
	}
	if t.caps && capsDiff {
		add("caps", sign*capsEmphasis, i)
	}
	if t.elongated {
		add("elongated", sign*boostUp, i)
	}
	for k := 1; k <= 3; k++ {
		j := i - k
		if j < 0 || sc.toks[j].kind != kindWord || sc.toks[j].clause != t.clause {
			break
		}
		u := &sc.toks[j]
		var f uint16
		var boost float64
		if u.entry >= 0 {
			f = lx.entries[u.entry].flags
			boost = lx.entries[u.entry].boost
		}
		if f&flagBooster != 0 && (f&flagLexicon == 0 || f&flagProfanity != 0) || sc.wordIs(j, "of") && (sc.wordIs(j-1, "kind") || sc.wordIs(j-1, "sort")) {
			if boost == 0 {
				boost = boostDown
			}
			b := boost * sign
			if u.caps && capsDiff {
				b += sign * capsEmphasis
			}
			b *= [...]float64{1, 0.95, 0.9}[k-1]
			rule := "intensifier"
			if boost < 0 {
				rule = "dampener"
			}
			add(rule, b, j)
		}
		if f&flagNegator == 0 && f&flagBooster == 0 && u.entry >= 0 && lx.entries[u.entry].valence != 0 {
			break // a negator or booster further back belongs to this sentiment word
		}
		if f&flagNegator != 0 || hasNT(sc, j) {
			switch {
			case k > 1 && sc.wordIs(j, "never") && (sc.wordIs(j+1, "so") || sc.wordIs(j+1, "this") ||
				k > 2 && (sc.wordIs(j+2, "so") || sc.wordIs(j+2, "this"))):
				add("intensifier", v*(neverSoScalar-1), j)
			case sc.wordIs(j, "without") && sc.wordIs(j+1, "doubt"):
			default:
				add("negation", v*(negationScalar-1), j)
			}
		}
	}
	if sc.wordIs(i-1, "least") && !sc.wordIs(i-2, "at") && !sc.wordIs(i-2, "very") {
		add("negation", v*(negationScalar-1), i-1)
	}
}

// intensifies reports whether a sentiment word follows token i within
// three words of the same clause, so that the intensifier at i modifies it.
func (s *Scorer) intensifies(sc *scratch, i int) bool {
	for j := i + 1; j <= i+3 && j < len(sc.toks); j++ {
		u := &sc.toks[j]
		if u.kind != kindWord || u.clause != sc.toks[i].clause {
			return false
		}
		if u.entry >= 0 {
			if e := &s.lex.entries[u.entry]; e.valence != 0 && e.flags&flagBooster == 0 {
				return true
			}
		}
	}
	return false
}

// hasNT reports whether token j ends in "n't" or "nt" as contractions do.
func hasNT(sc *scratch, j int) bool {
	t := &sc.toks[j]
	w := sc.lower[t.lo:t.hi]
	return len(w) > 3 && string(w[len(w)-3:]) == "n't"
}

// matchPhrase tries the phrases that start at token i, longest first. On
// a match it records the phrase and returns its length in tokens.
func (s *Scorer) matchPhrase(sc *scratch, i int, phrases []int32) int {
	lx := s.lex
	for _, pi := range phrases {
		p := &lx.phrases[pi]
		if i+len(p.words) > len(sc.toks) {
			continue
		}
		ok := true
		for k, w := range p.words {
			j := i + k
			u := &sc.toks[j]
			if u.kind != kindWord || u.clause != sc.toks[i].clause {
				ok = false
				break
			}
			if w == "NEG" {
				if u.entry < 0 || lx.entries[u.entry].flags&flagNegator == 0 {
					if !hasNT(sc, j) {
						ok = false
						break
					}
				}
				continue
			}
			if e := p.entries[k]; e >= 0 && u.entry != e || e < 0 && string(sc.lower[u.lo:u.hi]) != w {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		last := &sc.toks[i+len(p.words)-1]
		sc.contrib = append(sc.contrib, contribution{rule: p.rule, value: p.valence,
			start: sc.toks[i].start, end: last.end, tok: int32(i), base: true})
		if p.words[0] != "NEG" && p.rule != "negation" {
			capsDiff := sc.nCaps > 0 && sc.nCaps < sc.nLetters
			s.modifiers(sc, i, p.valence, capsDiff)
		}
		return len(p.words)
	}
	return 0
}

// butShift moves weight from the clause before "but" to the one after.
func (sc *scratch) butShift(butTok int) {
	delta := 0.0
	for _, c := range sc.contrib {
		if c.tok < 0 {
			continue
		}
		if int(c.tok) < butTok {
			delta += c.value * (butBefore - 1)
		} else if int(c.tok) > butTok {
			delta += c.value * (butAfter - 1)
		}
	}
	if delta != 0 {
		t := &sc.toks[butTok]
		sc.contrib = append(sc.contrib, contribution{rule: "but", value: delta,
			start: t.start, end: t.end, tok: -1, note: "weight moves to the clause after it"})
	}
}

// sarcasm turns praise into blame when a sarcasm marker ("yeah right",
// "thanks a lot", "/s") appears next to negative evidence.
func (s *Scorer) sarcasm(text string, sc *scratch) {
	negative := false
	for _, c := range sc.contrib {
		if c.base && c.value < 0 {
			negative = true
			break
		}
	}
	if !negative {
		return
	}
	mStart, mEnd := -1, -1
	for i := range sc.toks {
		t := &sc.toks[i]
		if t.kind != kindWord || t.entry < 0 || s.lex.entries[t.entry].flags&flagSarcasm == 0 {
			continue
		}
		for _, m := range sarcasmMarkers {
			n := 0
			for n < len(m) && sc.wordIs(i+n, m[n]) {
				n++
			}
			if n == len(m) {
				mStart, mEnd = int(t.start), int(sc.toks[i+n-1].end)
				break
			}
		}
		if mStart >= 0 {
			break
		}
	}
	if mStart < 0 {
		if trimmed := strings.TrimRightFunc(text, unicode.IsSpace); strings.HasSuffix(trimmed, "/s") {
			mStart, mEnd = len(trimmed)-2, len(trimmed)
		}
	}
	if mStart < 0 {
		return
	}
	// Only complaints outside the marker count ("yeah right" alone is not
	// evidence that the praise around it is meant ironically).
	negative = false
	delta := 0.0
	for k := 0; k < len(sc.contrib); {
		c := sc.contrib[k]
		total, m := 0.0, k
		for m < len(sc.contrib) && sc.contrib[m].tok == c.tok {
			total += sc.contrib[m].value
			m++
		}
		if c.tok >= 0 {
			if total < 0 && (int(c.start) < mStart || int(c.start) >= mEnd) {
				negative = true
			}
			if total > 0 {
				delta += total * (sarcasmScalar - 1)
			}
		}
		k = m
	}
	if negative && delta != 0 {
		sc.contrib = append(sc.contrib, contribution{rule: "sarcasm", value: delta,
			start: int32(mStart), end: int32(mEnd), tok: -1, note: "praise next to complaints reads as sarcasm"})
	}
}

// scoreSymbols adds emoji and emoticons, which are scored in any language.
func (s *Scorer) scoreSymbols(sc *scratch) {
	for i := range sc.toks {
		t := &sc.toks[i]
		switch t.kind {
		case kindEmoji:
			sc.contrib = append(sc.contrib, contribution{rule: "emoji", value: t.valence,
				start: t.start, end: t.end, tok: int32(i), base: true})
		case kindEmoticon:
			sc.contrib = append(sc.contrib, contribution{rule: "emoticon", value: t.valence,
				start: t.start, end: t.end, tok: int32(i), base: true})
		}
	}
}

// totals returns the raw sum of the contributions and marks each one's
// side: a token's contributions, its word and the modifiers around it, are
// negative evidence together when their sum is negative and praise
// otherwise.
func (sc *scratch) totals() float64 {
	sum := 0.0
	for k := 0; k < len(sc.contrib); {
		m, group := k, 0.0
		for m < len(sc.contrib) && sc.contrib[m].tok == sc.contrib[k].tok {
			group += sc.contrib[m].value
			m++
		}
		for ; k < m; k++ {
			sc.contrib[k].praise = group > 0
		}
		sum += group
	}
	return sum
}

// netNegative returns the negative evidence less praiseOffset of the
// praise, in lexicon units. Negativity maps it to [0, 1].
func (sc *scratch) netNegative() float64 {
	net := 0.0
	for k := range sc.contrib {
		net += sc.contrib[k].share()
	}
	return net
}

// share returns the part of the net negative evidence that c carries.
func (c *contribution) share() float64 {
	if c.praise {
		return -praiseOffset * c.value
	}
	return -c.value
}

// emphasis adds repeated '!' and '?' and a message written all in
// capitals, in the direction of the sum. With no sentiment words, two or
// more marks still count as mild impatience.
func (s *Scorer) emphasis(text string, sc *scratch, sum float64) float64 {
	bang := float64(min(sc.nBang, maxBangs)) * bangEmphasis
	quest := 0.0
	switch {
	case sc.nQuest > 3:
		quest = maxQuestion
	case sc.nQuest > 1:
		quest = float64(sc.nQuest) * questionEmphasis
	}
	shout := 0.0
	if sc.nLetters >= 3 && sc.nCaps*10 >= sc.nLetters*7 {
		shout = shoutEmphasis
	}
	dir := 0.0
	switch {
	case sum > 0:
		dir = 1
	case sum < 0:
		dir = -1
	case sc.nBang >= 2 || sc.nQuest >= 2 || shout > 0:
		dir = -0.5
	}
	if dir == 0 {
		return sum
	}
	// The emphasis goes with the direction of the sum, so it is praise
	// when the message reads as praise.
	praise := dir > 0
	spans := func(mark byte) (int32, int32) {
		for _, sp := range sc.bangs {
			if strings.IndexByte(text[sp.Start:sp.End], mark) >= 0 {
				return int32(sp.Start), int32(sp.End)
			}
		}
		return 0, 0
	}
	if bang > 0 {
		a, b := spans('!')
		sc.contrib = append(sc.contrib, contribution{rule: "exclamation", value: dir * bang,
			start: a, end: b, tok: -1, praise: praise, note: strconv.Itoa(sc.nBang) + " exclamation marks"})
		sum += dir * bang
	}
	if quest > 0 {
		a, b := spans('?')
		sc.contrib = append(sc.contrib, contribution{rule: "question", value: dir * quest,
			start: a, end: b, tok: -1, praise: praise, note: strconv.Itoa(sc.nQuest) + " question marks"})
		sum += dir * quest
	}
	if shout > 0 {
		sc.contrib = append(sc.contrib, contribution{rule: "caps", value: dir * shout,
			start: 0, end: int32(len(text)), tok: -1, praise: praise, note: "message written in capitals"})
		sum += dir * shout
	}
	return sum
}

// reasons writes the contributions out as Reasons, with all texts in one
// string and all spans in one slice. A reason's weight is its share of
// the net negative evidence times scale, so that the weights add up to
// the message's signed negativity. The slice has room for extra more.
func (sc *scratch) reasons(text string, scale float64, extra int) []Reason {
	n := len(sc.contrib)
	if n == 0 && extra == 0 {
		return nil
	}
	if n > maxReasons {
		n = maxReasons
	}
	out := make([]Reason, n, n+extra)
	spans := make([]Span, n)
	buf := sc.text[:0]
	ends := sc.ends[:0]
	for k := 0; k < n; k++ {
		c := &sc.contrib[k]
		if k == maxReasons-1 && len(sc.contrib) > maxReasons {
			rest, weight := 0.0, 0.0
			for i := k; i < len(sc.contrib); i++ {
				rest += sc.contrib[i].value
				weight += sc.contrib[i].share() * scale
			}
			buf = strconv.AppendInt(buf, int64(len(sc.contrib)-k), 10)
			buf = append(buf, " more contributions (lexicon "...)
			buf = appendSigned(buf, rest)
			buf = append(buf, ')')
			out[k] = Reason{Rule: "more", Weight: weight}
			ends = append(ends, len(buf))
			break
		}
		if c.end > c.start {
			buf = append(buf, '"')
			q := text[c.start:c.end]
			if len(q) > maxQuote {
				q = strings.ToValidUTF8(q[:maxQuote], "") + "…"
			}
			buf = append(buf, q...)
			buf = append(buf, '"')
			if c.note != "" {
				buf = append(buf, ' ')
			}
		}
		buf = append(buf, c.note...)
		if c.rule != "language" {
			buf = append(buf, " (lexicon "...)
			buf = appendSigned(buf, c.value)
			buf = append(buf, ')')
		}
		ends = append(ends, len(buf))
		out[k] = Reason{Rule: c.rule, Weight: c.share() * scale}
		if c.end > c.start {
			spans[k] = Span{int(c.start), int(c.end)}
			out[k].Spans = spans[k : k+1 : k+1]
		}
	}
	all := string(buf)
	from := 0
	for k := range out {
		out[k].Text = all[from:ends[k]]
		from = ends[k]
	}
	sc.text, sc.ends = buf, ends
	return out
}

// appendSigned appends v with its sign and two decimals, rounding half
// away from zero.
func appendSigned(buf []byte, v float64) []byte {
	cents := math.Round(v * 100)
	if math.IsNaN(cents) || math.Abs(cents) >= 1e15 {
		return strconv.AppendFloat(buf, v, 'f', 2, 64)
	}
	if cents < 0 {
		buf = append(buf, '-')
		cents = -cents
	} else {
		buf = append(buf, '+')
	}
	n := int64(cents)
	buf = strconv.AppendInt(buf, n/100, 10)
	return append(buf, '.', byte('0'+n/10%10), byte('0'+n%10))
}

// questionDamp halves the praise inside questions: "any good editor?"
// asks for something good rather than saying that something is.
func (sc *scratch) questionDamp() {
	if len(sc.asks) == 0 {
		return
	}
	n := len(sc.contrib)
	for k := 0; k < n; {
		c := sc.contrib[k]
		if c.tok < 0 {
			k++
			continue
		}
		total := 0.0
		m := k
		for m < n && sc.contrib[m].tok == c.tok {
			total += sc.contrib[m].value
			m++
		}
		clause := sc.toks[c.tok].clause
		if total > 0 && slices.Contains(sc.asks, clause) {
			sc.contrib = append(sc.contrib, contribution{rule: "in-question", value: -total * questionDamp,
				start: c.start, end: c.end, tok: c.tok, note: "inside a question"})
		}
		k = m
	}
}

// inability scores "can't log in" and "unable to connect": a statement of
// inability followed by a word with no valence, which negation would
// leave unscored.
func (s *Scorer) inability(sc *scratch, i int) bool {
	j := i + 1
	if sc.wordIs(j, "to") || sc.wordIs(j, "even") || sc.wordIs(j, "be") {
		j++
	}
	if j >= len(sc.toks) || sc.toks[j].kind != kindWord || sc.toks[j].clause != sc.toks[i].clause {
		return false
	}
	if e := sc.toks[j].entry; e >= 0 && s.lex.entries[e].valence != 0 {
		return false // the negation of that word is scored instead
	}
	t := &sc.toks[i]
	sc.contrib = append(sc.contrib, contribution{rule: "support-phrase", value: inabilityValence,
		start: t.start, end: sc.toks[j].end, tok: int32(i), base: true})
	return true
}

// verbLike reports whether "like" at token i is the verb of liking ("I
// like it") rather than a preposition or filler ("looks like", "like 5
// minutes"): it needs a subject or an auxiliary right before it.
func verbLike(sc *scratch, i int) bool {
	for _, w := range [...]string{"i", "we", "you", "they", "he", "she", "really", "totally",
		"just", "do", "does", "did", "don't", "dont", "didn't", "didnt", "doesn't", "doesnt",
		"would", "i'd", "we'd", "you'd", "to", "will", "i'll", "gonna", "also", "still", "definitely"} {
		if sc.wordIs(i-1, w) {
			return true
		}
	}
	return false
}
