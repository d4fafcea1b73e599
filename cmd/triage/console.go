package main

import (
	"context"
	"os"
	"os/user"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/tui"
)

func newConsoleCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "console",
		Short: "Open the agent console on the live escalation queue",
		Long: `Open the agent console: the live escalation queue, ticket views with the
transcript and the reasons behind each score, and claim, release and
resolve. It needs a running daemon (triage serve). NO_COLOR turns colour off.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := client.New(socketPath())
			if _, err := c.Info(cmd.Context()); err != nil {
				return err
			}
			return runConsole(cmd.Context(), c)
		},
	}
}

// runConsole opens the console on the daemon behind c.
func runConsole(ctx context.Context, c *client.Client) error {
	return tui.Run(ctx, tui.Options{
		Desk:    consoleDesk{c},
		Agent:   agentName(),
		NoColor: os.Getenv("NO_COLOR") != "",
	})
}

// consoleDesk adapts the client to the console's Desk interface.
type consoleDesk struct{ *client.Client }

func (d consoleDesk) Subscribe(ctx context.Context, since uint64, epoch string) (tui.Stream, error) {
	s, err := d.Client.Subscribe(ctx, since, epoch)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// agentName is the login name the daemon will know this user by.
func agentName() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}
