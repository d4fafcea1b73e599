package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

func newIncidentsCommand() *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "incidents",
		Short: "List incidents: groups of similar escalations",
		Long: `List the open incidents with their member tickets. The desk opens an
incident when at least 3 tickets escalate by the same rule, with similar
words, within 15 minutes of event time; later similar escalations join it.
--all lists resolved and dissolved incidents too. --json prints a JSON
array of {"incident": ..., "members": [...]} objects.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := client.New(socketPath()).Incidents(cmd.Context(), !all)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(cmd.OutOrStdout(), list)
			}
			printIncidents(cmd.OutOrStdout(), list, time.Now())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&all, "all", false, "list resolved and dissolved incidents too")
	cmd.AddCommand(newIncidentResolveCommand(), newIncidentReplyCommand(), newIncidentUngroupCommand())
	return cmd
}

func newIncidentResolveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "resolve INCIDENT",
		Short: "Resolve an incident and every active ticket in it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			inc, err := client.New(socketPath()).ResolveIncident(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "resolved incident %s and its %d tickets\n", inc.ID, len(inc.Members))
			return nil
		},
	}
}

func newIncidentReplyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "reply INCIDENT TEXT",
		Short: "Send one reply to the customers of every active ticket in an incident",
		Long: `Send TEXT as an agent reply in the conversation of every active ticket
of the incident. Each reply goes to the outbox, one entry per ticket; the
command prints the entries as JSON Lines.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			entries, err := client.New(socketPath()).ReplyIncident(cmd.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			for _, e := range entries {
				if err := writeJSONLine(cmd.OutOrStdout(), e); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "queued %d replies\n", len(entries))
			return nil
		},
	}
}

func newIncidentUngroupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "ungroup TICKET",
		Short: "Take a ticket out of its incident, back into its queue as a single escalation",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := client.New(socketPath()).Ungroup(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "ticket %s is back in the %s queue\n", t.ID, t.Queue)
			return nil
		},
	}
}

func writeJSONLine(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

func printIncidents(w io.Writer, list []*triage.IncidentDetail, now time.Time) {
	if len(list) == 0 {
		fmt.Fprintln(os.Stderr, "no incidents")
		return
	}
	for i, d := range list {
		if i > 0 {
			fmt.Fprintln(w)
		}
		inc := d.Incident
		fmt.Fprintf(w, "Incident %s  %s  %d tickets  rule %s  words %s\n", inc.ID, inc.Status, len(inc.Members), inert(inc.Rule), inert(strings.Join(inc.Words, ", ")))
		fmt.Fprintf(w, "  escalations from %s to %s (%s ago)\n", inc.FirstEscalatedAt.UTC().Format(time.RFC3339),
			inc.LastEscalatedAt.UTC().Format(time.RFC3339), formatAge(now.Sub(inc.FirstEscalatedAt)))
		if inc.ResolvedAt != nil && inc.ResolvedBy != nil {
			fmt.Fprintf(w, "  resolved by %s at %s\n", inert(*inc.ResolvedBy), inc.ResolvedAt.UTC().Format(time.RFC3339))
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, t := range d.Members {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%.2f\t%s\n", t.ID, oneLine(t.Conversation, 24), t.Status, t.Frustration, oneLine(t.LastCustomerMessage, 60))
		}
		_ = tw.Flush()
	}
}

// queueItem is one entry of `triage queue --json`: a ticket, printed as
// the ticket itself, or an open incident in place of its members.
type queueItem struct {
	ticket   *triage.Ticket
	incident *triage.IncidentDetail
}

// incidentItemJSON is how an incident appears in `triage queue --json`.
type incidentItemJSON struct {
	Type string `json:"type"`
	*triage.IncidentDetail
}

// MarshalJSON writes a ticket as it is, and an incident with "type":
// "incident" so that scripts can tell the two apart.
func (q queueItem) MarshalJSON() ([]byte, error) {
	if q.incident != nil {
		return json.Marshal(incidentItemJSON{Type: "incident", IncidentDetail: q.incident})
	}
	return json.Marshal(q.ticket)
}

// openIncidents returns the open incidents, or none from a daemon that
// serves no incidents.
func openIncidents(c *client.Client, cmd *cobra.Command) ([]*triage.IncidentDetail, error) {
	list, err := c.Incidents(cmd.Context(), true)
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.Status == 404 {
		return nil, nil
	}
	return list, err
}

// groupQueue replaces the tickets of each open incident with one item
// for the incident, placed by its priority and first escalation, as the
// queue orders tickets by priority and wait.
func groupQueue(tickets []*triage.Ticket, incidents []*triage.IncidentDetail) []queueItem {
	open := make(map[string]bool)
	var items []queueItem
	for _, d := range incidents {
		if d.Incident.Status == triage.IncidentOpen {
			open[d.Incident.ID] = true
			items = append(items, queueItem{incident: d})
		}
	}
	for _, t := range tickets {
		if !open[t.Incident] {
			items = append(items, queueItem{ticket: t})
		}
	}
	slices.SortStableFunc(items, func(a, b queueItem) int {
		pa, wa := a.rank()
		pb, wb := b.rank()
		if pa != pb {
			return cmp.Compare(pb, pa)
		}
		switch {
		case wa != nil && wb != nil:
			return wa.Compare(*wb)
		case wa != nil:
			return -1
		case wb != nil:
			return 1
		}
		return 0
	})
	return items
}

// rank returns the priority and waiting time the queue orders by.
func (q queueItem) rank() (triage.Priority, *time.Time) {
	if q.incident != nil {
		first := q.incident.Incident.FirstEscalatedAt
		return q.incident.Incident.Priority, &first
	}
	return q.ticket.Priority, q.ticket.WaitingSince
}

// incidentRow returns the cells of an incident in the queue table.
func incidentRow(d *triage.IncidentDetail, now time.Time) string {
	inc := d.Incident
	frustration := 0.0
	for _, t := range d.Members {
		frustration = max(frustration, t.Frustration)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\n", inc.ID, fmt.Sprintf("%d tickets", len(inc.Members)), inc.Priority,
		"incident", inc.Queue, formatAge(now.Sub(inc.FirstEscalatedAt)), frustration, "-",
		oneLine(inc.Rule+": "+strings.Join(inc.Words, ", "), 50))
}
