package triage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Role is who wrote an event: the customer, a human agent, or a bot.
type Role string

// Roles an event can carry.
const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
	RoleBot      Role = "bot"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleCustomer || r == RoleAgent || r == RoleBot
}

// EventType is what happened in a conversation.
type EventType string

// Event types. Typing means the author started typing; Closed means the
// conversation ended.
const (
	TypeTyping  EventType = "typing"
	TypeMessage EventType = "message"
	TypeClosed  EventType = "closed"
)

// Valid reports whether t is one of the known event types.
func (t EventType) Valid() bool {
	return t == TypeTyping || t == TypeMessage || t == TypeClosed
}

// Customer is the personal identity a source attaches to a conversation.
// The store keeps only a keyed hash of it once redaction is on.
type Customer struct {
	Name   string `json:"name,omitempty"`
	Email  string `json:"email,omitempty"`
	Handle string `json:"handle,omitempty"`
}

// Empty reports whether no identity field is set.
func (c *Customer) Empty() bool {
	return c == nil || (c.Name == "" && c.Email == "" && c.Handle == "")
}

// Event is one chat event in the native JSON Lines form. Fields that the
// desk does not know are kept in Extra and written back unchanged.
type Event struct {
	ID           string    `json:"id,omitempty"`
	Conversation string    `json:"conversation"`
	At           time.Time `json:"at"`
	Role         Role      `json:"role"`
	Type         EventType `json:"type"`
	Text         string    `json:"text,omitempty"`
	Customer     *Customer `json:"customer,omitempty"`

	// Extra holds the unknown fields of the source object, by name.
	Extra map[string]json.RawMessage `json:"-"`
}

// knownEventFields are the JSON names that Event decodes itself.
var knownEventFields = map[string]bool{
	"id": true, "conversation": true, "at": true, "role": true,
	"type": true, "text": true, "customer": true,
}

// MarshalJSON writes the known fields followed by the kept unknown ones.
func (e Event) MarshalJSON() ([]byte, error) {
	if len(e.Extra) == 0 {
		if data, ok := e.appendKnownJSON(make([]byte, 0, 128+len(e.Text))); ok {
			return data, nil
		}
	}
	type plain Event
	known, err := json.Marshal(plain(e))
	if err != nil || len(e.Extra) == 0 {
		return known, err
	}
	merged := make(map[string]json.RawMessage, len(e.Extra)+7)
	for k, v := range e.Extra {
		if !knownEventFields[k] {
			merged[k] = v
		}
	}
	if err := json.Unmarshal(known, &merged); err != nil {
		return nil, err
	}
	return json.Marshal(merged)
}

// UnmarshalJSON decodes the known fields and keeps every other field in
// Extra. It does not validate; see Validate.
//
// It checks the syntax once and then reads the object in one pass. Some
// objects are left to encoding/json, which gives the same result and the
// same errors: those with a known field given twice, with a value of
// another JSON type, or under a name that differs only in case.
func (e *Event) UnmarshalJSON(data []byte) error {
	if json.Valid(data) {
		var ev Event
		if ev.decodeObject(data) {
			*e = ev
			return nil
		}
	}
	return e.unmarshalWithMap(data)
}

// unmarshalWithMap decodes data twice with encoding/json: into the known
// fields and into a map that keeps the unknown ones.
func (e *Event) unmarshalWithMap(data []byte) error {
	type plain Event
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	for k := range knownEventFields {
		delete(all, k)
	}
	*e = Event(p)
	if len(all) > 0 {
		e.Extra = all
	} else {
		e.Extra = nil
	}
	return nil
}

// FieldError is a validation failure of one named field of an event.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("field %q: %s", e.Field, e.Reason)
}

// Validate checks the fields every event needs and returns a *FieldError
// naming the first one that is missing or invalid.
func (e *Event) Validate() error {
	switch {
	case e.Conversation == "":
		return &FieldError{"conversation", "missing: every event needs the id of its conversation"}
	case len(e.Conversation) > MaxIDLength:
		return &FieldError{"conversation", fmt.Sprintf("longer than %d bytes", MaxIDLength)}
	case len(e.ID) > MaxIDLength:
		return &FieldError{"id", fmt.Sprintf("longer than %d bytes", MaxIDLength)}
	case e.At.IsZero():
		// 0001-01-01T00:00:00Z decodes to the same zero time as no value.
		return &FieldError{"at", "missing or year 1: give an RFC 3339 time with a UTC offset or Z"}
	case e.At.Year() < 1970 || e.At.Year() > 9000:
		return &FieldError{"at", fmt.Sprintf("year %d is out of range 1970-9000", e.At.Year())}
	case !e.Role.Valid():
		return &FieldError{"role", fmt.Sprintf("%q is not one of customer, agent, bot", e.Role)}
	case !e.Type.Valid():
		return &FieldError{"type", fmt.Sprintf("%q is not one of typing, message, closed", e.Type)}
	case e.Type == TypeMessage && len(e.Text) > MaxTextLength:
		return &FieldError{"text", fmt.Sprintf("longer than %d bytes", MaxTextLength)}
	}
	return nil
}

// Limits on event fields. Longer values are rejected with a FieldError so
// that one bad source cannot fill the database.
const (
	MaxIDLength   = 256
	MaxTextLength = 64 << 10
)

// DeriveID returns the identity of an event whose source gave none: a hash
// of conversation, timestamp, role, type and original text, and of how many
// identical tuples came earlier in the same stream (occurrence, from 0).
// Two identical "ok" messages in one second therefore get different ids,
// while piping the same file again reproduces the same ids.
func DeriveID(e *Event, occurrence int) string {
	h := sha256.New()
	var n [8]byte
	writeField := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	writeField(e.Conversation)
	writeField(e.At.UTC().Format(time.RFC3339Nano))
	writeField(string(e.Role))
	writeField(string(e.Type))
	writeField(e.Text)
	binary.BigEndian.PutUint64(n[:], uint64(occurrence))
	h.Write(n[:])
	return "h-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// TupleKey returns the string that DeriveID hashes, without the
// occurrence count, so that a reader can count identical earlier tuples.
func TupleKey(e *Event) string {
	return fmt.Sprintf("%d:%s|%s|%s|%s|%s", len(e.Conversation), e.Conversation,
		e.At.UTC().Format(time.RFC3339Nano), e.Role, e.Type, e.Text)
}

// SameContent reports whether two events with one id carry the same event.
func SameContent(a, b *Event) bool {
	return a.Conversation == b.Conversation && a.At.Equal(b.At) &&
		a.Role == b.Role && a.Type == b.Type && a.Text == b.Text
}
