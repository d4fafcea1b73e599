package ingest

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// checkOneItemPerLine checks that no input line starts two Items, so that
// no line is accepted twice, or accepted and rejected.
func checkOneItemPerLine(t *testing.T, input string, opts Options) {
	t.Helper()
	r, err := NewReader(strings.NewReader(input), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	seen := map[int]bool{}
	for {
		item, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if seen[item.Line] {
			t.Fatalf("line %d yields a second item: %+v", item.Line, item)
		}
		seen[item.Line] = true
	}
}

func FuzzChatwoot(f *testing.F) {
	for _, seed := range []string{
		`{"event":"message_created","id":1,"content":"it is broken","created_at":"2026-03-02T14:00:00.750Z","message_type":"incoming","sender":{"id":7,"name":"Ada","email":"ada@example.com","type":"contact"},"conversation":{"id":42}}`,
		`{"event":"message_created","id":2,"content":"Sorry!","created_at":1772460060,"message_type":1,"sender":{"id":3,"type":"user"},"conversation":{"id":42}}` + "\n" +
			`{"event":"message_updated","id":2,"content":"Sorry again!","created_at":1772460060,"message_type":1,"sender":{"id":3,"type":"user"},"conversation":{"id":42}}`,
		"{\n  \"event\": \"conversation_typing_on\",\n  \"conversation\": {\"id\": 9, \"updated_at\": 1772460000.5},\n  \"user\": {\"id\": 7, \"type\": \"contact\"}\n}\n",
		`{"event":"conversation_status_changed","id":42,"status":"resolved","timestamp":"Mon Mar 02 2026 15:05:00 GMT+0100 (Central European Standard Time)","messages":[]}`,
		`{"event":"message_created","id":1,"content":"x","created_at":1772460000,"message_type":0,"sender":null,"conversation":{"id":1}}` + "\n" +
			`{"event":"webwidget_triggered"}` + "\nnot json\n{\"id\":5}\n{\"event\":\"no_such_event\"}",
		"{\"event\":\"message_created\",\"content\":\"{\\\"nested\\\":\\\"}\\\"\",\"id\":3,\n\"conversation\":{\"id\":1}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		opts := Options{Format: FormatChatwoot, Source: "fuzz.json", MaxLineBytes: 1024, ReportSkipped: true}
		checkStream(t, input, opts)
		checkOneItemPerLine(t, input, opts)
	})
}

func FuzzTWCS(f *testing.F) {
	for _, seed := range []string{
		twcsHeader +
			"1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 I understand.,2,3.0\n" +
			"2,115712,True,Tue Oct 31 22:11:45 +0000 2017,\"and how, \"\"exactly\"\"\nwould we do that\",,1.0\n" +
			"3,115712,True,Tue Oct 31 22:08:27 +0000 2017,no one is responding,1,4.0\n" +
			"4,sprintcare,False,Tue Oct 31 21:54:49 +0000 2017,Please send us a DM,3,\n",
		twcsHeader + "5,a,True,Tue Oct 31 22:10:47 +0000 2017,loop,6,6\n6,b,False,Tue Oct 31 22:11:47 +0000 2017,loop,5,5\n",
		twcsHeader + "7,a,maybe,yesterday,x,,\n8,a,True,Tue Oct 31 22:10:47 +0000 2017\n\"unterminated,quote\n",
		"in_response_to_tweet_id,text,created_at,inbound,author_id,tweet_id\n,hi,Tue Oct 31 22:10:47 +0000 2017,True,u,1\n",
		twcsHeader + "9,a,True,Tue Oct 31 22:10:47 +0000 2017,dup,,\n9,a,True,Tue Oct 31 22:10:47 +0000 2017,dup,,\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		opts := Options{Format: FormatTWCS, Source: "fuzz.csv", MaxLineBytes: 1024}
		checkStream(t, input, opts)
		checkOneItemPerLine(t, input, opts)
	})
}
