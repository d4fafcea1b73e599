package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// fullDesk is a fakeDesk that also serves history, reviews and
// documents, so that the console enables every view.
type fullDesk struct {
	*fakeDesk

	hmu          sync.Mutex
	history      []*triage.HistoryEntry
	historyCalls []client.HistoryQuery
	reviews      []*triage.Review
	docs         map[string][]*triage.Document // by kind/name, oldest first
	puts         []string
}

func newFullDesk(tickets ...*triage.Ticket) *fullDesk {
	return &fullDesk{fakeDesk: newFakeDesk(tickets...), docs: make(map[string][]*triage.Document)}
}

func (d *fullDesk) History(ctx context.Context, q client.HistoryQuery, fn func(*triage.HistoryEntry) error) error {
	d.hmu.Lock()
	d.historyCalls = append(d.historyCalls, q)
	var out []*triage.HistoryEntry
	for _, e := range d.history {
		if (!q.Since.IsZero() && e.At.Before(q.Since)) || (!q.Until.IsZero() && e.At.After(q.Until)) {
			continue
		}
		if (q.Queue != "" && e.Queue != q.Queue) || (q.Kind != "" && string(e.Kind) != q.Kind) || (q.Ticket != "" && e.Ticket != q.Ticket) {
			continue
		}
		c := *e
		for _, r := range d.reviews {
			if r.Record == e.Seq {
				c.Review = r
			}
		}
		out = append(out, &c)
	}
	d.hmu.Unlock()
	for _, e := range out {
		if err := fn(e); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (d *fullDesk) Review(_ context.Context, ticket string, record uint64, verdict triage.Verdict, note string) (*triage.Review, error) {
	d.hmu.Lock()
	defer d.hmu.Unlock()
	r := &triage.Review{Seq: uint64(len(d.reviews) + 1), Record: record, Ticket: ticket, At: baseTime, Agent: "alice", Verdict: verdict, Note: note}
	d.reviews = append(d.reviews, r)
	return r, nil
}

func (d *fullDesk) Documents(context.Context) ([]*triage.Document, error) {
	d.hmu.Lock()
	defer d.hmu.Unlock()
	var out []*triage.Document
	for _, kind := range []string{"escalation-policy", "script"} {
		for _, name := range []string{"default", "router", "billing"} {
			if v := d.docs[kind+"/"+name]; len(v) > 0 {
				out = append(out, v[len(v)-1])
			}
		}
	}
	return out, nil
}

func (d *fullDesk) Document(_ context.Context, kind, name string, version int) (*triage.Document, error) {
	d.hmu.Lock()
	defer d.hmu.Unlock()
	v := d.docs[kind+"/"+name]
	if len(v) == 0 || version > len(v) {
		return nil, fmt.Errorf("document %s/%s: %w", kind, name, triage.ErrNotFound)
	}
	if version == 0 {
		version = len(v)
	}
	return v[version-1], nil
}

func (d *fullDesk) DocumentVersions(_ context.Context, kind, name string) ([]*triage.Document, error) {
	d.hmu.Lock()
	defer d.hmu.Unlock()
	return append([]*triage.Document(nil), d.docs[kind+"/"+name]...), nil
}

// PutDocument rejects a body that contains "steps: oops", the way the
// daemon rejects an invalid script.
func (d *fullDesk) PutDocument(_ context.Context, kind, name, source string, body []byte, comment string) (*triage.Document, error) {
	d.hmu.Lock()
	defer d.hmu.Unlock()
	d.puts = append(d.puts, string(body))
	if strings.Contains(string(body), "steps: oops") {
		return nil, &scripts.ValidationError{Source: source, Problems: []scripts.Problem{{Line: 3, Column: 8, Path: "steps", Message: "steps must be a list"}}}
	}
	key := kind + "/" + name
	doc := &triage.Document{Kind: kind, Name: name, Version: len(d.docs[key]) + 1, Body: string(body), Author: "alice", SavedAt: baseTime, Comment: comment}
	d.docs[key] = append(d.docs[key], doc)
	return doc, nil
}

// addDocument stores a version of a document.
func (d *fullDesk) addDocument(kind, name, author, body string, at time.Time) {
	key := kind + "/" + name
	d.docs[key] = append(d.docs[key], &triage.Document{Kind: kind, Name: name, Version: len(d.docs[key]) + 1, Body: body, Author: author, SavedAt: at})
}

const routerScript = `# Router troubleshooting.
kind: script
name: router
trigger:
  keywords: ["router", 'wifi']
steps:
  - id: restart
    say: "Please restart the router." # then wait
`

// sampleHistory is a week of records: escalations under two rules, claims
// after different waits, an SLA breach, outcomes and one review.
func sampleHistory() []*triage.HistoryEntry {
	var out []*triage.HistoryEntry
	seq := uint64(0)
	add := func(ago time.Duration, ticket string, kind triage.RecordKind, reason string, agent string) *triage.HistoryEntry {
		seq++
		e := &triage.HistoryEntry{Record: triage.Record{Seq: seq, At: baseTime.Add(-ago), Ticket: ticket, Conversation: "c-" + ticket,
			Kind: kind, Queue: triage.QueueSenior, Priority: triage.PriorityHigh, Reason: reason}}
		if kind == triage.KindEscalated {
			e.Frustration = ptr(0.86)
		}
		if agent != "" {
			e.Agent = ptr(agent)
		}
		out = append(out, e)
		return e
	}
	sustained := "rule sustained-frustration: frustration at or above 0.8 on two consecutive customer turns"
	human := `rule asks-for-human: the customer wrote "speak to a manager"`
	for i, t := range []struct {
		id     string
		ago    time.Duration
		reason string
		claim  time.Duration
		end    triage.RecordKind
	}{
		{"T-1001", 6 * 24 * time.Hour, sustained, 30 * time.Second, triage.KindResolved},
		{"T-1002", 5 * 24 * time.Hour, human, 3 * time.Minute, triage.KindResolved},
		{"T-1003", 4 * 24 * time.Hour, sustained, 12 * time.Minute, triage.KindClosed},
		{"T-1004", 3 * 24 * time.Hour, sustained, 40 * time.Minute, triage.KindResolved},
		{"T-1005", 2 * 24 * time.Hour, human, 2 * time.Hour, ""},
		{"T-1006", 26 * time.Hour, sustained, 0, ""},
		{"T-1007", 3 * time.Hour, human, 4 * time.Minute, ""},
	} {
		add(t.ago+10*time.Minute, t.id, triage.KindOpened, "", "")
		add(t.ago, t.id, triage.KindEscalated, t.reason, "")
		if t.claim > 0 {
			add(t.ago-t.claim, t.id, triage.KindClaimed, "", []string{"alice", "bob"}[i%2])
		} else {
			add(t.ago-time.Hour, t.id, triage.KindSLABreached, "not claimed within 30m", "")
		}
		if t.end != "" {
			add(t.ago-t.claim-20*time.Minute, t.id, t.end, "", "")
		}
	}
	add(90*time.Minute, "T-1008", triage.KindOpened, "", "")
	// Records arrive in time order, as the daemon streams them.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].At.Before(out[j-1].At); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
