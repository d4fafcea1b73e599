package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

func newHistoryPurgeCommand() *cobra.Command {
	var before, export string
	cmd := &cobra.Command{
		Use:   "purge --before T [--export FILE]",
		Short: "Remove history, transcripts and ended tickets older than a time",
		Long: `Remove, through the running daemon, every history record before T and
every ticket resolved or closed before T with its conversation and
transcript. T is a time (RFC 3339 or a date) or a duration back from
now such as 90d.

--export FILE first writes everything removed to a new file as JSON Lines
(one object a line with one of record, review, ticket, conversation or
event), synced to disk before each part is removed. Transcripts are
exported as stored, so redacted text stays redacted. The daemon writes
the file, so the path is on the daemon's machine; an existing file is
never overwritten.

The database file does not shrink while the daemon runs: bbolt reuses
the freed pages for new data. The summary on stderr says how many are
free. To return the space to the file system, stop the daemon and run
triage compact.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if before == "" {
				return usageError{errors.New("missing --before: give a time or a duration back from now, such as 90d")}
			}
			t, err := parseTimeOrAgo(before, time.Now())
			if err != nil {
				return usageError{fmt.Errorf("invalid --before: %w", err)}
			}
			if export != "" {
				if export, err = filepath.Abs(export); err != nil {
					return usageError{fmt.Errorf("invalid --export: %w", err)}
				}
			}
			sum, err := client.New(socketPath()).Purge(cmd.Context(), t, export)
			if err != nil {
				return err
			}
			printPurgeSummary(cmd.ErrOrStderr(), sum, export)
			return nil
		},
	}
	cmd.Flags().StringVar(&before, "before", "", "remove what ended before this time or duration back from now (90d)")
	cmd.Flags().StringVar(&export, "export", "", "write what is removed to this new JSON Lines file first")
	return cmd
}

func printPurgeSummary(w interface{ Write([]byte) (int, error) }, sum *triage.PurgeSummary, export string) {
	fmt.Fprintf(w, "purged before %s: %d records, %d reviews, %d tickets, %d conversations, %d events\n",
		sum.Before.Format(time.RFC3339), sum.Records, sum.Reviews, sum.Tickets, sum.Conversations, sum.Events)
	if export != "" {
		fmt.Fprintf(w, "exported to %s\n", export)
	}
	fmt.Fprintf(w, "%d free pages (%d KiB) in the database file; stop the daemon and run `triage compact` to shrink it\n",
		sum.FreePages, sum.FreePages*sum.PageSize/1024)
}

func newCompactCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Shrink the database file of a stopped daemon",
		Long: `Rewrite the database into a new file without free pages and, once bbolt's
consistency check of the new file passes, replace the old file with it.
The daemon must be stopped: compact takes the database's file lock and
fails while a daemon holds it. Sizes before and after go to stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := databasePath()
			before, after, err := store.CompactFile(path, store.Options{})
			if errors.Is(err, store.ErrLocked) {
				return fmt.Errorf("%w\nstop the running `triage serve` first", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "compacted %s: %d KiB -> %d KiB\n", path, before/1024, after/1024)
			return nil
		},
	}
}

// retentionFirstDelay is how long after start the daemon runs its first
// retention purge, so that a restart loop does not purge on every start.
const retentionFirstDelay = time.Minute

// startRetention purges, through the daemon's own socket, everything that
// ended more than keep ago: once a minute after start and then every 24
// hours, until ctx ends. A keep of zero turns retention off.
func startRetention(ctx context.Context, keep time.Duration, log *slog.Logger) {
	if keep <= 0 {
		return
	}
	c := client.New(socketPath())
	go func() {
		timer := time.NewTimer(retentionFirstDelay)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			before := time.Now().Add(-keep)
			sum, err := c.Purge(ctx, before, "")
			if err != nil {
				log.Error("retention purge failed", "err", err, "before", before)
			} else {
				log.Info("retention purge", "before", before, "records", sum.Records, "tickets", sum.Tickets,
					"events", sum.Events, "free_pages", sum.FreePages)
			}
			timer.Reset(24 * time.Hour)
		}
	}()
}

// retentionFlag parses --retention: a duration with d and w units.
func retentionFlag(s string) (time.Duration, error) {
	if s == "" || s == "0" {
		return 0, nil
	}
	d, err := parseLongDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid --retention %q: give a duration such as 90d or 12w, or 0 for none", s)
	}
	return d, nil
}
