// Package sentiment scores how frustrated a customer is in a support chat.
//
// Message scores the wording of one message. It starts from a general
// valence lexicon (VADER's word and emoji lexicons, as shipped by govader)
// and adds support-domain words and phrases. Rules cover negation,
// intensifiers and dampeners, "but", capitals, repeated '!' and '?',
// emoticons, elongated words, profanity and cheap sarcasm markers.
// Observe folds customer turns into a conversation score with behaviour
// signals: typing speed against the customer's own
// baseline, bursts of messages, unanswered waits and repeated questions.
//
// Every contribution is reported as a Reason with its weight and the byte
// spans it matched. Weights are evidence on a 0..1 scale, positive when a
// reason raises frustration and negative when it calms. A word's lexicon
// value, from -4 to 4, is kept in the reason's text. The package does no
// I/O and keeps no state outside State, and it reads only event
// timestamps, never the clock.
//
// # Conversation score
//
// The conversation score is 1 - exp(-load). Each customer turn adds the
// load of its evidence, so one strongly negative message lifts a calm
// conversation most of the way at once (negativity 0.9 alone gives about
// 0.86) and complaints on later turns compound. The load decays only on a
// calm turn: by a tenth on neutral wording and faster on positive wording.
//
// # Known limits
//
// These limits decide who the scores can be unfair to:
//
//   - Wording is scored in English only. A message mostly made of
//     Spanish, French, German, Portuguese, Italian or Dutch function words,
//     or written in another script, is reported with Readable false and a
//     "language" reason, and only its emoji, emoticons, punctuation and
//     behaviour count. Such a customer must show more behaviour evidence
//     than an English-speaking one to reach the same score. A message of
//     four or more words in another Latin-script language with no English
//     word is reported as "und" and not scored either. A shorter one is
//     read as English, and its words mostly have no valence.
//   - Capitals and '!' are read as emphasis. Customers who write in
//     capitals or with many exclamation marks out of habit, or because of
//     their keyboard or an accessibility setting, score higher than their
//     mood warrants. Only a word of three or more capitals among
//     lower-case words and a message mostly in capitals are scored, never
//     a capital at the start of a word.
//   - Typing speed is judged against the customer's own baseline of
//     earlier turns in the same conversation, never against other
//     customers. So slow typists, people on phones and people using
//     assistive technology are not penalised. But a short conversation has
//     no baseline, and speed counts only from the third measured turn.
//     When only message times are known, speed is measured from the
//     previous message, so a customer who pastes a prepared text looks
//     fast.
//   - The evaluation sets (VADER's ratings, the airline tweets and the
//     graded support dialogues) are all English. No figures exist for any
//     other language.
package sentiment
