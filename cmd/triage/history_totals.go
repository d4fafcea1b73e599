package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// totalsReport is the printed form of triage.Totals; its JSON names are
// what `history --format json --totals` prints.
type totalsReport struct {
	Since          *time.Time             `json:"since"`
	Until          *time.Time             `json:"until"`
	Opened         int                    `json:"opened"`
	OpenedEscalate int                    `json:"opened_escalated"`
	EscalationRate float64                `json:"escalation_rate"`
	All            groupReport            `json:"all"`
	ByRule         map[string]groupReport `json:"by_rule"`
	ByScript       map[string]groupReport `json:"by_script"`
	ruleOrder      []string
	scriptOrder    []string
}

// groupReport is the printed form of triage.GroupTotals. Durations are
// in seconds; the quantiles are within RelativeError of the exact ones.
type groupReport struct {
	Escalations   int      `json:"escalations"`
	Claims        uint64   `json:"claims"`
	ClaimMedian   *float64 `json:"time_to_claim_median_seconds"`
	ClaimP90      *float64 `json:"time_to_claim_p90_seconds"`
	RelativeError float64  `json:"time_to_claim_relative_error"`
	SLABreaches   int      `json:"sla_breaches"`
	Resolved      int      `json:"resolved"`
	Closed        int      `json:"closed"`
	Open          int      `json:"open"`
	Reviewed      int      `json:"reviewed"`
	Warranted     int      `json:"warranted"`
}

func newGroupReport(g *triage.GroupTotals) groupReport {
	r := groupReport{
		Escalations: g.Escalations, Claims: g.TimeToClaim.Count(), RelativeError: triage.HistogramRelativeError,
		SLABreaches: g.SLABreaches, Resolved: g.Resolved, Closed: g.Closed, Open: g.Open,
		Reviewed: g.Reviewed, Warranted: g.Warranted,
	}
	if r.Claims > 0 {
		median, p90 := g.TimeToClaim.Quantile(0.5).Seconds(), g.TimeToClaim.Quantile(0.9).Seconds()
		r.ClaimMedian, r.ClaimP90 = &median, &p90
	}
	return r
}

func newTotalsReport(t *triage.Totals, q client.HistoryQuery) *totalsReport {
	r := &totalsReport{
		Opened: t.Opened, OpenedEscalate: t.OpenedEscalated, EscalationRate: t.EscalationRate(),
		All:    newGroupReport(&t.All),
		ByRule: map[string]groupReport{}, ByScript: map[string]groupReport{},
		ruleOrder: triage.SortedKeys(t.ByRule), scriptOrder: triage.SortedKeys(t.ByScript),
	}
	if !q.Since.IsZero() {
		s := q.Since.UTC()
		r.Since = &s
	}
	if !q.Until.IsZero() {
		u := q.Until.UTC()
		r.Until = &u
	}
	for k, g := range t.ByRule {
		r.ByRule[k] = newGroupReport(g)
	}
	for k, g := range t.ByScript {
		r.ByScript[k] = newGroupReport(g)
	}
	return r
}

// seconds formats an optional duration in seconds as a Go duration
// rounded to the second, or "-".
func seconds(s *float64) string {
	if s == nil {
		return "-"
	}
	return time.Duration(*s * float64(time.Second)).Round(time.Second).String()
}

func warrantedText(g groupReport) string {
	if g.Reviewed == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", g.Warranted, g.Reviewed)
}

func writeTotalsTable(w io.Writer, r *totalsReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	rangeText := "all history"
	if r.Since != nil || r.Until != nil {
		from, to := "the start", "now"
		if r.Since != nil {
			from = r.Since.Format(time.RFC3339)
		}
		if r.Until != nil {
			to = r.Until.Format(time.RFC3339)
		}
		rangeText = from + " to " + to
	}
	a := r.All
	fmt.Fprintf(tw, "TOTALS\t%s\n", rangeText)
	fmt.Fprintf(tw, "escalations\t%d\n", a.Escalations)
	fmt.Fprintf(tw, "escalation rate\t%.1f%% (%d of %d tickets opened in the range)\n",
		100*r.EscalationRate, r.OpenedEscalate, r.Opened)
	fmt.Fprintf(tw, "time to claim\tmedian %s, p90 %s over %d claims (within %.0f%%)\n",
		seconds(a.ClaimMedian), seconds(a.ClaimP90), a.Claims, 100*a.RelativeError)
	fmt.Fprintf(tw, "SLA breaches\t%d\n", a.SLABreaches)
	fmt.Fprintf(tw, "outcomes\tresolved %d, closed %d, open %d\n", a.Resolved, a.Closed, a.Open)
	fmt.Fprintf(tw, "warranted\t%s reviewed escalations\n", warrantedText(a))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, part := range []struct {
		title string
		order []string
		m     map[string]groupReport
	}{{"RULE", r.ruleOrder, r.ByRule}, {"SCRIPT", r.scriptOrder, r.ByScript}} {
		if len(part.order) == 0 {
			continue
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tESCALATIONS\tCLAIM MEDIAN\tCLAIM P90\tSLA BREACHES\tRESOLVED\tCLOSED\tOPEN\tWARRANTED\n", part.title)
		for _, k := range part.order {
			g := part.m[k]
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", oneLine(k, 40), g.Escalations,
				seconds(g.ClaimMedian), seconds(g.ClaimP90), g.SLABreaches, g.Resolved, g.Closed, g.Open, warrantedText(g))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

var totalsColumns = []string{
	"group", "name", "escalations", "opened", "escalation_rate", "claims",
	"time_to_claim_median_seconds", "time_to_claim_p90_seconds", "sla_breaches",
	"resolved", "closed", "open", "reviewed", "warranted",
}

func writeTotalsCSV(w io.Writer, r *totalsReport) error {
	cw := csv.NewWriter(w)
	row := func(group, name string, g groupReport, opened, rate string) error {
		return cw.Write([]string{
			group, name, strconv.Itoa(g.Escalations), opened, rate, strconv.FormatUint(g.Claims, 10),
			optFloat(g.ClaimMedian), optFloat(g.ClaimP90), strconv.Itoa(g.SLABreaches),
			strconv.Itoa(g.Resolved), strconv.Itoa(g.Closed), strconv.Itoa(g.Open),
			strconv.Itoa(g.Reviewed), strconv.Itoa(g.Warranted),
		})
	}
	if err := cw.Write(totalsColumns); err != nil {
		return err
	}
	if err := row("all", "", r.All, strconv.Itoa(r.Opened), strconv.FormatFloat(r.EscalationRate, 'f', 4, 64)); err != nil {
		return err
	}
	for _, k := range r.ruleOrder {
		if err := row("rule", k, r.ByRule[k], "", ""); err != nil {
			return err
		}
	}
	for _, k := range r.scriptOrder {
		if err := row("script", k, r.ByScript[k], "", ""); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
