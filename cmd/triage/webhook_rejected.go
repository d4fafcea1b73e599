package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage/api"
	"github.com/triagedesk/triage/triage/client"
)

func newWebhookCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Review the Chatwoot webhook listener's deliveries",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newWebhookRejectedCommand())
	return cmd
}

func newWebhookRejectedCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rejected",
		Short: "List the webhook payloads the listener could not read",
		Long: fmt.Sprintf(`List the webhook payloads that the listener rejected (invalid JSON, a null
sender or conversation, an unknown event), oldest first, with the time,
delivery id, reason and body. The daemon keeps the last %d, each cut to
%d KiB, with personal data redacted unless it runs with --no-redact.
--json prints a JSON array.`, api.MaxRejectedPayloads, api.MaxRejectedBody>>10),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := client.New(socketPath()).RejectedWebhooks(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(cmd.OutOrStdout(), list)
			}
			if len(list) == 0 {
				fmt.Fprintln(os.Stderr, "no rejected webhook payloads")
				return nil
			}
			out := cmd.OutOrStdout()
			for _, p := range list {
				delivery := p.Delivery
				if delivery == "" {
					delivery = "-"
				}
				fmt.Fprintf(out, "%s  delivery %s  %d bytes\n  reason: %s\n", p.At.Format("2006-01-02T15:04:05Z"), delivery, p.Bytes, p.Reason)
				body := strings.ReplaceAll(p.Body, "\n", "\n    ")
				if p.Truncated {
					body += " …"
				}
				fmt.Fprintf(out, "  body: %s\n", body)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}
