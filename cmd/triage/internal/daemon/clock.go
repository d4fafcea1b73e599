package daemon

import (
	"fmt"
	"os"
	"time"
)

// TestNowEnv names the environment variable that starts the daemon's
// clock at a given RFC 3339 time, from which it runs on at the real pace.
// It exists for tests only, so that a test can stop a daemon, move its
// clock past a deadline and start it again. A production daemon must
// never have it set.
const TestNowEnv = "TRIAGE_TEST_NOW"

// testClock returns the clock that TRIAGE_TEST_NOW sets, or nil for the
// real clock.
func testClock() (func() time.Time, error) {
	value := os.Getenv(TestNowEnv)
	if value == "" {
		return nil, nil
	}
	start, err := time.Parse(time.RFC3339Nano, value)
	if err != nil {
		return nil, fmt.Errorf("invalid %s %q: use an RFC 3339 time such as 2026-03-02T09:00:00Z", TestNowEnv, value)
	}
	began := time.Now()
	return func() time.Time { return start.Add(time.Since(began)) }, nil
}
