package daemon

import (
	"os"
	"runtime/debug"
	"sync"
)

// GC settings of the daemon, used when GOGC and GOMEMLIMIT are unset.
// The daemon's live heap is small (about 40 MB with 100,000 conversations
// stored), and most of what the writer allocates dies with its
// transaction. Collecting at twice the default interval cut the CPU per
// ingested event by about a tenth in the ingest benchmark, and raised the
// peak RssAnon at 100,000 conversations from about 55 MB to about 100 MB.
// The soft limit makes the collector run more often again before the
// heap grows past it. It stays well above the live heap: at 128 MiB, a
// console holding 10,000 tickets beside its own daemon spent its first
// frame collecting.
const (
	gcPercent     = 200
	gcMemoryLimit = 192 << 20
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
