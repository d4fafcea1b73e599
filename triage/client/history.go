package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
)

// HistoryQuery filters history records. Zero values do not filter.
type HistoryQuery struct {
	Since, Until time.Time
	Queue        string
	Reason       string
	Kind         string
	Ticket       string
	Agent        string
	// Script matches the record's script or policy document name.
	Script string
}

func (q HistoryQuery) values() url.Values {
	v := url.Values{}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.UTC().Format(time.RFC3339Nano))
	}
	params := map[string]string{
		"queue": q.Queue, "reason": q.Reason, "kind": q.Kind,
		"ticket": q.Ticket, "agent": q.Agent, "script": q.Script,
	}
	for k, s := range params {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// History calls fn for each matching entry in time order as it streams
// from the daemon: the record, with its latest review for an escalation.
// Nothing is buffered beyond the decoder's read buffer.
func (c *Client) History(ctx context.Context, q HistoryQuery, fn func(*triage.HistoryEntry) error) error {
	resp, err := c.do(ctx, c.stream, http.MethodGet, "/v1/history?"+q.values().Encode(), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(resp.Body, 64<<10))
	for {
		// A line with an error field instead of a record means the
		// daemon failed after it had started the stream.
		var line struct {
			triage.HistoryEntry
			Error string `json:"error"`
		}
		if err := dec.Decode(&line); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("decode history: %w", err)
		}
		if line.Error != "" {
			return fmt.Errorf("history stream failed: %s", line.Error)
		}
		if err := fn(&line.HistoryEntry); err != nil {
			return err
		}
	}
}

// Review stores the calling agent's verdict on one escalation record of
// a ticket and returns the stored review.
func (c *Client) Review(ctx context.Context, ticket string, record uint64, verdict triage.Verdict, note string) (*triage.Review, error) {
	body, err := json.Marshal(api.ReviewRequest{Ticket: ticket, Record: record, Verdict: verdict, Note: note})
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, c.http, http.MethodPost, "/v1/history/reviews", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var rev triage.Review
	if err := json.NewDecoder(resp.Body).Decode(&rev); err != nil {
		return nil, fmt.Errorf("decode review response: %w", err)
	}
	return &rev, nil
}

// Purge removes, through the daemon, history and ended tickets before the
// given time. export, when not empty, is an absolute path on the daemon's
// machine for a new JSON Lines file of everything removed. A purge of a
// large range may run for minutes, so the request has no timeout beyond
// ctx.
func (c *Client) Purge(ctx context.Context, before time.Time, export string) (*triage.PurgeSummary, error) {
	v := url.Values{"before": {before.UTC().Format(time.RFC3339Nano)}}
	if export != "" {
		v.Set("export", export)
	}
	resp, err := c.do(ctx, c.stream, http.MethodPost, "/v1/history/purge?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var sum triage.PurgeSummary
	if err := json.NewDecoder(resp.Body).Decode(&sum); err != nil {
		return nil, fmt.Errorf("decode purge response: %w", err)
	}
	return &sum, nil
}
