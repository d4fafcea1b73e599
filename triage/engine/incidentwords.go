package engine

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// incidentStopWords are left out of the words that escalations are
// compared by: function words, chat greetings, and the wording of
// frustration itself. Frustration is what escalated every ticket, so
// words like "ridiculous" or "manager" say nothing about the cause.
var incidentStopWords = stopWordSet(`
a about above after again against all also am an and any are aren't as at
be because been before being below between both but by can can't cannot
could couldn't did didn't do does doesn't doing don't during each
few for from further had hadn't has hasn't have haven't having he her here
hers herself him himself his how i i'm i've if in into is isn't it it's its
itself just let's me more most my myself no nor not now of off on once only
or other our ours ourselves out over own same she should shouldn't so some
such than that that's the their theirs them themselves then there these
they this those through to too under until up very was wasn't we were
weren't what when where which while who whom why will with won't would
wouldn't you your yours yourself yourselves
still already again even really yet ever never always any anyone anything
hello hey thanks thank please pls plz okay yes yeah get got getting going let
one two want need needs needed know tell told help someone something
today now minutes hour hours day days time times week
ridiculous unacceptable terrible awful horrible worst useless joke angry
furious frustrated frustrating annoyed annoying disappointed sick tired
seriously honestly literally absolutely completely totally
manager supervisor human person agent speak talk real
work works working worked fix fixed fixing problem problems issue issues
wrong bad broken happen happened happening keep keeps trying tried try
`)

func stopWordSet(list string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(list) {
		set[strings.ReplaceAll(w, "'", "")] = true
	}
	return set
}

// minWordRunes is the length below which a token is not a content word.
const minWordRunes = 3

// contentWords returns the sorted, distinct content words of texts:
// lower-cased letter and digit runs, apostrophes dropped, without stop
// words and tokens shorter than minWordRunes.
//
// NOTE: words are not stemmed, so "login" and "logins" count as two words.
func contentWords(texts ...string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, text := range texts {
		fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
		})
		for _, f := range fields {
			w := strings.NewReplacer("'", "", "’", "").Replace(f)
			if utf8.RuneCountInString(w) < minWordRunes || incidentStopWords[w] || seen[w] {
				continue
			}
			seen[w] = true
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// sharedWords counts the words two sorted word lists have in common.
func sharedWords(a, b []string) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted word lists, 0 when both are
// empty.
func jaccard(a, b []string) float64 {
	shared := sharedWords(a, b)
	union := len(a) + len(b) - shared
	if union == 0 {
		return 0
	}
	return float64(shared) / float64(union)
}

// similarWords reports whether two escalations' words are close enough
// to group them: at least incidentMinSharedWords shared words and a
// Jaccard similarity of at least incidentMinJaccard.
func similarWords(a, b []string) bool {
	return sharedWords(a, b) >= incidentMinSharedWords && jaccard(a, b) >= incidentMinJaccard
}

// commonWords returns up to incidentMaxWords words of base that most of
// the word lists contain, most shared first and then alphabetically. A
// word counts when at least half of the lists, and at least two, contain
// it; when no word reaches half, the words in at least two lists are
// taken.
func commonWords(base []string, lists [][]string) []string {
	type counted struct {
		word  string
		count int
	}
	var words []counted
	for _, w := range base {
		n := 0
		for _, list := range lists {
			if _, found := slices.BinarySearch(list, w); found {
				n++
			}
		}
		if n >= 2 {
			words = append(words, counted{w, n})
		}
	}
	slices.SortStableFunc(words, func(a, b counted) int { return b.count - a.count })
	half := (len(lists) + 1) / 2
	var out []string
	for _, c := range words {
		if c.count >= half && len(out) < incidentMaxWords {
			out = append(out, c.word)
		}
	}
	if len(out) == 0 {
		for _, c := range words[:min(len(words), incidentMaxWords)] {
			out = append(out, c.word)
		}
	}
	return out
}
