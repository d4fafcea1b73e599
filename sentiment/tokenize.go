package sentiment

import (
	"unicode"
	"unicode/utf8"
)

// Token kinds.
const (
	kindWord uint8 = iota
	kindEmoticon
	kindEmoji
)

// token is one scored unit of a message. Start and End are byte offsets in
// the original text; lo and hi locate the lower-case form in the scratch
// buffer.
type token struct {
	start, end int32
	lo, hi     int32
	clause     int32 // sentence number: negation and boosters stay inside one
	entry      int32 // index into lexicon.entries, -1 when unknown
	kind       uint8
	caps       bool // three or more letters, all upper case
	elongated  bool // a letter repeated three or more times ("sooo")
	valence    float64
}

// scratch holds the per-call buffers so that Message allocates little.
type scratch struct {
	lower    []byte
	toks     []token
	bangs    []Span  // runs of '!' and '?'
	asks     []int32 // clauses that end in a question mark
	nBang    int
	nQuest   int
	nCaps    int // words in capitals
	nLetters int // words with two or more letters
	nLatin   int
	nOther   int  // letters of scripts other than Latin
	first    rune // the first letter of another script
	enHits   int
	other    [8]int
	contrib  []contribution
	text     []byte // reason texts while they are written
	ends     []int  // end of each reason's text in text
}

// otherLangOrder fixes the order in which other languages are compared,
// so that detection is deterministic.
var otherLangOrder = [...]string{"es", "fr", "de", "pt", "it", "nl"}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// tokenize splits text into words, emoticons and emoji, keeping byte
// offsets, lower-casing words into sc.lower and looking each one up once.
func (lx *lexicon) tokenize(text string, sc *scratch) {
	i := 0
	clause := int32(0)
	for i < len(text) {
		// Skip white space.
		c := text[i]
		if isASCIISpace(c) {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				i += size
				continue
			}
		}
		// Find the chunk up to the next white space.
		end := i
		hasPunct := false
		for end < len(text) {
			b := text[end]
			if isASCIISpace(b) {
				break
			}
			if b >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(text[end:])
				if unicode.IsSpace(r) {
					break
				}
				end += size
				continue
			}
			if !isASCIIAlnum(b) {
				hasPunct = true
			}
			end++
		}
		chunk := text[i:end]
		if skipChunk(chunk) {
			i = end
			continue
		}
		if hasPunct && len(chunk) <= 10 {
			if v, ok := lx.emoticon(chunk); ok {
				sc.toks = append(sc.toks, token{start: int32(i), end: int32(end),
					clause: clause, entry: -1, kind: kindEmoticon, valence: v})
				i = end
				continue
			}
		}
		clause = lx.splitChunk(text, i, end, clause, sc)
		i = end
	}
}

// skipChunk reports whether a chunk is a link or a mention, whose words
// carry no sentiment.
func skipChunk(c string) bool {
	if c[0] == '@' && len(c) > 1 {
		return true
	}
	if len(c) > 4 && (c[:4] == "http" || c[:4] == "www.") {
		return true
	}
	return false
}

// emoticon looks a chunk up as an emoticon, as written and then with
// sentence punctuation trimmed from its end.
func (lx *lexicon) emoticon(chunk string) (float64, bool) {
	if v, ok := lx.emoticons[chunk]; ok {
		return v, true
	}
	for len(chunk) > 2 && (chunk[len(chunk)-1] == '.' || chunk[len(chunk)-1] == ',') {
		chunk = chunk[:len(chunk)-1]
		if v, ok := lx.emoticons[chunk]; ok {
			return v, true
		}
	}
	return 0, false
}

// splitChunk tokenizes one white-space delimited chunk and returns the
// clause number after it.
func (lx *lexicon) splitChunk(text string, i, end int, clause int32, sc *scratch) int32 {
	for i < end {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case isASCIIAlnum(c):
				i = lx.word(text, i, end, clause, sc)
				continue
			case c == '!' || c == '?':
				j := i
				for j < end && (text[j] == '!' || text[j] == '?') {
					if text[j] == '!' {
						sc.nBang++
					} else {
						sc.nQuest++
					}
					j++
				}
				sc.bangs = append(sc.bangs, Span{i, j})
				if text[j-1] == '?' {
					sc.asks = append(sc.asks, clause)
				}
				clause++
				i = j
				continue
			case c == '.' || c == ';' || c == ':':
				clause++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			i = lx.word(text, i, end, clause, sc)
			continue
		}
		if v, ok := lx.emoji[r]; ok {
			sc.toks = append(sc.toks, token{start: int32(i), end: int32(i + size),
				clause: clause, entry: -1, kind: kindEmoji, valence: v})
		}
		i += size
	}
	return clause
}

// word reads one word starting at i: letters and digits with inner
// apostrophes. It appends the token and returns the offset after it.
func (lx *lexicon) word(text string, i, end int, clause int32, sc *scratch) int {
	start := i
	lo := len(sc.lower)
	upper, lower, letters, otherScript := 0, 0, 0, 0
	run, prev := 0, rune(-1)
	elongated := false
	for i < end {
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z':
				lower++
				letters++
			case c >= 'A' && c <= 'Z':
				upper++
				letters++
				c += 'a' - 'A'
			case c >= '0' && c <= '9':
			case (c == '\'' || c == '-') && i+1 < end && isASCIIAlnum(text[i+1]) && i > start:
			default:
				goto done
			}
			r = rune(c)
			sc.lower = append(sc.lower, c)
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			switch {
			case r == '\u2019' && i > start && i+size < end && isASCIIAlnum(text[i+size]):
				r = '\''
				sc.lower = append(sc.lower, '\'')
			case unicode.IsLetter(r):
				letters++
				if unicode.IsUpper(r) {
					upper++
				} else {
					lower++
				}
				if r > unicode.MaxLatin1 && !unicode.Is(unicode.Latin, r) {
					otherScript++
					if sc.first == 0 {
						sc.first = r
					}
				}
				r = unicode.ToLower(r)
				sc.lower = utf8.AppendRune(sc.lower, r)
			case unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
				sc.lower = append(sc.lower, text[i:i+size]...)
			default:
				goto done
			}
		}
		if r == prev {
			run++
			if run >= 2 && letters > 0 {
				elongated = true
			}
		} else {
			run, prev = 0, r
		}
		i += size
	}
done:
	if i == start { // a lone apostrophe or similar: skip one byte
		return i + 1
	}
	t := token{start: int32(start), end: int32(i), lo: int32(lo), hi: int32(len(sc.lower)),
		clause: clause, entry: -1, kind: kindWord, elongated: elongated}
	if letters >= 2 {
		sc.nLetters++
		if upper >= 3 && lower == 0 {
			t.caps = true
			sc.nCaps++
		}
	}
	sc.nLatin += letters - otherScript
	sc.nOther += otherScript
	w := sc.lower[lo:]
	if idx := lx.lookup(w); idx >= 0 {
		t.entry = idx
	} else if elongated {
		t.entry = lx.lookupElongated(w, sc)
	}
	if t.entry >= 0 {
		e := &lx.entries[t.entry]
		if e.flags&flagEnglish != 0 {
			sc.enHits++
		}
		if set := e.languages; set != 0 && letters > 0 {
			for k := range otherLangOrder {
				if set&(1<<k) != 0 {
					sc.other[k]++
				}
			}
		}
	}
	sc.toks = append(sc.toks, t)
	return i
}

// lookupElongated finds "sooo" as "so" and "cooool" as "cool": it squeezes
// runs of a repeated byte to two and then to one.
func (lx *lexicon) lookupElongated(w []byte, sc *scratch) int32 {
	for _, keep := range [...]int{2, 1} {
		buf := sc.lower[len(sc.lower):] // spare capacity, not part of any token
		n := 0
		for k := 0; k < len(w); k++ {
			if n >= keep && allSame(buf[n-keep:n], w[k]) {
				continue
			}
			buf = append(buf, w[k])
			n++
		}
		if idx := lx.lookup(buf); idx >= 0 {
			return idx
		}
	}
	return -1
}

func allSame(b []byte, c byte) bool {
	for _, x := range b {
		if x != c {
			return false
		}
	}
	return true
}
