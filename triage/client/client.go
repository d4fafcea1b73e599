// Package client speaks to a running triage daemon over its Unix socket.
package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
)

// ErrNoDaemon means no daemon accepted a connection on the socket.
var ErrNoDaemon = errors.New("no triage daemon responds")

// Client is a connection to one daemon. It is safe for concurrent use.
type Client struct {
	socket string
	agent  string
	http   *http.Client
	stream *http.Client
}

// New returns a client for the daemon listening on socket. It does not
// connect until the first request.
func New(socket string) *Client {
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}
	transport := &http.Transport{DialContext: dial, MaxIdleConnsPerHost: 8}
	streamTransport := &http.Transport{DialContext: dial, DisableKeepAlives: true}
	return &Client{
		socket: socket,
		http:   &http.Client{Transport: transport, Timeout: 2 * time.Minute},
		stream: &http.Client{Transport: streamTransport},
	}
}

// WithAgent returns a copy of c that acts under the given agent name. The
// daemon honours it only for its own user.
func (c *Client) WithAgent(name string) *Client {
	cc := *c
	cc.agent = name
	return &cc
}

// Socket returns the socket path the client dials.
func (c *Client) Socket() string { return c.socket }

// APIError is an error response from the daemon.
type APIError struct {
	Status  int
	Message string
	Holder  string
	// Code refines the status: "inactive" on a conflict means the ticket
	// is resolved or closed.
	Code string
}

func (e *APIError) Error() string { return e.Message }

// Unwrap maps the status to the domain's sentinel errors. A conflict
// over a resolved or closed ticket is both ErrConflict and ErrInactive.
func (e *APIError) Unwrap() []error {
	switch e.Status {
	case http.StatusNotFound:
		return []error{triage.ErrNotFound}
	case http.StatusConflict:
		if e.Code == "inactive" {
			return []error{triage.ErrConflict, triage.ErrInactive}
		}
		return []error{triage.ErrConflict}
	}
	return nil
}

func (c *Client) do(ctx context.Context, hc *http.Client, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://triage"+path, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if c.agent != "" {
		req.Header.Set(api.AgentHeader, c.agent)
	}
	resp, err := hc.Do(req)
	if err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Op == "dial" {
			if errors.Is(opErr.Err, syscall.EACCES) {
				return nil, fmt.Errorf("connect to the daemon's socket %s: permission denied: the socket or its folder belongs to another user; ask them to start the daemon with --socket-group and add you to that group, or use a socket of your own with --socket", c.socket)
			}
			return nil, fmt.Errorf("%w on %s: %v", ErrNoDaemon, c.socket, opErr.Err)
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		var body struct {
			Error  string `json:"error"`
			Holder string `json:"holder"`
			Code   string `json:"code"`
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(data, &body) != nil || body.Error == "" {
			body.Error = fmt.Sprintf("%s %s: %s", method, path, resp.Status)
		}
		return nil, &APIError{Status: resp.StatusCode, Message: body.Error, Holder: body.Holder, Code: body.Code}
	}
	return resp, nil
}

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	resp, err := c.do(ctx, c.http, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

// Info returns the daemon's description of itself.
func (c *Client) Info(ctx context.Context) (*api.Info, error) {
	var info api.Info
	if err := c.getJSON(ctx, "/v1/info", &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// Queue returns the open tickets in queue order: escalated and claimed
// ones, or with all set every active ticket.
func (c *Client) Queue(ctx context.Context, all bool) ([]*triage.Ticket, error) {
	var tickets []*triage.Ticket
	err := c.getJSON(ctx, "/v1/queue?all="+strconv.FormatBool(all), &tickets)
	return tickets, err
}

// Ticket returns one ticket with its transcript and history.
func (c *Client) Ticket(ctx context.Context, id string) (*triage.TicketDetail, error) {
	var d triage.TicketDetail
	if err := c.getJSON(ctx, "/v1/tickets/"+url.PathEscape(id), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

func (c *Client) action(ctx context.Context, id, action string) (*triage.Ticket, error) {
	resp, err := c.do(ctx, c.http, http.MethodPost, "/v1/tickets/"+url.PathEscape(id)+"/"+action, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var t triage.Ticket
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil {
		return nil, fmt.Errorf("decode %s response: %w", action, err)
	}
	return &t, nil
}

// Claim takes a ticket for the calling agent.
func (c *Client) Claim(ctx context.Context, id string) (*triage.Ticket, error) {
	return c.action(ctx, id, "claim")
}

// Release hands a claimed ticket back to its queue.
func (c *Client) Release(ctx context.Context, id string) (*triage.Ticket, error) {
	return c.action(ctx, id, "release")
}

// Resolve marks a ticket resolved.
func (c *Client) Resolve(ctx context.Context, id string) (*triage.Ticket, error) {
	return c.action(ctx, id, "resolve")
}

// Ingest sends events and returns one result per event, in order, after
// the daemon has made them durable. Send at most api.MaxEventsPerRequest
// events per call.
func (c *Client) Ingest(ctx context.Context, events []triage.Event) ([]api.IngestResult, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return nil, fmt.Errorf("encode event %d: %w", i+1, err)
		}
	}
	resp, err := c.do(ctx, c.http, http.MethodPost, "/v1/events", &body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	results := make([]api.IngestResult, 0, len(events))
	dec := json.NewDecoder(resp.Body)
	for {
		var r api.IngestResult
		if err := dec.Decode(&r); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return results, fmt.Errorf("decode ingest results: %w", err)
		}
		results = append(results, r)
	}
	if len(results) != len(events) {
		return results, fmt.Errorf("daemon returned results for %d of %d events", len(results), len(events))
	}
	return results, nil
}

// Stream is a live subscription to the daemon's updates.
type Stream struct {
	body io.ReadCloser
	dec  *json.Decoder
}

// Subscribe follows the daemon's updates after sequence number since of
// the given epoch. When the daemon cannot resume from there, the first
// update has Reset set.
func (c *Client) Subscribe(ctx context.Context, since uint64, epoch string) (*Stream, error) {
	v := url.Values{"since": {strconv.FormatUint(since, 10)}, "epoch": {epoch}}
	resp, err := c.do(ctx, c.stream, http.MethodGet, "/v1/stream?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	return &Stream{body: resp.Body, dec: json.NewDecoder(bufio.NewReader(resp.Body))}, nil
}

// Next blocks until the next update arrives or the stream fails.
func (s *Stream) Next() (triage.Update, error) {
	var u triage.Update
	if err := s.dec.Decode(&u); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return u, fmt.Errorf("read update stream: %w", err)
	}
	return u, nil
}

// Close ends the subscription.
func (s *Stream) Close() error { return s.body.Close() }
