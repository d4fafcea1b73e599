package sentiment

import (
	"strings"
	"testing"
	"time"

	"github.com/jonreiter/govader"
)

// supportMessages is a mix of what customers write in support chats:
// calm questions, complaints, shouting, emoji, typos and other languages.
var supportMessages = []string{
	"Hi, I can't log in to my account since this morning",
	"I reset my password twice and it still says invalid credentials",
	"ok thanks, I'll try that now",
	"That worked, thank you so much for the quick help!",
	"This is the THIRD time I'm contacting you about the same issue!!!",
	"my order #55123 was supposed to arrive on monday and it's still not here",
	"where is my refund? it's been two weeks",
	"I want to speak to a manager right now",
	"honestly this is a joke, nobody has replied to my emails in 5 days",
	"Can you tell me how to change the billing address on my invoice?",
	"the app keeps crashing when I open the camera tab",
	"not bad, the new version is a lot faster",
	"I've been waiting on hold for over an hour 😡",
	"great, another outage. thanks a lot",
	"How many times do I have to explain this???",
	"sure, my email is the one on the account",
	"Is there a discount for annual plans?",
	"cancel my account. I'm done, this service is useless",
	"the tracking page says delivered but there is nothing at my door",
	"Thanks Sarah, you've been really helpful :)",
	"hello?? is anyone there",
	"sooooo slow today, pages take forever to load",
	"I was charged twice for the same order, please fix this asap",
	"no worries, take your time",
	"why is it so hard to get a simple answer from you people",
	"It says error 503 when I try to pay",
	"could you resend the confirmation email please",
	"WTF is going on with your servers",
	"I'm not happy with how this was handled",
	"the replacement arrived and it works perfectly",
	"my kid broke the screen, does the warranty cover that?",
	"no funciona la aplicación desde ayer",
	"I don't understand why my subscription renewed, I cancelled it last month",
	"you promised a callback yesterday and nobody called",
	"that's fine, I'll wait for the technician",
	"This is absolutely unacceptable. I've been a customer for 10 years",
	"Can I upgrade my plan without losing my data?",
	"still waiting...",
	"the chatbot keeps sending me in circles, I need a real person",
	"perfect, that solved it 👍",
	"why does the invoice show a different amount than the quote?",
	"I'm really disappointed, the product broke after two days",
	"ok",
	"Please help, I can't access any of my files and I have a deadline today",
	"Your website is down AGAIN",
	"thanks for nothing",
	"Could you check if my package was shipped? Order 88412",
	"I love the new dashboard but the export button doesn't work",
	"I've tried clearing the cache, reinstalling, everything. Nothing works.",
	"Ça ne marche toujours pas, merci de me rappeler",
}

func BenchmarkMessage(b *testing.B) {
	s := New(Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Message(supportMessages[i%len(supportMessages)])
	}
}

// BenchmarkKeywordLookup is the floor for any keyword scorer: split on
// white space, lower-case, trim punctuation and do one map lookup per
// token, summing valences, over the same messages.
func BenchmarkKeywordLookup(b *testing.B) {
	lx := base()
	valence := make(map[string]float64, len(lx.index))
	for w, i := range lx.index {
		valence[w] = lx.entries[i].valence
	}
	b.ReportAllocs()
	b.ResetTimer()
	sum := 0.0
	for i := 0; i < b.N; i++ {
		for _, tok := range strings.Fields(supportMessages[i%len(supportMessages)]) {
			sum += valence[strings.ToLower(strings.Trim(tok, ".,!?;:\"()"))]
		}
	}
	_ = sum
}

func BenchmarkGovader(b *testing.B) {
	sia := govader.NewSentimentIntensityAnalyzer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sia.PolarityScores(supportMessages[i%len(supportMessages)])
	}
}

func BenchmarkObserve(b *testing.B) {
	s := New(Options{})
	b.ReportAllocs()
	var st State
	for i := 0; i < b.N; i++ {
		if i%50 == 0 {
			st = State{}
		}
		s.Observe(&st, Event{At: t0.Add(time.Duration(i) * 20 * time.Second), Role: "customer",
			Kind: "message", Text: supportMessages[i%len(supportMessages)]})
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buildLexicon()
	}
}
