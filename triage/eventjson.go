package triage

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// decodeObject reads data, which must be valid JSON, into e in one pass
// and reports whether it could. It returns false, leaving e partly set,
// for the input it leaves to encoding/json:
//   - data that is not an object,
//   - a key that is escaped or not valid UTF-8,
//   - a known field given twice, or with a value of another JSON type
//     (null included),
//   - a key that matches a known field only when case is ignored, which
//     encoding/json would decode into that field.
func (e *Event) decodeObject(data []byte) bool {
	i := skipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	var seen uint8
	for data[i] != '}' {
		keyEnd, escaped := stringEnd(data, i)
		key := data[i+1 : keyEnd-1]
		if escaped || !utf8.Valid(key) {
			return false
		}
		i = skipSpace(data, keyEnd) + 1 // the colon
		i = skipSpace(data, i)
		end := valueEnd(data, i)
		value := data[i:end]
		i = skipSpace(data, end)
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}

		field := knownFieldIndex(key)
		if field < 0 {
			if foldsToKnownField(key) {
				return false
			}
			if e.Extra == nil {
				e.Extra = make(map[string]json.RawMessage)
			}
			e.Extra[string(key)] = bytes.Clone(value)
			continue
		}
		if seen&(1<<field) != 0 {
			return false
		}
		seen |= 1 << field
		if !e.setField(field, value) {
			return false
		}
	}
	return true
}

// Indexes of Event's JSON fields in eventFieldNames.
const (
	fieldID = iota
	fieldConversation
	fieldAt
	fieldRole
	fieldType
	fieldText
	fieldCustomer
)

// eventFieldNames are the JSON names of Event's fields.
var eventFieldNames = [...]string{"id", "conversation", "at", "role", "type", "text", "customer"}

func knownFieldIndex(key []byte) int {
	for i, name := range eventFieldNames {
		if string(key) == name {
			return i
		}
	}
	return -1
}

// foldsToKnownField reports whether encoding/json would match key to a
// known field although it is not one of the exact names. It matches names
// with bytes.EqualFold, which folds Unicode case as well as ASCII.
func foldsToKnownField(key []byte) bool {
	for _, name := range eventFieldNames {
		if bytes.EqualFold(key, []byte(name)) {
			return true
		}
	}
	return false
}

// setField decodes value into the field with the given index and reports
// whether it could.
func (e *Event) setField(field int, value []byte) bool {
	if field == fieldCustomer {
		if value[0] != '{' {
			return false
		}
		var c Customer
		if json.Unmarshal(value, &c) != nil {
			return false
		}
		e.Customer = &c
		return true
	}
	if value[0] != '"' {
		return false
	}
	if field == fieldAt {
		return e.At.UnmarshalJSON(value) == nil
	}
	s, ok := jsonString(value)
	if !ok {
		return false
	}
	switch field {
	case fieldID:
		e.ID = s
	case fieldConversation:
		e.Conversation = s
	case fieldRole:
		e.Role = Role(s)
	case fieldType:
		e.Type = EventType(s)
	case fieldText:
		e.Text = s
	}
	return true
}

// jsonString returns the text of a JSON string. Only a string with
// escapes or with bytes that are not valid UTF-8, which encoding/json
// replaces with U+FFFD, goes through encoding/json.
func jsonString(value []byte) (string, bool) {
	inner := value[1 : len(value)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	if err := json.Unmarshal(value, &s); err != nil {
		return "", false
	}
	return s, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index after the closing quote of the JSON string
// that starts at data[i], and whether the string contains an escape.
func stringEnd(data []byte, i int) (end int, escaped bool) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return len(data), escaped
}

// valueEnd returns the index after the JSON value that starts at data[i].
// data must be valid JSON.
func valueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		end, _ := stringEnd(data, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, _ := stringEnd(data, j)
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	default:
		j := i
		for j < len(data) {
			switch data[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return j
			}
			j++
		}
		return j
	}
}

// appendKnownJSON appends the JSON object of e's known fields to buf, as
// encoding/json writes it, and reports whether it could. It cannot for a
// time that has no RFC 3339 form, which encoding/json reports as an error.
func (e *Event) appendKnownJSON(buf []byte) ([]byte, bool) {
	buf = append(buf, '{')
	if e.ID != "" {
		buf = append(buf, `"id":`...)
		buf = appendJSONString(buf, e.ID)
		buf = append(buf, ',')
	}

	buf = append(buf, `"conversation":`...)
	buf = appendJSONString(buf, e.Conversation)
	buf = append(buf, `,"at":`...)
	at, err := e.At.MarshalJSON()
	if err != nil {
		return nil, false
	}
	buf = append(buf, at...)

	buf = append(buf, `,"role":`...)
	buf = appendJSONString(buf, string(e.Role))
	buf = append(buf, `,"type":`...)
	buf = appendJSONString(buf, string(e.Type))
	if e.Text != "" {
		buf = append(buf, `,"text":`...)
		buf = appendJSONString(buf, e.Text)
	}

	if c := e.Customer; c != nil {
		buf = append(buf, `,"customer":{`...)
		sep := ""
		for _, f := range [...]struct{ name, value string }{{"name", c.Name}, {"email", c.Email}, {"handle", c.Handle}} {
			if f.value == "" {
				continue
			}
			buf = append(buf, sep...)
			buf = append(buf, '"')
			buf = append(buf, f.name...)
			buf = append(buf, `":`...)
			buf = appendJSONString(buf, f.value)
			sep = ","
		}
		buf = append(buf, '}')
	}
	return append(buf, '}'), true
}

// appendJSONString appends s as a JSON string, as json.Marshal writes it.
// A string of printable ASCII without the characters that encoding/json
// escapes (quote, backslash and, for HTML, <, > and &) is copied as it
// is. Any other string goes through json.Marshal.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always encodes
			return append(buf, quoted...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
