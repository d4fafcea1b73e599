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
	"strconv"
	"strings"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
	"github.com/triagedesk/triage/triage/engine"
)

// Reply sends an agent's reply to a ticket's customer under the calling
// agent's name and returns its outbox entry.
func (c *Client) Reply(ctx context.Context, ticket, text string) (*triage.OutboxEntry, error) {
	body, err := json.Marshal(api.ReplyBody{Text: text})
	if err != nil {
		return nil, fmt.Errorf("encode reply: %w", err)
	}
	resp, err := c.do(ctx, c.http, http.MethodPost, "/v1/tickets/"+url.PathEscape(ticket)+"/reply", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var e triage.OutboxEntry
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		return nil, fmt.Errorf("decode reply answer: %w", err)
	}
	return &e, nil
}

// AckOutbox acknowledges delivered outbox entries and returns one result
// per id, in order. Send at most api.MaxAckIDs ids per call.
func (c *Client) AckOutbox(ctx context.Context, ids []uint64) ([]engine.AckResult, error) {
	body, err := json.Marshal(api.AckBody{IDs: ids})
	if err != nil {
		return nil, fmt.Errorf("encode acknowledgement: %w", err)
	}
	resp, err := c.do(ctx, c.http, http.MethodPost, "/v1/outbox/ack", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var results []engine.AckResult
	if err := json.NewDecoder(resp.Body).Decode(&results); err != nil {
		return nil, fmt.Errorf("decode acknowledgement answer: %w", err)
	}
	return results, nil
}

// OutboxQuery selects outbox entries.
type OutboxQuery struct {
	// After skips the entries up to and including this id.
	After uint64
	// Follow keeps the stream open for new entries.
	Follow bool
	// Conversations, when not empty, keeps only their entries.
	Conversations []string
}

// OutboxStream reads outbox entries as the daemon sends them.
type OutboxStream struct {
	body io.ReadCloser
	dec  *json.Decoder
}

// Outbox opens a stream of the pending outbox entries, oldest first.
// Without q.Follow it ends after the last pending entry.
func (c *Client) Outbox(ctx context.Context, q OutboxQuery) (*OutboxStream, error) {
	v := url.Values{}
	if q.After > 0 {
		v.Set("after", strconv.FormatUint(q.After, 10))
	}
	if q.Follow {
		v.Set("follow", "true")
	}
	if len(q.Conversations) > 0 {
		v.Set("conversation", strings.Join(q.Conversations, ","))
	}
	hc := c.http
	if q.Follow {
		hc = c.stream
	}
	resp, err := c.do(ctx, hc, http.MethodGet, "/v1/outbox?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	return &OutboxStream{body: resp.Body, dec: json.NewDecoder(bufio.NewReader(resp.Body))}, nil
}

// Next returns the next entry, io.EOF at the end of a stream that does
// not follow, or the error that ended the stream.
func (s *OutboxStream) Next() (*triage.OutboxEntry, error) {
	var e triage.OutboxEntry
	if err := s.dec.Decode(&e); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("read outbox stream: %w", err)
	}
	return &e, nil
}

// Close ends the stream.
func (s *OutboxStream) Close() error { return s.body.Close() }
