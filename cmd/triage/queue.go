package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/tui"
)

func newQueueCommand() *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "queue",
		Short: "Print the escalation queue",
		Long: `Print the tickets whose status is escalated or claimed, in queue order:
highest priority first, then longest waiting. An open incident takes one
row in place of its member tickets; ` + "`triage incidents`" + ` lists the members.
--all lists every ticket that is not resolved or closed, members included,
and no incident rows. --json prints a JSON array for scripts, in which an
incident is an object with "type": "incident", "incident" and "members".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := client.New(socketPath())
			tickets, err := c.Queue(cmd.Context(), all)
			if err != nil {
				return err
			}
			var incidents []*triage.IncidentDetail
			if !all {
				if incidents, err = openIncidents(c, cmd); err != nil {
					return err
				}
			}
			items := groupQueue(tickets, incidents)
			if asJSON {
				return writeJSONOut(cmd.OutOrStdout(), items)
			}
			printQueueItems(cmd.OutOrStdout(), items, time.Now())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&all, "all", false, "list every active ticket, not only escalated and claimed ones")
	return cmd
}

func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printQueue(w io.Writer, tickets []*triage.Ticket, now time.Time) {
	printQueueItems(w, groupQueue(tickets, nil), now)
}

// printQueueItems prints the queue table: one row per ticket or incident.
func printQueueItems(w io.Writer, items []queueItem, now time.Time) {
	if len(items) == 0 {
		fmt.Fprintln(os.Stderr, "queue is empty")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TICKET\tCONVERSATION\tPRIORITY\tSTATUS\tQUEUE\tWAITING\tFRUSTRATION\tCLAIMED BY\tLAST MESSAGE")
	for _, item := range items {
		if item.incident != nil {
			fmt.Fprint(tw, incidentRow(item.incident, now))
			continue
		}
		t := item.ticket
		wait := "-"
		if t.WaitingSince != nil && t.Status.Active() {
			wait = formatAge(now.Sub(*t.WaitingSince))
		}
		claimed := "-"
		if t.ClaimedBy != nil {
			claimed = *t.ClaimedBy
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\n", t.ID, oneLine(t.Conversation, 24), t.Priority, t.Status, t.Queue, wait,
			t.Frustration, claimed, oneLine(t.LastCustomerMessage, 50))
	}
	_ = tw.Flush()
}

// formatAge prints a duration the way a queue shows waiting time.
func formatAge(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// oneLine makes s safe to print on a terminal, flattens its whitespace and
// cuts it to n runes.
func oneLine(s string, n int) string {
	s = inert(s)
	runes := []rune(s)
	if len(runes) > n {
		return string(runes[:n-1]) + "…"
	}
	return s
}

// inert makes s safe to print on a terminal and flattens its whitespace.
// The console's sanitiser makes every control inert, bidi overrides
// included, and the line breaks and tabs it keeps become spaces here.
func inert(s string) string {
	return strings.Join(strings.Fields(tui.Sanitize(s)), " ")
}

func newTicketCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ticket ID",
		Short: "Print one ticket: transcript, scores with reasons, transitions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := client.New(socketPath()).Ticket(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(cmd.OutOrStdout(), d)
			}
			printTicket(cmd.OutOrStdout(), d)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printTicket(w io.Writer, d *triage.TicketDetail) {
	t := d.Ticket
	// Every string that may come from input passes through inert: a
	// conversation id, like message text, is whatever the source sent.
	fmt.Fprintf(w, "Ticket %s  conversation %s\n", inert(t.ID), inert(t.Conversation))
	fmt.Fprintf(w, "  status %s, queue %s, priority %s, frustration %.2f\n", t.Status, inert(t.Queue), t.Priority, t.Frustration)
	if t.ClaimedBy != nil {
		fmt.Fprintf(w, "  claimed by %s\n", inert(*t.ClaimedBy))
	}
	if t.EscalationReason != "" {
		fmt.Fprintf(w, "  escalated: %s\n", inert(t.EscalationReason))
	}
	fmt.Fprintln(w, "\nTranscript")
	for _, e := range d.Events {
		at := e.At.UTC().Format("2006-01-02 15:04:05")
		switch e.Type {
		case triage.TypeTyping:
			fmt.Fprintf(w, "  %s  %-8s (typing)\n", at, e.Role)
			continue
		case triage.TypeClosed:
			fmt.Fprintf(w, "  %s  %-8s (closed the conversation)\n", at, e.Role)
			continue
		}
		fmt.Fprintf(w, "  %s  %-8s %s\n", at, e.Role, oneLine(e.Text, 200))
		if a := e.Analysis; a != nil {
			fmt.Fprintf(w, "      frustration %.2f, valence %+.2f", a.Frustration, a.Valence)
			if a.TypingSpeed > 0 {
				fmt.Fprintf(w, ", typing %.1f chars/s", a.TypingSpeed)
			}
			if a.SpeedRatio > 0 {
				fmt.Fprintf(w, " (%.1fx baseline)", a.SpeedRatio)
			}
			fmt.Fprintln(w)
			for _, r := range a.Reasons {
				fmt.Fprintf(w, "        %+.2f  %s: %s\n", r.Weight, inert(r.Rule), oneLine(r.Text, 120))
			}
		}
	}
	fmt.Fprintln(w, "\nHistory")
	for _, r := range d.History {
		fmt.Fprintf(w, "  %s  %-11s %-7s %-6s %s\n", r.At.UTC().Format(time.RFC3339), r.Kind, inert(r.Queue), r.Priority, oneLine(r.Reason, 100))
	}
}
