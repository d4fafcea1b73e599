package daemon

import (
	"errors"
	"fmt"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/engine"
)

// seedDocuments stores the configured first-start documents that the
// database does not have yet, before the engine seeds its built-in ones.
// A document that exists is left alone: later edits go through the
// scripts commands.
func (d *Daemon) seedDocuments() error {
	seeds := []struct{ kind, name, body string }{
		{engine.PolicyKind, engine.PolicyName, d.cfg.SeedPolicy},
		{engine.SLAKind, engine.SLAName, d.cfg.SeedSLA},
	}
	return d.db.Update(func(tx triage.Tx) error {
		for _, s := range seeds {
			if s.body == "" {
				continue
			}
			_, err := tx.Document(s.kind, s.name, 0)
			if err == nil {
				continue
			}
			if !errors.Is(err, triage.ErrNotFound) {
				return fmt.Errorf("read %s %s: %w", s.kind, s.name, err)
			}
			doc := &triage.Document{
				Kind: s.kind, Name: s.name, Body: s.body, Author: "triage",
				SavedAt: time.Now().UTC(), Comment: s.kind + " seeded on first start from the configuration",
			}
			if err := tx.PutDocument(doc); err != nil {
				return fmt.Errorf("store %s %s: %w", s.kind, s.name, err)
			}
			d.log.Info("seeded document from the configuration", "kind", s.kind, "name", s.name)
		}
		return nil
	})
}
