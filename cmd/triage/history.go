package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

func newHistoryCommand() *cobra.Command {
	var (
		since, until, format string
		q                    client.HistoryQuery
	)
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Print the escalation history",
		Long: `Print history records in time order: openings, escalations, claims,
releases and resolutions, each with its reason and the scores behind it.

--since and --until take a time (RFC 3339, or a date such as 2026-03-02)
or a duration back from now, in Go's units plus d (days) and w (weeks):
--since 7d. --format json prints JSON Lines, csv a header row and records.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			var err error
			if q.Since, err = parseTimeOrAgo(since, now); err != nil {
				return usageError{fmt.Errorf("invalid --since: %w", err)}
			}
			if q.Until, err = parseTimeOrAgo(until, now); err != nil {
				return usageError{fmt.Errorf("invalid --until: %w", err)}
			}
			out, err := newRecordWriter(cmd.OutOrStdout(), format)
			if err != nil {
				return usageError{err}
			}
			c := client.New(socketPath())
			if err := c.History(cmd.Context(), q, out.write); err != nil {
				return err
			}
			return out.close()
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "first time to include: a time or a duration back from now (24h, 7d, 2w)")
	cmd.Flags().StringVar(&until, "until", "", "time to stop before: a time or a duration back from now")
	cmd.Flags().StringVar(&q.Queue, "queue", "", "only records of this queue")
	cmd.Flags().StringVar(&q.Reason, "reason", "", "only records whose reason contains this text (case-insensitive)")
	cmd.Flags().StringVar(&q.Kind, "kind", "", "only records of this kind: opened, escalated, claimed, released, resolved, reopened, closed")
	cmd.Flags().StringVar(&q.Ticket, "ticket", "", "only records of this ticket")
	cmd.Flags().StringVar(&q.Agent, "agent", "", "only records of this agent")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or csv")
	return cmd
}

var agoPattern = regexp.MustCompile(`^(\d+(?:\.\d+)?)([dw])`)

// parseTimeOrAgo reads an RFC 3339 time, a date, or a duration back from
// now. Durations accept Go's units plus d (24h) and w (7d), combined as in
// "1w2d" or "2d12h".
func parseTimeOrAgo(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	d, err := parseLongDuration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a time (RFC 3339 or 2006-01-02) nor a duration such as 24h, 7d or 2w", s)
	}
	return now.Add(-d), nil
}

// parseLongDuration is time.ParseDuration with d and w units added.
func parseLongDuration(s string) (time.Duration, error) {
	var total time.Duration
	rest := s
	for {
		m := agoPattern.FindStringSubmatch(rest)
		if m == nil {
			break
		}
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, err
		}
		unit := 24 * time.Hour
		if m[2] == "w" {
			unit = 7 * 24 * time.Hour
		}
		total += time.Duration(n * float64(unit))
		rest = rest[len(m[0]):]
	}
	if rest == "" {
		if total == 0 && s == "" {
			return 0, fmt.Errorf("empty duration")
		}
		return total, nil
	}
	d, err := time.ParseDuration(rest)
	if err != nil {
		return 0, err
	}
	return total + d, nil
}

// recordWriter prints history records in one of the output formats.
type recordWriter struct {
	format string
	json   *json.Encoder
	csv    *csv.Writer
	table  *tabwriter.Writer
	count  int
}

var historyColumns = []string{"at", "ticket", "conversation", "kind", "queue", "priority", "reason", "frustration", "agent", "script", "script_version"}

func newRecordWriter(w io.Writer, format string) (*recordWriter, error) {
	rw := &recordWriter{format: format}
	switch format {
	case "json":
		rw.json = json.NewEncoder(w)
	case "csv":
		rw.csv = csv.NewWriter(w)
		if err := rw.csv.Write(historyColumns); err != nil {
			return nil, err
		}
	case "table":
		rw.table = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(rw.table, "AT\tTICKET\tKIND\tQUEUE\tPRIORITY\tFRUSTRATION\tAGENT\tREASON")
	default:
		return nil, fmt.Errorf("invalid --format %q: use table, json or csv", format)
	}
	return rw, nil
}

func (rw *recordWriter) write(r *triage.Record) error {
	rw.count++
	switch rw.format {
	case "json":
		return rw.json.Encode(r)
	case "csv":
		return rw.csv.Write([]string{
			r.At.UTC().Format(time.RFC3339Nano), r.Ticket, r.Conversation, string(r.Kind), r.Queue,
			r.Priority.String(), r.Reason, optFloat(r.Frustration), optString(r.Agent), optString(r.Script), optInt(r.ScriptVersion),
		})
	}
	agent := optString(r.Agent)
	if agent == "" {
		agent = "-"
	}
	frustration := optFloat(r.Frustration)
	if frustration == "" {
		frustration = "-"
	}
	_, err := fmt.Fprintf(rw.table, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.At.UTC().Format(time.RFC3339), r.Ticket, r.Kind,
		r.Queue, r.Priority, frustration, agent, oneLine(r.Reason, 70))
	return err
}

func (rw *recordWriter) close() error {
	switch rw.format {
	case "csv":
		rw.csv.Flush()
		return rw.csv.Error()
	case "table":
		if rw.count == 0 {
			return nil
		}
		return rw.table.Flush()
	}
	return nil
}

func optString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func optFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(*f, 'f', 3, 64), "0"), ".")
}

func optInt(i *int) string {
	if i == nil {
		return ""
	}
	return strconv.Itoa(*i)
}
