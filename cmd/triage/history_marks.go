package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// runMarksEval prints, per escalation rule, how many reviewed escalations
// agents marked warranted: the rule's precision on the desk's own floor.
// Only the latest review of each escalation counts.
func runMarksEval(ctx context.Context, c *client.Client, w io.Writer) error {
	type count struct{ reviewed, warranted int }
	counts := map[string]*count{}
	var total count
	err := c.History(ctx, client.HistoryQuery{Kind: string(triage.KindEscalated)}, func(e *triage.HistoryEntry) error {
		if e.Review == nil {
			return nil
		}
		rule := triage.RuleOf(&e.Record)
		n := counts[rule]
		if n == nil {
			n = &count{}
			counts[rule] = n
		}
		for _, k := range []*count{n, &total} {
			k.reviewed++
			if e.Review.Verdict == triage.VerdictWarranted {
				k.warranted++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	groups := map[string]*triage.GroupTotals{}
	for rule, n := range counts {
		groups[rule] = &triage.GroupTotals{Escalations: n.reviewed}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tREVIEWED\tWARRANTED\tPRECISION")
	precision := func(n count) string {
		if n.reviewed == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", float64(n.warranted)/float64(n.reviewed))
	}
	for _, rule := range triage.SortedKeys(groups) {
		n := *counts[rule]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", oneLine(rule, 40), n.reviewed, n.warranted, precision(n))
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%s\n", total.reviewed, total.warranted, precision(total))
	return tw.Flush()
}
