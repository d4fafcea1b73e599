package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/triagedesk/triage/triage/engine"
	"github.com/triagedesk/triage/triage/metrics"
)

// opsState is the daemon's operating surface: its metrics and the
// optional loopback listener for /healthz and /metrics.
type opsState struct {
	metrics *metrics.Metrics
	server  *http.Server
	addr    string
	stop    context.CancelFunc
}

// startOps creates the metrics, starts counting the engine's history
// records, and starts the metrics listener when Config.MetricsListen is
// set.
func (d *Daemon) startOps(eng *engine.Engine) error {
	m := metrics.New(d.db)
	d.db.ObserveCommits(m.ObserveCommit)
	ctx, cancel := context.WithCancel(context.Background())
	go m.Follow(ctx, eng.Hub())
	d.ops = &opsState{metrics: m, stop: cancel}
	if d.cfg.MetricsListen == "" {
		return nil
	}
	if err := metrics.CheckLoopback(d.cfg.MetricsListen); err != nil {
		cancel()
		return err
	}
	ln, err := net.Listen("tcp", d.cfg.MetricsListen)
	if err != nil {
		cancel()
		return fmt.Errorf("listen for metrics on %s: %w", d.cfg.MetricsListen, err)
	}
	d.ops.addr = ln.Addr().String()
	d.ops.server = &http.Server{
		Handler:           m.Handler(eng, metrics.HealthOptions{MaxPending: d.cfg.HealthMaxPending}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if err := d.ops.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("metrics listener failed", "err", err, "addr", d.ops.addr)
		}
	}()
	d.log.Info("serving health and metrics", "addr", d.ops.addr)
	return nil
}

// instrument wraps an API handler so that ingest responses are counted.
func (d *Daemon) instrument(h http.Handler) http.Handler {
	return d.ops.metrics.Instrument(h)
}

// MetricsAddr returns the address the metrics listener serves on, or ""
// when there is none.
func (d *Daemon) MetricsAddr() string {
	if d.ops == nil {
		return ""
	}
	return d.ops.addr
}

// stopOps closes the metrics listener and stops counting records.
func (d *Daemon) stopOps(ctx context.Context) {
	if d.ops == nil {
		return
	}
	if d.ops.server != nil {
		if err := d.ops.server.Shutdown(ctx); err != nil {
			_ = d.ops.server.Close()
		}
	}
	d.ops.stop()
}

// notifySystemd sends state, such as "READY=1", to the service manager
// over the datagram socket named by NOTIFY_SOCKET, as sd_notify(3)
// describes. It does nothing when NOTIFY_SOCKET is unset. A name starting
// with "@" is an abstract socket.
func (d *Daemon) notifySystemd(state string) {
	name := os.Getenv("NOTIFY_SOCKET")
	if name == "" {
		return
	}
	if name[0] == '@' {
		name = "\x00" + name[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		d.log.Warn("notify the service manager failed", "err", err, "state", state)
		return
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		d.log.Warn("notify the service manager failed", "err", err, "state", state)
	}
}
