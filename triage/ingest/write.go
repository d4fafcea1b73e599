package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// WriteTranscript writes events as a plain-text transcript of conversation
// conv that a Reader reads back into events with the same conversation,
// time, role, type and text.
//
// Every timestamp is a full RFC 3339 time in UTC, so the transcript needs
// no date or zone header. A message's further lines are indented so that
// they always read as continuation lines. The transcript form keeps less
// than an event. These parts are lost: ids, the text of typing and closed
// events, white space at the ends of each text line, blank lines inside a
// text, the customer's email, and Extra fields other than the speaker. A customer's name is written as "Customer (name)", and a
// handle without a name as an IRC "<handle>".
//
// It returns an error, before writing anything, when conv is empty or
// spans lines, or an event belongs to another conversation, has an unknown
// role or type, or has a NUL byte in its text.
func WriteTranscript(w io.Writer, conv string, events []triage.Event) error {
	if err := checkTranscript(conv, events); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# conversation: %s\n", conv)
	for i := range events {
		writeTranscriptEvent(bw, &events[i])
	}
	return bw.Flush()
}

func checkTranscript(conv string, events []triage.Event) error {
	if strings.TrimSpace(conv) != conv || conv == "" || strings.ContainsAny(conv, "\r\n") {
		return fmt.Errorf("invalid conversation id %q: it must be non-empty, on one line, without white space at its ends", conv)
	}
	for i := range events {
		ev := &events[i]
		switch {
		case ev.Conversation != "" && ev.Conversation != conv:
			return fmt.Errorf("event %d belongs to conversation %q, not %q", i, ev.Conversation, conv)
		case !ev.Role.Valid():
			return fmt.Errorf("event %d: invalid role %q", i, ev.Role)
		case !ev.Type.Valid():
			return fmt.Errorf("event %d: invalid type %q", i, ev.Type)
		case ev.At.IsZero():
			return fmt.Errorf("event %d: missing time", i)
		case strings.IndexByte(ev.Text, 0) >= 0:
			return fmt.Errorf("event %d: text contains a NUL byte, which a transcript cannot hold", i)
		}
	}
	return nil
}

func writeTranscriptEvent(w *bufio.Writer, ev *triage.Event) {
	fmt.Fprintf(w, "[%s] ", ev.At.UTC().Format(time.RFC3339Nano))
	switch ev.Type {
	case triage.TypeTyping:
		fmt.Fprintf(w, "%s is typing\n", plainSpeaker(ev))
	case triage.TypeClosed:
		if ev.Role == triage.RoleAgent {
			w.WriteString("Conversation closed\n")
		} else {
			fmt.Fprintf(w, "Conversation closed by %s\n", plainSpeaker(ev))
		}
	default:
		var lines []string
		for _, line := range strings.Split(ev.Text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				lines = append(lines, line)
			}
		}
		first := ""
		if len(lines) > 0 {
			first = lines[0]
			lines = lines[1:]
		}
		if handle := nickSpeaker(ev); handle != "" {
			fmt.Fprintf(w, "<%s> %s\n", handle, first)
		} else {
			fmt.Fprintf(w, "%s: %s\n", messageSpeaker(ev), first)
		}
		for _, line := range lines {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}

// messageSpeaker returns the speaker of a message: the one the event was
// read with when that gives back its role and customer, else one made from
// its role and customer name.
func messageSpeaker(ev *triage.Event) string {
	var original string
	if raw, ok := ev.Extra["speaker"]; ok && json.Unmarshal(raw, &original) == nil && safeSpeaker(original) {
		role, customer := speakerRole(original, false)
		if role == ev.Role && sameCustomerName(customer, ev.Customer) {
			return original
		}
	}
	return plainSpeaker(ev)
}

// plainSpeaker returns Agent, Bot, Customer or "Customer (name)".
func plainSpeaker(ev *triage.Event) string {
	switch ev.Role {
	case triage.RoleAgent:
		return "Agent"
	case triage.RoleBot:
		return "Bot"
	}
	if ev.Customer != nil && ev.Customer.Name != "" {
		if name := ev.Customer.Name; safeSpeaker(name) && !strings.ContainsAny(name, "()") {
			return "Customer (" + name + ")"
		}
	}
	return "Customer"
}

// nickSpeaker returns the handle of a customer known only by a handle,
// when it can be written as an IRC "<handle>".
func nickSpeaker(ev *triage.Event) string {
	c := ev.Customer
	if ev.Role != triage.RoleCustomer || c == nil || c.Name != "" || c.Handle == "" {
		return ""
	}
	if !safeSpeaker(c.Handle) || strings.ContainsAny(c.Handle, "<> \t") {
		return ""
	}
	return c.Handle
}

// safeSpeaker reports whether a name reads back as the same speaker.
func safeSpeaker(name string) bool {
	return name != "" && len(name) <= maxSpeakerBytes && strings.TrimSpace(name) == name &&
		!strings.ContainsAny(name, ":<>*\r\n\x00") && !strings.HasPrefix(name, "#")
}

func sameCustomerName(a, b *triage.Customer) bool {
	nameOf := func(c *triage.Customer) string {
		if c == nil {
			return ""
		}
		return c.Name
	}
	return nameOf(a) == nameOf(b)
}
