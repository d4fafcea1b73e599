package sentiment

import (
	"math"
	"strings"
	"testing"
)

var scorer = New(Options{})

func hasRule(m Message, rule string) bool {
	for _, r := range m.Reasons {
		if r.Rule == rule {
			return true
		}
	}
	return false
}

func TestMessageCases(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		min, max float64 // bounds on Valence
		rule     string  // a rule that must fire, if any
	}{
		{"negative word", "this app is useless", -1, -0.2, "negative-word"},
		{"positive word", "great, thank you", 0.3, 1, "positive-word"},
		{"negation flips positive", "this is not good", -1, -0.1, "negation"},
		{"negated negative is mild praise", "not bad at all", 0.05, 0.6, ""},
		{"not working", "the login is not working", -1, -0.2, "support-phrase"},
		{"still not working", "it's still not working", -1, -0.3, "support-phrase"},
		{"intensifier", "this is extremely bad", -1, -0.5, "intensifier"},
		{"dampener", "this is slightly bad", -0.5, -0.05, "dampener"},
		{"caps word", "this is TERRIBLE service", -1, -0.4, "caps"},
		{"exclamation", "this is terrible!!!", -1, -0.5, "exclamation"},
		{"emoji", "thanks 😀", 0.3, 1, "emoji"},
		{"emoticon", "my order is late :(", -1, -0.2, "emoticon"},
		{"elongated", "sooooo slow", -1, -0.05, ""},
		{"profanity", "wtf is this", -1, -0.2, "profanity"},
		{"manager", "I want to speak to a manager", -1, -0.4, "support-phrase"},
		{"but shifts weight", "the app is nice but support is awful", -1, -0.1, "but"},
		{"sarcasm", "oh great, another outage", -1, -0.1, "sarcasm"},
		{"neutral", "my order number is 1234", -0.1, 0.1, ""},
		{"empty", "", 0, 0, ""},
		{"inability", "I can't log in to my account", -1, -0.1, "support-phrase"},
		{"praise inside a question", "is there a good editor?", 0, 0.45, "in-question"},
		{"eye roll emoji", "sure 🙄", -1, -0.05, "emoji"},
		{"non-English words", "el pedido no llega y nadie responde", 0, 0, "language"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := scorer.Message(c.text)
			if m.Valence < c.min || m.Valence > c.max {
				t.Errorf("Valence = %.3f, want in [%.2f, %.2f]; reasons %v", m.Valence, c.min, c.max, m.Reasons)
			}
			if c.rule != "" && !hasRule(m, c.rule) {
				t.Errorf("no %q reason in %v", c.rule, m.Reasons)
			}
		})
	}
}

func TestMessageNegationOrder(t *testing.T) {
	good := scorer.Message("the service was good").Valence
	notGood := scorer.Message("the service was not good").Valence
	bad := scorer.Message("the service was bad").Valence
	notBad := scorer.Message("the service was not bad").Valence
	if !(notGood < 0 && good > 0) {
		t.Errorf("good %.3f, not good %.3f: negation did not flip", good, notGood)
	}
	if !(notBad > 0 && notBad < good) {
		t.Errorf("not bad %.3f, want mildly positive, below good %.3f", notBad, good)
	}
	if bad >= notGood {
		t.Errorf("bad %.3f should be below not good %.3f", bad, notGood)
	}
}

func TestMessageEmphasisRaisesNegativity(t *testing.T) {
	plain := scorer.Message("this is broken").Negativity
	for _, text := range []string{"this is broken!!!", "this is BROKEN today", "this is really broken", "THIS IS BROKEN"} {
		if got := scorer.Message(text).Negativity; got <= plain {
			t.Errorf("%q negativity %.3f, want above %.3f", text, got, plain)
		}
	}
}

func TestMessageReasonsSumToNegativity(t *testing.T) {
	for _, text := range []string{
		"I love it but the delivery was TERRIBLE!!!",
		"not bad, not bad at all :)",
		"oh great, still not working. thanks a lot",
		"no one has replied in 3 days, this is a joke",
		"great, thank you so much!!",
	} {
		m := scorer.Message(text)
		sum := 0.0
		for _, r := range m.Reasons {
			sum += r.Weight
		}
		if want := math.Max(sum, 0); math.Abs(want-m.Negativity) > 1e-9 {
			t.Errorf("%q: Negativity %.4f, reasons add up to %.4f", text, m.Negativity, sum)
		}
		if m.Valence < 0 && sum <= 0 {
			t.Errorf("%q: Valence %.4f but reasons add up to %.4f, want above 0", text, m.Valence, sum)
		}
	}
}

func TestMessageReasonWeightSigns(t *testing.T) {
	cases := []struct {
		text, rule string
		positive   bool // the reason must raise frustration
	}{
		{"this app is useless", "negative-word", true},
		{"the login is still not working", "support-phrase", true},
		{"wtf is this", "profanity", true},
		{"great, thank you", "positive-word", false},
		{"yes, the app is useless", "positive-word", false},
		{"this is TERRIBLE service", "caps", true},
	}
	for _, c := range cases {
		m := scorer.Message(c.text)
		found := false
		for _, r := range m.Reasons {
			if r.Rule != c.rule {
				continue
			}
			found = true
			if (r.Weight > 0) != c.positive {
				t.Errorf("%q: %s reason %q has weight %+.3f, want positive %v", c.text, r.Rule, r.Text, r.Weight, c.positive)
			}
			if !strings.Contains(r.Text, "(lexicon ") {
				t.Errorf("%q: reason text %q lacks the lexicon value", c.text, r.Text)
			}
		}
		if !found {
			t.Errorf("%q: no %s reason in %v", c.text, c.rule, m.Reasons)
		}
	}
}

func TestMessageSpansPointAtText(t *testing.T) {
	text := "Honestly the app is USELESS and still not working!!"
	m := scorer.Message(text)
	if len(m.Reasons) == 0 {
		t.Fatal("no reasons")
	}
	found := map[string]bool{}
	for _, r := range m.Reasons {
		for _, sp := range r.Spans {
			if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
				t.Fatalf("reason %q has span %v outside the text", r.Text, sp)
			}
			found[text[sp.Start:sp.End]] = true
		}
	}
	for _, want := range []string{"USELESS", "still not working", "!!"} {
		if !found[want] {
			t.Errorf("no span for %q in %v", want, m.Reasons)
		}
	}
}

func TestMessageLanguage(t *testing.T) {
	cases := []struct {
		text     string
		lang     string
		readable bool
	}{
		{"my package never arrived", "en", true},
		{"no funciona la aplicación, necesito ayuda", "es", false},
		{"ça ne marche toujours pas, merci", "fr", false},
		{"das funktioniert immer noch nicht", "de", false},
		{"これは動かない", "ja", false},
		{"Это не работает", "und", false},
		{"😡😡😡", "und", true},
		{"", "und", true},
	}
	for _, c := range cases {
		m := scorer.Message(c.text)
		if m.Language != c.lang || m.Readable != c.readable {
			t.Errorf("%q: language %q readable %v, want %q %v", c.text, m.Language, m.Readable, c.lang, c.readable)
		}
	}
}

func TestMessageUnreadableStillScoresSymbols(t *testing.T) {
	m := scorer.Message("no funciona la aplicación 😡!!!")
	if m.Readable {
		t.Fatalf("Spanish text read as %q", m.Language)
	}
	if m.Valence >= 0 {
		t.Errorf("Valence %.3f, want negative from the emoji", m.Valence)
	}
	if !hasRule(m, "language") {
		t.Errorf("no language reason in %v", m.Reasons)
	}
}

func TestMessageKeywords(t *testing.T) {
	s := New(Options{Keywords: []Keyword{
		{Phrase: "data breach", Weight: -3.5},
		{Phrase: "Acme", Weight: -1},
	}})
	m := s.Message("I think there was a data breach at acme")
	if !hasRule(m, "keyword") {
		t.Fatalf("no keyword reason in %v", m.Reasons)
	}
	if m.Valence >= -0.3 {
		t.Errorf("Valence %.3f, want strongly negative", m.Valence)
	}
	if plain := scorer.Message("I think there was a data breach at acme"); hasRule(plain, "keyword") {
		t.Error("keywords leaked into the default scorer")
	}
}

func TestMessageRobustInputs(t *testing.T) {
	long := strings.Repeat("this is still not working and I am furious!!! ", 1100)[:50000]
	inputs := []string{
		long,
		"\xff\xfe\xfd invalid \xc3\x28 utf8 \xe2\x82",
		strings.Repeat("!", 1000),
		strings.Repeat("😡", 5000),
		"'", "’", "a'", "@user http://x.y",
	}
	for _, text := range inputs {
		m := scorer.Message(text)
		checkMessage(t, text, m)
	}
}

func checkMessage(t *testing.T, text string, m Message) {
	t.Helper()
	if !(m.Valence >= -1 && m.Valence <= 1) {
		t.Errorf("Valence %v out of range for %.40q", m.Valence, text)
	}
	if !(m.Negativity >= 0 && m.Negativity <= 1) {
		t.Errorf("Negativity %v out of range for %.40q", m.Negativity, text)
	}
	if len(m.Reasons) > maxReasons {
		t.Errorf("%d reasons, want at most %d", len(m.Reasons), maxReasons)
	}
	for _, r := range m.Reasons {
		for _, sp := range r.Spans {
			if sp.Start < 0 || sp.End > len(text) || sp.Start > sp.End {
				t.Errorf("span %v outside text of %d bytes", sp, len(text))
			}
		}
	}
}

func TestScorerConcurrentUse(t *testing.T) {
	want := make([]Message, len(supportMessages))
	for i, text := range supportMessages {
		want[i] = scorer.Message(text)
	}
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i, text := range supportMessages {
				if got := scorer.Message(text); got.Valence != want[i].Valence || len(got.Reasons) != len(want[i].Reasons) {
					errs <- text
					return
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 8; g++ {
		if text := <-errs; text != "" {
			t.Errorf("concurrent Message(%q) differs from a sequential one", text)
		}
	}
}

func TestAppendSigned(t *testing.T) {
	cases := []struct {
		v    float64
		want string
	}{
		{0, "+0.00"}, {1.8, "+1.80"}, {-1.8, "-1.80"}, {-0.004, "+0.00"},
		{-0.006, "-0.01"}, {2.2, "+2.20"}, {-12.345, "-12.35"}, {0.1, "+0.10"},
	}
	for _, c := range cases {
		if got := string(appendSigned(nil, c.v)); got != c.want {
			t.Errorf("appendSigned(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
