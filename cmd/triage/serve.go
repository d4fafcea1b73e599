package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/triagedesk/triage/cmd/triage/internal/config"
	"github.com/triagedesk/triage/cmd/triage/internal/daemon"
	"github.com/triagedesk/triage/triage/api"
)

func newServeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the daemon that owns the database and serves the socket",
		Long: `Run the daemon in the foreground. It alone opens the database and serves
the local API on a Unix socket with mode 0600. It logs to stderr.
SIGINT or SIGTERM stop it cleanly: it stops taking input, commits what it
acknowledged, closes the database and exits 0.

Settings come from flags, then TRIAGE_* environment variables, then the
configuration file (--config, TRIAGE_CONFIG, else
$XDG_CONFIG_HOME/triage/config.yaml), then built-in defaults. An invalid
configuration file stops the daemon before it starts, with every problem
listed (exit status 5); see triage config validate and triage config show.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := daemonSettings(cmd)
			if err != nil {
				return err
			}
			return runDaemon(cmd, s)
		},
	}
	addDaemonFlags(cmd.Flags())
	return cmd
}

// addDaemonFlags registers the flags that override daemon settings. Their
// defaults here only document the built-in defaults: a flag counts only
// when it is given, so that it does not hide the file or the environment.
func addDaemonFlags(fs *pflag.FlagSet) {
	fs.String("log-level", "info", "log level: debug, info, warn or error (message text is logged only at debug)")
	fs.String("log-format", "text", "log format: text or json")
	fs.String("retention", "", "purge history and ended tickets older than this, daily (90d, 12w); empty keeps everything")
	fs.String("listen", "", "also serve the API on this loopback TCP address, such as 127.0.0.1:7070 (needs --token-file)")
	fs.String("token-file", "", "bearer tokens for --listen, one \"NAME ROLE TOKEN\" a line; the file must have mode 0600")
	fs.StringSlice("leads", nil, "logins with the lead role on the socket (may edit scripts and policies, roll back, purge); the daemon's own user always is one")
	fs.String("socket-group", "", "let members of this group use the socket (mode 0660, folder 0750)")
	fs.String("metrics-listen", "", "serve /healthz and /metrics on this loopback TCP address, such as 127.0.0.1:9464 (no authentication)")
	fs.Int("health-max-pending", 64, "ingest requests in flight above which /healthz reports ingest as not keeping up (-1: any request in flight)")
	fs.Bool("no-redact", false, "store personal data (e-mails, phone and card numbers, IP and street addresses, customer identities) as received instead of redacting it")
	fs.String("webhook-listen", "", "receive Chatwoot webhooks on this TCP address, such as 127.0.0.1:8088 (off by default)")
	fs.String("webhook-secret-file", "", "file holding the Chatwoot webhook secret; deliveries must then carry a valid X-Chatwoot-Signature")
	fs.Bool("webhook-allow-remote", false, "let --webhook-listen use a non-loopback address")
}

// daemonSettings layers defaults, the configuration file, the environment
// and the flags given to cmd, and checks the result. Problems in the file
// end with exit status 5; invalid environment variables or flags with 2.
func daemonSettings(cmd *cobra.Command) (*config.Settings, error) {
	s, err := loadSettings()
	if err != nil {
		return nil, withExit(exitInvalid, err)
	}
	if err := applyFlags(cmd.Flags(), s); err != nil {
		return nil, err
	}
	s.ResolvePaths(xdg.DataHome, os.Getenv("XDG_RUNTIME_DIR"))
	fileErr, otherErr := s.Check()
	if fileErr != nil {
		if otherErr != nil {
			fmt.Fprintln(os.Stderr, "triage:", otherErr)
		}
		return nil, invalidConfig(fileErr)
	}
	if otherErr != nil {
		return nil, usageError{otherErr}
	}
	return s, nil
}

// applyFlags copies every daemon flag given on the command line into s.
func applyFlags(fs *pflag.FlagSet, s *config.Settings) error {
	for _, field := range config.Fields() {
		if field.Flag == "" {
			continue
		}
		f := fs.Lookup(field.Flag)
		if f == nil || !f.Changed {
			continue
		}
		var value any
		var err error
		switch f.Value.Type() {
		case "string":
			value, err = fs.GetString(field.Flag)
		case "bool":
			value, err = fs.GetBool(field.Flag)
		case "int":
			value, err = fs.GetInt(field.Flag)
		case "stringSlice":
			value, err = fs.GetStringSlice(field.Flag)
		default:
			err = fmt.Errorf("flag --%s has unsupported type %s", field.Flag, f.Value.Type())
		}
		if err != nil {
			return err
		}
		s.SetFlag(field.Flag, value)
	}
	return nil
}

// runDaemon starts the daemon with the checked settings and serves until
// the command's context ends.
func runDaemon(cmd *cobra.Command, s *config.Settings) error {
	log, err := newLogger(os.Stderr, s.Log.Level, s.Log.Format)
	if err != nil {
		return usageError{err}
	}
	keep, err := s.Retention.Parse()
	if err != nil {
		return usageError{fmt.Errorf("invalid retention %q: give a duration such as 90d or 12w, or 0 for none", s.Retention)}
	}
	if s.Path != "" {
		log.Info("read configuration file", "path", s.Path)
	}
	cfg := daemon.Config{
		Database:           s.Database,
		Socket:             s.Socket,
		Logger:             log,
		Version:            version(),
		Listen:             s.Listen,
		Leads:              s.Leads,
		SocketGroup:        s.SocketGroup,
		MetricsListen:      s.Metrics.Listen,
		HealthMaxPending:   s.Metrics.HealthMaxPending,
		NoRedact:           !s.Redact,
		WebhookListen:      s.Webhook.Listen,
		WebhookAllowRemote: s.Webhook.AllowRemote,
	}
	if err := loadSecrets(s, &cfg); err != nil {
		return err
	}
	if cfg.SeedPolicy, err = s.FirstStart.PolicyYAML(); err != nil {
		return err
	}
	if cfg.SeedSLA, err = s.FirstStart.SLAYAML(); err != nil {
		return err
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
}

// loadSecrets reads the token file and the webhook secret into cfg.
func loadSecrets(s *config.Settings, cfg *daemon.Config) error {
	if s.TokenFile != "" {
		tokens, err := api.LoadTokenFile(s.TokenFile)
		if err != nil {
			return withExit(exitInvalid, err)
		}
		cfg.Tokens = tokens
	}
	if s.Listen != "" && s.TokenFile == "" {
		return usageError{errors.New("--listen needs --token-file: the TCP listener requires bearer tokens")}
	}
	if s.Webhook.SecretFile == "" {
		return nil
	}
	if s.Webhook.Listen == "" {
		return usageError{errors.New("--webhook-secret-file needs --webhook-listen")}
	}
	data, err := os.ReadFile(s.Webhook.SecretFile)
	if err != nil {
		return withExit(exitInvalid, fmt.Errorf("read webhook secret: %w", err))
	}
	secret := bytes.TrimSpace(data)
	if len(secret) == 0 {
		return withExit(exitInvalid, fmt.Errorf("webhook secret file %s is empty", s.Webhook.SecretFile))
	}
	cfg.WebhookSecret = secret
	return nil
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
