package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/cmd/triage/internal/daemon"
	"github.com/triagedesk/triage/triage/api"
)

func newServeCommand() *cobra.Command {
	var (
		logLevel, logFormat string
		listen, tokenFile   string
		socketGroup         string
		leads               []string
		retention           string
		metricsListen       string
		healthMaxPending    int
		hook                webhookFlags
	)
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
			keep, err := retentionFlag(retention)
			if err != nil {
				return usageError{err}
			}
			cfg := daemon.Config{
				Database:    databasePath(),
				Socket:      socketPath(),
				Logger:      log,
				Version:     version(),
				Listen:      listen,
				Leads:       leads,
				SocketGroup: socketGroup,
			}
			cfg.MetricsListen, cfg.HealthMaxPending = metricsListen, healthMaxPending
			if err := hook.apply(&cfg); err != nil {
				return err
			}
			if tokenFile != "" {
				if cfg.Tokens, err = api.LoadTokenFile(tokenFile); err != nil {
					return withExit(exitInvalid, err)
				}
			}
			if listen != "" && tokenFile == "" {
				return usageError{errors.New("--listen needs --token-file: the TCP listener requires bearer tokens")}
			}
			d, err := daemon.Start(cfg)
			if err != nil {
				if errors.Is(err, daemon.ErrBusy) {
					return withExit(exitFailure, err)
				}
				return err
			}
			startRetention(cmd.Context(), keep, log)
			waitErr := d.Wait(cmd.Context())
			stopErr := d.Stop()
			return errors.Join(waitErr, stopErr)
		},
	}
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error (message text is logged only at debug)")
	cmd.Flags().StringVar(&logFormat, "log-format", "text", "log format: text or json")
	cmd.Flags().StringVar(&retention, "retention", "", "purge history and ended tickets older than this, daily (90d, 12w); empty keeps everything")
	cmd.Flags().StringVar(&listen, "listen", "", "also serve the API on this loopback TCP address, such as 127.0.0.1:7070 (needs --token-file)")
	cmd.Flags().StringVar(&tokenFile, "token-file", "", "bearer tokens for --listen, one \"NAME ROLE TOKEN\" a line; the file must have mode 0600")
	cmd.Flags().StringSliceVar(&leads, "leads", nil, "logins with the lead role on the socket (may edit scripts and policies, roll back, purge); the daemon's own user always is one")
	cmd.Flags().StringVar(&socketGroup, "socket-group", "", "let members of this group use the socket (mode 0660, folder 0750)")
	cmd.Flags().StringVar(&metricsListen, "metrics-listen", "", "serve /healthz and /metrics on this loopback TCP address, such as 127.0.0.1:9464 (no authentication)")
	cmd.Flags().IntVar(&healthMaxPending, "health-max-pending", 64, "ingest requests in flight above which /healthz reports ingest as not keeping up (-1: any request in flight)")
	hook.register(cmd)
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
