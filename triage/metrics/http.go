package metrics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Instrument wraps the API handler so that the responses of POST
// /v1/events are counted by status and rejection class, and requests in
// flight are counted as pending. Other routes pass through untouched.
//
// NOTE: events that reach the engine by other routes, such as a webhook,
// are not counted here.
func (m *Metrics) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/events" {
			next.ServeHTTP(w, r)
			return
		}
		m.pending.Add(1)
		defer m.pending.Add(-1)
		rw := &resultWriter{ResponseWriter: w, m: m}
		next.ServeHTTP(rw, r)
		rw.finish()
	})
}

// resultWriter passes an ingest response through and decodes its JSON
// lines, one result each, as they are written.
type resultWriter struct {
	http.ResponseWriter
	m      *Metrics
	status int
	line   []byte
}

func (rw *resultWriter) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
	}
	rw.ResponseWriter.WriteHeader(status)
}

func (rw *resultWriter) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	if rw.status == http.StatusOK {
		rw.scan(p)
	}
	return rw.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rw *resultWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

func (rw *resultWriter) scan(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			rw.line = append(rw.line, p...)
			return
		}
		rw.line = append(rw.line, p[:i]...)
		rw.observe(rw.line)
		rw.line = rw.line[:0]
		p = p[i+1:]
	}
}

func (rw *resultWriter) finish() {
	if len(rw.line) > 0 {
		rw.observe(rw.line)
	}
}

func (rw *resultWriter) observe(line []byte) {
	var res struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	if json.Unmarshal(line, &res) == nil {
		rw.m.ObserveResult(res.Status, res.Error)
	}
}

// Prober commits a tiny write through the engine's writer. The engine's
// Probe method implements it.
type Prober interface {
	Probe(ctx context.Context) (time.Duration, error)
}

// HealthOptions bounds what /healthz accepts as healthy.
type HealthOptions struct {
	// ProbeTimeout bounds the probe write; zero means 2s.
	ProbeTimeout time.Duration
	// MaxPending is the most ingest requests in flight that still count
	// as keeping up; zero means 64, a negative value means none.
	MaxPending int
}

// Health is the JSON body of /healthz.
type Health struct {
	Status   string        `json:"status"`
	Database DatabaseCheck `json:"database"`
	Ingest   IngestCheck   `json:"ingest"`
}

// DatabaseCheck reports the probe write.
type DatabaseCheck struct {
	OK          bool    `json:"ok"`
	TookSeconds float64 `json:"took_seconds"`
	Error       string  `json:"error,omitempty"`
}

// IngestCheck reports whether ingest keeps up.
type IngestCheck struct {
	OK                 bool  `json:"ok"`
	PendingRequests    int64 `json:"pending_requests"`
	MaxPendingRequests int64 `json:"max_pending_requests"`
}

// Handler serves GET /healthz and GET /metrics.
func (m *Metrics) Handler(prober Prober, opts HealthOptions) http.Handler {
	if opts.ProbeTimeout <= 0 {
		opts.ProbeTimeout = 2 * time.Second
	}
	switch {
	case opts.MaxPending == 0:
		opts.MaxPending = 64
	case opts.MaxPending < 0:
		opts.MaxPending = 0
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := m.check(r.Context(), prober, opts)
		status := http.StatusOK
		if h.Status != "ok" {
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(h)
	})
	return mux
}

// check runs the probe write and reads the pending count.
func (m *Metrics) check(ctx context.Context, prober Prober, opts HealthOptions) Health {
	ctx, cancel := context.WithTimeout(ctx, opts.ProbeTimeout)
	defer cancel()
	took, err := prober.Probe(ctx)
	h := Health{Status: "ok"}
	h.Database = DatabaseCheck{OK: err == nil, TookSeconds: took.Seconds()}
	if err != nil {
		h.Database.Error = fmt.Sprintf("probe write failed after %s: %v", took.Round(time.Millisecond), err)
	}
	pending := m.pending.Load()
	h.Ingest = IngestCheck{
		OK:                 pending <= int64(opts.MaxPending),
		PendingRequests:    pending,
		MaxPendingRequests: int64(opts.MaxPending),
	}
	if !h.Database.OK || !h.Ingest.OK {
		h.Status = "unavailable"
	}
	return h
}

// CheckLoopback returns an error unless addr (host:port) names a
// loopback IP address or "localhost": the metrics listener has no
// authentication.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid metrics address %q: want host:port, such as 127.0.0.1:9464", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("invalid metrics address %q: the listener has no authentication, so it must be a loopback address such as 127.0.0.1:9464", addr)
}
