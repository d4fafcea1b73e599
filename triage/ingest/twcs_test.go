package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

const twcsHeader = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"

func TestTWCSThreadsByReplyLinks(t *testing.T) {
	// Tweet 1 replies to 3, which replies to 4: one thread rooted at 4,
	// listed out of order as in the published file. Tweet 9 replies to a
	// tweet that is not in the input and starts its own conversation.
	input := twcsHeader +
		"1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 I understand.,2,3.0\n" +
		"2,115712,True,Tue Oct 31 22:11:45 +0000 2017,\"and how, \"\"exactly\"\"\nwould we do that\",,1.0\n" +
		"3,115712,True,Tue Oct 31 22:08:27 +0000 2017,no one is responding,1,4.0\n" +
		"4,sprintcare,False,Tue Oct 31 21:54:49 +0000 2017,Please send us a DM,3,\n" +
		"9,115713,True,Tue Oct 31 23:00:00 +0000 2017,hello?,,8.0\n"
	events, rejects := splitItems(readAll(t, input, Options{}))
	if len(rejects) != 0 {
		t.Fatalf("rejected: %v", rejects[0].Err)
	}
	if len(events) != 5 {
		t.Fatalf("got %d events, want 5", len(events))
	}
	want := map[string]string{"twcs-1": "twcs-4", "twcs-2": "twcs-4", "twcs-3": "twcs-4", "twcs-4": "twcs-4", "twcs-9": "twcs-9"}
	for _, item := range events {
		ev := item.Event
		if got := ev.Conversation; got != want[ev.ID] {
			t.Errorf("%s: conversation %s, want %s", ev.ID, got, want[ev.ID])
		}
	}
	byID := make(map[string]Item, len(events))
	for i, item := range events {
		byID[item.Event.ID] = item
		if i > 0 && item.Event.At.Before(events[i-1].Event.At) {
			t.Errorf("%s at %s comes after %s at %s: want time order", item.Event.ID, item.Event.At, events[i-1].Event.ID, events[i-1].Event.At)
		}
	}
	second := byID["twcs-2"].Event
	if second.Text != "and how, \"exactly\"\nwould we do that" {
		t.Errorf("quoted text = %q", second.Text)
	}
	if second.Role != triage.RoleCustomer || second.Customer == nil || second.Customer.Handle != "115712" {
		t.Errorf("inbound tweet: role %s, customer %+v", second.Role, second.Customer)
	}
	if !second.At.Equal(time.Date(2017, 10, 31, 22, 11, 45, 0, time.UTC)) {
		t.Errorf("at = %s", second.At)
	}
	if line := byID["twcs-3"].Line; line != 5 {
		t.Errorf("third tweet on line %d, want 5 (the second spans lines 3 and 4)", line)
	}
	if first := byID["twcs-1"].Event; first.Role != triage.RoleAgent || first.Customer != nil {
		t.Errorf("outbound tweet: role %s, customer %+v", first.Role, first.Customer)
	}
}

func TestTWCSRejectsBadRowsKeepsOthers(t *testing.T) {
	input := twcsHeader +
		"1,a,True,Tue Oct 31 22:10:47 +0000 2017,fine,,\n" +
		"2,a,Maybe,Tue Oct 31 22:10:47 +0000 2017,bad inbound,,\n" +
		"3,a,True,2017-10-31,bad time,,\n" +
		"1,a,True,Tue Oct 31 22:10:48 +0000 2017,duplicate id,,\n" +
		"4,a,True\n" +
		"5,a,True,Tue Oct 31 22:10:49 +0000 2017,\"never closed,,\n"
	events, rejects := splitItems(readAll(t, input, Options{Source: "t.csv"}))
	if len(events) != 1 {
		t.Errorf("got %d events, want 1", len(events))
	}
	wantLines := []int{3, 4, 5, 6, 7}
	if got := lineNumbers(rejects); !equalInts(got, wantLines) {
		t.Fatalf("rejected lines %v, want %v", got, wantLines)
	}
	for i, want := range []string{`"inbound"`, `"created_at"`, "duplicate tweet_id 1, first on line 2", "expected 7 fields", "ends inside a quoted field"} {
		if !strings.Contains(rejects[i].Err.Error(), want) {
			t.Errorf("line %d: %q lacks %q", rejects[i].Line, rejects[i].Err, want)
		}
	}
}

func TestTWCSHeaderMissingColumns(t *testing.T) {
	_, rejects := splitItems(readAll(t, "tweet_id,inbound,created_at\n1,True,x\n", Options{}))
	if len(rejects) != 2 || !strings.Contains(rejects[0].Err.Reason, "author_id") {
		t.Fatalf("rejects = %v", rejects)
	}
}

func TestDetectTWCSAndChatwoot(t *testing.T) {
	cases := map[string]Format{
		twcsHeader:                           FormatTWCS,
		`{"event":"message_created","id":1}`: FormatChatwoot,
		"{\n  \"id\": 1,\n  \"event\": \"message_created\"\n":          FormatChatwoot,
		`{"conversation":"c","at":"2026-03-02T14:00:00Z","event":"x"}`: FormatJSONL,
		`{"conversation":"c","at":"2026-03-02T14:00:00Z"}`:             FormatJSONL,
	}
	for input, want := range cases {
		got, err := Detect([]byte(input))
		if err != nil || got != want {
			t.Errorf("Detect(%.30q) = %s, %v; want %s", input, got, err, want)
		}
	}
}

func TestTWCSRealThreads(t *testing.T) {
	dir := dataDir(t, "twcs-head-threads")
	items := readFile(t, filepath.Join(dir, "twcs_head_tweet_ids_1-289.csv"))
	events, rejects := splitItems(items)
	if len(rejects) != 0 {
		t.Fatalf("%d rejected, first: %v", len(rejects), rejects[0].Err)
	}
	if len(events) != 201 {
		t.Errorf("got %d events, want all 201 tweets", len(events))
	}
	convs := map[string]int{}
	customers := 0
	for _, item := range events {
		convs[item.Event.Conversation]++
		if item.Event.Role == triage.RoleCustomer {
			customers++
		}
	}
	if customers != 110 {
		t.Errorf("%d customer tweets, want the 110 inbound ones", customers)
	}
	// The first thread of the file: tweets 1 to 8 hang off tweet 8.
	if convs["twcs-8"] < 5 {
		t.Errorf("thread twcs-8 has %d tweets, want the opening thread of at least 5", convs["twcs-8"])
	}
	if len(convs) >= 201 || len(convs) < 20 {
		t.Errorf("%d conversations from 201 tweets: threading failed", len(convs))
	}
}

func TestTWCSRandomSampleKeepsOrphans(t *testing.T) {
	dir := dataDir(t, "twcs-random-sample")
	events, rejects := splitItems(readFile(t, filepath.Join(dir, "twcs_small.csv")))
	if len(rejects) != 0 {
		t.Fatalf("%d rejected, first: %v", len(rejects), rejects[0].Err)
	}
	if len(events) != 5000 {
		t.Errorf("got %d events, want all 5000 tweets", len(events))
	}
	convs := map[string]bool{}
	for _, item := range events {
		convs[item.Event.Conversation] = true
	}
	// Only 4 rows have their parent in the file, so nearly every tweet is
	// its own conversation.
	if len(convs) < 4990 || len(convs) > 4996 {
		t.Errorf("%d conversations, want 4996 (5000 tweets, 4 replies within the file)", len(convs))
	}
}

// readFile reads a whole file with format detection.
func readFile(t *testing.T, path string) []Item {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, string(data), Options{Source: path, ReportSkipped: true})
}

func TestTWCSUndoesTwitterEntities(t *testing.T) {
	input := twcsHeader +
		"1,115712,True,Tue Oct 31 22:10:47 +0000 2017,Q&amp;A says 3 &lt; 4 &gt; 2 &amp;lt;b&amp;gt;,,\n"
	events, rejects := splitItems(readAll(t, input, Options{}))
	if len(rejects) != 0 || len(events) != 1 {
		t.Fatalf("got %d events and %d rejects, want one event", len(events), len(rejects))
	}
	if got, want := events[0].Event.Text, "Q&A says 3 < 4 > 2 &lt;b&gt;"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}
