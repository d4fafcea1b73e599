package sentiment

import "unicode"

// scriptLanguages names the language of a script that one language
// dominates. Other scripts are reported as "und".
var scriptLanguages = []struct {
	table *unicode.RangeTable
	lang  string
}{
	{unicode.Hangul, "ko"},
	{unicode.Hiragana, "ja"},
	{unicode.Katakana, "ja"},
	{unicode.Han, "zh"},
	{unicode.Greek, "el"},
	{unicode.Hebrew, "he"},
	{unicode.Thai, "th"},
	{unicode.Devanagari, "hi"},
	{unicode.Arabic, "ar"},
	{unicode.Cyrillic, "und"},
}

// detectLanguage guesses a message's language from what the tokenizer
// counted: letters by script, English words, and function words of
// other languages. Only English has a lexicon, so only English (and
// messages with no letters at all) are readable. A message with a few
// unknown Latin words is taken as English, because chat is full of
// typos and names. A message whose words are mostly another language's
// function words is not.
func detectLanguage(sc *scratch) (string, bool) {
	if sc.nOther > sc.nLatin {
		for _, s := range scriptLanguages {
			if unicode.Is(s.table, sc.first) {
				return s.lang, false
			}
		}
		return "und", false
	}
	words := 0
	for i := range sc.toks {
		if sc.toks[i].kind == kindWord {
			words++
		}
	}
	if words == 0 {
		return "und", true
	}
	best, bestHits := "", 0
	for k, lang := range otherLangOrder {
		if sc.other[k] > bestHits {
			best, bestHits = lang, sc.other[k]
		}
	}
	if bestHits >= 2 && bestHits > sc.enHits {
		return best, false
	}
	if sc.enHits == 0 && words >= 4 {
		return "und", false
	}
	return "en", true
}
