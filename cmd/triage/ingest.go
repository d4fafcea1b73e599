package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
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
	)
	cmd := &cobra.Command{
		Use:   "ingest [FILE...]",
		Short: "Send chat events or transcripts to the daemon",
		Long: `Read chat events from each FILE, or from standard input when none is named,
and send them to the daemon. Formats: native JSON Lines events (jsonl), a
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
some lines were rejected.`,
		RunE: func(cmd *cobra.Command, args []string) error {
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
			c := client.New(socketPath())
			if _, err := c.Info(cmd.Context()); err != nil {
				return err
			}
			sum := &ingestSummary{redact: !noRedact, verbose: verbose}
			if len(args) == 0 {
				opts.Source = "stdin"
				if err := ingestStream(cmd.Context(), c, os.Stdin, opts, sum); err != nil {
					return err
				}
			}
			for _, path := range args {
				f, err := os.Open(path)
				if err != nil {
					fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
					sum.unreadable++
					continue
				}
				opts.Source = path
				err = ingestStream(cmd.Context(), c, f, opts, sum)
				_ = f.Close()
				if err != nil {
					return err
				}
			}
			if !quiet {
				fmt.Fprintln(os.Stderr, sum)
			}
			if sum.rejected > 0 || sum.unreadable > 0 {
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
	return cmd
}

type ingestSummary struct {
	accepted, duplicates, clashes, rejected, unreadable, skipped int

	redact  bool // replace personal data in text before sending
	verbose bool // report skipped input one by one
}

func (s *ingestSummary) String() string {
	out := fmt.Sprintf("ingest: %d accepted, %d duplicates skipped, %d rejected", s.accepted, s.duplicates, s.rejected)
	if s.clashes > 0 {
		out += fmt.Sprintf(", %d kept despite an id clash", s.clashes)
	}
	if s.skipped > 0 {
		out += fmt.Sprintf(", %d skipped with no chat event", s.skipped)
	}
	if s.unreadable > 0 {
		out += fmt.Sprintf(", %d files unreadable", s.unreadable)
	}
	return out
}

// pendingEvent remembers where an event came from, to report the daemon's
// answer against its line.
type pendingEvent struct {
	line int
}

// ingestStream parses one input and sends its events in batches.
func ingestStream(ctx context.Context, c *client.Client, r io.Reader, opts ingest.Options, sum *ingestSummary) error {
	reader, err := ingest.NewReader(r, opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", opts.Source, err)
		sum.rejected++
		return nil
	}
	var (
		batch []triage.Event
		lines []pendingEvent
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := c.Ingest(ctx, batch)
		if err != nil {
			return fmt.Errorf("send %s: %w", opts.Source, err)
		}
		for i, res := range results {
			switch res.Status {
			case engine.StatusAccepted:
				sum.accepted++
			case engine.StatusDuplicate:
				sum.duplicates++
			case engine.StatusClash:
				sum.accepted++
				sum.clashes++
			default:
				sum.rejected++
				fmt.Fprintf(os.Stderr, "%s:%d: %s\n", opts.Source, lines[i].line, res.Error)
			}
		}
		batch, lines = batch[:0], lines[:0]
		return nil
	}
	for {
		item, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return fmt.Errorf("read %s: %w", opts.Source, err)
		}
		if item.Err != nil {
			sum.rejected++
			fmt.Fprintln(os.Stderr, strings.TrimSpace(item.Err.Error()))
			continue
		}
		if item.Event == nil {
			sum.skipped++
			if sum.verbose {
				fmt.Fprintf(os.Stderr, "%s:%d: skipped: %s\n", opts.Source, item.Line, item.Skipped)
			}
			continue
		}
		if sum.redact {
			redact.TextOnly(item.Event)
		}
		batch = append(batch, *item.Event)
		lines = append(lines, pendingEvent{line: item.Line})
		if len(batch) >= ingestBatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
