package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// utc is a shorthand for a time on 2026-03-DD in UTC.
func utc(day, hour, minute, second int) time.Time {
	return time.Date(2026, 3, day, hour, minute, second, 0, time.UTC)
}

func TestTranscriptTimestampForms(t *testing.T) {
	tests := []struct {
		stamp string
		want  time.Time
	}{
		{"[2026-03-02 14:05:09]", utc(2, 14, 5, 9)},
		{"[14:05:09]", utc(2, 14, 5, 9)},
		{"[14:05]", utc(2, 14, 5, 0)},
		{"[9:05]", utc(2, 9, 5, 0)},
		{"(2:05:09 PM)", utc(2, 14, 5, 9)},
		{"(2:05 pm)", utc(2, 14, 5, 0)},
		{"(12:05:09 AM)", utc(2, 0, 5, 9)},
		{"(12:05:09 PM)", utc(2, 12, 5, 9)},
		{"(02:05:09PM)", utc(2, 14, 5, 9)},
		{"[2026-03-02T14:05:09Z]", utc(2, 14, 5, 9)},
		{"[2026-03-02T16:05:09+02:00]", utc(2, 14, 5, 9)},
		{"[2026-03-02 14:05:09 UTC]", utc(2, 14, 5, 9)},
		{"[2026-03-02T14:05:09]", utc(2, 14, 5, 9)},
		{"[2026-03-03 01:00]", utc(3, 1, 0, 0)},
		{"[14:05:09.250]", utc(2, 14, 5, 9).Add(250 * time.Millisecond)},
		{"[ 14:05:09 ]", utc(2, 14, 5, 9)},
	}
	for _, tt := range tests {
		input := "# date: 2026-03-02\n" + tt.stamp + " Customer: hi\n"
		items := readAll(t, input, Options{Source: "c.txt"})
		if len(items) != 1 || items[0].Err != nil {
			t.Errorf("%s: %+v, want one event", tt.stamp, items)
			continue
		}
		if got := items[0].Event.At; !got.Equal(tt.want) {
			t.Errorf("%s: at = %v, want %v", tt.stamp, got, tt.want)
		}
	}
}

func TestTranscriptBadTimestamps(t *testing.T) {
	tests := []struct {
		stamp  string
		reason string
	}{
		{"[25:00]", "hour must be 0 to 23"},
		{"[14:60]", "minute must be 0 to 59"},
		{"[14:05:61]", "second must be 0 to 59"},
		{"(13:05 PM)", "12-hour time"},
		{"(0:05 AM)", "12-hour time"},
		{"[2026-02-30 14:05]", "2026-02-30 is not a date"},
		{"[2026-13-01 14:05]", "month 13"},
		{"[14:05+25:00]", "offset is out of range"},
	}
	for _, tt := range tests {
		input := "# date: 2026-03-02\n" + tt.stamp + " Customer: hi\n"
		items := readAll(t, input, Options{Source: "c.txt"})
		if len(items) != 1 || items[0].Err == nil {
			t.Errorf("%s: %+v, want one rejection", tt.stamp, items)
			continue
		}
		if err := items[0].Err; err.Field != "time" || !strings.Contains(err.Reason, tt.reason) || err.Line != 2 {
			t.Errorf("%s: %v, want line 2, field time, reason containing %q", tt.stamp, err, tt.reason)
		}
	}
}

func TestTranscriptSpeakers(t *testing.T) {
	tests := []struct {
		line     string
		role     triage.Role
		customer *triage.Customer
		text     string
	}{
		{"[14:05] Customer: hi", triage.RoleCustomer, nil, "hi"},
		{"[14:05] customer: hi", triage.RoleCustomer, nil, "hi"},
		{"[14:05] Visitor: hi", triage.RoleCustomer, nil, "hi"},
		{"[14:05] User: hi", triage.RoleCustomer, nil, "hi"},
		{"[14:05] Client: hi", triage.RoleCustomer, nil, "hi"},
		{"[14:05] Customer (Jane): hi", triage.RoleCustomer, &triage.Customer{Name: "Jane"}, "hi"},
		{"[14:05] Jane Doe: hi", triage.RoleCustomer, &triage.Customer{Name: "Jane Doe"}, "hi"},
		{"[14:05] Agent: hi", triage.RoleAgent, nil, "hi"},
		{"[14:05] AGENT (Ana): hi", triage.RoleAgent, nil, "hi"},
		{"[14:05] Support: hi", triage.RoleAgent, nil, "hi"},
		{"[14:05] support (Tier 2): hi", triage.RoleAgent, nil, "hi"},
		{"[14:05] Bot: hi", triage.RoleBot, nil, "hi"},
		{"[14:05] bot (Helper): hi", triage.RoleBot, nil, "hi"},
		{"[14:05] Customer: see https://example.com/a:b", triage.RoleCustomer, nil, "see https://example.com/a:b"},
		{"[14:05] Customer:no space", triage.RoleCustomer, nil, "no space"},
		{"[14:05] Customer:", triage.RoleCustomer, nil, ""},
		{"[14:05] <nick_1> it broke", triage.RoleCustomer, &triage.Customer{Handle: "nick_1"}, "it broke"},
		{"[14:05]  * nick_1 is frustrated!", triage.RoleCustomer, &triage.Customer{Handle: "nick_1"}, "is frustrated!"},
	}
	for _, tt := range tests {
		items := readAll(t, "# date: 2026-03-02\n"+tt.line, Options{Source: "c.txt"})
		if len(items) != 1 || items[0].Err != nil {
			t.Errorf("%s: %+v, want one event", tt.line, items)
			continue
		}
		ev := items[0].Event
		if ev.Role != tt.role || ev.Type != triage.TypeMessage || ev.Text != tt.text {
			t.Errorf("%s: role %s, type %s, text %q; want %s, message, %q", tt.line, ev.Role, ev.Type, ev.Text, tt.role, tt.text)
		}
		switch {
		case tt.customer == nil && ev.Customer != nil:
			t.Errorf("%s: customer = %+v, want none", tt.line, ev.Customer)
		case tt.customer != nil && (ev.Customer == nil || *ev.Customer != *tt.customer):
			t.Errorf("%s: customer = %+v, want %+v", tt.line, ev.Customer, tt.customer)
		}
	}
}

func TestTranscriptSpeakerKept(t *testing.T) {
	items := readAll(t, "# date: 2026-03-02\n[14:05] Agent (Ana): hi", Options{Source: "c.txt"})
	if got := string(items[0].Event.Extra["speaker"]); got != `"Agent (Ana)"` {
		t.Errorf("speaker = %s, want \"Agent (Ana)\"", got)
	}
}

func TestTranscriptMissingSpeaker(t *testing.T) {
	for _, line := range []string{"[14:05] no colon here", "[14:05] : empty speaker", "[14:05]"} {
		items := readAll(t, "# date: 2026-03-02\n"+line+"\n  continued\n[14:06] Agent: ok", Options{Source: "c.txt"})
		events, rejects := splitItems(items)
		if len(rejects) != 1 || rejects[0].Line != 2 || rejects[0].Err.Field != "speaker" {
			t.Errorf("%q: rejects = %+v, want line 2 rejected for its speaker", line, rejects)
		}
		if len(events) != 1 || events[0].Line != 4 {
			t.Errorf("%q: events = %+v, want only line 4", line, events)
		}
	}
}

func TestTranscriptTypingAndClosed(t *testing.T) {
	input := `# date: 2026-03-02
[14:05:01] Customer is typing…
[14:05:02] Customer is typing...
[14:05:03] Agent (Ana) started typing
[14:05:04] customer is typing
[14:06:00] Conversation closed
[14:06:01] Chat ended by Customer
[14:06:02] The chat has ended.
[14:06:03] --- closed ---
[14:06:04] Customer: hello
--- conversation closed ---
*** Chat ended ***
`
	items := readAll(t, input, Options{Source: "c.txt"})
	type want struct {
		line int
		typ  triage.EventType
		role triage.Role
		at   time.Time
	}
	wants := []want{
		{2, triage.TypeTyping, triage.RoleCustomer, utc(2, 14, 5, 1)},
		{3, triage.TypeTyping, triage.RoleCustomer, utc(2, 14, 5, 2)},
		{4, triage.TypeTyping, triage.RoleAgent, utc(2, 14, 5, 3)},
		{5, triage.TypeTyping, triage.RoleCustomer, utc(2, 14, 5, 4)},
		{6, triage.TypeClosed, triage.RoleAgent, utc(2, 14, 6, 0)},
		{7, triage.TypeClosed, triage.RoleCustomer, utc(2, 14, 6, 1)},
		{8, triage.TypeClosed, triage.RoleAgent, utc(2, 14, 6, 2)},
		{9, triage.TypeClosed, triage.RoleAgent, utc(2, 14, 6, 3)},
		{10, triage.TypeMessage, triage.RoleCustomer, utc(2, 14, 6, 4)},
		{11, triage.TypeClosed, triage.RoleAgent, utc(2, 14, 6, 4)},
		{12, triage.TypeClosed, triage.RoleAgent, utc(2, 14, 6, 4)},
	}
	if len(items) != len(wants) {
		t.Fatalf("got %d items, want %d: %+v", len(items), len(wants), items)
	}
	for i, w := range wants {
		item := items[i]
		if item.Err != nil {
			t.Errorf("line %d rejected: %v", item.Line, item.Err)
			continue
		}
		ev := item.Event
		if item.Line != w.line || ev.Type != w.typ || ev.Role != w.role || !ev.At.Equal(w.at) {
			t.Errorf("item %d = line %d %s %s %v; want line %d %s %s %v", i, item.Line, ev.Type, ev.Role, ev.At, w.line, w.typ, w.role, w.at)
		}
	}
	if items[8].Event.Text != "hello" {
		t.Errorf("message text = %q; a closing line must not continue it", items[9].Event.Text)
	}
}

func TestTranscriptClosedWithoutEarlierTime(t *testing.T) {
	items := readAll(t, "# conversation: c\n--- closed ---\n", Options{})
	if len(items) != 1 || items[0].Err == nil || items[0].Err.Field != "time" {
		t.Errorf("items = %+v, want the closing line rejected for want of a time", items)
	}
}

func TestTranscriptContinuationLines(t *testing.T) {
	input := "# date: 2026-03-02\r\n" +
		"[14:05:09] Customer: it still fails\r\n" +
		"and the app closes\r\n" +
		"\r\n" +
		"    (sorry for the caps)   \r\n" +
		"[done] is what it says\r\n" +
		"[14:06:00] Agent: which version?\r\n" +
		"[14:06:30] Customer:\n" +
		"  4.2\n"
	items := readAll(t, input, Options{Source: "c.txt"})
	events, rejects := splitItems(items)
	if len(rejects) != 0 {
		t.Fatalf("rejected: %v", rejects[0].Err)
	}
	if len(events) != 3 {
		t.Fatalf("got %d events, want 3", len(events))
	}
	want := "it still fails\nand the app closes\n(sorry for the caps)\n[done] is what it says"
	if events[0].Event.Text != want || events[0].Line != 2 {
		t.Errorf("first event = line %d %q, want line 2 %q", events[0].Line, events[0].Event.Text, want)
	}
	if events[1].Event.Text != "which version?" || events[1].Line != 7 {
		t.Errorf("second event = line %d %q", events[1].Line, events[1].Event.Text)
	}
	if events[2].Event.Text != "4.2" || events[2].Line != 8 {
		t.Errorf("third event = line %d %q, want line 8 \"4.2\"", events[2].Line, events[2].Event.Text)
	}
}

func TestTranscriptContinuationWithoutMessage(t *testing.T) {
	input := "# date: 2026-03-02\nstray text\n[14:05] Customer is typing\nmore stray text\n"
	items := readAll(t, input, Options{Source: "c.txt"})
	events, rejects := splitItems(items)
	if got := lineNumbers(rejects); !equalInts(got, []int{2, 4}) {
		t.Errorf("rejected lines = %v, want [2 4]", got)
	}
	if len(events) != 1 || events[0].Event.Type != triage.TypeTyping {
		t.Errorf("events = %+v, want the typing event", events)
	}
}

func TestTranscriptRejectionsKeepLineOrder(t *testing.T) {
	long := strings.Repeat("x", 300)
	input := "# date: 2026-03-02\n[14:05] Customer: start\n" + long + "\nstill the message\n[14:06] Agent: ok\n"
	items := readAll(t, input, Options{Source: "c.txt", MaxLineBytes: 200})
	if got := lineNumbers(items); !equalInts(got, []int{2, 3, 5}) {
		t.Errorf("item lines = %v, want [2 3 5]", got)
	}
	if items[0].Event == nil || items[0].Event.Text != "start\nstill the message" {
		t.Errorf("first item = %+v, want the message with its continuation", items[0])
	}
	if items[1].Err == nil {
		t.Errorf("over-long line 3 accepted")
	}
}

func TestTranscriptDateRollover(t *testing.T) {
	input := "# date: 2026-03-02\n[23:58:00] Customer: late\n[23:59:59] Agent: still here\n[00:00:01] Customer: past midnight\n[00:00:01] Customer: same second\n[23:00] Customer: next evening?\n[01:00] Agent: third day\n"
	items := readAll(t, input, Options{Source: "c.txt"})
	wants := []time.Time{utc(2, 23, 58, 0), utc(2, 23, 59, 59), utc(3, 0, 0, 1), utc(3, 0, 0, 1), utc(3, 23, 0, 0), utc(4, 1, 0, 0)}
	if len(items) != len(wants) {
		t.Fatalf("got %d items, want %d", len(items), len(wants))
	}
	for i, want := range wants {
		if items[i].Err != nil {
			t.Errorf("line %d rejected: %v", items[i].Line, items[i].Err)
			continue
		}
		if got := items[i].Event.At; !got.Equal(want) {
			t.Errorf("line %d: at = %v, want %v", items[i].Line, got, want)
		}
	}
}

func TestTranscriptDateFromDatedLine(t *testing.T) {
	input := "[2026-03-02 23:59:00] Customer: hi\n[00:01:00] Agent: hello\n# date: 2026-03-10\n[08:00] Customer: back\n"
	items := readAll(t, input, Options{Source: "c.txt"})
	wants := []time.Time{utc(2, 23, 59, 0), utc(3, 0, 1, 0), utc(10, 8, 0, 0)}
	for i, want := range wants {
		if items[i].Err != nil || !items[i].Event.At.Equal(want) {
			t.Errorf("item %d = %+v, want at %v", i, items[i], want)
		}
	}
}

func TestTranscriptTimeWithoutDate(t *testing.T) {
	items := readAll(t, "[14:05:09] Customer: hi\n  more\n[2026-03-02 14:06] Agent: ok\n", Options{Source: "c.txt"})
	events, rejects := splitItems(items)
	if len(rejects) != 1 {
		t.Fatalf("rejects = %+v, want one", rejects)
	}
	err := rejects[0].Err
	if err.Line != 1 || err.Field != "time" || !strings.Contains(err.Reason, `"# date: 2026-03-02"`) {
		t.Errorf("rejection = %v, want line 1 with advice to add a date header", err)
	}
	if len(events) != 1 || events[0].Line != 3 || events[0].Event.Text != "ok" {
		t.Errorf("events = %+v, want line 3 only", events)
	}
}

func TestTranscriptTimezone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	body := "[14:05:09] Customer: hi\n[2026-03-02T14:05:09Z] Agent: explicit offset wins\n"
	tests := []struct {
		name   string
		header string
		loc    *time.Location
		want   time.Time
	}{
		{"default UTC", "", nil, utc(2, 14, 5, 9)},
		{"header", "# timezone: Europe/Berlin\n", nil, utc(2, 13, 5, 9)},
		{"tz alias", "# tz: Europe/Berlin\n", nil, utc(2, 13, 5, 9)},
		{"offset header", "# timezone: -05:00\n", nil, utc(2, 19, 5, 9)},
		{"option", "", berlin, utc(2, 13, 5, 9)},
		{"option wins over header", "# timezone: America/New_York\n", berlin, utc(2, 13, 5, 9)},
	}
	for _, tt := range tests {
		input := "# date: 2026-03-02\n" + tt.header + body
		items := readAll(t, input, Options{Source: "c.txt", Location: tt.loc})
		events, rejects := splitItems(items)
		if len(rejects) != 0 || len(events) != 2 {
			t.Errorf("%s: %+v", tt.name, items)
			continue
		}
		if got := events[0].Event.At; !got.Equal(tt.want) {
			t.Errorf("%s: at = %v, want %v", tt.name, got, tt.want)
		}
		if got := events[1].Event.At; !got.Equal(utc(2, 14, 5, 9)) {
			t.Errorf("%s: explicit offset gave %v", tt.name, got)
		}
		if events[0].Event.At.Location() != time.UTC {
			t.Errorf("%s: at is in %v, want UTC", tt.name, events[0].Event.At.Location())
		}
	}
}

func TestTranscriptTimezoneInvalid(t *testing.T) {
	items := readAll(t, "# date: 2026-03-02\n# timezone: Mars/Olympus\n[14:05] Customer: hi\n", Options{Source: "c.txt"})
	if items[0].Err == nil || items[0].Err.Field != "timezone" || items[0].Err.Line != 2 {
		t.Errorf("first item = %+v, want line 2 rejected for its time zone", items[0])
	}
	// Reading the time in UTC would shift it silently by the missing zone.
	if items[1].Err == nil || items[1].Err.Field != "time" || !strings.Contains(items[1].Err.Reason, "line 2 is invalid") {
		t.Errorf("second item = %+v, want its time rejected for the invalid header on line 2", items[1])
	}
}

func TestTranscriptDateHeaderInvalid(t *testing.T) {
	items := readAll(t, "# date: 02/03/2026\n[14:05] Customer: hi\n", Options{Source: "c.txt"})
	if items[0].Err == nil || items[0].Err.Field != "date" || !strings.Contains(items[0].Err.Reason, "YYYY-MM-DD") {
		t.Errorf("first item = %+v, want the date header rejected", items[0])
	}
}

func TestTranscriptConversationID(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		opts   Options
		want   string
		reject string
	}{
		{"file name", "", Options{Source: "/tmp/chats/c-1042.txt"}, "c-1042", ""},
		{"file name with dots", "", Options{Source: "chat.2026-03-02.log"}, "chat.2026-03-02", ""},
		{"header", "# conversation: c-7\n", Options{Source: "/tmp/x.txt"}, "c-7", ""},
		{"option", "# conversation: c-7\n", Options{Source: "x.txt", Conversation: "flag"}, "flag", ""},
		{"stdin with header", "# conversation: c-7\n", Options{}, "c-7", ""},
		{"stdin with option", "", Options{Conversation: "flag"}, "flag", ""},
		{"stdin", "", Options{}, "", "--conversation ID"},
		{"dash", "", Options{Source: "-"}, "", "# conversation: ID"},
		{"device", "", Options{Source: "/dev/fd/63"}, "", "--conversation"},
	}
	for _, tt := range tests {
		input := tt.input + "# date: 2026-03-02\n[14:05] Customer: hi\n[14:06] Agent: ok\n"
		items := readAll(t, input, tt.opts)
		if tt.reject != "" {
			if len(items) != 2 || items[0].Err == nil || items[1].Err == nil {
				t.Errorf("%s: %+v, want both lines rejected", tt.name, items)
				continue
			}
			if err := items[0].Err; err.Field != "conversation" || !strings.Contains(err.Reason, tt.reject) {
				t.Errorf("%s: %v, want advice containing %q", tt.name, err, tt.reject)
			}
			continue
		}
		for _, item := range items {
			if item.Err != nil || item.Event.Conversation != tt.want {
				t.Errorf("%s: %+v, want conversation %q", tt.name, item, tt.want)
			}
		}
	}
}

func TestTranscriptConversationHeaderTooLate(t *testing.T) {
	input := "# date: 2026-03-02\n[14:05] Customer: hi\n# conversation: other\n[14:06] Agent: ok\n"
	items := readAll(t, input, Options{Source: "c-1.txt"})
	if len(items) != 3 || items[1].Err == nil || items[1].Err.Line != 3 {
		t.Fatalf("items = %+v, want line 3 rejected", items)
	}
	if items[2].Event.Conversation != "c-1" {
		t.Errorf("conversation = %q, want c-1 unchanged", items[2].Event.Conversation)
	}
}

func TestTranscriptCommentsAndNotices(t *testing.T) {
	input := `# exported by ChatTool 3.1
#
# date: 2026-03-02
=== nick has joined #ubuntu
*** Eric joined the chat ***
* Eric left the chat *
[14:05] Customer: #hashtag stays
#2 is part of the message
[14:05:30] *** Ana joined the chat ***
[14:06] Agent: ok
`
	items := readAll(t, input, Options{Source: "c.txt"})
	events, rejects := splitItems(items)
	if len(rejects) != 0 {
		t.Fatalf("rejected: %v", rejects[0].Err)
	}
	if got := lineNumbers(events); !equalInts(got, []int{7, 10}) {
		t.Errorf("event lines = %v, want [7 10]", got)
	}
	if events[0].Event.Text != "#hashtag stays\n#2 is part of the message" {
		t.Errorf("text = %q", events[0].Event.Text)
	}
}

func TestTranscriptZendeskLayout(t *testing.T) {
	input := `Chat started: 2018-05-18 01:51 PM UTC
* Eric joined the chat *
(01:51:11 PM) Eric: Hi, my board won't charge
(01:52:40 PM) Support (Kim): Sorry to hear that
`
	items := readAll(t, input, Options{Format: FormatText, Source: "zendesk-1.txt"})
	events, rejects := splitItems(items)
	if len(rejects) != 0 {
		t.Fatalf("rejected: %v", rejects[0].Err)
	}
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2", len(events))
	}
	if want := time.Date(2018, 5, 18, 13, 51, 11, 0, time.UTC); !events[0].Event.At.Equal(want) {
		t.Errorf("at = %v, want %v", events[0].Event.At, want)
	}
	if events[1].Event.Role != triage.RoleAgent {
		t.Errorf("role = %s, want agent", events[1].Event.Role)
	}
}

func TestTranscriptStdinRejectedOnce(t *testing.T) {
	input := "# date: 2026-03-02\n[14:05] Customer: hi\n[14:06] Agent: ok\n"
	items := readAll(t, input, Options{})
	want := `stdin:2: field "conversation": stdin has no file name to name the conversation after; pass --conversation ID, or add a "# conversation: ID" header at the top`
	if got := items[0].Err.Error(); got != want {
		t.Errorf("first error = %q\nwant %q", got, want)
	}
	if got := items[1].Err.Reason; got != "no conversation id; see line 2" {
		t.Errorf("second reason = %q", got)
	}
}

func TestTranscriptLongMessageRejected(t *testing.T) {
	var b strings.Builder
	b.WriteString("# date: 2026-03-02\n[14:05] Customer: start\n")
	for b.Len() < triage.MaxTextLength+1000 {
		b.WriteString(strings.Repeat("z", 99) + "\n")
	}
	b.WriteString("[14:06] Agent: ok\n")
	items := readAll(t, b.String(), Options{Source: "c.txt"})
	if len(items) != 2 {
		t.Fatalf("got %d items, want 2", len(items))
	}
	if items[0].Err == nil || items[0].Err.Field != "text" || items[0].Line != 2 {
		t.Errorf("first item = %v, want line 2 rejected for its text", items[0].Err)
	}
	if items[1].Err != nil {
		t.Errorf("second item rejected: %v", items[1].Err)
	}
}

func TestTranscriptInvalidZoneHoldsTimes(t *testing.T) {
	input := "# conversation: tz\n# timezone: Nowhere/Land\n# date: 2026-03-02\n[10:00:00] Customer: hi\n" +
		"# timezone: Europe/Berlin\n[10:05:00] Customer: still there\n"
	items := readAll(t, input, Options{})
	var rejected []int
	var accepted []*triage.Event
	for _, item := range items {
		if item.Err != nil {
			rejected = append(rejected, item.Line)
			continue
		}
		accepted = append(accepted, item.Event)
	}
	if len(rejected) != 2 || rejected[0] != 2 || rejected[1] != 4 {
		t.Errorf("rejected lines %v, want the bad header (2) and the time after it (4)", rejected)
	}
	if len(accepted) != 1 || !accepted[0].At.Equal(time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC)) {
		t.Errorf("accepted %+v, want only the line after the valid header, at 09:05 UTC", accepted)
	}
}
