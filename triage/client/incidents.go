package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
)

// Incidents returns the incidents with their member tickets: open ones
// first in queue order, then the others newest first. With open set, only
// open incidents are returned.
func (c *Client) Incidents(ctx context.Context, open bool) ([]*triage.IncidentDetail, error) {
	var list []*triage.IncidentDetail
	err := c.getJSON(ctx, "/v1/incidents?open="+strconv.FormatBool(open), &list)
	return list, err
}

// Incident returns one incident with its member tickets.
func (c *Client) Incident(ctx context.Context, id string) (*triage.IncidentDetail, error) {
	var d triage.IncidentDetail
	if err := c.getJSON(ctx, "/v1/incidents/"+url.PathEscape(id), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// ResolveIncident resolves an incident and its member tickets under the
// calling agent's name.
func (c *Client) ResolveIncident(ctx context.Context, id string) (*triage.Incident, error) {
	var inc triage.Incident
	err := c.postJSON(ctx, "/v1/incidents/"+url.PathEscape(id)+"/resolve", nil, &inc)
	if err != nil {
		return nil, err
	}
	return &inc, nil
}

// ReplyIncident sends one reply to the customers of every active member
// ticket of an incident and returns the outbox entries, one per ticket.
func (c *Client) ReplyIncident(ctx context.Context, id, text string) ([]*triage.OutboxEntry, error) {
	body, err := json.Marshal(api.ReplyBody{Text: text})
	if err != nil {
		return nil, fmt.Errorf("encode reply: %w", err)
	}
	var entries []*triage.OutboxEntry
	if err := c.postJSON(ctx, "/v1/incidents/"+url.PathEscape(id)+"/reply", bytes.NewReader(body), &entries); err != nil {
		return nil, err
	}
	return entries, nil
}

// Ungroup takes a ticket out of its incident and returns it to its queue
// as a single escalation.
func (c *Client) Ungroup(ctx context.Context, ticket string) (*triage.Ticket, error) {
	return c.action(ctx, ticket, "ungroup")
}

func (c *Client) postJSON(ctx context.Context, path string, body io.Reader, v any) error {
	resp, err := c.do(ctx, c.http, http.MethodPost, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}
