package ingest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// maxSpeakerBytes is the longest speaker name; a longer text before the
// first colon is taken as text without a speaker.
const maxSpeakerBytes = 64

var (
	// headerPattern matches "# key: value" header lines.
	headerPattern = regexp.MustCompile(`^#\s*([A-Za-z]+)\s*:\s*(.*)$`)
	// typingPattern matches "Customer is typing…" and "Customer started
	// typing".
	typingPattern = regexp.MustCompile(`(?i)^([^:<>*]+?)\s+(?:is|started|starts|began)\s+typing\s*(?:…|\.{1,3})?$`)
	// closedPattern matches "Conversation closed", "Chat ended", "closed",
	// "The chat has ended" and those forms followed by "by SPEAKER".
	closedPattern = regexp.MustCompile(`(?i)^(?:(?:the\s+)?(?:conversation|chat)\s+(?:was\s+|has\s+been\s+|has\s+)?)?(?:closed|ended)(?:\s+by\s+([^:]+?))?\s*[.!]?$`)
	// decorationPattern matches a line framed by three or more "-", "*"
	// or "=" on each side, such as "--- closed ---".
	decorationPattern = regexp.MustCompile(`^(?:-{3,}|\*{3,}|={3,})\s*(.*?)\s*(?:-{3,}|\*{3,}|={3,})$`)
	// chatStartedPattern matches the first line of a Zendesk Chat
	// transcript, such as "Chat started: 2018-05-18 01:51 PM UTC".
	chatStartedPattern = regexp.MustCompile(`(?i)^chat started:\s*(.+)$`)
)

// genericCustomerNames are speaker names that give the role but not who
// the customer is.
var genericCustomerNames = map[string]bool{
	"customer": true, "visitor": true, "user": true, "client": true,
}

// transcriptParser reads one plain-text chat transcript.
type transcriptParser struct {
	r *Reader

	loc      *time.Location
	fixedLoc bool // loc came from Options and headers do not change it
	// badZoneLine is the line of an invalid "# timezone:" header that no
	// valid one has replaced, or 0. Times without their own zone after it
	// are rejected rather than read in the wrong zone.
	badZoneLine int

	headerConversation string
	// conversation is the id given to the first event; later events get
	// the same one.
	conversation string
	// missingConversationLine is the first line rejected for want of a
	// conversation id, or 0.
	missingConversationLine int

	date    civilDate
	hasDate bool
	prev    time.Time // time of the last timestamped line
	hasPrev bool

	// message is the message event that continuation lines extend, and
	// messageLine the line it starts on. A reader that follows a growing
	// file gets the last message only when the next line arrives, or when
	// the follower calls Reader.FlushPending after a quiet period.
	message     *triage.Event
	messageLine int
	// sentEarly is set when FlushPending sent the pending message, until
	// the next event line: a continuation line then comes too late.
	sentEarly bool
	// skipContinuation is set after a rejected timestamped line, whose
	// continuation lines are dropped with it.
	skipContinuation bool
}

func newTranscriptParser(r *Reader) *transcriptParser {
	p := &transcriptParser{r: r, loc: time.UTC}
	if r.opts.Location != nil {
		p.loc = r.opts.Location
		p.fixedLoc = true
	}
	return p
}

func (p *transcriptParser) pending() bool { return p.message != nil }

func (p *transcriptParser) finish() { p.flush() }

// flushPending sends the pending message without waiting for the next
// event line.
func (p *transcriptParser) flushPending() {
	if p.message != nil {
		p.sentEarly = true
	}
	p.flush()
}

// flush hands the pending message, if any, to the Reader.
func (p *transcriptParser) flush() {
	if p.message == nil {
		return
	}
	ev, line := p.message, p.messageLine
	p.message = nil
	p.r.accept(ev, line)
}

func (p *transcriptParser) parse(number int, text []byte) {
	line := string(text)
	trimmed := strings.TrimSpace(line)
	if trimmed == "" {
		return
	}

	indented := line[0] == ' ' || line[0] == '\t'
	if indented && (p.message != nil || p.skipContinuation) {
		p.continueMessage(trimmed)
		return
	}
	if trimmed[0] == '#' {
		if m := headerPattern.FindStringSubmatch(trimmed); m != nil && p.header(number, strings.ToLower(m[1]), strings.TrimSpace(m[2])) {
			return
		}
		if trimmed == "#" || trimmed[1] == ' ' || trimmed[1] == '\t' {
			return // a comment
		}
	}

	if trimmed[0] == '[' || trimmed[0] == '(' {
		if p.timestamped(number, trimmed) {
			return
		}
	}
	if m := decorationPattern.FindStringSubmatch(trimmed); m != nil {
		p.flush()
		p.skipContinuation = false
		if m := closedPattern.FindStringSubmatch(m[1]); m != nil {
			p.closeWithoutTime(number, m[1])
		}
		return // any other framed line is a notice of the chat tool
	}

	if isSystemNotice(trimmed) {
		p.flush()
		p.skipContinuation = false
		return
	}
	if m := chatStartedPattern.FindStringSubmatch(trimmed); m != nil && p.message == nil {
		p.chatStarted(number, m[1])
		return
	}

	if p.message != nil || p.skipContinuation {
		p.continueMessage(trimmed)
		return
	}
	if p.sentEarly {
		p.r.reject(number, "", "this line continues a message that was already sent, because no line followed "+
			"that message within the quiet period of --follow: write a message and its continuation lines together")
		return
	}
	p.r.reject(number, "", `expected a line such as "[14:05:09] Customer: it still fails": a timestamp in brackets, `+
		`a speaker, a colon and the text (a line without a timestamp continues the message above it, and there is none)`)
}

// isSystemNotice reports whether a line is a notice of the chat tool rather
// than something a person wrote: IRC's "=== nick has joined" and Zendesk's
// "*** Eric joined the chat ***" or "* Eric joined the chat *".
func isSystemNotice(line string) bool {
	return strings.HasPrefix(line, "===") || strings.HasPrefix(line, "***") ||
		(len(line) > 4 && strings.HasPrefix(line, "* ") && strings.HasSuffix(line, " *"))
}

// continueMessage appends a continuation line to the pending message.
func (p *transcriptParser) continueMessage(text string) {
	if p.message == nil {
		return // it belongs to a rejected line
	}
	if len(p.message.Text) > triage.MaxTextLength {
		return // already too long; Validate rejects it
	}
	if p.message.Text == "" {
		p.message.Text = text
	} else {
		p.message.Text += "\n" + text
	}
}

// header handles a "# key: value" line and reports whether key is a known
// header.
func (p *transcriptParser) header(number int, key, value string) bool {
	switch key {
	case "conversation":
		p.flush()
		p.conversationHeader(number, value)
	case "date":
		p.flush()
		date, reason := parseDate(value)
		if reason != "" {
			p.r.reject(number, "date", reason)
			return true
		}
		p.date, p.hasDate = date, true
		p.hasPrev = false
	case "timezone", "tz":
		p.flush()
		if p.fixedLoc {
			return true
		}
		loc, reason := parseZone(value)
		if reason != "" {
			p.r.reject(number, "timezone", reason)
			p.badZoneLine = number
			return true
		}
		p.loc, p.badZoneLine = loc, 0
	default:
		return false
	}
	p.skipContinuation = false
	return true
}

func (p *transcriptParser) conversationHeader(number int, value string) {
	if p.r.opts.Conversation != "" {
		return
	}
	switch {
	case value == "":
		p.r.reject(number, "conversation", `empty conversation id: write "# conversation: ID"`)
	case len(value) > triage.MaxIDLength:
		p.r.reject(number, "conversation", fmt.Sprintf("longer than %d bytes", triage.MaxIDLength))
	case p.conversation != "" && value != p.conversation:
		p.r.reject(number, "conversation", fmt.Sprintf(
			"the transcript already has events in conversation %q; one transcript is one conversation, so put the header at the top", p.conversation))
	default:
		p.headerConversation = value
	}
}

// chatStarted handles "Chat started: 2018-05-18 01:51 PM UTC", which gives
// the date, and the zone unless Options.Location is set.
func (p *transcriptParser) chatStarted(number int, text string) {
	st, matched, reason := parseStamp(text)
	switch {
	case !matched:
		reason = fmt.Sprintf(`invalid start time %q: expected a date and time such as "2018-05-18 01:51 PM UTC"`, text)
	case reason == "" && !st.hasDate:
		reason = fmt.Sprintf("start time %q has no date", text)
	}
	if reason != "" {
		p.r.reject(number, "time", reason)
		return
	}
	if st.zone != nil && !p.fixedLoc {
		p.loc = st.zone
	}
	p.date, p.hasDate = st.date, true
	p.prev, p.hasPrev = st.at(st.date, p.loc), true
}

// timestamped handles a line that starts with "[" or "(" and reports
// whether it starts with a timestamp.
func (p *transcriptParser) timestamped(number int, line string) bool {
	closing := "]"
	if line[0] == '(' {
		closing = ")"
	}
	end := strings.Index(line, closing)
	if end < 0 {
		return false
	}
	st, matched, reason := parseStamp(line[1:end])
	if !matched {
		return false
	}
	p.flush()
	p.skipContinuation = false
	if reason != "" {
		p.r.reject(number, "time", reason)
		p.skipContinuation = true
		return true
	}
	at, reason := p.resolve(st)
	if reason != "" {
		p.r.reject(number, "time", reason)
		p.skipContinuation = true
		return true
	}
	p.event(number, at, strings.TrimSpace(line[end+1:]))
	return true
}

// resolve returns the time of a timestamp, taking the date from the
// "# date:" header or the last dated line when the timestamp has none.
func (p *transcriptParser) resolve(st stamp) (time.Time, string) {
	if p.badZoneLine != 0 && st.zone == nil {
		return time.Time{}, fmt.Sprintf("the # timezone: header on line %d is invalid, so time %q cannot be placed: "+
			"fix the header, or pass --tz", p.badZoneLine, st.text)
	}
	var at time.Time
	if st.hasDate {
		at = st.at(st.date, p.loc)
		p.date, p.hasDate = dateOf(at.In(p.loc)), true
	} else {
		if !p.hasDate {
			return time.Time{}, fmt.Sprintf(`time %q has no date: add a "# date: 2026-03-02" header above it, `+
				`or write the date in the timestamp, such as [2026-03-02 14:05:09]`, st.text)
		}
		at = st.at(p.date, p.loc)
		if p.hasPrev && at.Before(p.prev) {
			// A time earlier than the line before it is taken as past
			// midnight. NOTE: a line a few seconds out of order therefore
			// lands on the next day.
			p.date = p.date.nextDay()
			at = st.at(p.date, p.loc)
		}
	}
	p.prev, p.hasPrev = at, true
	return at, ""
}

// event handles what follows the timestamp of a line.
func (p *transcriptParser) event(number int, at time.Time, rest string) {
	if m := decorationPattern.FindStringSubmatch(rest); m != nil {
		if m := closedPattern.FindStringSubmatch(m[1]); m != nil {
			p.emit(number, at, triage.TypeClosed, closerSpeaker(m[1]), "", false)
		}
		return
	}
	if isSystemNotice(rest) {
		return
	}
	if m := closedPattern.FindStringSubmatch(rest); m != nil {
		p.emit(number, at, triage.TypeClosed, closerSpeaker(m[1]), "", false)
		return
	}
	if m := typingPattern.FindStringSubmatch(rest); m != nil {
		p.emit(number, at, triage.TypeTyping, strings.TrimSpace(m[1]), "", false)
		return
	}
	if strings.HasPrefix(rest, "<") {
		// IRC: "<nick> text".
		if end := strings.IndexByte(rest, '>'); end > 1 {
			p.emit(number, at, triage.TypeMessage, rest[1:end], strings.TrimSpace(rest[end+1:]), true)
			return
		}
	}
	if strings.HasPrefix(rest, "* ") {
		// IRC action: "* nick waves".
		nick, action, _ := strings.Cut(strings.TrimSpace(rest[2:]), " ")
		if nick != "" {
			p.emit(number, at, triage.TypeMessage, nick, strings.TrimSpace(action), true)
			return
		}
	}
	speaker, text, ok := splitSpeaker(rest)
	if !ok {
		p.r.reject(number, "speaker", `expected "Speaker: text" after the timestamp, such as "[14:05:09] Customer: it still fails"`)
		p.skipContinuation = true
		return
	}
	p.emit(number, at, triage.TypeMessage, speaker, text, false)
}

// closerSpeaker returns who closed a conversation from the "by SPEAKER"
// part of a closing line, or "" when the line names nobody.
func closerSpeaker(by string) string {
	return strings.TrimSpace(by)
}

// splitSpeaker splits "Speaker: text" at the first colon that does not
// start "://".
func splitSpeaker(rest string) (speaker, text string, ok bool) {
	for i := 0; i < len(rest) && i <= maxSpeakerBytes; i++ {
		if rest[i] != ':' || strings.HasPrefix(rest[i:], "://") {
			continue
		}
		speaker = strings.TrimSpace(rest[:i])
		if speaker == "" {
			return "", "", false
		}
		return speaker, strings.TrimSpace(rest[i+1:]), true
	}
	return "", "", false
}

// closeWithoutTime handles an untimed closing line such as "--- closed
// ---", which takes the time of the last timestamped line.
func (p *transcriptParser) closeWithoutTime(number int, by string) {
	if !p.hasPrev {
		p.r.reject(number, "time", `a closing line without a timestamp needs a timestamped line above it; `+
			`or write the time, such as "[14:30:00] Conversation closed"`)
		return
	}
	p.emit(number, p.prev, triage.TypeClosed, closerSpeaker(by), "", false)
}

// emit builds an event of the transcript's conversation. A message stays
// pending so that continuation lines can extend it; other events go to
// the Reader at once.
func (p *transcriptParser) emit(number int, at time.Time, typ triage.EventType, speaker, text string, nick bool) {
	p.sentEarly = false
	conversation, ok := p.conversationID(number)
	if !ok {
		p.skipContinuation = true
		return
	}
	role, customer := speakerRole(speaker, nick)
	if speaker == "" {
		// Only a closing line has no speaker; the desk's side closed it.
		role, customer = triage.RoleAgent, nil
	}
	ev := &triage.Event{
		Conversation: conversation,
		At:           at,
		Role:         role,
		Type:         typ,
		Text:         text,
		Customer:     customer,
	}
	if speaker != "" {
		quoted, _ := json.Marshal(speaker)
		ev.Extra = map[string]json.RawMessage{"speaker": quoted}
	}
	if typ == triage.TypeMessage {
		p.message, p.messageLine = ev, number
		return
	}
	p.r.accept(ev, number)
}

// conversationID returns the transcript's conversation id, or rejects the
// line when it has none.
func (p *transcriptParser) conversationID(number int) (string, bool) {
	if p.conversation != "" {
		return p.conversation, true
	}
	id := p.r.opts.Conversation
	if id == "" {
		id = p.headerConversation
	}
	if id == "" {
		id = sourceName(p.r.opts.Source)
	}
	if id != "" {
		p.conversation = id
		return id, true
	}
	if p.missingConversationLine == 0 {
		p.missingConversationLine = number
		p.r.reject(number, "conversation", fmt.Sprintf(
			`%s has no file name to name the conversation after; pass --conversation ID, or add a "# conversation: ID" header at the top`,
			p.r.opts.Source))
	} else {
		p.r.reject(number, "conversation", fmt.Sprintf(
			"no conversation id; see line %d", p.missingConversationLine))
	}
	return "", false
}

// sourceName returns the base name of a file path without its extension,
// or "" for stdin and devices, which have no useful name.
func sourceName(source string) string {
	if source == "" || source == "-" || source == "stdin" || strings.HasPrefix(source, "/dev/") {
		return ""
	}
	base := filepath.Base(source)
	if base == "." || base == string(filepath.Separator) {
		return ""
	}
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// speakerRole returns the role of a speaker and the customer identity the
// name gives. Agent, Support and Bot, alone or followed by a name in
// brackets, are the desk's side; every other speaker is the customer.
// nick marks an IRC nickname, which is kept as the customer's handle.
func speakerRole(speaker string, nick bool) (triage.Role, *triage.Customer) {
	base, inner := speaker, ""
	if open := strings.IndexByte(speaker, '('); open > 0 && strings.HasSuffix(speaker, ")") {
		base = strings.TrimSpace(speaker[:open])
		inner = strings.TrimSpace(speaker[open+1 : len(speaker)-1])
	}
	switch strings.ToLower(base) {
	case "agent", "support":
		return triage.RoleAgent, nil
	case "bot":
		return triage.RoleBot, nil
	}
	switch {
	case nick:
		return triage.RoleCustomer, &triage.Customer{Handle: speaker}
	case genericCustomerNames[strings.ToLower(base)]:
		if inner != "" {
			return triage.RoleCustomer, &triage.Customer{Name: inner}
		}
		return triage.RoleCustomer, nil
	}
	return triage.RoleCustomer, &triage.Customer{Name: speaker}
}
