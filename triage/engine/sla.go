package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// SLA and calendar document kinds, and the name of the SLA the engine
// applies.
const (
	SLAKind      = scripts.KindSLA
	SLAName      = "standard"
	CalendarKind = scripts.KindCalendar
)

// slaConfig is the SLA the engine applies, with the calendars that its
// business-hours targets may name.
type slaConfig struct {
	sla     *scripts.SLA
	name    string
	version int
	// calendars holds the latest version of every calendar, by name.
	calendars map[string]*scripts.Calendar
}

// withSLA returns a copy of c that applies s.
func (c *slaConfig) withSLA(s *scripts.SLA, version int) *slaConfig {
	next := *c
	next.sla, next.name, next.version = s, s.Name, version
	return &next
}

// withCalendar returns a copy of c in which cal replaces the calendar of
// its name.
func (c *slaConfig) withCalendar(cal *scripts.Calendar) *slaConfig {
	next := *c
	next.calendars = make(map[string]*scripts.Calendar, len(c.calendars)+1)
	for name, v := range c.calendars {
		next.calendars[name] = v
	}
	next.calendars[cal.Name] = cal
	return &next
}

// deadline returns start plus target: elapsed time, or working time in
// the SLA's calendar.
func (c *slaConfig) deadline(start time.Time, target *scripts.Target) (time.Time, error) {
	if !target.Business {
		return start.Add(target.Duration), nil
	}
	cal := c.calendars[c.sla.Calendar]
	if cal == nil {
		return time.Time{}, fmt.Errorf("SLA %s names calendar %q, which is not stored", c.name, c.sla.Calendar)
	}
	return cal.Add(start, target.Duration)
}

// label names the SLA version in reasons, such as "SLA standard version 2".
func (c *slaConfig) label() string {
	return fmt.Sprintf("SLA %s version %d", c.name, c.version)
}

// loadSLA reads the SLA and every calendar, first storing the default
// calendar and SLA when they have no document yet. A stored SLA or
// calendar that no longer parses is logged and left out: without an SLA
// no response targets are measured.
func (e *Engine) loadSLA() error {
	defaults := []struct{ kind, name, body string }{
		{CalendarKind, "office-hours", scripts.DefaultCalendarYAML},
		{SLAKind, SLAName, scripts.DefaultSLAYAML},
	}
	var missing []*triage.Document
	err := e.store.View(func(tx triage.ReadTx) error {
		for _, d := range defaults {
			_, err := tx.Document(d.kind, d.name, 0)
			if errors.Is(err, triage.ErrNotFound) {
				missing = append(missing, &triage.Document{
					Kind: d.kind, Name: d.name, Body: d.body, Author: "triage",
					SavedAt: e.now().UTC(), Comment: "default " + d.kind + " seeded on first start",
				})
				continue
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && len(missing) > 0 {
		err = e.store.Update(func(tx triage.Tx) error {
			for _, doc := range missing {
				if err := tx.PutDocument(doc); err != nil {
					return err
				}
			}
			return nil
		})
		for _, doc := range missing {
			e.log.Info("seeded default document", "kind", doc.Kind, "name", doc.Name, "version", doc.Version)
		}
	}
	if err != nil {
		return fmt.Errorf("load SLA: %w", err)
	}

	cfg := &slaConfig{calendars: map[string]*scripts.Calendar{}}
	err = e.store.View(func(tx triage.ReadTx) error {
		return tx.Documents(func(doc *triage.Document) error {
			source := fmt.Sprintf("%s %s version %d", doc.Kind, doc.Name, doc.Version)
			switch {
			case doc.Kind == CalendarKind:
				cal, err := scripts.ParseCalendar(source, []byte(doc.Body))
				if err != nil {
					e.log.Error("stored calendar does not parse; targets in its business hours are not measured", "err", err, "calendar", doc.Name, "version", doc.Version)
					return nil
				}
				cfg.calendars[cal.Name] = cal
			case doc.Kind == SLAKind && doc.Name == SLAName:
				s, err := scripts.ParseSLA(source, []byte(doc.Body))
				if err != nil {
					e.log.Error("stored SLA does not parse; no SLA targets are measured until a valid version is saved", "err", err, "version", doc.Version)
					return nil
				}
				cfg.sla, cfg.name, cfg.version = s, doc.Name, doc.Version
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("load SLA: %w", err)
	}
	e.sla.Store(cfg)
	return nil
}

// checkReferences rejects an SLA whose calendar is not stored in tx.
func checkReferences(tx triage.ReadTx, parsed *scripts.Parsed) error {
	if parsed.SLA == nil || parsed.SLA.Calendar == "" {
		return nil
	}
	_, err := tx.Document(CalendarKind, parsed.SLA.Calendar, 0)
	if errors.Is(err, triage.ErrNotFound) {
		return scripts.NewValidationError(parsed.Kind+"/"+parsed.Name, 1, 1, "$.calendar",
			"calendar %q is not stored: save it first with `triage scripts apply`", parsed.SLA.Calendar)
	}
	if err != nil {
		return abort("read calendar", err)
	}
	return nil
}

// CurrentSLA returns the name and version of the SLA the engine applies;
// version 0 means none.
func (e *Engine) CurrentSLA() (string, int) {
	c := e.sla.Load()
	if c == nil || c.sla == nil {
		return "", 0
	}
	return c.name, c.version
}

// resyncTimers arms the SLA timers of every active ticket again with the
// batch's SLA, after an SLA or calendar was saved.
func (b *batch) resyncTimers(ctx context.Context) error {
	var tickets []*triage.Ticket
	err := b.tx.Queue(true, func(t *triage.Ticket) error {
		tickets = append(tickets, t)
		return ctx.Err()
	})
	if err != nil {
		return abort("read active tickets", err)
	}
	for _, t := range tickets {
		if entry, ok := b.convs[t.Conversation]; ok {
			entry.dirty = true
			continue
		}
		if err := b.syncTimers(t); err != nil {
			return err
		}
	}
	return nil
}
