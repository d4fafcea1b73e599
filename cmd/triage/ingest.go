package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/engine"
	"github.com/triagedesk/triage/triage/ingest"
	"github.com/triagedesk/triage/triage/redact"
)

// ingestBatchSize is how many events one request to the daemon carries.
const ingestBatchSize = 1000

func newIngestCommand() *cobra.Command {
	var (
		format       string
		conversation string
		tz           string
		quiet        bool
		noRedact     bool
		verbose      bool
		follow       bool
		speed        float64
		maxPause     time.Duration
		poll         time.Duration
		flushAfter   time.Duration
		reply        bool
	)
	cmd := &cobra.Command{
		Use:   "ingest [FILE...]",
		Short: "Send chat events or transcripts to the daemon",
		Long: `Read chat events from each FILE, or from standard input when none is named
or FILE is -, and send them to the daemon. Formats: native JSON Lines events (jsonl), a
plain-text transcript, one conversation per file (text), Chatwoot webhook
payloads, one a line or pretty-printed (chatwoot), or the Customer Support on
Twitter CSV (twcs). --format auto tells them apart by the first non-blank
character, the keys of the first JSON object, or the CSV header row.

E-mail addresses, phone and card numbers, IP and street addresses in the
text are replaced by placeholders such as [email] before sending, unless
--no-redact is given. The daemon redacts again and hashes customer
identities unless it was started with --no-redact.

Each rejected line is reported on stderr with its file, line number and
reason; the lines around it are still taken. A summary on stderr counts the
events accepted, skipped as duplicates and rejected. Exit status 3 means
some lines were rejected.

--follow keeps reading each FILE as it grows, as tail -F does: lines
appended are sent as soon as they are complete, and a file that is
truncated, or renamed and created anew, is read again from its first line.
The position in each file is kept under $XDG_STATE_HOME/triage/follow/ and
saved only after the daemon acknowledged the events before it, so that a
restarted follower goes on where the last one stopped. Interrupt it with
Ctrl-C or SIGTERM.

--speed N replays the input at N times its recorded pace: before each
event it waits for the gap since the previous event's timestamp divided by
N. The timestamps sent are unchanged.

--reply writes the replies to the conversations it sent, agent replies
and script messages from the daemon's outbox, to standard output as JSON
Lines, so that a bridge can pass them on to the chat tool and acknowledge
them with 'triage outbox ack'.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && args[0] == "-" {
				args = nil
			}
			opts := ingest.Options{Format: ingest.Format(format), Conversation: conversation, ReportSkipped: true}
			if !slices.Contains(ingest.Formats, opts.Format) {
				return usageError{fmt.Errorf("invalid --format %q: use auto, jsonl, text, chatwoot or twcs", format)}
			}
			if tz != "" {
				loc, err := time.LoadLocation(tz)
				if err != nil {
					return usageError{fmt.Errorf("invalid --tz %q: use an IANA zone name such as Europe/Berlin: %w", tz, err)}
				}
				opts.Location = loc
			}
			if speed < 0 {
				return usageError{fmt.Errorf("invalid --speed %g: use a positive factor such as 1 (real time) or 60, or 0 to send at once", speed)}
			}
			if follow && len(args) == 0 {
				return usageError{errors.New("--follow needs a FILE: standard input cannot be followed across restarts")}
			}
			if follow && opts.Format == ingest.FormatTWCS {
				return usageError{errors.New("--follow cannot read --format twcs: its tweets are threaded only once the input ends")}
			}
			c := client.New(socketPath())
			if _, err := c.Info(cmd.Context()); err != nil {
				return err
			}
			run := ingestRun{
				client: c,
				opts:   opts,
				sum:    &ingestSummary{redact: !noRedact, verbose: verbose},
				pace:   pacer{speed: speed, maxPause: maxPause, sleep: sleepContext},
				follow: followConfig{poll: poll, quiet: flushAfter},
			}
			if reply {
				stop := run.startReplies(cmd.Context(), os.Stdout)
				defer stop()
			}
			var err error
			switch {
			case follow:
				err = run.followAll(cmd.Context(), args)
			case len(args) == 0:
				err = run.stream(cmd.Context(), os.Stdin, "stdin")
			default:
				err = run.files(cmd.Context(), args)
			}
			if err != nil {
				// Say how far the input got: what the daemon acknowledged
				// is stored, and sending the same input again skips it.
				if !quiet {
					fmt.Fprintln(os.Stderr, run.sum)
				}
				if errors.Is(err, client.ErrNoDaemon) || isConnectionLost(err) {
					return fmt.Errorf("%w\nthe events acknowledged before this are stored; once the daemon is back, run the same ingest again: events already stored are skipped as duplicates", err)
				}
				return err
			}
			if reply {
				if err := run.finishReplies(cmd.Context()); err != nil {
					return err
				}
			}
			if !quiet {
				fmt.Fprintln(os.Stderr, run.sum)
			}
			if run.sum.accepted+run.sum.duplicates+run.sum.rejected+run.sum.skipped == 0 && run.sum.unreadable > 0 {
				return withExit(exitFailure, errors.New("no input could be read"))
			}
			if run.sum.rejected > 0 || run.sum.unreadable > 0 {
				return withExit(exitRejected, errRejected)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "auto", "input format: auto, jsonl, text, chatwoot or twcs")
	cmd.Flags().BoolVar(&noRedact, "no-redact", false, "send text as read, without replacing personal data by placeholders")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also report each input that was valid but carried no chat event")
	cmd.Flags().StringVar(&conversation, "conversation", "", "conversation id for a transcript (default: a '# conversation:' header, else the file's base name)")
	cmd.Flags().StringVar(&tz, "tz", "", "time zone of transcript times without an offset, as an IANA name (default UTC, or a '# timezone:' header)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not print the summary")
	cmd.Flags().BoolVar(&reply, "reply", false, "write the replies to the conversations this command sends (agent replies and script messages) to standard output as JSON Lines, until the input ends or, with --follow, until interrupted")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep reading each FILE as it grows, across truncation and rotation, until interrupted; a restart resumes where the last run stopped")
	cmd.Flags().Float64Var(&speed, "speed", 0, "replay at this many times the recorded pace, waiting between events for their timestamp gap divided by the factor (1 is real time; 0 sends at once)")
	cmd.Flags().DurationVar(&maxPause, "max-pause", 0, "with --speed, the longest wait between two events, such as 30s (0 means no limit)")
	cmd.Flags().DurationVar(&flushAfter, "flush-after", ingest.DefaultFollowQuiet, "with --follow, send the last transcript message after this long without a new line, instead of waiting for continuation lines")
	cmd.Flags().DurationVar(&poll, "poll", ingest.DefaultFollowPoll, "with --follow, how often to check each FILE for new lines")
	return cmd
}

// ingestRun is one run of the ingest command.
type ingestRun struct {
	client *client.Client
	opts   ingest.Options
	sum    *ingestSummary
	pace   pacer
	follow followConfig
	// replies, when set, follows the outbox for --reply.
	replies *replyFollower
}

func (r *ingestRun) sender() *sender {
	s := &sender{client: r.client, sum: r.sum, pace: r.pace}
	if r.replies != nil {
		s.conversations = r.replies.watch
	}
	return s
}

// stream sends one input read from rd.
func (r *ingestRun) stream(ctx context.Context, rd io.Reader, source string) error {
	opts := r.opts
	opts.Source = source
	return ingestStream(ctx, r.sender(), rd, opts)
}

// files sends each named file in turn.
func (r *ingestRun) files(ctx context.Context, paths []string) error {
	s := r.sender()
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			r.sum.unreadable++
			continue
		}
		opts := r.opts
		opts.Source = path
		err = ingestStream(ctx, s, f, opts)
		_ = f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// followAll follows every path at once until ctx ends or one fails.
func (r *ingestRun) followAll(ctx context.Context, paths []string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, path := range paths {
		s := r.sender()
		s.sum = &ingestSummary{redact: r.sum.redact, verbose: r.sum.verbose}
		wg.Go(func() {
			err := followFile(ctx, s, path, r.opts, r.follow)
			mu.Lock()
			defer mu.Unlock()
			r.sum.add(s.sum)
			if err != nil {
				cancel(fmt.Errorf("follow %s: %w", path, err))
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

type ingestSummary struct {
	accepted, duplicates, clashes, rejected, unreadable, skipped int

	redact  bool // replace personal data in text before sending
	verbose bool // report skipped input one by one
}

// add adds the counts of o to s.
func (s *ingestSummary) add(o *ingestSummary) {
	s.accepted += o.accepted
	s.duplicates += o.duplicates
	s.clashes += o.clashes
	s.rejected += o.rejected
	s.unreadable += o.unreadable
	s.skipped += o.skipped
}

func (s *ingestSummary) String() string {
	out := fmt.Sprintf("ingest: %d accepted, %d %s skipped, %d rejected", s.accepted, s.duplicates,
		plural(s.duplicates, "duplicate", "duplicates"), s.rejected)
	if s.clashes > 0 {
		out += fmt.Sprintf(", %d kept despite an id clash", s.clashes)
	}
	if s.skipped > 0 {
		out += fmt.Sprintf(", %d skipped with no chat event", s.skipped)
	}
	if s.unreadable > 0 {
		out += fmt.Sprintf(", %d %s unreadable", s.unreadable, plural(s.unreadable, "file", "files"))
	}
	return out
}

// sender sends the events of one input in batches and counts the
// daemon's answers.
type sender struct {
	client *client.Client
	sum    *ingestSummary
	source string
	pace   pacer
	// conversations, when set, is told each conversation before its
	// events are sent, so that replies to them can be picked out.
	conversations func(id string)
	// detached requests run to completion even when their context ends,
	// so that a follower that is interrupted still saves its position.
	detached bool

	batch []triage.Event
	lines []int
}

// add handles one Item of the reader: it reports a rejection or a skip, or
// queues the event, sending the batch first when pacing asks to wait.
func (s *sender) add(ctx context.Context, item ingest.Item) error {
	if item.Err != nil {
		s.sum.rejected++
		fmt.Fprintln(os.Stderr, strings.TrimSpace(item.Err.Error()))
		return nil
	}
	if item.Event == nil {
		s.sum.skipped++
		if s.sum.verbose {
			fmt.Fprintf(os.Stderr, "%s:%d: skipped: %s\n", s.source, item.Line, item.Skipped)
		}
		return nil
	}
	if wait := s.pace.delay(item.Event.At); wait > 0 {
		if err := s.flush(ctx); err != nil {
			return err
		}
		if err := s.pace.sleep(ctx, wait); err != nil {
			return err
		}
	}
	if s.sum.redact {
		redact.TextOnly(item.Event)
	}
	s.batch = append(s.batch, *item.Event)
	s.lines = append(s.lines, item.Line)
	if len(s.batch) >= ingestBatchSize {
		return s.flush(ctx)
	}
	return nil
}

// flush sends the queued events and reports each rejection against its
// line. The events are durable when it returns nil.
func (s *sender) flush(ctx context.Context) error {
	if len(s.batch) == 0 {
		return nil
	}
	if s.conversations != nil {
		for i := range s.batch {
			s.conversations(s.batch[i].Conversation)
		}
	}
	if s.detached {
		ctx = context.WithoutCancel(ctx)
	}
	results, err := s.client.Ingest(ctx, s.batch)
	if err != nil {
		return fmt.Errorf("send %s: %w", s.source, err)
	}
	for i, res := range results {
		switch res.Status {
		case engine.StatusAccepted:
			s.sum.accepted++
		case engine.StatusDuplicate:
			s.sum.duplicates++
		case engine.StatusClash:
			s.sum.accepted++
			s.sum.clashes++
		default:
			s.sum.rejected++
			fmt.Fprintf(os.Stderr, "%s:%d: %s\n", s.source, s.lines[i], res.Error)
		}
	}
	s.batch, s.lines = s.batch[:0], s.lines[:0]
	return nil
}

// ingestStream parses one input and sends its events in batches.
func ingestStream(ctx context.Context, s *sender, r io.Reader, opts ingest.Options) error {
	s.source = opts.Source
	reader, err := ingest.NewReader(r, opts)
	if err != nil {
		// A reader's error names its source already.
		if strings.HasPrefix(err.Error(), opts.Source+":") {
			fmt.Fprintln(os.Stderr, err)
		} else {
			fmt.Fprintf(os.Stderr, "%s: %v\n", opts.Source, err)
		}
		s.sum.rejected++
		return nil
	}
	for {
		item, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ferr := s.flush(ctx); ferr != nil {
				return ferr
			}
			return fmt.Errorf("read %s: %w", opts.Source, err)
		}
		if err := s.add(ctx, item); err != nil {
			return err
		}
	}
	return s.flush(ctx)
}

// isConnectionLost reports whether err means that the daemon closed or
// reset the connection during a request, as it does when it stops or
// crashes.
func isConnectionLost(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// plural returns one for a count of 1 and many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
