package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/triagedesk/triage/triage"
)

// Backup writes a consistent copy of the daemon's database to path. It
// writes path+".tmp" first, checks that the length matches what the daemon
// announced, syncs it and renames it to path, so that path never names a
// partial copy. It returns the number of bytes written.
func (c *Client) Backup(ctx context.Context, path string) (int64, error) {
	resp, err := c.do(ctx, c.stream, http.MethodGet, "/v1/backup", nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, fmt.Errorf("create backup file: %w", err)
	}
	n, err := io.Copy(f, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("the daemon sent %d of %d bytes", n, resp.ContentLength)
	}
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return n, fmt.Errorf("write backup %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return n, fmt.Errorf("rename backup into place: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync()
		_ = dir.Close()
	}
	return n, nil
}

// ErrRewriteFailed is returned, wrapped, by Forget when the daemon
// deleted the data but could not rewrite the database file.
var ErrRewriteFailed = errors.New("the database file was not rewritten")

// Forget requests that the daemon erase one customer's data and returns what it
// removed. When the data was deleted but the file rewrite failed, it
// returns the summary and an error wrapping ErrRewriteFailed.
func (c *Client) Forget(ctx context.Context, match triage.CustomerMatch) (*triage.ErasureSummary, error) {
	body, err := json.Marshal(match)
	if err != nil {
		return nil, fmt.Errorf("encode forget request: %w", err)
	}
	resp, err := c.do(ctx, c.stream, http.MethodPost, "/v1/forget", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var sum triage.ErasureSummary
	if err := json.NewDecoder(resp.Body).Decode(&sum); err != nil {
		return nil, fmt.Errorf("decode forget response: %w", err)
	}
	if sum.RewriteError != "" {
		return &sum, fmt.Errorf("%w: %s", ErrRewriteFailed, sum.RewriteError)
	}
	return &sum, nil
}
