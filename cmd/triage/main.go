// Command triage is a terminal support triage desk: a daemon that takes
// chat events, scores each conversation's frustration and escalates
// tickets, and the commands and console that work with it.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage/client"
)

// Exit statuses, documented in the README and in `triage --help`.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitRejected  = 3
	exitNoDaemon  = 4
	exitInvalid   = 5
	exitInterrupt = 130
)

// exitError carries an exit status up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withExit(code int, err error) error { return &exitError{code: code, err: err} }

// errRejected reports that some input was rejected after the rest was
// taken; the details are already on stderr.
var errRejected = errors.New("some input was rejected")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals()...)
	defer stop()
	root := newRootCommand()
	err := root.ExecuteContext(ctx)
	os.Exit(exitCode(err))
}

// stopSignals lists the signals that stop a command cleanly: interrupt,
// SIGTERM, and SIGHUP when the terminal closes, so that a console or demo
// in a closed terminal still stops its daemon and removes its files.
// SIGHUP stays out when it is ignored, as under nohup, because asking for
// it would undo that.
func stopSignals() []os.Signal {
	signals := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		signals = append(signals, syscall.SIGHUP)
	}
	return signals
}

// exitCode maps an error to the documented exit status and prints it.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	code := exitFailure
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case errors.Is(err, client.ErrNoDaemon):
		code = exitNoDaemon
		err = fmt.Errorf("%w\nstart one with `triage serve` (or try `triage demo`), or point --socket or TRIAGE_SOCKET at a running one", err)
	case isUsageError(err):
		code = exitUsage
	}
	if !errors.Is(err, errRejected) {
		fmt.Fprintln(os.Stderr, "triage:", err)
	}
	return code
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "triage",
		Short: "A terminal support triage desk",
		Long: `triage watches live support chats, scores how frustrated each customer is
from their behaviour and wording, and escalates tickets to a senior queue.

One daemon (triage serve) owns the database; every other command is its
client over a Unix socket.

Exit status: 0 success, 1 failure, 2 usage error, 3 some input was rejected
(the rest was taken), 4 no daemon responds on the socket, 5 a script or
configuration failed validation.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	addPathFlags(root)
	root.AddCommand(
		newServeCommand(),
		newIngestCommand(),
		newOutboxCommand(),
		newReplyCommand(),
		newWebhookCommand(),
		newQueueCommand(),
		newIncidentsCommand(),
		newTicketCommand(),
		newHistoryCommand(),
		newCompactCommand(),
		newBackupCommand(),
		newRestoreCommand(),
		newForgetCommand(),
		newConsoleCommand(),
		newDemoCommand(),
		newScoreCommand(),
		newEvalCommand(),
		newVersionCommand(),
		newManCommand(),
		newScriptsCommand(),
		newConfigCommand(),
	)
	return root
}

// usageError marks a command-line mistake (exit status 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func isUsageError(err error) bool {
	var u usageError
	return errors.As(err, &u) || isCobraArgError(err)
}
