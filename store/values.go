package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/triagedesk/triage/triage"
)

// appendEvent appends the stored form of e to buf. Extra fields keep
// their raw JSON.
func appendEvent(buf []byte, e *triage.StoredEvent) []byte {
	enc := encoder{buf: buf}
	enc.byte(formatEvent)
	enc.uint(e.Seq)
	enc.string(e.ID)
	enc.string(e.Conversation)
	enc.time(e.At)
	enc.string(string(e.Role))
	enc.string(string(e.Type))
	enc.string(e.Text)

	// A customer is marked with the bytes of customerField rather than a
	// flag byte, because CustomerEvents skips the stored events that do
	// not contain them.
	if c := e.Customer; c == nil {
		enc.byte(0)
	} else {
		enc.buf = append(enc.buf, customerField...)
		enc.string(c.Name)
		enc.string(c.Email)
		enc.string(c.Handle)
	}

	enc.count(len(e.Extra), e.Extra == nil)
	if len(e.Extra) > 0 {
		for _, k := range slices.Sorted(maps.Keys(e.Extra)) {
			enc.string(k)
			enc.bytes(e.Extra[k])
		}
	}

	enc.bool(e.Analysis != nil)
	if a := e.Analysis; a != nil {
		enc.float(a.Valence)
		enc.float(a.Negativity)
		enc.float(a.Frustration)
		enc.float(a.TypingSpeed)
		enc.float(a.SpeedRatio)
		enc.string(a.Language)
		enc.count(len(a.Reasons), a.Reasons == nil)
		for i := range a.Reasons {
			r := &a.Reasons[i]
			enc.string(r.Rule)
			enc.string(r.Text)
			enc.float(r.Weight)
			enc.count(len(r.Spans), r.Spans == nil)
			for _, s := range r.Spans {
				enc.int(int64(s.Start))
				enc.int(int64(s.End))
			}
		}
	}
	return enc.buf
}

// eventSizeHint is a capacity for the encoded form of e that is usually
// enough, so that appendEvent seldom grows its buffer.
func eventSizeHint(e *triage.StoredEvent) int {
	n := 64 + len(e.ID) + len(e.Conversation) + len(e.Text)
	if a := e.Analysis; a != nil {
		n += 48 + len(a.Language)
		for _, r := range a.Reasons {
			n += 16 + len(r.Rule) + len(r.Text) + 4*len(r.Spans)
		}
	}
	for k, v := range e.Extra {
		n += 4 + len(k) + len(v)
	}
	return n
}

// decodeEvent reads what appendEvent writes into e.
func decodeEvent(value []byte, e *triage.StoredEvent) error {
	d := newDecoder(value)
	d.format(formatEvent)
	e.Seq = d.uint()
	e.ID = d.string()
	e.Conversation = d.string()
	e.At = d.time()
	e.Role = triage.Role(d.string())
	e.Type = triage.EventType(d.string())
	e.Text = d.string()

	e.Customer = nil
	if d.marker(customerField) {
		e.Customer = &triage.Customer{Name: d.string(), Email: d.string(), Handle: d.string()}
	}

	e.Extra = nil
	if n, isNil := d.count(); !isNil {
		e.Extra = make(map[string]json.RawMessage, n)
		for range n {
			k := d.string()
			e.Extra[k] = d.bytes()
		}
	}

	e.Analysis = nil
	if d.bool() {
		a := &triage.Analysis{
			Valence:     d.float(),
			Negativity:  d.float(),
			Frustration: d.float(),
			TypingSpeed: d.float(),
			SpeedRatio:  d.float(),
			Language:    d.string(),
		}
		if n, isNil := d.count(); !isNil {
			a.Reasons = make([]triage.Reason, n)
			for i := range a.Reasons {
				r := &a.Reasons[i]
				r.Rule = d.string()
				r.Text = d.string()
				r.Weight = d.float()
				if m, isNil := d.count(); !isNil {
					r.Spans = make([]triage.Span, m)
					for j := range r.Spans {
						r.Spans[j] = triage.Span{Start: int(d.int()), End: int(d.int())}
					}
				}
			}
		}
		e.Analysis = a
	}
	if err := d.finish(); err != nil {
		return fmt.Errorf("decode event: %w", err)
	}
	return nil
}

// storedEventID returns the id of a stored event without decoding the rest.
func storedEventID(value []byte) (string, error) {
	d := newFieldDecoder(value)
	d.format(formatEvent)
	d.uint()
	id := d.string()
	if d.err != nil {
		return "", fmt.Errorf("decode event: %w", d.err)
	}
	return id, nil
}

// appendTicket appends the stored form of t to buf. The fields of the
// queue index come first, so that queueFields reads only those.
func appendTicket(buf []byte, t *triage.Ticket) []byte {
	enc := encoder{buf: buf}
	enc.byte(formatTicket)
	enc.string(t.ID)
	enc.string(string(t.Status))
	enc.int(int64(t.Priority))
	enc.timePtr(t.WaitingSince)

	enc.string(t.Conversation)
	enc.string(t.Queue)
	enc.float(t.Frustration)
	enc.stringList(t.Reasons)
	enc.string(t.LastCustomerMessage)
	enc.stringPtr(t.ClaimedBy)
	enc.string(t.EscalationReason)
	enc.floatList(t.Trend)
	enc.intMap(t.Streaks)
	enc.int(int64(t.CustomerTurns))
	enc.time(t.OpenedAt)
	enc.time(t.UpdatedAt)
	enc.timePtr(t.EscalatedAt)
	enc.timePtr(t.LastAgentAt)
	enc.string(t.CustomerHash)
	enc.uint(t.Version)
	enc.string(t.Script)
	enc.int(int64(t.ScriptVersion))
	enc.string(t.Step)

	enc.bool(t.ScriptState != nil)
	if s := t.ScriptState; s != nil {
		enc.string(s.Name)
		enc.int(int64(s.Version))
		enc.string(s.Step)
		enc.time(s.EnteredAt)
		enc.intMap(s.Visits)
		enc.int(int64(s.RepliesInStep))
		enc.stringList(s.Keywords)
		enc.bool(s.Finished)
		enc.timePtr(s.TimeoutAt)
		enc.bool(s.LimitReached)
		enc.count(len(s.Messages), s.Messages == nil)
		for _, m := range s.Messages {
			enc.time(m.At)
			enc.string(m.Step)
			enc.string(m.Kind)
			enc.string(m.Text)
		}
	}
	enc.stringList(t.Tags)
	enc.string(t.Incident)
	return enc.buf
}

// ticketSizeHint is a capacity for the encoded form of t that is usually
// enough, so that appendTicket seldom grows its buffer.
func ticketSizeHint(t *triage.Ticket) int {
	n := 160 + len(t.ID) + len(t.Conversation) + len(t.Queue) + len(t.LastCustomerMessage) +
		len(t.EscalationReason) + len(t.CustomerHash) + len(t.Script) + len(t.Step) + len(t.Incident) + 9*len(t.Trend)
	for _, r := range t.Reasons {
		n += 2 + len(r)
	}
	for k := range t.Streaks {
		n += 4 + len(k)
	}
	for _, tag := range t.Tags {
		n += 2 + len(tag)
	}
	if s := t.ScriptState; s != nil {
		n += 64 + len(s.Name) + len(s.Step)
		for _, m := range s.Messages {
			n += 24 + len(m.Step) + len(m.Kind) + len(m.Text)
		}
	}
	return n
}

// decodeTicket reads what appendTicket writes into t. The caller names the
// ticket in the error.
func decodeTicket(value []byte, t *triage.Ticket) error {
	d := newDecoder(value)
	format := d.formatOf(formatTicket, formatTicketV1)
	t.ID = d.string()
	t.Status = triage.Status(d.string())
	t.Priority = triage.Priority(d.int())
	t.WaitingSince = d.timePtr()

	t.Conversation = d.string()
	t.Queue = d.string()
	t.Frustration = d.float()
	t.Reasons = d.stringList()
	t.LastCustomerMessage = d.string()
	t.ClaimedBy = d.stringPtr()
	t.EscalationReason = d.string()
	t.Trend = d.floatList()
	t.Streaks = d.intMap()
	t.CustomerTurns = int(d.int())
	t.OpenedAt = d.time()
	t.UpdatedAt = d.time()
	t.EscalatedAt = d.timePtr()
	t.LastAgentAt = d.timePtr()
	t.CustomerHash = d.string()
	t.Version = d.uint()
	t.Script = d.string()
	t.ScriptVersion = int(d.int())
	t.Step = d.string()

	t.ScriptState = nil
	if d.bool() {
		s := &triage.ScriptState{
			Name:          d.string(),
			Version:       int(d.int()),
			Step:          d.string(),
			EnteredAt:     d.time(),
			Visits:        d.intMap(),
			RepliesInStep: int(d.int()),
			Keywords:      d.stringList(),
			Finished:      d.bool(),
			TimeoutAt:     d.timePtr(),
			LimitReached:  d.bool(),
		}
		if n, isNil := d.count(); !isNil {
			s.Messages = make([]triage.ScriptMessage, n)
			for i := range s.Messages {
				s.Messages[i] = triage.ScriptMessage{At: d.time(), Step: d.string(), Kind: d.string(), Text: d.string()}
			}
		}
		t.ScriptState = s
	}
	t.Tags = d.stringList()
	t.Incident = ""
	if format == formatTicket {
		t.Incident = d.string()
	}
	return d.finish()
}

// queueFields decodes only the fields of a stored ticket that its queue
// index keys are made of: ID, Status, Priority and WaitingSince. The
// caller names the ticket in the error.
func queueFields(value []byte) (*triage.Ticket, error) {
	d := newFieldDecoder(value)
	d.formatOf(formatTicket, formatTicketV1)
	t := &triage.Ticket{
		ID:     d.string(),
		Status: triage.Status(d.string()),
	}
	t.Priority = triage.Priority(d.int())
	t.WaitingSince = d.timePtr()
	if d.err != nil {
		return nil, d.err
	}
	return t, nil
}

// appendConversation appends the stored form of c to buf. The scorer
// state is kept as the bytes the engine gave.
func appendConversation(buf []byte, c *triage.Conversation) []byte {
	enc := encoder{buf: buf}
	enc.byte(formatConversation)
	enc.string(c.ID)
	enc.string(c.Ticket)
	enc.time(c.LastAt)
	enc.int(int64(c.Events))
	enc.bytes(c.ScorerState)
	return enc.buf
}

// decodeConversation reads what appendConversation writes into c. The
// caller names the conversation in the error.
func decodeConversation(value []byte, c *triage.Conversation) error {
	d := newDecoder(value)
	d.format(formatConversation)
	c.ID = d.string()
	c.Ticket = d.string()
	c.LastAt = d.time()
	c.Events = int(d.int())
	c.ScorerState = d.bytes()
	return d.finish()
}
