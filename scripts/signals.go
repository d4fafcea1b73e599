package scripts

import (
	"fmt"
	"strings"
)

// Signals are a ticket's live signals at one customer turn. Expressions
// see each field under its snake_case name.
type Signals struct {
	// Frustration is the conversation's frustration score, 0 to 1.
	Frustration float64
	// Valence of the last message, -1 (negative) to 1 (positive).
	Valence float64
	// Negativity is the last message's own negative evidence, 0 to 1.
	Negativity float64
	// TypingSpeed is characters per second for the last turn, 0 when
	// unknown.
	TypingSpeed float64
	// SpeedRatio compares TypingSpeed with the customer's own baseline, 0
	// when there is no baseline yet.
	SpeedRatio float64
	// Burst is set when the customer sent several messages in quick
	// succession.
	Burst bool
	// Text is the customer's last message. Expressions see it lower-cased
	// as text and unchanged as original_text.
	Text string
	// Turn is the customer turn number, from 1.
	Turn int
	// Queue, Priority and Status are the ticket's current ones, such as
	// "bot", "normal" and "open".
	Queue    string
	Priority string
	Status   string
	// Channel is the source of the conversation, such as "chat", "email"
	// or "twitter", as the engine names it.
	Channel string
	// MinutesSinceAgentReply is the time since an agent or bot last
	// wrote, in minutes; 0 when neither has written yet.
	MinutesSinceAgentReply float64
	// Reasons are the rule names of the score's reasons, such as
	// "negative-word" or "support-phrase".
	Reasons []string
}

// signalEnv is the expression environment built from Signals. Its expr
// tags are the names conditions may use.
type signalEnv struct {
	Frustration            float64             `expr:"frustration"`
	Valence                float64             `expr:"valence"`
	Negativity             float64             `expr:"negativity"`
	TypingSpeed            float64             `expr:"typing_speed"`
	SpeedRatio             float64             `expr:"speed_ratio"`
	Burst                  bool                `expr:"burst"`
	Text                   string              `expr:"text"`
	OriginalText           string              `expr:"original_text"`
	Turn                   int                 `expr:"turn"`
	Queue                  string              `expr:"queue"`
	Priority               string              `expr:"priority"`
	Status                 string              `expr:"status"`
	Channel                string              `expr:"channel"`
	MinutesSinceAgentReply float64             `expr:"minutes_since_agent_reply"`
	Reasons                []string            `expr:"reasons"`
	Phrases                map[string][]string `expr:"phrases"`
	// Says reports whether the message contains any of the given phrases,
	// word by word and not negated. It takes phrase lists and quoted
	// phrases.
	Says func(phrases ...any) (bool, error) `expr:"says"`
	// Mentions is Says without the negation check, for topics and
	// symptoms such as "no internet".
	Mentions func(phrases ...any) (bool, error) `expr:"mentions"`
}

// phraseMatcher runs says() and mentions() for one evaluation: it splits the message once
// and remembers the words that matched, for the decision's reason.
type phraseMatcher struct {
	book    *phraseBook
	text    string
	words   []textWord
	split   bool
	matched []string
}

func (m *phraseMatcher) says(args ...any) (bool, error) {
	return m.find(args, true)
}

func (m *phraseMatcher) mentions(args ...any) (bool, error) {
	return m.find(args, false)
}

func (m *phraseMatcher) find(args []any, skipNegated bool) (bool, error) {
	if !m.split {
		m.words, m.split = splitWords(m.text), true
	}
	// Every phrase is looked up, even after one matched, so that a bad
	// phrase is reported whatever the message contains.
	found := false
	err := eachSource(args, func(s string) error {
		p, err := m.book.phrase(s)
		if err != nil || found {
			return err
		}
		if words, ok := matchPhrase(m.words, &p, skipNegated); ok {
			m.matched = append(m.matched, words)
			found = true
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return found, nil
}

// eachSource calls fn with every phrase source that the arguments of
// says() or mentions() contain, in order, and stops at fn's first error.
func eachSource(args []any, fn func(string) error) error {
	for _, arg := range args {
		switch a := arg.(type) {
		case string:
			if err := fn(a); err != nil {
				return err
			}
		case []string:
			for _, s := range a {
				if err := fn(s); err != nil {
					return err
				}
			}
		case []any:
			for _, item := range a {
				s, ok := item.(string)
				if !ok {
					return fmt.Errorf("says() takes phrases, not %T", item)
				}
				if err := fn(s); err != nil {
					return err
				}
			}
		case nil:
			return fmt.Errorf("says() was given an unknown phrase list")
		default:
			return fmt.Errorf("says() takes phrases, not %T", arg)
		}
	}
	return nil
}

func newSignalEnv(sig Signals, book *phraseBook, phrases map[string][]string, m *phraseMatcher) signalEnv {
	m.book, m.text = book, sig.Text
	return signalEnv{
		Frustration:            sig.Frustration,
		Valence:                sig.Valence,
		Negativity:             sig.Negativity,
		TypingSpeed:            sig.TypingSpeed,
		SpeedRatio:             sig.SpeedRatio,
		Burst:                  sig.Burst,
		Text:                   strings.ToLower(sig.Text),
		OriginalText:           sig.Text,
		Turn:                   sig.Turn,
		Queue:                  sig.Queue,
		Priority:               sig.Priority,
		Status:                 sig.Status,
		Channel:                sig.Channel,
		MinutesSinceAgentReply: sig.MinutesSinceAgentReply,
		Reasons:                append([]string(nil), sig.Reasons...),
		Phrases:                phrases,
		Says:                   m.says,
		Mentions:               m.mentions,
	}
}

// Priorities a decision may set, from least to most pressing.
var priorities = []string{"low", "normal", "high", "urgent"}
