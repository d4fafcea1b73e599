package engine

import (
	"context"
	"time"

	"github.com/triagedesk/triage/triage"
)

// metaHealthProbe is the meta key that Probe writes.
const metaHealthProbe = "health_probe"

// Probe commits a tiny write through the writer and returns how long it
// took from submission to durable commit. A slow probe means the writer
// is behind or the disk is slow; an error means the database cannot be
// written or the engine stopped.
func (e *Engine) Probe(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	r := &request{action: func(tx triage.Tx, _ *batch) error {
		return tx.SetMeta(metaHealthProbe, []byte(start.UTC().Format(time.RFC3339Nano)))
	}}
	err := e.submit(ctx, r)
	return time.Since(start), err
}
