package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/ingest"
	"github.com/triagedesk/triage/triage/redact"
)

// formatConversationSize is how many events each generated conversation
// has; a transcript holds one conversation.
const formatConversationSize = 50

// formatInputs renders n events of the benchmark mix in one format, as one
// input per conversation for transcripts and as one input otherwise.
func formatInputs(b *testing.B, format ingest.Format, n int) [][]byte {
	b.Helper()
	events := benchEvents(n)
	for i := range events {
		events[i].Conversation = fmt.Sprintf("c-%d", i/formatConversationSize)
		events[i].ID = ""
	}
	var buf bytes.Buffer
	switch format {
	case ingest.FormatJSONL:
		enc := json.NewEncoder(&buf)
		for i := range events {
			if err := enc.Encode(&events[i]); err != nil {
				b.Fatal(err)
			}
		}
	case ingest.FormatText:
		var inputs [][]byte
		for start := 0; start < len(events); start += formatConversationSize {
			part := events[start:min(start+formatConversationSize, len(events))]
			var t bytes.Buffer
			if err := ingest.WriteTranscript(&t, part[0].Conversation, part); err != nil {
				b.Fatal(err)
			}
			inputs = append(inputs, t.Bytes())
		}
		return inputs
	case ingest.FormatChatwoot:
		for i, e := range events {
			if e.Type == triage.TypeTyping {
				fmt.Fprintf(&buf, `{"event":"conversation_typing_on","conversation":{"id":%d,"updated_at":%d},"user":{"id":7,"type":"contact"},"is_private":false}`+"\n",
					i/formatConversationSize, e.At.Unix())
				continue
			}
			msgType, sender := "incoming", `{"id":7,"name":"Ada","type":"contact"}`
			if e.Role == triage.RoleAgent {
				msgType, sender = "outgoing", `{"id":3,"name":"Ana","type":"user"}`
			}
			text, _ := json.Marshal(e.Text)
			fmt.Fprintf(&buf, `{"event":"message_created","id":%d,"content":%s,"created_at":%q,"message_type":%q,"private":false,"sender":%s,"conversation":{"id":%d}}`+"\n",
				i+1, text, e.At.Format(time.RFC3339Nano), msgType, sender, i/formatConversationSize)
		}
	case ingest.FormatTWCS:
		buf.WriteString("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n")
		for i, e := range events {
			author, inbound := "115712", "True"
			if e.Role == triage.RoleAgent {
				author, inbound = "sprintcare", "False"
			}
			text := e.Text
			if text == "" {
				text = "hello?"
			}
			parent := ""
			if i%formatConversationSize != 0 {
				parent = fmt.Sprintf("%d", i)
			}
			fmt.Fprintf(&buf, "%d,%s,%s,%s,%q,,%s\n", i+1, author, inbound, e.At.Format("Mon Jan 02 15:04:05 -0700 2006"), text, parent)
		}
	}
	return [][]byte{buf.Bytes()}
}

// sendInput parses one input and sends its events in requests of 1,000,
// as triage ingest does, and returns how many events the daemon accepted.
func sendInput(ctx context.Context, c *client.Client, input []byte, format ingest.Format, source string) (int, error) {
	rd, err := ingest.NewReader(bytes.NewReader(input), ingest.Options{Format: format, Source: source})
	if err != nil {
		return 0, err
	}
	accepted := 0
	var batch []triage.Event
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := c.Ingest(ctx, batch)
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.Status == "accepted" {
				accepted++
			}
		}
		batch = batch[:0]
		return nil
	}
	for {
		item, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return accepted, err
		}
		if item.Err != nil {
			return accepted, item.Err
		}
		if item.Event == nil {
			continue
		}
		redact.TextOnly(item.Event)
		batch = append(batch, *item.Event)
		if len(batch) >= 1000 {
			if err := flush(); err != nil {
				return accepted, err
			}
		}
	}
	return accepted, flush()
}

// BenchmarkIngestFormats parses each input format and sends its events
// through a real in-process daemon's socket, as triage ingest does:
// parsing, client-side redaction, requests of 1,000 events, and scoring,
// policy and scripts in the daemon with an fsync before each
// acknowledgement. One op is one event; the inputs are rendered before
// the timer starts.
func BenchmarkIngestFormats(b *testing.B) {
	for _, format := range []ingest.Format{ingest.FormatJSONL, ingest.FormatText, ingest.FormatChatwoot, ingest.FormatTWCS} {
		b.Run(string(format), func(b *testing.B) {
			d := startBenchDaemon(b)
			c := client.New(d.Socket())
			inputs := formatInputs(b, format, b.N)
			b.ResetTimer()
			accepted := 0
			for i, input := range inputs {
				n, err := sendInput(context.Background(), c, input, format, fmt.Sprintf("c-%d.txt", i))
				if err != nil {
					b.Fatal(err)
				}
				accepted += n
			}
			b.StopTimer()
			if accepted != b.N {
				b.Fatalf("daemon accepted %d of %d events", accepted, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
