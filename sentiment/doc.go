// Package sentiment scores how frustrated a customer is in a support chat.
//
// Message scores the wording of one message. It starts from a general
// valence lexicon (VADER's word and emoji lexicons, as shipped by govader)
// and adds support-domain words and phrases. Rules cover negation,
// intensifiers and dampeners, "but", capitals, repeated '!' and '?',
// emoticons, elongated words, profanity and cheap sarcasm markers. Observe folds customer turns into a conversation score
// with behaviour signals: typing speed against the customer's own
// baseline, bursts of messages, unanswered waits and repeated questions.
//
// Every contribution is reported as a Reason with its weight and the byte
// spans it matched. The package does no I/O and keeps no state outside
// State, and it reads only event timestamps, never the clock.
package sentiment
