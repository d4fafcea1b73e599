package daemon

import (
	"os"
	"runtime/debug"
	"sync"
)

// GC settings of the daemon, used when GOGC and GOMEMLIMIT are unset.
// The daemon's live heap is small (about 50 MB resident with 100,000
// conversations stored), and most of what the writer allocates dies with
// its transaction. Collecting less often cut the CPU per ingested event
// by about a fifth in the ingest benchmark. The soft limit makes the
// collector run more often again before the heap grows past it.
const (
	gcPercent     = 400
	gcMemoryLimit = 256 << 20
)

var tuneGCOnce sync.Once

// tuneGC applies the daemon's GC settings once per process, leaving any
// the environment sets alone.
func tuneGC() {
	tuneGCOnce.Do(func() {
		if _, set := os.LookupEnv("GOGC"); !set {
			debug.SetGCPercent(gcPercent)
		}
		if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
			debug.SetMemoryLimit(gcMemoryLimit)
		}
	})
}
