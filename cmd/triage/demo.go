package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/cmd/triage/internal/daemon"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/ingest"
)

// demoConversations are sample chats written for the demo: calm ones,
// slowly souring ones and furious ones, with typing events.
//
//go:embed demodata/*.txt
var demoConversations embed.FS

// demoOrder staggers the conversations so that the queue fills gradually
// and a furious one escalates early.
var demoOrder = []string{
	"calm-password-reset.txt", "furious-outage.txt", "souring-sync.txt", "calm-invoice-question.txt",
	"souring-billing.txt", "furious-locked-out.txt", "calm-feature-idea.txt", "souring-delivery.txt",
}

// demoStagger is the recorded time between the starts of two demo
// conversations.
const demoStagger = 25 * time.Second

func newDemoCommand() *cobra.Command {
	var (
		speed    float64
		headless bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a desk on a temporary database and replay sample chats into it",
		Long: `Start a daemon in-process on a temporary database and its own temporary
socket (so it never collides with a running triage serve), replay sample
conversations shipped with triage at --speed times their recorded pace,
and open the console on the live queue. Quit the console to end the demo;
the temporary files are removed. The daemon logs to
$XDG_STATE_HOME/triage/demo.log.

--headless skips the console: it replays everything as fast as the pace
allows and prints the queue, which is handy on a machine without a terminal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if speed <= 0 {
				return usageError{fmt.Errorf("invalid --speed %v: use a number above 0, such as 6", speed)}
			}
			return runDemo(cmd.Context(), cmd.OutOrStdout(), speed, headless)
		},
	}
	cmd.Flags().Float64Var(&speed, "speed", 6, "replay pace as a multiple of the recorded pace (1 is real time)")
	cmd.Flags().BoolVar(&headless, "headless", false, "replay without the console and print the queue")
	return cmd
}

func runDemo(ctx context.Context, out io.Writer, speed float64, headless bool) error {
	dir, err := os.MkdirTemp("", "triage-demo-")
	if err != nil {
		return fmt.Errorf("create demo folder: %w", err)
	}
	defer os.RemoveAll(dir)

	logFile, err := openStateLog("demo.log")
	if err != nil {
		return err
	}
	defer logFile.Close()
	log := slog.New(slog.NewTextHandler(logFile, nil))

	d, err := daemon.Start(daemon.Config{
		Database: filepath.Join(dir, "demo.db"),
		Socket:   filepath.Join(dir, "s.sock"),
		Logger:   log,
		Version:  version(),
	})
	if err != nil {
		return fmt.Errorf("start demo daemon: %w", err)
	}
	defer d.Stop()

	plan, err := demoPlan(time.Now(), speed)
	if err != nil {
		return err
	}
	c := client.New(d.Socket())
	replayCtx, stopReplay := context.WithCancel(ctx)
	defer stopReplay()
	replayDone := make(chan error, 1)
	go func() { replayDone <- replay(replayCtx, c, plan) }()

	if headless {
		if err := <-replayDone; err != nil {
			return err
		}
		tickets, err := c.Queue(ctx, true)
		if err != nil {
			return err
		}
		printQueue(out, tickets, time.Now())
		return nil
	}
	err = runConsole(ctx, c)
	stopReplay()
	if replayErr := <-replayDone; replayErr != nil && !errors.Is(replayErr, context.Canceled) {
		log.Error("demo replay failed", "err", replayErr)
	}
	return err
}

// openStateLog opens a log file under $XDG_STATE_HOME/triage for appending.
func openStateLog(name string) (*os.File, error) {
	if err := os.MkdirAll(stateDir(), 0o700); err != nil {
		return nil, fmt.Errorf("create state folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(stateDir(), name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	return f, nil
}

// plannedEvent is one demo event with the wall-clock time to send it.
type plannedEvent struct {
	sendAt time.Time
	event  triage.Event
}

// demoPlan reads the sample conversations and schedules them. Recorded
// times keep their spacing, so typing speeds and bursts score as written;
// sending is sped up, and the stamps are shifted back so that no event is
// stamped later than the moment it is sent.
func demoPlan(start time.Time, speed float64) ([]plannedEvent, error) {
	var plan []plannedEvent
	var span time.Duration
	for i, name := range demoOrder {
		events, err := readDemoConversation(name)
		if err != nil {
			return nil, err
		}
		first := events[0].At
		offset := time.Duration(i) * demoStagger
		for _, ev := range events {
			virtual := offset + ev.At.Sub(first)
			if virtual > span {
				span = virtual
			}
			ev.At = start.Add(virtual)
			plan = append(plan, plannedEvent{
				sendAt: start.Add(time.Duration(float64(virtual) / speed)),
				event:  ev,
			})
		}
	}
	lag := time.Duration(float64(span) * (1 - 1/speed))
	for i := range plan {
		plan[i].event.At = plan[i].event.At.Add(-lag).UTC()
		plan[i].event.ID = ""
		plan[i].event.ID = triage.DeriveID(&plan[i].event, 0)
	}
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].sendAt.Before(plan[j].sendAt) })
	return plan, nil
}

func readDemoConversation(name string) ([]triage.Event, error) {
	f, err := demoConversations.Open("demodata/" + name)
	if err != nil {
		return nil, fmt.Errorf("open demo conversation: %w", err)
	}
	defer f.Close()
	r, err := ingest.NewReader(f.(fs.File), ingest.Options{Format: ingest.FormatText, Source: name})
	if err != nil {
		return nil, fmt.Errorf("read demo conversation %s: %w", name, err)
	}
	var events []triage.Event
	for {
		item, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read demo conversation %s: %w", name, err)
		}
		if item.Err != nil {
			return nil, fmt.Errorf("demo conversation: %w", item.Err)
		}
		events = append(events, *item.Event)
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("demo conversation %s has no events", name)
	}
	return events, nil
}

// replay sends the planned events when they are due, grouping those that
// are due together into one request.
func replay(ctx context.Context, c *client.Client, plan []plannedEvent) error {
	for i := 0; i < len(plan); {
		if wait := time.Until(plan[i].sendAt); wait > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
		j := i
		var batch []triage.Event
		for j < len(plan) && !plan[j].sendAt.After(time.Now()) {
			batch = append(batch, plan[j].event)
			j++
		}
		if _, err := c.Ingest(ctx, batch); err != nil {
			return fmt.Errorf("send demo events: %w", err)
		}
		i = j
	}
	return nil
}
