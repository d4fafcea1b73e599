package sentiment

import "strings"

// Booster scalars: how much an intensifier adds to the magnitude of the
// sentiment word it precedes, and how much a dampener takes away. The
// values are VADER's empirically derived means (Hutto and Gilbert, 2014).
const (
	boostUp   = 0.293
	boostDown = -0.293
)

// negators are the words that flip the sentiment words after them.
var negators = []string{
	"not", "never", "no", "none", "nope", "nor", "nothing", "nowhere", "neither",
	"without", "cannot", "cant", "can't", "dont", "don't", "doesnt", "doesn't",
	"didnt", "didn't", "isnt", "isn't", "arent", "aren't", "wasnt", "wasn't",
	"werent", "weren't", "wont", "won't", "wouldnt", "wouldn't", "couldnt",
	"couldn't", "shouldnt", "shouldn't", "havent", "haven't", "hasnt", "hasn't",
	"hadnt", "hadn't", "aint", "ain't", "mustnt", "mustn't", "neednt", "needn't",
	"rarely", "seldom", "despite", "nobody", "noone",
}

// boosters maps intensifiers (positive) and dampeners (negative) to the
// amount they add to the next sentiment word's magnitude.
var boosters = map[string]float64{
	"absolutely": boostUp, "amazingly": boostUp, "awfully": boostUp,
	"completely": boostUp, "considerably": boostUp, "decidedly": boostUp,
	"deeply": boostUp, "effing": boostUp, "enormously": boostUp,
	"entirely": boostUp, "especially": boostUp, "exceptionally": boostUp,
	"extremely": boostUp, "fabulously": boostUp, "flipping": boostUp,
	"freaking": boostUp, "frickin": boostUp, "fricking": boostUp,
	"friggin": boostUp, "frigging": boostUp, "fully": boostUp,
	"fuckin": boostUp, "fucking": boostUp, "greatly": boostUp, "hella": boostUp,
	"highly": boostUp, "hugely": boostUp, "incredibly": boostUp,
	"intensely": boostUp, "majorly": boostUp, "more": boostUp, "most": boostUp,
	"particularly": boostUp, "purely": boostUp, "quite": boostUp,
	"really": boostUp, "remarkably": boostUp, "so": boostUp,
	"substantially": boostUp, "thoroughly": boostUp, "totally": boostUp,
	"tremendously": boostUp, "uber": boostUp, "unbelievably": boostUp,
	"unusually": boostUp, "utterly": boostUp, "very": boostUp,
	"super": boostUp, "seriously": boostUp, "way": boostUp,
	"almost": boostDown, "barely": boostDown, "hardly": boostDown,
	"kinda": boostDown, "kindof": boostDown, "less": boostDown,
	"little": boostDown, "marginally": boostDown, "occasionally": boostDown,
	"partly": boostDown, "scarcely": boostDown, "slightly": boostDown,
	"somewhat": boostDown, "sorta": boostDown, "sortof": boostDown,
	"a bit": boostDown, "kind of": boostDown, "sort of": boostDown,
}

// profanity is scored as negative wording and reported under its own rule.
var profanity = []string{
	"fuck", "fucking", "fucked", "fuckin", "fucks", "shit", "shitty", "bullshit",
	"crap", "crappy", "damn", "dammit", "goddamn", "wtf", "ffs", "pissed",
	"asshole", "bastard", "bloody", "hell", "sucks", "screwed", "effing",
}

// supportWords are support-domain words whose valence the general lexicon
// lacks or gets wrong for support chats (in lexicon units, -4..4).
var supportWords = map[string]float64{
	"refund":         -1.2,
	"refunded":       0.6,
	"chargeback":     -2.0,
	"overcharged":    -2.3,
	"crashing":       -2.0,
	"crashed":        -1.8,
	"crashes":        -1.8,
	"glitch":         -1.2,
	"glitchy":        -1.5,
	"buggy":          -1.8,
	"outage":         -1.8,
	"unusable":       -2.5,
	"unresponsive":   -1.8,
	"runaround":      -2.2,
	"escalate":       -1.5,
	"unacceptable":   -2.5,
	"disconnected":   -1.2,
	"cancelled":      -1.5,
	"canceled":       -1.5,
	"delayed":        -1.5,
	"stuck":          -1.5,
	"missing":        -1.5,
	"waiting":        -0.8,
	"again":          -0.5,
	"still":          -0.5,
	"asap":           -0.8,
	"smh":            -1.8,
	"ugh":            -2.0,
	"argh":           -2.0,
	"hopeless":       -2.5,
	"incompetent":    -2.8,
	"incompetence":   -2.8,
	"clueless":       -2.2,
	"unprofessional": -2.3,
	"ripoff":         -2.5,
	"promised":       -1.0,
	"slow":           -1.2,
	"incorrect":      -1.5,
	"support":        0,   // a department in support chats, not approval
	"please":         0.6, // politeness in a request rather than praise
	"help":           0,   // a request in support chats, not approval
}

// sarcasmMarkers are phrases that, next to negative evidence, turn the
// praise words of the same message into criticism.
var sarcasmMarkers = [][]string{
	{"yeah", "right"}, {"oh", "great"}, {"oh", "wonderful"}, {"oh", "perfect"},
	{"just", "great"}, {"just", "perfect"}, {"just", "brilliant"},
	{"just", "wonderful"}, {"thanks", "for", "nothing"}, {"thanks", "a", "lot"},
	{"gotta", "love"}, {"got", "to", "love"}, {"real", "helpful"},
	{"what", "a", "surprise"}, {"big", "surprise"}, {"shocker"},
}

// idioms are general expressions whose valence is not the sum of their
// words.
var idioms = []phrase{
	{words: []string{"yeah", "right"}, valence: -2, rule: "sarcasm"},
	{words: []string{"the", "bomb"}, valence: 3, rule: "idiom"},
	{words: []string{"bad", "ass"}, valence: 1.5, rule: "idiom"},
	{words: []string{"to", "die", "for"}, valence: 3, rule: "idiom"},
	{words: []string{"kiss", "of", "death"}, valence: -1.5, rule: "idiom"},
	{words: []string{"under", "the", "weather"}, valence: -2, rule: "idiom"},
	{words: []string{"no", "worries"}, valence: 1.5, rule: "idiom"},
	{words: []string{"no", "problem"}, valence: 1.5, rule: "idiom"},
	{words: []string{"no", "problems"}, valence: 1.2, rule: "idiom"},
	{words: []string{"not", "bad"}, valence: 1.5, rule: "negation"},
	{words: []string{"can't", "wait"}, valence: 2, rule: "idiom"},
	{words: []string{"cant", "wait"}, valence: 2, rule: "idiom"},
	{words: []string{"cannot", "wait"}, valence: 2, rule: "idiom"},
	{words: []string{"can't", "wait", "any", "longer"}, valence: -2, rule: "idiom"},
	{words: []string{"cant", "wait", "any", "longer"}, valence: -2, rule: "idiom"},
	{words: []string{"cannot", "wait", "any", "longer"}, valence: -2, rule: "idiom"},
}

// supportPhrases returns the support-domain phrases: the ways customers
// say that something is still broken, that they have been waiting, that
// they want out, or that the problem is solved.
func supportPhrases() []phrase {
	var out []phrase
	add := func(v float64, texts ...string) {
		for _, t := range texts {
			out = append(out, phrase{words: strings.Fields(t), valence: v, rule: "support-phrase"})
		}
	}
	for _, verb := range []string{"working", "work", "works", "worked", "fixed",
		"resolved", "solved", "sorted", "functioning", "loading", "load", "connecting", "connect"} {
		add(-2.2, "NEG "+verb, "still NEG "+verb, "NEG been "+verb, "NEG even "+verb)
		add(-2.8, "still NEG "+verb)
		add(-2.2, "stopped "+verb)
	}
	for _, verb := range []string{"received", "arrived", "heard", "responded", "replied",
		"answered", "gotten", "got", "come", "called", "refunded", "delivered", "shipped", "updated", "contacted"} {
		add(-1.8, "NEG "+verb, "still NEG "+verb, "NEG yet "+verb)
	}
	for _, subj := range []string{"no one", "nobody", "noone"} {
		for _, aux := range []string{"", "has ", "have ", "had ", "will ", "is ", "ever "} {
			for _, verb := range []string{"replied", "responded", "answered", "helped",
				"called", "contacted", "reply", "respond", "answer", "help", "call",
				"replying", "responding", "answering", "helping", "cares", "care", "bothered",
				"replies", "responds", "answers", "helps", "calls", "reads", "listens"} {
				add(-2.2, subj+" "+aux+verb)
			}
		}
	}
	add(-1.8, "no response", "no reply", "no answer", "no update", "no updates",
		"no resolution", "no help", "no call", "no callback", "no email",
		"no refund", "no explanation", "no answers", "no updates", "without any update",
		"without any updates", "or not")
	add(-2.3, "still waiting", "still no", "still nothing", "still have not",
		"still haven't", "still havent", "still hasn't", "still hasnt", "still can't",
		"still cant", "still cannot", "still don't", "still dont", "still doesn't",
		"still doesnt", "still broken", "still down")
	add(-2.0, "been waiting", "kept waiting", "keep waiting", "on hold", "left waiting",
		"waited for", "waiting for hours", "waiting for days", "waiting for weeks")
	add(-1.5, "for hours", "for days", "for weeks", "for ages", "hours later",
		"days later", "weeks later", "all day", "all week", "over an hour", "over a week")
	add(-2.0, "for months", "months later", "over a month")
	add(-1.8, "third time", "3rd time", "fourth time", "fifth time", "yet again",
		"once again", "every single time", "multiple times", "several times",
		"so many times", "many times", "numerous times", "countless times")
	add(-1.0, "second time", "2nd time", "every time", "each time")
	add(-2.6, "how many times", "how many more times", "how hard is it",
		"how difficult is it", "how long does it take", "how long do i have to")
	add(-2.8, "cancel my account", "close my account", "cancel my subscription",
		"cancelling my account", "canceling my account", "closing my account",
		"take my business elsewhere", "taking my business elsewhere", "never again",
		"never using", "never use", "never buying", "never buy", "never shopping",
		"never flying", "never fly", "switching to", "switch providers",
		"leaving for")
	add(-1.5, "cancel my order", "cancel my", "want to cancel")
	add(-2.0, "other companies", "another company", "other providers", "another provider",
		"go elsewhere", "going elsewhere", "shop elsewhere", "a competitor", "your competitors",
		"your competition")
	add(-2.0, "you lie", "y'all lie", "yall lie", "they lie", "lie to", "lie about",
		"no patience", "lost patience", "losing patience", "out of patience",
		"NEG have the patience", "NEG have any patience")
	add(-3.0, "speak to a manager", "speak to your manager", "speak to a supervisor",
		"talk to a manager", "talk to your manager", "talk to a supervisor",
		"speak with a manager", "speak with a supervisor", "talk with a manager",
		"let me speak to", "get me a manager", "i want a manager", "your supervisor",
		"your manager", "file a complaint", "make a complaint", "formal complaint",
		"reporting you", "report you", "legal action", "my lawyer", "better business bureau")
	add(-2.0, "speak to someone", "talk to someone", "speak to a human",
		"talk to a human", "real person", "actual person", "a human being")
	add(-2.5, "want my money back", "give me my money back", "money back",
		"charged twice", "double charged", "charged me twice", "charged again",
		"stole my money", "took my money", "taken my money")
	add(-2.8, "waste of time", "waste of money", "wasted my time", "wasting my time",
		"wasted hours", "wasted my money", "rip off", "ripped off", "what a joke",
		"this is a joke", "is a joke", "a complete joke", "a total joke",
		"thanks for nothing", "fed up", "sick of", "sick and tired", "tired of",
		"had enough", "last straw", "beyond frustrating", "hung up on", "hung up",
		"run around", "runaround", "keeps crashing", "keeps freezing", "keeps failing",
		"keeps happening", "keep getting", "keeps getting", "keeps saying",
		"lost my", "nowhere to be found", "nothing has been done", "nothing was done",
		"nothing happened", "no one cares", "nobody cares", "not acceptable",
		"not good enough", "not happy", "not impressed", "not ok", "not okay")
	add(-1.5, "any update", "any updates", "what is going on",
		"what's going on", "whats going on", "why is it", "why does it", "why can't",
		"why cant", "why won't", "why wont", "why isn't", "why isnt", "why is this",
		"why do i", "why am i", "let down", "been charged", "is down", "went down",
		"was told", "were told", "supposed to", "waiting on",
		"anyone there", "anybody there",
		"is anyone", "are you there")
	add(2.0, "that worked", "works now", "working now",
		"all sorted", "all good", "problem solved", "issue resolved", "that fixed it",
		"that did it", "thank you so much", "thanks so much", "much appreciated",
		"appreciate it", "appreciate your help", "you're a star", "you rock")
	return out
}

// englishWords are common English function words, used with the lexicon
// to tell English from other languages.
var englishWords = strings.Fields(`a an the and or if of to in on at by for from with
	about as into onto over under up down out off than then that this these those
	there here what which who whom whose when where why how all any both each few
	some such only own same too very can will just should would could may might
	must shall i me my mine myself we our ours us you your yours he him his she her
	hers it its they them their theirs is am are was were be been being have has
	had having do does did doing get got gets getting go goes going went gone make
	made say said see seen know knew want need try tried use used call called
	order account app phone email card payment package delivery service customer
	support team please thanks thank hi hello hey yes yeah ok okay still again
	now today yesterday tomorrow week month day days hours hour minutes time
	times one two three first second third since after before because until while
	why dont im ive its cant wont didnt doesnt isnt youre theyre thats whats
	i'm i've i'll i'd you're you've it's that's what's let's there's`)

// otherLanguages lists frequent function words of languages with no
// lexicon here. A message that uses more of them than English words is
// reported as that language and its wording is not scored.
var otherLanguages = map[string]string{
	"es": `el la los las del que en por para con una unos unas es está están estoy
		pero muy porque cuando hay tengo tiene nada todo mi mis su sus se lo le les
		ya también hola gracias funciona sigue problema ayuda pedido cuenta hace
		desde hasta donde quiero puedo necesito aún todavía nunca otra vez qué
		cómo por qué días semana`,
	"fr": `le la les des du de un une est et je tu il elle nous vous ils elles ne pas
		mais très pour avec dans sur que qui quoi toujours encore jamais rien
		bonjour merci fonctionne marche commande compte aide depuis jours semaine
		suis avez ai fait c'est j'ai n'est ça`,
	"de": `der die das und ist nicht ich du er sie wir ihr es ein eine einen mit auf
		für von zu den dem des aber sehr noch immer schon nie nichts kein keine
		hallo danke bitte funktioniert bestellung konto hilfe seit tagen woche
		habe hat bin sind warum wieder`,
	"pt": `o os as um uma é não está estou mas muito para com em por que eu você ele
		ela nós eles ainda nunca nada obrigado obrigada olá funciona pedido conta
		ajuda desde dias semana tenho tem quero preciso`,
	"it": `il lo gli le un una è non sono ma molto per con che di da in su io tu lui
		lei noi voi ancora mai niente grazie ciao funziona ordine conto aiuto
		giorni settimana ho hai ha perché`,
	"nl": `de het een en is niet ik jij hij zij wij maar heel voor met op van naar
		nog steeds nooit niets geen hallo dank bedankt werkt bestelling account
		hulp sinds dagen week heb heeft waarom weer`,
}

// emojiValences gives support-relevant emoji whose VADER description has
// no sentiment word ("face with rolling eyes") a valence of their own.
var emojiValences = map[rune]float64{
	'🙄': -1.5, // face with rolling eyes
	'😑': -1.2, // expressionless face
	'😒': -1.5, // unamused face
	'😔': -1.2, // pensive face
	'😤': -2.0, // face with steam from nose
	'😡': -2.5, // pouting face
	'🤬': -3.0, // face with symbols on mouth
	'🤦': -1.5, // person facepalming
	'🤷': -0.8, // person shrugging
}

// inabilityWords start a statement that the customer cannot do something
// ("I can't log in"), which counts as a complaint when the next word has
// no valence of its own.
var inabilityWords = []string{"can't", "cant", "cannot", "couldn't", "couldnt", "unable"}

// inabilityValence is the valence of a statement of inability.
const inabilityValence = -1.0
