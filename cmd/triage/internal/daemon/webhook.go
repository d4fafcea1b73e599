package daemon

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
	"github.com/triagedesk/triage/triage/redact"
)

// redactionKeyMeta is the meta key of the secret that customer identities
// are hashed with. It is created on first start and never changes, so
// that hashes stay comparable.
const redactionKeyMeta = "redact/customer-key"

// startRedaction loads or creates the identity hashing key and makes the
// API redact every event before ingest, unless redaction is off.
func (d *Daemon) startRedaction(srv *api.Server) error {
	if d.cfg.NoRedact {
		d.log.Warn("redaction is off: personal data is stored as received")
		return nil
	}
	var key []byte
	err := d.db.Update(func(tx triage.Tx) error {
		stored, err := tx.Meta(redactionKeyMeta)
		if err != nil {
			return err
		}
		if len(stored) > 0 {
			key = stored
			return nil
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		return tx.SetMeta(redactionKeyMeta, key)
	})
	if err != nil {
		return fmt.Errorf("load redaction key: %w", err)
	}
	srv.SetRedactor(redact.New(key).Event)
	return nil
}

// startWebhook sets up redaction and starts the Chatwoot webhook
// receiver when one is configured.
func (d *Daemon) startWebhook(srv *api.Server) error {
	if err := d.startRedaction(srv); err != nil {
		return err
	}
	addr := d.cfg.WebhookListen
	if addr == "" {
		return nil
	}
	if !d.cfg.WebhookAllowRemote && !api.IsLoopback(addr) {
		return fmt.Errorf("webhook address %s is not a loopback address: put a TLS proxy in front and listen on 127.0.0.1, or pass --webhook-allow-remote", addr)
	}
	wh, err := srv.NewWebhook(api.WebhookConfig{Secret: d.cfg.WebhookSecret})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen for webhooks on %s: %w", addr, err)
	}
	d.webhook = wh.HTTPServer()
	go func() {
		if err := d.webhook.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("webhook receiver stopped", "err", err)
		}
	}()
	if len(d.cfg.WebhookSecret) == 0 {
		d.log.Warn("webhook signatures are not checked: no secret set", "addr", ln.Addr().String())
	}
	d.log.Info("webhook receiver started", "addr", ln.Addr().String(), "signed", len(d.cfg.WebhookSecret) > 0)
	return nil
}
