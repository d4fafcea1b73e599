// Package metrics exposes the daemon's health and Prometheus metrics on
// a separate loopback listener: GET /healthz and GET /metrics.
//
// It observes the desk from outside the engine. Ingest results come from
// the answers of POST /v1/events (see Instrument), commit latency from the
// store (store.Live.ObserveCommits), escalations and SLA breaches from the
// engine's update hub (see Follow), and queue depth from the queue index,
// read on every scrape.
package metrics

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

// Metrics holds the daemon's collectors in their own registry.
type Metrics struct {
	registry    *prometheus.Registry
	events      *prometheus.CounterVec
	rejections  *prometheus.CounterVec
	commits     *prometheus.HistogramVec
	escalations *prometheus.CounterVec
	slaBreaches prometheus.Counter

	// pending counts ingest requests received but not yet responded to.
	pending atomic.Int64
}

// Ingest statuses, as the events counter labels them.
var ingestStatuses = []string{"accepted", "duplicate", "clash", "rejected"}

// New returns the collectors, registered with the queue depth collector
// that reads store on every scrape, and Go's runtime and process
// collectors.
func New(store triage.Store) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_events_ingested_total",
			Help: "Events received through POST /v1/events, by outcome: accepted, duplicate, clash (kept under a derived id) or rejected.",
		}, []string{"status"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_events_rejected_total",
			Help: "Rejected events by reason class: invalid_json, line_too_long, field_<name> for an invalid field, or other.",
		}, []string{"reason"}),
		commits: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "triage_commit_duration_seconds",
			Help:    "Duration of write transactions, from begin to durable commit (fsync) or rollback.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5},
		}, []string{"result"}),
		escalations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_escalations_total",
			Help: "Escalations since the daemon started, by the escalation rule that fired.",
		}, []string{"rule"}),
		slaBreaches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "triage_sla_breaches_total",
			Help: "History records of kind sla_breached since the daemon started.",
		}),
	}
	for _, s := range ingestStatuses {
		m.events.WithLabelValues(s)
	}
	pending := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "triage_ingest_pending_requests",
		Help: "Ingest requests received by the daemon and not yet responded to.",
	}, func() float64 { return float64(m.pending.Load()) })
	m.registry.MustRegister(m.events, m.rejections, m.commits, m.escalations, m.slaBreaches, pending,
		newQueueCollector(store),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry that /metrics serves.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Pending returns the number of ingest requests in flight.
func (m *Metrics) Pending() int64 { return m.pending.Load() }

// ObserveCommit records one write transaction. It has the signature of
// store.Live.ObserveCommits.
func (m *Metrics) ObserveCommit(took time.Duration, err error) {
	result := "committed"
	if err != nil {
		result = "failed"
	}
	m.commits.WithLabelValues(result).Observe(took.Seconds())
}

// ObserveResult records the outcome of one ingested event: its status
// and, for a rejection, the error message.
func (m *Metrics) ObserveResult(status, message string) {
	switch status {
	case "accepted", "duplicate", "clash", "rejected":
	default:
		return
	}
	m.events.WithLabelValues(status).Inc()
	if status == "rejected" {
		m.rejections.WithLabelValues(RejectionClass(message)).Inc()
	}
}

// eventFields are the event fields that a validation error can name.
var eventFields = map[string]bool{
	"conversation": true, "id": true, "at": true, "role": true, "type": true, "text": true, "customer": true,
}

// RejectionClass maps a rejection message to a label of bounded
// cardinality.
func RejectionClass(message string) string {
	switch {
	case strings.HasPrefix(message, "invalid JSON"):
		return "invalid_json"
	case strings.HasPrefix(message, "line longer than"):
		return "line_too_long"
	}
	if rest, ok := strings.CutPrefix(message, `field "`); ok {
		if end := strings.IndexByte(rest, '"'); end > 0 && eventFields[rest[:end]] {
			return "field_" + rest[:end]
		}
	}
	return "other"
}

// ObserveRecord counts escalations by rule and SLA breaches.
func (m *Metrics) ObserveRecord(rec *triage.Record) {
	switch rec.Kind {
	case triage.KindEscalated:
		m.escalations.WithLabelValues(triage.RuleOf(rec)).Inc()
	case triage.KindSLABreached:
		m.slaBreaches.Inc()
	}
}

// Follow counts the history records that hub publishes until ctx ends
// or the hub closes every subscription. It starts from the hub's first
// update, so that it counts every record since the daemon started, and
// resumes where it stopped when the hub drops it for falling behind.
func (m *Metrics) Follow(ctx context.Context, hub *engine.Hub) {
	var seq uint64
	for {
		sub := hub.Subscribe(seq, hub.Epoch())
		dropped := m.drain(ctx, sub, &seq)
		sub.Close()
		if !dropped {
			return
		}
	}
}

// drain reads one subscription and reports whether the hub dropped it
// for falling behind, so that Follow should subscribe again.
func (m *Metrics) drain(ctx context.Context, sub *engine.Subscription, seq *uint64) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case u, ok := <-sub.Updates():
			if !ok {
				return errors.Is(sub.Err(), engine.ErrSubscriberTooSlow)
			}
			*seq = u.Seq
			if u.Record != nil {
				m.ObserveRecord(u.Record)
			}
		}
	}
}

// queueCollector reports the depth of every queue by priority, read from
// the queue index of active tickets at scrape time.
type queueCollector struct {
	store triage.Store
	depth *prometheus.Desc
	errs  prometheus.Counter
}

func newQueueCollector(store triage.Store) *queueCollector {
	return &queueCollector{
		store: store,
		depth: prometheus.NewDesc("triage_queue_depth",
			"Active tickets (open, escalated or claimed) by queue, priority and status, read at scrape time.",
			[]string{"queue", "priority", "status"}, nil),
		errs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "triage_queue_depth_read_errors_total",
			Help: "Scrapes that could not read the queue index.",
		}),
	}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	c.errs.Describe(ch)
}

type queueKey struct {
	queue    string
	priority triage.Priority
	status   triage.Status
}

// Collect reads the queue index in one read transaction. Its cost grows
// with the number of active tickets.
func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	counts := make(map[queueKey]int)
	err := c.store.View(func(tx triage.ReadTx) error {
		return tx.Queue(true, func(t *triage.Ticket) error {
			counts[queueKey{t.Queue, t.Priority, t.Status}]++
			return nil
		})
	})
	if err != nil {
		c.errs.Inc()
	} else {
		for k, n := range counts {
			ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(n),
				k.queue, k.priority.String(), string(k.status))
		}
	}
	c.errs.Collect(ch)
}
