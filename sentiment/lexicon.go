package sentiment

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jonreiter/govader/data"
)

// Word flags. One map lookup per token returns all of them together with
// the word's valence, so that scoring costs about as much as a keyword
// lookup.
const (
	flagLexicon   uint16 = 1 << iota // has a valence in the general lexicon
	flagNegator                      // negates the sentiment words after it
	flagBooster                      // intensifier or dampener
	flagEnglish                      // known English word (language detection)
	flagProfanity                    // swear word
	flagBut                          // contrastive conjunction: weight moves to the next clause
	flagSupport                      // support-domain word with its own valence
	flagKeyword                      // operator keyword
	flagSarcasm                      // first word of a sarcasm marker
	flagInability                    // "can't", "unable": starts a statement of inability
)

// entry is the lexicon data for one lower-case word.
type entry struct {
	valence float64
	boost   float64 // booster scalar, positive for intensifiers
	flags   uint16
	// phrases lists the multi-word phrases that start with this word,
	// longest first.
	phrases []int32
	// negPhrases lists the phrases "NEG <this word> ...", which start with
	// any negator.
	negPhrases []int32
	// languages is the set of other languages whose frequent words
	// include this one, bit k standing for otherLangOrder[k]. Only words
	// that the English tables lack have it.
	languages uint8
}

// phrase is a multi-word expression scored as one unit. A word "NEG"
// matches any negator.
type phrase struct {
	words   []string
	valence float64
	rule    string
	// entries are the words' entry indexes, -1 for a word with no entry,
	// so that matching compares indexes rather than strings.
	entries []int32
}

// lexicon holds the word table, the phrases and the emoji and emoticon
// valences. It is built once and never changed, so Scorers share it.
type lexicon struct {
	index     map[string]int32
	entries   []entry
	phrases   []phrase
	emoticons map[string]float64
	emoji     map[rune]float64
	// slots and words are the word table that lookup reads; index is
	// the map it is built from.
	slots []wordSlot
	words []string
}

var (
	baseOnce sync.Once
	baseLex  *lexicon
)

// base returns the built-in lexicon, loading it on first use.
func base() *lexicon {
	baseOnce.Do(func() { baseLex = buildLexicon() })
	return baseLex
}

func buildLexicon() *lexicon {
	lx := &lexicon{
		index:     make(map[string]int32, 9000),
		emoticons: make(map[string]float64, 300),
		emoji:     make(map[rune]float64, 1500),
	}
	lx.loadVADER()
	for _, w := range englishWords {
		lx.get(w).flags |= flagEnglish
	}
	for _, w := range negators {
		lx.get(w).flags |= flagNegator | flagEnglish
	}
	for w, b := range boosters {
		if strings.Contains(w, " ") {
			continue
		}
		e := lx.get(w)
		e.boost = b
		e.flags |= flagBooster | flagEnglish
	}
	for _, w := range []string{"but", "however"} {
		lx.get(w).flags |= flagBut | flagEnglish
	}
	for _, w := range profanity {
		e := lx.get(w)
		e.flags |= flagProfanity | flagEnglish
		if e.valence == 0 {
			e.valence = -2.5
			e.flags |= flagLexicon
		}
	}
	for w, v := range supportWords {
		e := lx.get(w)
		e.valence = v
		e.flags |= flagSupport | flagEnglish
		e.flags &^= flagLexicon
	}
	for r, v := range emojiValences {
		lx.emoji[r] = v
	}
	for _, w := range inabilityWords {
		lx.get(w).flags |= flagInability | flagEnglish
	}
	for _, m := range sarcasmMarkers {
		lx.get(m[0]).flags |= flagSarcasm
	}
	for _, p := range supportPhrases() {
		lx.addPhrase(p)
	}
	for _, p := range idioms {
		lx.addPhrase(p)
	}
	for k, lang := range otherLangOrder {
		for _, w := range strings.Fields(otherLanguages[lang]) {
			if i, ok := lx.index[w]; ok && lx.entries[i].languages == 0 {
				continue // a word of the English tables
			}
			lx.get(w).languages |= 1 << k
		}
	}
	lx.sortPhrases()
	lx.buildTable()
	return lx
}

// wordSlot is one slot of the lexicon's open-addressing word table: a
// word's hash and its entry index plus one, 0 marking an empty slot.
type wordSlot struct {
	hash  uint32
	entry int32
}

// buildTable fills the word table from index and the phrases' entry
// indexes. Tokens are looked up in this table rather than in index
// because it costs less per token (see BenchmarkMessage). It must run
// again after any change to index.
func (lx *lexicon) buildTable() {
	size := 1
	for size < 2*len(lx.index) {
		size <<= 1
	}
	lx.slots = make([]wordSlot, size)
	lx.words = make([]string, len(lx.entries))
	for w, i := range lx.index {
		lx.words[i] = w
		h := fnv32a([]byte(w))
		k := h & uint32(size-1)
		for lx.slots[k].entry != 0 {
			k = (k + 1) & uint32(size-1)
		}
		lx.slots[k] = wordSlot{hash: h, entry: i + 1}
	}
	for i := range lx.phrases {
		p := &lx.phrases[i]
		entries := make([]int32, len(p.words)) // new, since clones share the old
		for k, w := range p.words {
			entries[k] = -1
			if e, ok := lx.index[w]; ok {
				entries[k] = e
			}
		}
		p.entries = entries
	}
}

// lookup returns the entry index of the lower-case word w, or -1.
func (lx *lexicon) lookup(w []byte) int32 {
	h := fnv32a(w)
	mask := uint32(len(lx.slots) - 1)
	for k := h & mask; ; k = (k + 1) & mask {
		slot := lx.slots[k]
		if slot.entry == 0 {
			return -1
		}
		if slot.hash == h && lx.words[slot.entry-1] == string(w) {
			return slot.entry - 1
		}
	}
}

// get returns the entry for w, adding an empty one when w is new.
func (lx *lexicon) get(w string) *entry {
	i, ok := lx.index[w]
	if !ok {
		i = int32(len(lx.entries))
		lx.entries = append(lx.entries, entry{})
		lx.index[w] = i
	}
	return &lx.entries[i]
}

func (lx *lexicon) addPhrase(p phrase) {
	first := p.words[0]
	idx := int32(len(lx.phrases))
	lx.phrases = append(lx.phrases, p)
	if first == "NEG" {
		e := lx.get(p.words[1])
		e.negPhrases = append(e.negPhrases, idx)
		return
	}
	e := lx.get(first)
	e.phrases = append(e.phrases, idx)
	e.flags |= flagEnglish
}

// sortPhrases orders each word's phrases longest first, so that the first
// match is the longest one.
func (lx *lexicon) sortPhrases() {
	for i := range lx.entries {
		for _, ps := range [][]int32{lx.entries[i].phrases, lx.entries[i].negPhrases} {
			for a := 1; a < len(ps); a++ {
				for b := a; b > 0 && len(lx.phrases[ps[b]].words) > len(lx.phrases[ps[b-1]].words); b-- {
					ps[b], ps[b-1] = ps[b-1], ps[b]
				}
			}
		}
	}
}

// loadVADER reads the VADER word and emoji lexicons shipped with govader.
// A word lexicon line is "token<TAB>mean<TAB>sd<TAB>ratings"; an emoji
// line is "emoji<TAB>description", and the emoji's valence is the sum of
// the valences of its description's words.
func (lx *lexicon) loadVADER() {
	raw, err := data.Asset("rawdata/vaderLexicon.txt")
	if err != nil {
		panic("sentiment: VADER lexicon asset missing: " + err.Error())
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		word, rest, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		mean, _, _ := strings.Cut(rest, "\t")
		v, err := strconv.ParseFloat(mean, 64)
		if err != nil || word == "" {
			continue
		}
		if isWordToken(word) {
			e := lx.get(word)
			e.valence = v
			e.flags |= flagLexicon | flagEnglish
		} else {
			lx.emoticons[word] = v
		}
	}
	raw, err = data.Asset("rawdata/emojiUTF8Lexicon.txt")
	if err != nil {
		panic("sentiment: VADER emoji asset missing: " + err.Error())
	}
	sc = bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		emoji, desc, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		r, size := utf8.DecodeRuneInString(emoji)
		if r == utf8.RuneError || (size != len(emoji) && emoji[size:] != "\uFE0F") {
			continue // sequences are scored by their first rune
		}
		v := 0.0
		for _, w := range strings.Fields(strings.ToLower(desc)) {
			if i, ok := lx.index[w]; ok {
				v += lx.entries[i].valence
			}
		}
		if v != 0 {
			lx.emoji[r] = clamp(v, -4, 4)
		}
	}
}

// isWordToken reports whether w would come out of the tokenizer as one
// word: letters and digits with inner apostrophes or hyphens.
func isWordToken(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if isASCIIAlnum(c) || c >= utf8.RuneSelf {
			continue
		}
		if (c == '\'' || c == '-') && i > 0 && i < len(w)-1 {
			continue
		}
		return false
	}
	return w != ""
}

// clone returns a copy that can take operator keywords without changing
// the shared built-in lexicon.
func (lx *lexicon) clone() *lexicon {
	c := *lx
	c.index = make(map[string]int32, len(lx.index)+16)
	for k, v := range lx.index {
		c.index[k] = v
	}
	c.entries = make([]entry, len(lx.entries))
	for i, e := range lx.entries {
		e.phrases = append([]int32(nil), e.phrases...)
		e.negPhrases = append([]int32(nil), e.negPhrases...)
		c.entries[i] = e
	}
	c.phrases = append([]phrase(nil), lx.phrases...)
	return &c
}

// addKeywords adds operator keywords. A one-word keyword replaces the
// word's valence; a longer one becomes a phrase.
func (lx *lexicon) addKeywords(kws []Keyword) {
	for _, kw := range kws {
		words := strings.Fields(strings.ToLower(kw.Phrase))
		if len(words) == 0 {
			continue
		}
		for i, w := range words {
			words[i] = strings.ReplaceAll(w, "\u2019", "'")
		}
		v := clamp(kw.Weight, -4, 4)
		if len(words) == 1 {
			e := lx.get(words[0])
			e.valence = v
			e.flags |= flagKeyword | flagEnglish
			e.flags &^= flagLexicon | flagSupport
			continue
		}
		lx.addPhrase(phrase{words: words, valence: v, rule: "keyword"})
	}
	lx.sortPhrases()
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	if v != v { // NaN
		return 0
	}
	return v
}
