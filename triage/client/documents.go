package client

import (
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

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
)

func documentPath(kind, name string) string {
	return "/v1/documents/" + url.PathEscape(kind) + "/" + url.PathEscape(name)
}

// Documents returns the latest version of every stored document, ordered
// by kind and then name.
func (c *Client) Documents(ctx context.Context) ([]*triage.Document, error) {
	var docs []*triage.Document
	err := c.getJSON(ctx, "/v1/documents", &docs)
	return docs, err
}

// Document returns one version of a document, or its latest version when
// version is 0. A missing document returns an error matching
// triage.ErrNotFound.
func (c *Client) Document(ctx context.Context, kind, name string, version int) (*triage.Document, error) {
	path := documentPath(kind, name)
	if version > 0 {
		path += "?version=" + strconv.Itoa(version)
	}
	var doc triage.Document
	if err := c.getJSON(ctx, path, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// DocumentVersions returns every version of a document, oldest first.
func (c *Client) DocumentVersions(ctx context.Context, kind, name string) ([]*triage.Document, error) {
	var docs []*triage.Document
	err := c.getJSON(ctx, documentPath(kind, name)+"/versions", &docs)
	return docs, err
}

// PutDocument saves body as the next version of a document. When the
// daemon finds the body invalid, the error is a *scripts.ValidationError
// whose Source is source.
func (c *Client) PutDocument(ctx context.Context, kind, name, source string, body []byte, comment string) (*triage.Document, error) {
	path := documentPath(kind, name)
	if comment != "" {
		path += "?comment=" + url.QueryEscape(comment)
	}
	return c.saveDocument(ctx, http.MethodPut, path, source, bytes.NewReader(body))
}

// Rollback saves version of a document again as its next version.
func (c *Client) Rollback(ctx context.Context, kind, name string, version int) (*triage.Document, error) {
	path := documentPath(kind, name) + "/rollback/" + strconv.Itoa(version)
	return c.saveDocument(ctx, http.MethodPost, path, kind+"/"+name, nil)
}

// saveDocument sends a request that stores a document version and decodes
// the stored version. A 422 answer becomes a *scripts.ValidationError,
// and other errors take the forms Client.do returns.
func (c *Client) saveDocument(ctx context.Context, method, path, source string, body io.Reader) (*triage.Document, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://triage"+path, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if c.agent != "" {
		req.Header.Set(api.AgentHeader, c.agent)
	}
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := c.http.Do(req)
	if err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Op == "dial" {
			return nil, fmt.Errorf("%w on %s: %v", ErrNoDaemon, c.socket, opErr.Err)
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer of %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var answer api.ValidationProblems
		_ = json.Unmarshal(data, &answer)
		if resp.StatusCode == http.StatusUnprocessableEntity && len(answer.Problems) > 0 {
			verr := &scripts.ValidationError{Source: source}
			for _, p := range answer.Problems {
				verr.Problems = append(verr.Problems, scripts.Problem{Line: p.Line, Column: p.Column, Path: p.Path, Message: p.Message})
			}
			return nil, verr
		}
		if answer.Error == "" {
			answer.Error = fmt.Sprintf("%s %s: %s", method, path, resp.Status)
		}
		return nil, &APIError{Status: resp.StatusCode, Message: answer.Error}
	}
	var doc triage.Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("decode saved document: %w", err)
	}
	return &doc, nil
}
