package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/cmd/triage/internal/daemon"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/tui"
)

func newConsoleCommand() *cobra.Command {
	var noStart bool
	cmd := &cobra.Command{
		Use:   "console",
		Short: "Open the agent console on the live escalation queue",
		Long: `Open the agent console: the live escalation queue, ticket views with the
transcript and the reasons behind each score, and claim, release and
resolve. NO_COLOR turns colour off.

When no daemon responds on the socket, the console starts one in-process on
the default database and serves the same socket, so other commands and
consoles can connect to it. It logs to $XDG_STATE_HOME/triage/console.log
and stops when this console quits. --no-start exits with status 4 instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := client.New(socketPath())
			_, err := c.Info(cmd.Context())
			if err == nil {
				return runConsole(cmd.Context(), c)
			}
			if noStart || !errors.Is(err, client.ErrNoDaemon) {
				return err
			}
			stop, err := startConsoleDaemon()
			if err != nil {
				return err
			}
			defer stop()
			return runConsole(cmd.Context(), c)
		},
	}
	cmd.Flags().BoolVar(&noStart, "no-start", false, "exit with status 4 when no daemon responds, instead of starting one")
	return cmd
}

// startConsoleDaemon runs a daemon inside the console process on the
// default database and socket, logging to a file so that nothing writes
// over the console's screen.
func startConsoleDaemon() (stop func(), err error) {
	logFile, err := openStateLog("console.log")
	if err != nil {
		return nil, err
	}
	d, err := daemon.Start(daemon.Config{
		Database: databasePath(),
		Socket:   socketPath(),
		Logger:   slog.New(slog.NewTextHandler(logFile, nil)).With("in", "console"),
		Version:  version(),
		StopNotice: fmt.Sprintf("the daemon inside %s's console (pid %d) is stopping because that console quit; start `triage serve` to keep the desk running",
			agentName(), os.Getpid()),
	})
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("no daemon responded, and starting one failed: %w", err)
	}
	fmt.Fprintf(os.Stderr, "triage: no daemon responded on %s; started one in this console on %s (log: %s). It stops when you quit.\n",
		d.Socket(), databasePath(), filepath.Join(stateDir(), "console.log"))
	return func() {
		if err := d.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "triage: stop the console's daemon:", err)
		}
		logFile.Close()
	}, nil
}

// runConsole opens the console on the daemon behind c. A stop signal,
// which ends ctx, closes it as quitting does.
func runConsole(ctx context.Context, c *client.Client) error {
	err := tui.Run(ctx, tui.Options{
		Desk:    consoleDesk{c},
		Agent:   agentName(),
		NoColor: os.Getenv("NO_COLOR") != "",
	})
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
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
