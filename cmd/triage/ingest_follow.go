package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/triagedesk/triage/triage/ingest"
)

// pacer spaces events by their timestamp gaps divided by speed, so that a
// replay shows typing speed and timers as they were. Timestamps are sent
// unchanged.
type pacer struct {
	speed float64 // 0 sends at once
	// maxPause caps one wait; 0 means no cap.
	maxPause time.Duration
	sleep    func(ctx context.Context, d time.Duration) error
	last     time.Time
}

// delay returns how long to wait before sending an event at time at. An
// event earlier than the latest one sent so far goes at once.
func (p *pacer) delay(at time.Time) time.Duration {
	if p.speed <= 0 {
		return 0
	}
	if p.last.IsZero() || !at.After(p.last) {
		if p.last.IsZero() {
			p.last = at
		}
		return 0
	}
	wait := time.Duration(float64(at.Sub(p.last)) / p.speed)
	p.last = at
	if p.maxPause > 0 && wait > p.maxPause {
		wait = p.maxPause
	}
	return wait
}

// sleepContext waits for d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// followConfig holds the flags of ingest --follow.
type followConfig struct {
	poll  time.Duration
	quiet time.Duration
}

// followStatePath is the file that keeps the position in a followed path:
// $XDG_STATE_HOME/triage/follow/ and a hash of the absolute path.
func followStatePath(abs string) string {
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(stateDir(), "follow", hex.EncodeToString(sum[:8])+".json")
}

// loadFollowState reads a saved position, or returns nil when there is
// none or it belongs to another path.
func loadFollowState(statePath, abs string) (*ingest.FollowState, error) {
	data, err := os.ReadFile(statePath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read follow position: %w", err)
	}
	var st ingest.FollowState
	if err := json.Unmarshal(data, &st); err != nil {
		fmt.Fprintf(os.Stderr, "%s: invalid follow position in %s, reading from the start: %v\n", abs, statePath, err)
		return nil, nil
	}
	if st.Path != abs {
		return nil, nil
	}
	return &st, nil
}

// saveFollowState writes a position through a temporary file and a rename,
// so that a crash leaves the old position or the new one.
func saveFollowState(statePath string, st ingest.FollowState) error {
	if err := os.MkdirAll(filepath.Dir(statePath), 0o700); err != nil {
		return fmt.Errorf("save follow position: %w", err)
	}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save follow position: %w", err)
	}
	tmp := statePath + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("save follow position: %w", err)
	}
	if err := os.Rename(tmp, statePath); err != nil {
		return fmt.Errorf("save follow position: %w", err)
	}
	return nil
}

// followFile sends the events of a growing file until ctx ends. The
// position is saved only after the daemon acknowledged every event before
// it, so a restart skips no event, and after a clean stop sends none
// twice. An event sent
// again after a crash between the acknowledgement and the save has the
// same id and is skipped by the daemon as a duplicate.
func followFile(ctx context.Context, s *sender, path string, opts ingest.Options, cfg followConfig) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("follow %s: %w", path, err)
	}
	statePath := followStatePath(abs)
	resume, err := loadFollowState(statePath, abs)
	if err != nil {
		return err
	}
	opts.Source = path
	s.source = path
	follower, err := ingest.NewFollower(abs, ingest.FollowOptions{
		Options: opts,
		Poll:    cfg.poll,
		Quiet:   cfg.quiet,
		Resume:  resume,
		Notify:  func(msg string) { fmt.Fprintln(os.Stderr, msg) },
	})
	if err != nil {
		return err
	}
	defer follower.Close()

	// Requests run to completion after an interrupt, so that what was
	// read is sent and its position saved before the command exits.
	s.detached = true
	var handled, saved ingest.FollowState
	save := func() error {
		if handled.Line == 0 || handled == saved {
			return nil
		}
		if err := s.flush(ctx); err != nil {
			return err
		}
		if err := saveFollowState(statePath, handled); err != nil {
			return err
		}
		saved = handled
		return nil
	}
	for {
		item, err := follower.Next()
		if errors.Is(err, ingest.ErrNeedInput) {
			if err := save(); err != nil {
				return err
			}
			if err := follower.Wait(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			continue
		}
		if err != nil {
			if serr := save(); serr != nil {
				return serr
			}
			return err
		}
		if err := s.add(ctx, item.Item); err != nil {
			if ctx.Err() != nil {
				// Interrupted while pacing: this item was not queued.
				return save()
			}
			return err
		}
		handled = item.State
		if len(s.batch) == 0 || ctx.Err() != nil {
			if err := save(); err != nil {
				return err
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}
