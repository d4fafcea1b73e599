package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

func newHistoryCommand() *cobra.Command {
	var (
		since, until, format string
		totalsFlag           bool
		q                    client.HistoryQuery
	)
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Print the escalation history and its totals",
		Long: `Print history records in time order: openings, escalations, claims,
releases, SLA breaches and resolutions, each with its reason and the
scores behind it, followed by totals: escalations, the escalation rate
among tickets opened in the range, time to claim (median and 90th
percentile, within 1%), SLA breaches, outcomes and review verdicts, each
broken down by rule and by script.

--since and --until take a time (RFC 3339, or a date such as 2026-03-02)
or a duration back from now, in Go's units plus d (days) and w (weeks):
--since 7d.

--format table (the default) prints the records and then the totals;
add --totals to print only the totals. --format json prints JSON Lines,
one record a line; with --totals a last line {"totals": {...}} follows.
--format csv prints a header row and records; with --totals a blank line
and a CSV block of totals follow.`,
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
			if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
				return usageError{fmt.Errorf("--since %s is not before --until %s: swap them", since, until)}
			}
			if q.Kind != "" && !validKind(q.Kind) {
				return usageError{fmt.Errorf("invalid --kind %q: use one of %s", q.Kind, strings.Join(kindNames(), ", "))}
			}
			c := client.New(socketPath())
			return printHistory(cmd.Context(), c, q, cmd.OutOrStdout(), format, totalsFlag)
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "first time to include: a time or a duration back from now (24h, 7d, 2w)")
	cmd.Flags().StringVar(&until, "until", "", "time to stop before: a time or a duration back from now")
	cmd.Flags().StringVar(&q.Queue, "queue", "", "only records of this queue")
	cmd.Flags().StringVar(&q.Reason, "reason", "", "only records whose reason contains this text (case-insensitive)")
	cmd.Flags().StringVar(&q.Kind, "kind", "", "only records of this kind: "+strings.Join(kindNames(), ", "))
	cmd.Flags().StringVar(&q.Ticket, "ticket", "", "only records of this ticket")
	cmd.Flags().StringVar(&q.Agent, "agent", "", "only records of this agent")
	cmd.Flags().StringVar(&q.Script, "script", "", "only records made by this script or policy document (its name)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or csv")
	cmd.Flags().BoolVar(&totalsFlag, "totals", false, "table: print only the totals; json and csv: print the totals after the records")
	cmd.AddCommand(newHistoryPurgeCommand())
	return cmd
}

// printHistory streams the matching records from the daemon to w and
// accumulates their totals on the way, so that memory stays flat however
// long the range.
func printHistory(ctx context.Context, c *client.Client, q client.HistoryQuery, w io.Writer, format string, totalsFlag bool) error {
	showRecords := format != "table" || !totalsFlag
	showTotals := format == "table" || totalsFlag
	out, err := newRecordWriter(w, format, showRecords)
	if err != nil {
		return usageError{err}
	}
	totals := triage.NewTotals()
	err = c.History(ctx, q, func(e *triage.HistoryEntry) error {
		totals.Add(e)
		if !showRecords {
			return nil
		}
		return out.write(e)
	})
	if err != nil {
		return err
	}
	if err := out.close(); err != nil {
		return err
	}
	if !showTotals {
		return nil
	}
	totals.Finish()
	report := newTotalsReport(totals, q)
	switch format {
	case "json":
		return json.NewEncoder(w).Encode(map[string]any{"totals": report})
	case "csv":
		fmt.Fprintln(w)
		return writeTotalsCSV(w, report)
	}
	if showRecords && out.count > 0 {
		fmt.Fprintln(w)
	}
	return writeTotalsTable(w, report)
}

func kindNames() []string {
	return []string{"opened", "escalated", "deescalated", "claimed", "released", "reassigned",
		"sla_breached", "resolved", "reopened", "closed"}
}

func validKind(k string) bool {
	for _, name := range kindNames() {
		if k == name {
			return true
		}
	}
	return false
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

// maxLookBack bounds a duration back from now.
const maxLookBack = 100 * 365 * 24 * time.Hour

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
		// time.Duration holds about 292 years; a longer span is a typo.
		if n*float64(unit) > float64(maxLookBack) {
			return 0, fmt.Errorf("%s%s is longer than %d years", m[1], m[2], int(maxLookBack.Hours()/24/365))
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
	table  *bufio.Writer
	// reasonWidth is how many characters of the reason fit in a table row.
	reasonWidth int
	count       int
}

// historyRow lays out one table row in fixed-width columns, so that rows
// print as they stream instead of waiting for the widest value.
const historyRow = "%-20s  %-8s  %-12s  %-8s  %-8s  %-11s  %-10s  %s\n"

// historyFixedWidth is the width of every column but the reason.
const historyFixedWidth = 20 + 8 + 12 + 8 + 8 + 11 + 10 + 7*2

// tableReasonWidth fits the reason column to the terminal on stdout, or
// gives it 70 characters when stdout is not a terminal.
func tableReasonWidth() int {
	width, _, err := term.GetSize(os.Stdout.Fd())
	if err != nil || width <= 0 {
		return 70
	}
	return max(20, width-historyFixedWidth)
}

var historyColumns = []string{"at", "ticket", "conversation", "kind", "queue", "priority", "reason", "frustration", "agent", "script", "script_version"}

// newRecordWriter returns a writer for format. With header false it
// writes no header row, for a run that prints only totals.
func newRecordWriter(w io.Writer, format string, header bool) (*recordWriter, error) {
	rw := &recordWriter{format: format}
	switch format {
	case "json":
		rw.json = json.NewEncoder(w)
	case "csv":
		rw.csv = csv.NewWriter(w)
		if !header {
			return rw, nil
		}
		if err := rw.csv.Write(historyColumns); err != nil {
			return nil, err
		}
	case "table":
		rw.table = bufio.NewWriter(w)
		rw.reasonWidth = tableReasonWidth()
		if header {
			fmt.Fprintf(rw.table, historyRow, "AT", "TICKET", "KIND", "QUEUE", "PRIORITY", "FRUSTRATION", "AGENT", "REASON")
		}
	default:
		return nil, fmt.Errorf("invalid --format %q: use table, json or csv", format)
	}
	return rw, nil
}

func (rw *recordWriter) write(e *triage.HistoryEntry) error {
	rw.count++
	r := &e.Record
	switch rw.format {
	case "json":
		return rw.json.Encode(e)
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
	_, err := fmt.Fprintf(rw.table, historyRow, r.At.UTC().Format(time.RFC3339), oneLine(r.Ticket, 8), r.Kind,
		oneLine(r.Queue, 8), r.Priority, frustration, oneLine(agent, 10), oneLine(r.Reason, rw.reasonWidth))
	return err
}

func (rw *recordWriter) close() error {
	switch rw.format {
	case "csv":
		rw.csv.Flush()
		return rw.csv.Error()
	case "table":
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
