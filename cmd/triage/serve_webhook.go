package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/cmd/triage/internal/daemon"
)

// webhookFlags are the flags of `triage serve` for redaction and the
// Chatwoot webhook receiver.
type webhookFlags struct {
	noRedact    bool
	listen      string
	secretFile  string
	allowRemote bool
}

func (f *webhookFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.noRedact, "no-redact", false, "store personal data (e-mails, phone and card numbers, IP and street addresses, customer identities) as received instead of redacting it")
	cmd.Flags().StringVar(&f.listen, "webhook-listen", "", "receive Chatwoot webhooks on this TCP address, such as 127.0.0.1:8088 (off by default)")
	cmd.Flags().StringVar(&f.secretFile, "webhook-secret-file", "", "file holding the Chatwoot webhook secret; deliveries must then carry a valid X-Chatwoot-Signature")
	cmd.Flags().BoolVar(&f.allowRemote, "webhook-allow-remote", false, "let --webhook-listen use a non-loopback address")
}

// apply copies the flags into cfg, reading the secret file.
func (f *webhookFlags) apply(cfg *daemon.Config) error {
	cfg.NoRedact = f.noRedact
	cfg.WebhookListen = f.listen
	cfg.WebhookAllowRemote = f.allowRemote
	if f.secretFile == "" {
		return nil
	}
	if f.listen == "" {
		return usageError{errors.New("--webhook-secret-file needs --webhook-listen")}
	}
	data, err := os.ReadFile(f.secretFile)
	if err != nil {
		return withExit(exitInvalid, fmt.Errorf("read webhook secret: %w", err))
	}
	secret := bytes.TrimSpace(data)
	if len(secret) == 0 {
		return withExit(exitInvalid, fmt.Errorf("webhook secret file %s is empty", f.secretFile))
	}
	cfg.WebhookSecret = secret
	return nil
}
