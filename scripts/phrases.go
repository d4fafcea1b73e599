package scripts

import (
	"fmt"
	"strings"
	"unicode"
)

// A phrase is matched against a message word by word, case-insensitively,
// so "manager" never matches inside "managerial". In a phrase's source:
//
//   - words are separated by spaces;
//   - "a|the|your" matches any one of the alternatives at that place;
//   - a trailing '*' matches the start of a word ("refund*" matches
//     "refunds" and "refunded").
//
// For says(), a phrase right after a negation ("I don't need a manager",
// "no need for a supervisor", "not asking for a human") does not count,
// while mentions() and triggers match it all the same. The negation
// must come within the same clause, separated from the phrase only by
// words of intent and fillers (need, want, asking, for, to, a, the, ...).
// So "why won't you let me speak to a manager" still matches.
// NOTE: the negation check is a word-list heuristic for English; sarcasm
// or distant negation ("I never said I didn't want a manager") can fool it.
type phrase struct {
	source string
	words  []phraseWord
}

// phraseWord is one position of a phrase: any of its alternatives matches.
type phraseWord []wordAlternative

type wordAlternative struct {
	text   string
	prefix bool
}

func (w phraseWord) matches(word string) bool {
	for _, alt := range w {
		if alt.prefix && strings.HasPrefix(word, alt.text) || word == alt.text {
			return true
		}
	}
	return false
}

// compilePhrase reads a phrase's source into its words.
func compilePhrase(source string) (phrase, error) {
	p := phrase{source: source}
	for _, field := range strings.Fields(normalizeApostrophes(strings.ToLower(source))) {
		var word phraseWord
		for _, alt := range strings.Split(field, "|") {
			prefix := strings.HasSuffix(alt, "*")
			alt = strings.TrimSuffix(alt, "*")
			if alt == "" {
				return phrase{}, fmt.Errorf("empty alternative in %q: write words between the '|' separators", field)
			}
			for _, r := range alt {
				if r == '-' {
					return phrase{}, fmt.Errorf("hyphen in %q: messages split hyphenated words, so write the words with a space between them", field)
				}
				if !isWordRune(r) {
					return phrase{}, fmt.Errorf("invalid character %q in %q: phrases match whole words, so use letters, digits and apostrophes, '|' between alternatives and a trailing '*' for word beginnings", r, field)
				}
			}
			word = append(word, wordAlternative{text: alt, prefix: prefix})
		}
		p.words = append(p.words, word)
	}
	if len(p.words) == 0 {
		return phrase{}, fmt.Errorf("empty phrase: give one or more words")
	}
	return p, nil
}

// textWord is one word of a message, lower-cased, with whether a clause
// break (punctuation or a line break) comes before it.
type textWord struct {
	text        string
	clauseStart bool
}

// splitWords breaks text into lower-case words of letters, digits and
// inner apostrophes. Each word is a slice of the lowered text.
func splitWords(text string) []textWord {
	// About one word in six bytes of English chat.
	words := make([]textWord, 0, len(text)/6+1)
	lower := normalizeApostrophes(strings.ToLower(text))
	clause := true
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.Trim(lower[start:end], "'")
		start = -1
		if w != "" {
			words = append(words, textWord{text: w, clauseStart: clause})
			clause = false
		}
	}
	for i, r := range lower {
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case unicode.IsSpace(r) && r != '\n' && r != '\r':
			flush(i)
		default:
			flush(i)
			clause = true
		}
	}
	flush(len(lower))
	return words
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
}

var apostrophes = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u02bc", "'", "`", "'")

// normalizeApostrophes writes every apostrophe as "'". Most messages have
// none of the other forms, and those are returned without a copy.
func normalizeApostrophes(s string) string {
	if !strings.ContainsAny(s, "\u2019\u2018\u02bc`") {
		return s
	}
	return apostrophes.Replace(s)
}

// negationWords open a negation that covers a phrase after them.
var negationWords = map[string]bool{
	"not": true, "no": true, "never": true, "don't": true, "dont": true,
	"doesn't": true, "doesnt": true, "didn't": true, "didnt": true,
	"won't": true, "wont": true, "without": true,
}

// negationBridges may stand between a negation and the phrase it covers.
var negationBridges = map[string]bool{
	"need": true, "needs": true, "want": true, "wants": true, "wanna": true,
	"ask": true, "asked": true, "asking": true, "looking": true, "require": true,
	"have": true, "to": true, "for": true, "a": true, "an": true, "the": true,
	"any": true, "your": true, "my": true, "with": true, "really": true,
}

// findPhrase returns the words of the first phrase of list that words
// contain. With skipNegated, a phrase that a negation covers does not
// count.
func findPhrase(words []textWord, list []phrase, skipNegated bool) (string, bool) {
	for i := range list {
		if matched, ok := matchPhrase(words, &list[i], skipNegated); ok {
			return matched, true
		}
	}
	return "", false
}

// matchPhrase returns the words where p first occurs in words.
func matchPhrase(words []textWord, p *phrase, skipNegated bool) (string, bool) {
	for start := 0; start+len(p.words) <= len(words); start++ {
		if matchesAt(words, start, p) && !(skipNegated && negated(words, start)) {
			matched := make([]string, len(p.words))
			for i := range matched {
				matched[i] = words[start+i].text
			}
			return strings.Join(matched, " "), true
		}
	}
	return "", false
}

func matchesAt(words []textWord, start int, p *phrase) bool {
	for i, w := range p.words {
		if !w.matches(words[start+i].text) {
			return false
		}
	}
	return true
}

// negated reports whether a negation word covers the phrase starting at
// words[start]: up to three bridge words may separate them, and no clause
// break may.
func negated(words []textWord, start int) bool {
	for i, bridges := start-1, 0; i >= 0 && bridges <= 3; i-- {
		if words[i+1].clauseStart {
			return false
		}
		if negationWords[words[i].text] {
			return true
		}
		if !negationBridges[words[i].text] {
			return false
		}
		bridges++
	}
	return false
}
