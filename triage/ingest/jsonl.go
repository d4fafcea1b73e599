package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// jsonParser reads native JSON Lines: one event object a line.
type jsonParser struct {
	r *Reader
}

func (p *jsonParser) pending() bool { return false }
func (p *jsonParser) finish()       {}

func (p *jsonParser) parse(number int, text []byte) {
	trimmed := bytes.TrimLeft(text, " \t")
	indent := len(text) - len(trimmed)
	trimmed = bytes.TrimRight(trimmed, " \t")
	if len(trimmed) == 0 {
		return
	}
	ev, field, reason := decodeEvent(trimmed, indent)
	if reason != "" {
		p.r.reject(number, field, reason)
		return
	}
	if ev.Conversation == "" && p.r.opts.Conversation != "" {
		ev.Conversation = p.r.opts.Conversation
	}
	p.r.accept(ev, number)
}

// eventFieldOrder lists the fields of a native event in the order they are
// checked, so that a line with several bad fields always gets the same
// error.
var eventFieldOrder = []string{"id", "conversation", "at", "role", "type", "text", "customer"}

// decodeEvent decodes one JSON object into an event. On failure it returns
// the field at fault (empty for a syntax error) and the reason. indent is
// the number of bytes trimmed before line, so that columns count from the
// start of the input line.
func decodeEvent(line []byte, indent int) (ev *triage.Event, field, reason string) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(line, &fields); err != nil {
		return nil, "", jsonSyntaxReason(err, indent)
	}
	if fields == nil {
		return nil, "", "expected a JSON object {...}, found null"
	}
	ev = &triage.Event{}
	for _, name := range eventFieldOrder {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		delete(fields, name)
		var reason string
		switch name {
		case "id":
			ev.ID, reason = decodeIdentifier(raw)
		case "conversation":
			ev.Conversation, reason = decodeIdentifier(raw)
		case "at":
			ev.At, reason = decodeTime(raw)
		case "role":
			var s string
			s, reason = decodeString(raw)
			ev.Role = triage.Role(s)
		case "type":
			var s string
			s, reason = decodeString(raw)
			ev.Type = triage.EventType(s)
		case "text":
			ev.Text, reason = decodeString(raw)
		case "customer":
			var sub string
			ev.Customer, sub, reason = decodeCustomer(raw)
			if sub != "" {
				name += "." + sub
			}
		}
		if reason != "" {
			return nil, name, reason
		}
	}
	if len(fields) > 0 {
		ev.Extra = fields
	}
	return ev, "", ""
}

// jsonSyntaxReason describes why a line is not a JSON object.
func jsonSyntaxReason(err error, indent int) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		// Offset counts the bytes read before the error, so the byte at
		// fault is number Offset, counted from 1.
		column := int(syntax.Offset) + indent
		if column < 1 {
			column = 1
		}
		return fmt.Sprintf("invalid JSON at column %d: %s", column, syntax.Error())
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("expected a JSON object {...}, found %s", typeErr.Value)
	}
	return "invalid JSON: " + err.Error()
}

// jsonKind names the kind of a JSON value for error messages.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// decodeString decodes a JSON string; null counts as "".
func decodeString(raw json.RawMessage) (string, string) {
	if isNull(raw) {
		return "", ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Sprintf("must be a string, found %s", jsonKind(raw))
	}
	return s, ""
}

// decodeIdentifier decodes an id: a string, or an integer that is kept as
// its decimal text because many systems number their records.
func decodeIdentifier(raw json.RawMessage) (string, string) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil && !isNull(raw) {
		s := n.String()
		if strings.ContainsAny(s, ".eE") {
			return "", "must be a string or an integer, found " + s
		}
		return s, ""
	}
	return decodeString(raw)
}

// decodeTime decodes an RFC 3339 time that carries a UTC offset or Z.
func decodeTime(raw json.RawMessage) (time.Time, string) {
	if isNull(raw) {
		return time.Time{}, ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, fmt.Sprintf(
			"must be an RFC 3339 time string such as \"2026-03-02T14:05:09Z\", found %s", jsonKind(raw))
	}
	return parseRFC3339(s)
}

// parseRFC3339 parses s as an RFC 3339 time. It also takes a space in place
// of the "T", which RFC 3339 section 5.6 allows. A time without a UTC
// offset is rejected with advice, because guessing the zone would shift the
// event by hours.
func parseRFC3339(s string) (time.Time, string) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, ""
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04", "2006-01-02 15:04"} {
		if _, err := time.Parse(layout, s); err == nil {
			return time.Time{}, "time has no UTC offset; add Z or +02:00"
		}
	}
	return time.Time{}, fmt.Sprintf(
		"invalid time %q: give an RFC 3339 time with a UTC offset, such as \"2026-03-02T14:05:09Z\"", s)
}

// decodeCustomer decodes the customer object; null or an object with no
// identity field gives nil. Fields other than name, email and handle are
// dropped. On failure it returns the name of the bad field inside the
// object, if any, and the reason.
func decodeCustomer(raw json.RawMessage) (*triage.Customer, string, string) {
	if isNull(raw) {
		return nil, "", ""
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, "", fmt.Sprintf(
			"must be an object such as {\"name\":\"Ada\",\"email\":\"ada@example.com\"}, found %s", jsonKind(raw))
	}
	c := &triage.Customer{}
	for _, name := range []string{"name", "email", "handle"} {
		value, ok := fields[name]
		if !ok {
			continue
		}
		var reason string
		switch name {
		case "name":
			c.Name, reason = decodeString(value)
		case "email":
			c.Email, reason = decodeString(value)
		case "handle":
			c.Handle, reason = decodeString(value)
		}
		if reason != "" {
			return nil, name, reason
		}
	}
	if c.Empty() {
		return nil, "", ""
	}
	return c, "", ""
}
