package daemon

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/tui"
)

// Terminal size of the console in these benchmarks.
const consoleWidth, consoleHeight = 120, 40

// consoleWait bounds every wait for the console. It only guards against
// hangs and never measures speed.
const consoleWait = time.Minute

// consoleDesk adapts the client to the console's Desk, as `triage
// console` does.
type consoleDesk struct{ *client.Client }

func (d consoleDesk) Subscribe(ctx context.Context, since uint64, epoch string) (tui.Stream, error) {
	s, err := d.Client.Subscribe(ctx, since, epoch)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// timedModel wraps the console's model and times its Update and View
// calls while recording is set. Bubble Tea calls View after every
// Update, so each View is one frame.
type timedModel struct {
	inner     tea.Model
	recording atomic.Bool
	// updates holds the time of each Update for a stream update, and
	// frames the time of each View. The program's goroutine writes them,
	// so read them only after the program has returned.
	updates, frames []time.Duration
}

func (m *timedModel) Init() tea.Cmd { return m.inner.Init() }

func (m *timedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	start := time.Now()
	inner, cmd := m.inner.Update(msg)
	took := time.Since(start)
	m.inner = inner
	if m.recording.Load() && isStreamUpdate(msg) {
		m.updates = append(m.updates, took)
	}
	return m, cmd
}

func (m *timedModel) View() string {
	start := time.Now()
	frame := m.inner.View()
	if m.recording.Load() {
		m.frames = append(m.frames, time.Since(start))
	}
	return frame
}

// isStreamUpdate reports whether msg carries one update from the daemon's
// stream. The message type is private to package tui, so it is matched
// by name.
func isStreamUpdate(msg tea.Msg) bool {
	return fmt.Sprintf("%T", msg) == "tui.updateMsg"
}

// screenWatch is the console's terminal: it closes found once the
// output contains marker.
type screenWatch struct {
	marker []byte
	found  chan struct{}
	seen   []byte
	done   bool
}

func newScreenWatch(marker string) *screenWatch {
	return &screenWatch{marker: []byte(marker), found: make(chan struct{})}
}

// Write is called only by the program's renderer goroutine.
func (w *screenWatch) Write(p []byte) (int, error) {
	if w.done {
		return len(p), nil
	}
	w.seen = append(w.seen, p...)
	if bytes.Contains(w.seen, w.marker) {
		w.done = true
		w.seen = nil
		close(w.found)
	}
	return len(p), nil
}

// consoleRun is one console program running against a daemon.
type consoleRun struct {
	model    *timedModel
	program  *tea.Program
	screen   *screenWatch
	finished chan error
}

// startConsole starts the console on the daemon at socket, with a colour
// terminal of consoleWidth by consoleHeight cells, and returns at once.
func startConsole(socket, marker string) *consoleRun {
	r := &consoleRun{screen: newScreenWatch(marker), finished: make(chan error, 1)}
	r.model = &timedModel{inner: tui.New(tui.Options{Desk: consoleDesk{client.New(socket)}, Agent: "alice"})}
	r.program = tea.NewProgram(r.model, tea.WithInput(nil), tea.WithOutput(r.screen), tea.WithoutSignalHandler())
	go func() {
		_, err := r.program.Run()
		r.finished <- err
	}()
	r.program.Send(tea.WindowSizeMsg{Width: consoleWidth, Height: consoleHeight})
	return r
}

// waitFrame waits until the marker has been drawn.
func (r *consoleRun) waitFrame(b *testing.B) {
	b.Helper()
	select {
	case <-r.screen.found:
	case err := <-r.finished:
		b.Fatalf("console exited before drawing %q: %v", r.screen.marker, err)
	case <-time.After(consoleWait):
		b.Fatalf("console did not draw %q within %s", r.screen.marker, consoleWait)
	}
}

// stop quits the program and waits for it.
func (r *consoleRun) stop(b *testing.B) {
	b.Helper()
	r.program.Quit()
	select {
	case err := <-r.finished:
		if err != nil {
			b.Fatalf("console: %v", err)
		}
	case <-time.After(consoleWait):
		b.Fatalf("console did not quit within %s", consoleWait)
	}
}

// startConsoleDaemon starts an in-process daemon on a copy of the large
// desk when large is set, or on an empty database.
func startConsoleDaemon(b *testing.B, large string) *Daemon {
	b.Helper()
	dir := shortBenchDir(b)
	database := filepath.Join(dir, "t.db")
	if large != "" {
		database = copyDatabase(b, large, dir)
	}
	d, err := Start(Config{Database: database, Socket: filepath.Join(dir, "t.sock")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = d.Stop() })
	return d
}

// BenchmarkConsoleFirstFrame times the console from the creation of its
// model to the first frame that shows the loaded queue, against an
// in-process daemon on a real socket. The time includes connecting,
// loading the queue snapshot, subscribing, and Bubble Tea's renderer,
// which draws at most 60 frames a second. "queue=0" runs on an empty
// database, "queue=10000" on 100,000 conversations of which 10,000 are
// escalated. One op is one console start. "queue=10000/snapshot-only" is
// the floor: the queue snapshot request alone, through a new client.
// The console subscribes first and loads the snapshot once, when the
// stream's opening Reset arrives.
func BenchmarkConsoleFirstFrame(b *testing.B) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	large := fillLargeDeskOnce(b)
	for _, tc := range []struct {
		name, database, marker string
	}{
		{"queue=0", "", "No escalated tickets."},
		{"queue=10000", large, fmt.Sprintf("%d tickets", largeDeskOpen)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := startConsoleDaemon(b, tc.database)
			b.ResetTimer()
			for range b.N {
				r := startConsole(d.Socket(), tc.marker)
				r.waitFrame(b)
				b.StopTimer()
				r.stop(b)
				b.StartTimer()
			}
		})
	}
	b.Run("queue=10000/snapshot-only", func(b *testing.B) {
		d := startConsoleDaemon(b, large)
		b.ResetTimer()
		for range b.N {
			tickets, err := client.New(d.Socket()).Queue(context.Background(), false)
			if err != nil {
				b.Fatal(err)
			}
			if len(tickets) != largeDeskOpen {
				b.Fatalf("queue holds %d tickets, want %d", len(tickets), largeDeskOpen)
			}
		}
	})
}

// BenchmarkConsoleLiveUpdates runs the console against an in-process
// daemon on the large desk while events arrive at 100 a second, one per
// request: customer messages on the escalated conversations, which move
// their tickets, and every fourth one a new conversation. It times every
// Update call for a stream update and every View call, that is every
// frame, from the first event until a second after the last one. One op
// is one event, so ns/op is the 10ms pace; the figures are the metrics.
func BenchmarkConsoleLiveUpdates(b *testing.B) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	large := fillLargeDeskOnce(b)
	b.Run("queue=10000", func(b *testing.B) {
		d := startConsoleDaemon(b, large)
		r := startConsole(d.Socket(), fmt.Sprintf("%d tickets", largeDeskOpen))
		r.waitFrame(b)
		c := client.New(d.Socket())

		r.model.recording.Store(true)
		b.ResetTimer()
		ticker := time.NewTicker(10 * time.Millisecond)
		var senders sync.WaitGroup
		for i := range b.N {
			<-ticker.C
			e := liveEvent(i, time.Now())
			senders.Go(func() {
				if _, err := c.Ingest(context.Background(), []triage.Event{e}); err != nil {
					b.Error(err)
				}
			})
		}
		ticker.Stop()
		senders.Wait()
		b.StopTimer()
		time.Sleep(time.Second)
		r.model.recording.Store(false)
		r.stop(b)

		if len(r.model.updates) == 0 {
			b.Fatal("the console received no stream updates")
		}
		reportDurations(b, "update", r.model.updates)
		reportDurations(b, "frame", r.model.frames)
	})
}

// reportDurations reports the median, the 99th percentile and the count
// of samples as metrics whose names start with name.
func reportDurations(b *testing.B, name string, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	at := func(q float64) float64 {
		return float64(sorted[min(len(sorted)-1, int(q*float64(len(sorted))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.5), name+"-p50-ms")
	b.ReportMetric(at(0.99), name+"-p99-ms")
	b.ReportMetric(float64(len(sorted)), name+"s")
}
