package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// ChatwootIDPrefix starts the ids of events and conversations read from
// Chatwoot, so that they cannot collide with ids from other sources.
const ChatwootIDPrefix = "cw-"

// Chatwoot event names that the desk reads.
const (
	ChatwootMessageCreated      = "message_created"
	ChatwootMessageUpdated      = "message_updated"
	ChatwootConversationCreated = "conversation_created"
	ChatwootStatusChanged       = "conversation_status_changed"
	ChatwootTypingOn            = "conversation_typing_on"
	ChatwootTypingOff           = "conversation_typing_off"
)

// chatwootIgnored lists Chatwoot events that are valid but carry no chat
// event, with the reason a Reader reports when it skips them.
var chatwootIgnored = map[string]string{
	"contact_created":     "contact_created carries no chat event",
	"contact_updated":     "contact_updated carries no chat event",
	"webwidget_triggered": "webwidget_triggered (the visitor opened the widget) carries no chat event",
}

// ChatwootPayload is what one Chatwoot webhook payload yields.
type ChatwootPayload struct {
	// Event is the payload's event name, such as "message_created".
	Event string
	// Conversation is the desk's conversation id, "cw-" and Chatwoot's
	// conversation id; empty when the payload names none.
	Conversation string
	// Role is the author of a message or the typist of a typing event.
	Role triage.Role
	// Events are the chat events, in the order Chatwoot wrote them.
	Events []triage.Event
	// Skipped says why a valid payload yielded no event.
	Skipped string
	// Updated is set for message_updated: Events[0] has the message's
	// original id, and the caller picks its final id with ChatwootEditID.
	Updated bool
}

// ChatwootOptions configures ParseChatwoot.
type ChatwootOptions struct {
	// Now stamps typing events, which carry no time of their own. Nil
	// means the latest time the payload's conversation carries (its
	// updated_at, last_activity_at, timestamp or last-seen times), or
	// LastAt when it carries none.
	Now func() time.Time
	// LastAt is the time of the previous event in the same stream.
	LastAt time.Time
}

// ChatwootEditID returns the id of a message_updated event whose content
// differs from what was stored under the message's original id: that id,
// "~" and a hash of the new text. The id depends on the content and not on
// updated_at, because Chatwoot also sends message_updated when only the
// delivery status changes, and the same edit delivered twice must get one
// id.
func ChatwootEditID(originalID, text string) string {
	sum := sha256.Sum256([]byte(text))
	return originalID + "~" + hex.EncodeToString(sum[:6])
}

// ParseChatwoot reads one Chatwoot webhook payload. It returns a
// *triage.FieldError when the payload is not valid JSON, has no event
// name, names an unknown event, or lacks what its event needs: a message
// needs its sender and conversation, a typing event its conversation and
// user, and all of them an id and a time.
//
// Roles: message_type incoming (0) is the customer. Outgoing (1) is an
// agent, or a bot when the sender is an agent bot or missing, as for
// automated messages. Template (3), a form or prompt Chatwoot shows the
// customer, is a bot. Activity (2) messages, such as "Conversation was
// marked resolved by Ana", are notices that nobody wrote, and private
// notes are not seen by the customer: both yield no event, because
// treating them as replies would end the customer's wait. A message whose
// content_attributes say it was deleted yields no event either.
//
// Times: message times are cut to whole seconds, because Chatwoot writes a
// message's created_at as an ISO time with milliseconds at the top level
// but as whole Unix seconds inside a conversation's messages, and one
// message read from both must get one event. Unix seconds (integer or
// fractional, as a number or string), ISO 8601 and RFC 3339 strings,
// "2020-03-03 13:05:57 UTC" and browser Date strings such as
// "Fri Jul 23 2021 23:32:48 GMT+0530 (India Standard Time)" are read.
//
// Conversation events (conversation_created, conversation_updated,
// conversation_status_changed and the older conversation_opened and
// conversation_resolved) yield the messages they carry. A status change to
// resolved, and conversation_resolved, also yields a closed event by the
// agent at the conversation's latest time. Typing starts
// (conversation_typing_on) yield typing events; typing stops and contact
// and widget events yield none.
//
// Chatwoot numbers conversations per account, and the account is absent
// from conversation payloads, so conversation ids are unique only within
// one Chatwoot account.
func ParseChatwoot(data []byte, opts ChatwootOptions) (*ChatwootPayload, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, &triage.FieldError{Reason: jsonSyntaxReason(err, 0)}
	}
	if fields == nil {
		return nil, &triage.FieldError{Reason: "expected a JSON object {...}, found null"}
	}
	rawEvent, ok := fields["event"]
	if !ok {
		return nil, &triage.FieldError{Field: "event", Reason: "missing: not a Chatwoot webhook payload (use --format jsonl for native events)"}
	}
	name, reason := decodeString(rawEvent)
	if reason != "" {
		return nil, &triage.FieldError{Field: "event", Reason: reason}
	}
	out := &ChatwootPayload{Event: name}
	var err error
	switch {
	case name == ChatwootMessageCreated || name == ChatwootMessageUpdated:
		err = out.readMessageEvent(fields)
	case name == ChatwootTypingOn || name == ChatwootTypingOff:
		err = out.readTypingEvent(fields, opts)
	case strings.HasPrefix(name, "conversation_"):
		err = out.readConversationEvent(fields)
	case chatwootIgnored[name] != "":
		out.Skipped = chatwootIgnored[name]
	default:
		return nil, &triage.FieldError{Field: "event", Reason: fmt.Sprintf("unknown Chatwoot event %q", name)}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readMessageEvent reads message_created and message_updated: the message
// at the top level, its conversation nested.
func (out *ChatwootPayload) readMessageEvent(fields map[string]json.RawMessage) error {
	if raw, ok := fields["sender"]; !ok || isNull(raw) {
		return &triage.FieldError{Field: "sender", Reason: "null or missing: a message without its sender cannot be attributed; Chatwoot sends one for every message"}
	}
	conv, err := chatwootObject(fields, "conversation")
	if err != nil {
		return err
	}
	if out.Conversation, err = chatwootConversationID(conv, "conversation."); err != nil {
		return err
	}
	out.Updated = out.Event == ChatwootMessageUpdated
	ev, skipped, err := out.message(fields, "")
	if err != nil {
		return err
	}
	if ev == nil {
		out.Skipped = skipped
		return nil
	}
	if out.Updated {
		ev.Extra = map[string]json.RawMessage{"edited": json.RawMessage("true")}
	}
	if channel := chatwootChannel(conv); channel != "" {
		if ev.Extra == nil {
			ev.Extra = map[string]json.RawMessage{}
		}
		ev.Extra["channel"] = jsonString(channel)
	}
	out.Role = ev.Role
	out.Events = append(out.Events, *ev)
	return nil
}

// chatwootChannel returns the conversation's channel in the form scripts
// name it: Chatwoot's "Channel::WebWidget" becomes "webwidget", and
// "Channel::Email" "email". It returns "" when the payload names none.
func chatwootChannel(conv map[string]json.RawMessage) string {
	name, reason := decodeString(conv["channel"])
	if reason != "" {
		return ""
	}
	name = strings.TrimPrefix(strings.TrimSpace(name), "Channel::")
	return strings.ToLower(name)
}

// message maps one message object to an event, or returns why it yields
// none. prefix names the object in errors, such as "messages[0].".
func (out *ChatwootPayload) message(m map[string]json.RawMessage, prefix string) (*triage.Event, string, error) {
	id, reason := decodeIdentifier(m["id"])
	if reason == "" && id == "" {
		reason = "missing: every Chatwoot message has an id"
	}
	if reason != "" {
		return nil, "", &triage.FieldError{Field: prefix + "id", Reason: reason}
	}
	if private, _ := decodeBool(m["private"]); private {
		return nil, "private note: the customer does not see it", nil
	}
	if deleted(m["content_attributes"]) {
		return nil, "deleted message", nil
	}
	kind, reason := chatwootMessageType(m["message_type"])
	if reason != "" {
		return nil, "", &triage.FieldError{Field: prefix + "message_type", Reason: reason}
	}
	at, reason := chatwootTime(m["created_at"])
	if reason == "" && at.IsZero() {
		reason = "missing: every Chatwoot message has a created_at time"
	}
	if reason != "" {
		return nil, "", &triage.FieldError{Field: prefix + "created_at", Reason: reason}
	}
	text, reason := decodeString(m["content"])
	if reason != "" {
		return nil, "", &triage.FieldError{Field: prefix + "content", Reason: reason}
	}
	ev := &triage.Event{
		ID:           ChatwootIDPrefix + id,
		Conversation: out.Conversation,
		At:           at.Truncate(time.Second),
		Type:         triage.TypeMessage,
		Text:         text,
	}
	senderType := chatwootSenderType(m)
	switch kind {
	case "incoming":
		ev.Role = triage.RoleCustomer
		ev.Customer = chatwootCustomer(m["sender"])
	case "outgoing":
		ev.Role = triage.RoleAgent
		if senderType == "" || senderType == "agentbot" || strings.HasPrefix(senderType, "captain") {
			ev.Role = triage.RoleBot
		}
	case "template":
		ev.Role = triage.RoleBot
	case "activity":
		return nil, "activity message: a notice of Chatwoot, not written by anyone", nil
	}
	return ev, "", nil
}

// chatwootSenderType returns the sender's type in lower case without
// separators ("contact", "user", "agentbot"), from the top-level sender
// object or the nested messages' sender_type; "" when neither is given.
func chatwootSenderType(m map[string]json.RawMessage) string {
	var sender struct {
		Type string `json:"type"`
	}
	if raw, ok := m["sender"]; ok && !isNull(raw) && json.Unmarshal(raw, &sender) == nil && sender.Type != "" {
		return normalizeSenderType(sender.Type)
	}
	s, _ := decodeString(m["sender_type"])
	return normalizeSenderType(s)
}

func normalizeSenderType(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("_", "", "::", "", " ", "").Replace(s)
}

// chatwootCustomer reads the identity of a contact sender.
func chatwootCustomer(raw json.RawMessage) *triage.Customer {
	var sender struct {
		ID         json.RawMessage `json:"id"`
		Name       string          `json:"name"`
		Email      string          `json:"email"`
		Identifier string          `json:"identifier"`
	}
	if len(raw) == 0 || isNull(raw) || json.Unmarshal(raw, &sender) != nil {
		return nil
	}
	c := &triage.Customer{Name: sender.Name, Email: sender.Email, Handle: sender.Identifier}
	if id, reason := decodeIdentifier(sender.ID); reason == "" && id != "" && c.Handle == "" {
		c.Handle = "chatwoot-contact-" + id
	}
	if c.Empty() {
		return nil
	}
	return c
}

// chatwootMessageType reads message_type as its name: incoming, outgoing,
// activity or template. Chatwoot writes it as a string at the top level
// and as 0 to 3 inside a conversation's messages.
func chatwootMessageType(raw json.RawMessage) (string, string) {
	names := []string{"incoming", "outgoing", "activity", "template"}
	if len(raw) == 0 || isNull(raw) {
		return "", "missing: give incoming, outgoing, activity or template (or 0 to 3)"
	}
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		if n < 0 || n >= len(names) {
			return "", fmt.Sprintf("%d is not one of 0 (incoming), 1 (outgoing), 2 (activity), 3 (template)", n)
		}
		return names[n], ""
	}
	s, reason := decodeString(raw)
	if reason != "" {
		return "", "must be a string or an integer, found " + jsonKind(raw)
	}
	for _, name := range names {
		if strings.EqualFold(s, name) {
			return name, ""
		}
	}
	return "", fmt.Sprintf("%q is not one of incoming, outgoing, activity, template", s)
}

// deleted reports whether content_attributes mark a deleted message.
func deleted(raw json.RawMessage) bool {
	var attrs struct {
		Deleted bool `json:"deleted"`
	}
	return len(raw) > 0 && !isNull(raw) && json.Unmarshal(raw, &attrs) == nil && attrs.Deleted
}

func decodeBool(raw json.RawMessage) (bool, bool) {
	var b bool
	if len(raw) == 0 || json.Unmarshal(raw, &b) != nil {
		return false, false
	}
	return b, true
}

// chatwootObject decodes the object under name, rejecting null and
// absence with the reason ParseChatwoot documents.
func chatwootObject(fields map[string]json.RawMessage, name string) (map[string]json.RawMessage, error) {
	raw, ok := fields[name]
	if !ok || isNull(raw) {
		return nil, &triage.FieldError{Field: name, Reason: "null or missing: the payload does not say which conversation it belongs to"}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, &triage.FieldError{Field: name, Reason: "must be an object, found " + jsonKind(raw)}
	}
	return obj, nil
}

// chatwootConversationID returns "cw-" and the conversation's id, or its
// display_id in payloads older than 2021.
func chatwootConversationID(conv map[string]json.RawMessage, prefix string) (string, error) {
	for _, name := range []string{"id", "display_id"} {
		raw, ok := conv[name]
		if !ok || isNull(raw) {
			continue
		}
		id, reason := decodeIdentifier(raw)
		if reason != "" {
			return "", &triage.FieldError{Field: prefix + name, Reason: reason}
		}
		if id != "" {
			return ChatwootIDPrefix + id, nil
		}
	}
	return "", &triage.FieldError{Field: prefix + "id", Reason: "missing: the conversation has no id"}
}

// latestTime returns the latest of the conversation's own times, the
// nearest to when the payload was sent.
func latestTime(conv map[string]json.RawMessage) time.Time {
	var latest time.Time
	for _, name := range []string{"updated_at", "last_activity_at", "timestamp", "contact_last_seen_at", "agent_last_seen_at"} {
		if t, reason := chatwootTime(conv[name]); reason == "" && t.After(latest) {
			latest = t
		}
	}
	return latest
}

// readTypingEvent reads conversation_typing_on and _off: the conversation
// and the typist ("user", a contact, an agent or a bot).
func (out *ChatwootPayload) readTypingEvent(fields map[string]json.RawMessage, opts ChatwootOptions) error {
	conv, err := chatwootObject(fields, "conversation")
	if err != nil {
		return err
	}
	if out.Conversation, err = chatwootConversationID(conv, "conversation."); err != nil {
		return err
	}
	raw, ok := fields["user"]
	if !ok || isNull(raw) {
		return &triage.FieldError{Field: "user", Reason: "null or missing: a typing event without its typist cannot be attributed"}
	}
	var user struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &user); err != nil {
		return &triage.FieldError{Field: "user", Reason: "must be an object, found " + jsonKind(raw)}
	}
	switch normalizeSenderType(user.Type) {
	case "contact":
		out.Role = triage.RoleCustomer
	case "user":
		out.Role = triage.RoleAgent
	default:
		out.Role = triage.RoleBot
	}
	if private, _ := decodeBool(fields["is_private"]); private {
		out.Skipped = "typing a private note: the customer does not see it"
		return nil
	}
	if out.Event == ChatwootTypingOff {
		out.Skipped = "typing stopped: the desk times a turn from the start of typing"
		return nil
	}
	var at time.Time
	if opts.Now != nil {
		at = opts.Now()
	} else if at = latestTime(conv); at.IsZero() {
		at = opts.LastAt
	}
	if at.IsZero() {
		return &triage.FieldError{Field: "conversation", Reason: "no time: a typing event carries none, and neither its conversation nor an earlier payload gives one"}
	}
	out.Events = append(out.Events, triage.Event{
		Conversation: out.Conversation, At: at.UTC(), Role: out.Role, Type: triage.TypeTyping,
	})
	return nil
}

// readConversationEvent reads an event whose payload is the conversation
// itself, with its latest messages nested.
func (out *ChatwootPayload) readConversationEvent(fields map[string]json.RawMessage) error {
	var err error
	if out.Conversation, err = chatwootConversationID(fields, ""); err != nil {
		return err
	}
	if raw, ok := fields["messages"]; ok && !isNull(raw) {
		var messages []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &messages); err != nil {
			return &triage.FieldError{Field: "messages", Reason: "must be an array of message objects, found " + jsonKind(raw)}
		}
		for i, m := range messages {
			ev, _, err := out.message(m, fmt.Sprintf("messages[%d].", i))
			if err != nil {
				return err
			}
			if ev != nil {
				out.Events = append(out.Events, *ev)
			}
		}
	}
	status, _ := decodeString(fields["status"])
	if out.Event == "conversation_resolved" || (out.Event == ChatwootStatusChanged && status == "resolved") {
		at := latestTime(fields)
		if at.IsZero() {
			return &triage.FieldError{Field: "timestamp", Reason: "missing: a resolved conversation needs a time for its closed event"}
		}
		out.Events = append(out.Events, triage.Event{
			Conversation: out.Conversation, At: at, Role: triage.RoleAgent, Type: triage.TypeClosed,
		})
	}
	if len(out.Events) == 0 {
		out.Skipped = fmt.Sprintf("%s with status %q carries no chat event", out.Event, status)
	}
	return nil
}

// chatwootTime reads any of the time forms Chatwoot writes; see
// ParseChatwoot. null and absence give the zero time and no reason.
func chatwootTime(raw json.RawMessage) (time.Time, string) {
	if len(raw) == 0 || isNull(raw) {
		return time.Time{}, ""
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return unixSeconds(n.String())
	}
	s, reason := decodeString(raw)
	if reason != "" {
		return time.Time{}, "must be a time string or Unix seconds, found " + jsonKind(raw)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ""
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return unixSeconds(s)
	}
	if t, reason := parseRFC3339(s); reason == "" {
		return t, ""
	}
	// A browser Date.toString() ends in the zone's name in brackets.
	browser := s
	if i := strings.Index(browser, " ("); i > 0 {
		browser = browser[:i]
	}
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05.999999999 MST",
		"Mon Jan 02 2006 15:04:05 GMT-0700", "Mon Jan 2 2006 15:04:05 GMT-0700"} {
		if t, err := time.Parse(layout, browser); err == nil {
			if strings.HasSuffix(layout, "MST") && t.Location().String() != "UTC" {
				continue // a zone abbreviation other than UTC is ambiguous
			}
			return t, ""
		}
	}
	return time.Time{}, fmt.Sprintf("invalid time %q: expected Unix seconds, an ISO 8601 time with a zone, or a browser date such as \"Fri Jul 23 2021 23:32:48 GMT+0530\"", s)
}

// unixSeconds reads Unix seconds with an optional fraction.
func unixSeconds(s string) (time.Time, string) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Sprintf("invalid Unix time %s: expected seconds since 1970", s)
	}
	sec, frac := math.Modf(f)
	// Keep microseconds, the precision Chatwoot writes, without float noise.
	usec := math.Round(frac * 1e6)
	return time.Unix(int64(sec), int64(usec)*1000).UTC(), ""
}

// chatwootParser reads Chatwoot webhook payloads: one JSON object a line,
// or pretty-printed objects that span lines, one after another.
type chatwootParser struct {
	r     *Reader
	buf   []byte
	start int // line where buf starts
	// lineNumbers are the input lines buf holds, in order. A line the
	// Reader rejected (a NUL byte) is not among them, so they may skip.
	lineNumbers []int
	depth       int
	inString    bool
	escaped     bool
	discarding  bool // an over-long payload is skipped to its end
	lastAt      time.Time
	// messages maps a message's original event id to the id and text of
	// the latest version read, so that message_updated payloads that do
	// not change the text are duplicates.
	messages map[string]chatwootVersion
}

type chatwootVersion struct{ id, text string }

func newChatwootParser(r *Reader) *chatwootParser {
	return &chatwootParser{r: r, messages: make(map[string]chatwootVersion)}
}

func (p *chatwootParser) pending() bool { return len(p.buf) > 0 || p.discarding }

func (p *chatwootParser) parse(number int, text []byte) {
	if !p.pending() {
		trimmed := bytes.TrimSpace(text)
		if len(trimmed) == 0 {
			return
		}
		if trimmed[0] != '{' {
			p.r.reject(number, "", "expected a Chatwoot webhook payload, a JSON object starting with \"{\"")
			return
		}
		p.start = number
		p.lineNumbers = append(p.lineNumbers[:0], number)
		p.depth, p.inString, p.escaped = 0, false, false
	} else if !p.discarding {
		p.buf = append(p.buf, '\n')
		p.lineNumbers = append(p.lineNumbers, number)
	}
	complete := p.scan(text)
	if !p.discarding {
		p.buf = append(p.buf, text...)
		if len(p.buf) > p.r.opts.MaxLineBytes {
			p.r.reject(p.start, "", fmt.Sprintf("payload is longer than %d bytes", p.r.opts.MaxLineBytes))
			p.buf = p.buf[:0]
			p.discarding = !complete
			return
		}
	}
	if complete {
		if p.discarding {
			p.discarding = false
			return
		}
		payload := p.buf
		p.buf = nil
		p.payload(payload)
	}
}

// scan follows the nesting of text and reports whether the object that
// started the payload closes in it.
func (p *chatwootParser) scan(text []byte) bool {
	for _, c := range text {
		switch {
		case p.escaped:
			p.escaped = false
		case p.inString && c == '\\':
			p.escaped = true
		case c == '"':
			p.inString = !p.inString
		case p.inString:
		case c == '{' || c == '[':
			p.depth++
		case c == '}' || c == ']':
			p.depth--
			if p.depth == 0 {
				return true
			}
		}
	}
	return false
}

// payload handles one complete payload.
func (p *chatwootParser) payload(data []byte) {
	res, err := ParseChatwoot(data, ChatwootOptions{LastAt: p.lastAt})
	if err != nil {
		var fe *triage.FieldError
		if !errors.As(err, &fe) {
			p.r.reject(p.start, "", err.Error())
			return
		}
		line, reason := p.start, fe.Reason
		var syntax *json.SyntaxError
		if errors.As(json.Unmarshal(data, new(any)), &syntax) && bytes.IndexByte(data, '\n') >= 0 {
			// Point at the line and column of a payload that spans lines.
			before := data[:min(int(syntax.Offset), len(data))]
			if i := bytes.Count(before, []byte{'\n'}); i < len(p.lineNumbers) {
				line = p.lineNumbers[i]
			}
			column := len(before) - bytes.LastIndexByte(before, '\n') - 1
			reason = fmt.Sprintf("invalid JSON at column %d: %s", max(column, 1), syntax.Error())
		}
		p.r.reject(line, fe.Field, reason)
		return
	}
	for i := range res.Events {
		ev := &res.Events[i]
		if ev.Type == triage.TypeMessage {
			p.version(ev, res.Updated)
		}
		if ev.At.After(p.lastAt) {
			p.lastAt = ev.At
		}
		p.r.accept(ev, p.start)
	}
	if len(res.Events) == 0 {
		p.r.skip(p.start, res.Skipped)
	}
}

// version gives an edited message its id and remembers the text read
// under each message id.
func (p *chatwootParser) version(ev *triage.Event, updated bool) {
	original := ev.ID
	known, ok := p.messages[original]
	switch {
	case !updated || !ok:
		// A message_updated of a message this stream has not seen keeps
		// the original id: the daemon skips it when the stored text is the
		// same, and keeps it, logging the clash, when the text changed.
	case known.text == ev.Text:
		ev.ID = known.id
	default:
		ev.ID = ChatwootEditID(original, ev.Text)
	}
	if !ok || updated {
		p.messages[original] = chatwootVersion{id: ev.ID, text: ev.Text}
	}
}

func (p *chatwootParser) finish() {
	if p.pending() {
		p.discarding = false
		p.buf = nil
		p.r.reject(p.start, "", "the input ends inside a JSON object")
	}
}

// jsonString encodes s as a JSON string value.
func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}
