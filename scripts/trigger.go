package scripts

// Matches reports whether the script's trigger takes a ticket at this
// customer turn, with the trigger phrases that matched, as the customer
// wrote them. A trigger with phrases matches on turns up to WithinTurns
// when the message contains one of them, negated or not, as mentions()
// matches. Channels, when set, must include
// sig.Channel. A default script matches any ticket of its channels.
func (s *Script) Matches(sig Signals) ([]string, bool) {
	t := s.Trigger
	if len(t.Channels) > 0 && !contains(t.Channels, sig.Channel) {
		return nil, false
	}
	if len(s.triggerPhrases) == 0 {
		return nil, true
	}
	if sig.Turn > t.WithinTurns {
		return nil, false
	}
	words := splitWords(sig.Text)
	var keywords []string
	for _, p := range s.triggerPhrases {
		if matched, ok := findPhrase(words, []phrase{p}, false); ok && !contains(keywords, matched) {
			keywords = append(keywords, matched)
		}
	}
	return keywords, len(keywords) > 0
}

// SelectScript returns the script that takes a ticket at this customer
// turn and the trigger phrases that matched, or nil. The engine calls it
// on each customer turn until a script takes the ticket, then starts that
// script with the keywords in TicketState.Keywords.
//
// Scripts whose trigger has phrases come first, in the order given; then
// scripts limited by channel only; then default scripts. A default or
// channel-only script therefore takes a ticket on its first turn, before
// a phrase on a later turn could pick another script.
func SelectScript(scripts []*Script, sig Signals) (*Script, []string) {
	for _, pass := range []func(*Script) bool{
		func(s *Script) bool { return len(s.triggerPhrases) > 0 },
		func(s *Script) bool { return len(s.triggerPhrases) == 0 && !s.Trigger.Default },
		func(s *Script) bool { return s.Trigger.Default },
	} {
		for _, s := range scripts {
			if !pass(s) {
				continue
			}
			if keywords, ok := s.Matches(sig); ok {
				return s, keywords
			}
		}
	}
	return nil, nil
}
