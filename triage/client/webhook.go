package client

import (
	"context"

	"github.com/triagedesk/triage/triage/api"
)

// RejectedWebhooks returns the webhook payloads that the listener could
// not read and kept for review, oldest first.
func (c *Client) RejectedWebhooks(ctx context.Context) ([]api.RejectedPayload, error) {
	var list []api.RejectedPayload
	err := c.getJSON(ctx, "/v1/webhook/rejected", &list)
	return list, err
}
