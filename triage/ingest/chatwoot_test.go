package ingest

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

func TestChatwootMessageRolesAndTimes(t *testing.T) {
	lines := []string{
		`{"event":"message_created","id":1,"content":"it is broken","created_at":"2026-03-02T14:00:00.750Z","message_type":"incoming","sender":{"id":7,"name":"Ada","email":"ada@example.com","type":"contact"},"conversation":{"id":42}}`,
		`{"event":"message_created","id":2,"content":"Sorry!","created_at":1772460060,"message_type":1,"sender":{"id":3,"type":"user"},"conversation":{"id":42}}`,
		`{"event":"message_created","id":3,"content":"Rate us","created_at":1772460070.25,"message_type":"template","sender":{"id":1,"type":"agent_bot"},"conversation":{"id":42}}`,
		`{"event":"message_created","id":4,"content":"Bot reply","created_at":"1772460080","message_type":"outgoing","sender":{"id":1,"type":"agent_bot"},"conversation":{"id":42}}`,
		`{"event":"message_created","id":5,"content":"Assigned to Ana","created_at":1772460090,"message_type":2,"sender":{"id":3,"type":"user"},"conversation":{"id":42}}`,
		`{"event":"message_created","id":6,"content":"note","created_at":1772460095,"message_type":1,"private":true,"sender":{"id":3,"type":"user"},"conversation":{"id":42}}`,
		`{"event":"conversation_status_changed","id":42,"status":"resolved","timestamp":"Mon Mar 02 2026 15:05:00 GMT+0100 (Central European Standard Time)","messages":[]}`,
	}
	items := readAll(t, strings.Join(lines, "\n"), Options{Format: FormatChatwoot, ReportSkipped: true})
	var got []string
	for _, item := range items {
		switch {
		case item.Err != nil:
			t.Fatalf("line %d rejected: %v", item.Line, item.Err)
		case item.Skipped != "":
			got = append(got, "skip")
		default:
			ev := item.Event
			got = append(got, ev.ID+" "+string(ev.Role)+" "+string(ev.Type)+" "+ev.At.Format(time.RFC3339Nano))
		}
	}
	want := []string{
		"cw-1 customer message 2026-03-02T14:00:00Z",
		"cw-2 agent message 2026-03-02T14:01:00Z",
		"cw-3 bot message 2026-03-02T14:01:10Z",
		"cw-4 bot message 2026-03-02T14:01:20Z",
		"skip",
		"skip",
	}
	if len(got) != 7 {
		t.Fatalf("got %d items, want 7: %v", len(got), got)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("item %d = %q, want %q", i+1, got[i], w)
		}
	}
	if !strings.Contains(got[6], "agent closed 2026-03-02T14:05:00Z") {
		t.Errorf("resolved status = %q, want a closed event at 14:05:00Z", got[6])
	}
	if c := items[0].Event.Customer; c == nil || c.Email != "ada@example.com" || c.Handle != "chatwoot-contact-7" {
		t.Errorf("customer = %+v", c)
	}
}

func TestChatwootRejectsNullSenderAndConversation(t *testing.T) {
	lines := []string{
		`{"event":"message_created","id":1,"content":"x","created_at":1772460000,"message_type":0,"sender":null,"conversation":{"id":1}}`,
		`{"event":"message_created","id":2,"content":"x","created_at":1772460000,"message_type":0,"sender":{"id":1,"type":"contact"},"conversation":null}`,
		`{"event":"conversation_typing_on","conversation":{"id":1,"timestamp":1772460000},"user":null}`,
		`{"event":"no_such_event"}`,
		`{"id":5}`,
		`not json`,
	}
	_, rejects := splitItems(readAll(t, strings.Join(lines, "\n"), Options{Format: FormatChatwoot}))
	if len(rejects) != 6 {
		t.Fatalf("got %d rejections, want 6", len(rejects))
	}
	for i, want := range []string{`"sender": null or missing`, `"conversation": null or missing`, `"user": null`,
		"unknown Chatwoot event", `"event": missing`, "expected a Chatwoot webhook payload"} {
		if !strings.Contains(rejects[i].Err.Error(), want) {
			t.Errorf("line %d: %q lacks %q", i+1, rejects[i].Err, want)
		}
	}
}

func TestChatwootTypingTakesNearestTime(t *testing.T) {
	lines := []string{
		`{"event":"conversation_typing_on","conversation":{"id":9,"updated_at":1772460000.5,"timestamp":1772459000},"user":{"id":7,"type":"contact"},"is_private":false}`,
		`{"event":"conversation_typing_on","conversation":{"id":9},"user":{"id":3,"type":"user"}}`,
		`{"event":"conversation_typing_off","conversation":{"id":9},"user":{"id":7,"type":"contact"}}`,
	}
	events, rejects := splitItems(readAll(t, strings.Join(lines, "\n"), Options{Format: FormatChatwoot}))
	if len(rejects) != 0 || len(events) != 2 {
		t.Fatalf("got %d events and %d rejections, want 2 and 0", len(events), len(rejects))
	}
	first, second := events[0].Event, events[1].Event
	if first.Type != triage.TypeTyping || first.Role != triage.RoleCustomer {
		t.Errorf("first = %s %s, want customer typing", first.Role, first.Type)
	}
	if want := time.Unix(1772460000, 5e8).UTC(); !first.At.Equal(want) {
		t.Errorf("first at %s, want the conversation's updated_at %s", first.At, want)
	}
	if second.Role != triage.RoleAgent || !second.At.Equal(first.At) {
		t.Errorf("second = %s at %s, want agent typing at the previous payload's time", second.Role, second.At)
	}
}

func TestChatwootEditedMessageGetsNewID(t *testing.T) {
	msg := func(event, content string) string {
		return `{"event":"` + event + `","id":77,"content":"` + content + `","created_at":1772460000,"message_type":0,"sender":{"id":1,"type":"contact"},"conversation":{"id":1}}`
	}
	input := strings.Join([]string{
		msg("message_created", "my order is late"),
		msg("message_updated", "my order is late"), // a status change only
		msg("message_updated", "my order is 3 weeks late"),
		msg("message_updated", "my order is 3 weeks late"), // delivered again
	}, "\n")
	events, _ := splitItems(readAll(t, input, Options{Format: FormatChatwoot}))
	ids := make([]string, len(events))
	for i, item := range events {
		ids[i] = item.Event.ID
	}
	edited := ChatwootEditID("cw-77", "my order is 3 weeks late")
	want := []string{"cw-77", "cw-77", edited, edited}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("ids = %v, want %v", ids, want)
	}
}

func TestChatwootPrettyPrintedPayloads(t *testing.T) {
	input := "{\n  \"event\": \"message_created\",\n  \"id\": 1,\n  \"content\": \"a {brace} and \\\"quote\\\"\",\n" +
		"  \"created_at\": 1772460000, \"message_type\": 0,\n  \"sender\": {\"id\": 1, \"type\": \"contact\"},\n" +
		"  \"conversation\": {\"id\": 3}\n}\n{\n  \"event\": \"message_created\",\n  \"id\": ,\n}\n"
	items := readAll(t, input, Options{})
	if len(items) != 2 {
		t.Fatalf("got %d items, want 2", len(items))
	}
	if items[0].Event == nil || items[0].Event.Text != `a {brace} and "quote"` {
		t.Errorf("first item = %+v", items[0])
	}
	if items[1].Err == nil || items[1].Line != 11 || !strings.Contains(items[1].Err.Reason, "column 9") {
		t.Errorf("second item = %+v, want a rejection at line 11 column 9", items[1].Err)
	}
}

func TestChatwootTimeForms(t *testing.T) {
	want := time.Date(2021, 7, 23, 18, 2, 48, 0, time.UTC)
	for _, raw := range []string{`1627063368`, `1627063368.0`, `"1627063368"`, `"2021-07-23T18:02:48.000Z"`,
		`"2021-07-23 18:02:48 UTC"`, `"Fri Jul 23 2021 23:32:48 GMT+0530 (India Standard Time)"`} {
		got, reason := chatwootTime(json.RawMessage(raw))
		if reason != "" || !got.Equal(want) {
			t.Errorf("chatwootTime(%s) = %s, %q; want %s", raw, got, reason, want)
		}
	}
	if _, reason := chatwootTime(json.RawMessage(`"2021-07-23 18:02:48 PST"`)); reason == "" {
		t.Error("a zone abbreviation other than UTC was accepted")
	}
}

// TestChatwootRealPayloads reads every Chatwoot webhook sample and checks
// that each payload is taken, skipped or rejected with a reason.
func TestChatwootRealPayloads(t *testing.T) {
	root := dataDir(t, "chat-exports")
	var paths []string
	for _, dir := range []string{"chatwoot-webhooks-docs", "chatwoot-webhooks-gemwallet"} {
		found, err := filepath.Glob(filepath.Join(root, dir, "*.json*"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, found...)
	}
	if len(paths) != 10 {
		t.Fatalf("found %d Chatwoot files, want 10", len(paths))
	}
	var events, skipped, rejected int
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		items := readAll(t, string(data), Options{Format: FormatChatwoot, Source: path, ReportSkipped: true})
		if len(items) == 0 {
			t.Errorf("%s yielded nothing", path)
		}
		for _, item := range items {
			switch {
			case item.Err != nil:
				rejected++
				if !strings.HasSuffix(path, ".jsonc") {
					t.Errorf("%s rejected: %v", path, item.Err)
				}
			case item.Skipped != "":
				skipped++
			default:
				events++
				if err := item.Event.Validate(); err != nil {
					t.Errorf("%s: invalid event: %v", path, err)
				}
			}
		}
		// Auto detection must agree for every valid payload file.
		if r, err := NewReader(strings.NewReader(string(data)), Options{}); err != nil || r.Format() != FormatChatwoot {
			t.Errorf("%s: detected %v, %v; want chatwoot", path, r.Format(), err)
		}
	}
	// 9 payloads: 7 carry messages (the resolved one a closed event too),
	// webwidget_triggered is skipped, and the commented sample is not JSON.
	if events != 9 || skipped != 1 || rejected != 1 {
		t.Errorf("events %d, skipped %d, rejected %d; want 9, 1, 1", events, skipped, rejected)
	}
}

func TestParseChatwootNowStampsTyping(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	res, err := ParseChatwoot([]byte(`{"event":"conversation_typing_on","conversation":{"id":9,"timestamp":1},"user":{"type":"contact"}}`),
		ChatwootOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 || !res.Events[0].At.Equal(now) {
		t.Errorf("events = %+v, want one typing event at %s", res.Events, now)
	}
	_, err = ParseChatwoot([]byte(`{"event":"message_created","sender":{},"conversation":null}`), ChatwootOptions{})
	var fe *triage.FieldError
	if !errors.As(err, &fe) || fe.Field != "conversation" {
		t.Errorf("err = %v, want a FieldError on conversation", err)
	}
}

func TestChatwootChannelKept(t *testing.T) {
	lines := []string{
		`{"event":"message_created","id":1,"content":"hi","created_at":1772460000,"message_type":"incoming","sender":{"id":7,"type":"contact"},"conversation":{"id":42,"channel":"Channel::WebWidget"}}`,
		`{"event":"message_created","id":2,"content":"hi","created_at":1772460000,"message_type":"incoming","sender":{"id":8,"type":"contact"},"conversation":{"id":43}}`,
	}
	items := readAll(t, strings.Join(lines, "\n"), Options{Format: FormatChatwoot})
	if len(items) != 2 || items[0].Event == nil || items[1].Event == nil {
		t.Fatalf("items = %+v", items)
	}
	if got := string(items[0].Event.Extra["channel"]); got != `"webwidget"` {
		t.Errorf("channel = %s, want \"webwidget\"", got)
	}
	if _, ok := items[1].Event.Extra["channel"]; ok {
		t.Errorf("a conversation without a channel got one: %s", items[1].Event.Extra["channel"])
	}
}
