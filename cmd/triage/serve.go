package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/cmd/triage/internal/daemon"
)

func newServeCommand() *cobra.Command {
	var logLevel, logFormat string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the daemon that owns the database and serves the socket",
		Long: `Run the daemon in the foreground. It alone opens the database and serves
the local API on a Unix socket with mode 0600. It logs to stderr.
SIGINT or SIGTERM stop it cleanly: it stops taking input, commits what it
acknowledged, closes the database and exits 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(os.Stderr, logLevel, logFormat)
			if err != nil {
				return usageError{err}
			}
			d, err := daemon.Start(daemon.Config{
				Database: databasePath(),
				Socket:   socketPath(),
				Logger:   log,
				Version:  version(),
			})
			if err != nil {
				if errors.Is(err, daemon.ErrBusy) {
					return withExit(exitFailure, err)
				}
				return err
			}
			waitErr := d.Wait(cmd.Context())
			stopErr := d.Stop()
			return errors.Join(waitErr, stopErr)
		},
	}
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error (message text is logged only at debug)")
	cmd.Flags().StringVar(&logFormat, "log-format", "text", "log format: text or json")
	return cmd
}

// newLogger builds the daemon's slog logger.
func newLogger(w *os.File, level, format string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("invalid --log-format %q: use text or json", format)
}

// version returns the module version from the build information.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of triage",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "triage", version())
		},
	}
}
