package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// ScriptKind is the document kind of troubleshooting scripts.
const ScriptKind = scripts.KindTroubleshooting

// scriptVersion is one parsed version of a troubleshooting script.
type scriptVersion struct {
	script  *scripts.Script
	name    string
	version int
}

// scriptSet is the latest version of every stored script, ordered by
// name, which is the order SelectScript tries them in.
type scriptSet struct {
	list []*scriptVersion
}

func (s *scriptSet) scripts() []*scripts.Script {
	out := make([]*scripts.Script, len(s.list))
	for i, v := range s.list {
		out[i] = v.script
	}
	return out
}

// with returns a copy of s in which v replaces the script of its name.
func (s *scriptSet) with(v *scriptVersion) *scriptSet {
	next := &scriptSet{}
	for _, old := range s.list {
		if old.name != v.name {
			next.list = append(next.list, old)
		}
	}
	next.list = append(next.list, v)
	sort.Slice(next.list, func(i, j int) bool { return next.list[i].name < next.list[j].name })
	return next
}

// scriptKey names one version of one script.
type scriptKey struct {
	name    string
	version int
}

// scriptCache keeps every parsed script version a ticket may still run
// on, so that a running ticket stays on the version it started with
// without parsing it again on every event.
//
// NOTE: entries are never evicted; the cache grows by one parsed script
// per saved version that a ticket used since the daemon started.
type scriptCache struct {
	mu      sync.Mutex
	entries map[scriptKey]*scriptVersion
}

func (c *scriptCache) get(name string, version int) *scriptVersion {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[scriptKey{name, version}]
}

func (c *scriptCache) put(v *scriptVersion) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[scriptKey]*scriptVersion)
	}
	c.entries[scriptKey{v.name, v.version}] = v
}

// script returns a parsed script version, reading and parsing it from tx
// when it is not cached.
func (e *Engine) script(tx triage.ReadTx, name string, version int) (*scriptVersion, error) {
	if v := e.cache.get(name, version); v != nil {
		return v, nil
	}
	doc, err := tx.Document(ScriptKind, name, version)
	if err != nil {
		return nil, fmt.Errorf("read script %s version %d: %w", name, version, err)
	}
	s, err := scripts.ParseScript(fmt.Sprintf("%s version %d", name, version), []byte(doc.Body))
	if err != nil {
		return nil, fmt.Errorf("parse stored script %s version %d: %w", name, version, err)
	}
	v := &scriptVersion{script: s, name: name, version: version}
	e.cache.put(v)
	return v, nil
}

// loadScripts reads the latest version of every troubleshooting script,
// first storing each of scripts.DefaultScripts that has no document yet.
// A stored script that no longer parses is logged and left out, so that
// one bad document does not stop the desk.
func (e *Engine) loadScripts() error {
	var missing []*triage.Document
	err := e.store.View(func(tx triage.ReadTx) error {
		for _, body := range scripts.DefaultScripts {
			_, name, err := scripts.DocumentKind([]byte(body))
			if err != nil {
				return fmt.Errorf("read default script: %w", err)
			}
			_, err = tx.Document(ScriptKind, name, 0)
			if errors.Is(err, triage.ErrNotFound) {
				missing = append(missing, &triage.Document{
					Kind: ScriptKind, Name: name, Body: body, Author: "triage",
					SavedAt: e.now().UTC(), Comment: "default script seeded on first start",
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
			e.log.Info("seeded default troubleshooting script", "script", doc.Name, "version", doc.Version)
		}
	}
	if err != nil {
		return fmt.Errorf("load troubleshooting scripts: %w", err)
	}

	set := &scriptSet{}
	err = e.store.View(func(tx triage.ReadTx) error {
		return tx.Documents(func(doc *triage.Document) error {
			if doc.Kind != ScriptKind {
				return nil
			}
			v, err := e.script(tx, doc.Name, doc.Version)
			if err != nil {
				e.log.Error("stored script does not parse; it takes no tickets until a valid version is saved",
					"err", err, "script", doc.Name, "version", doc.Version)
				return nil
			}
			set.list = append(set.list, v)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("load troubleshooting scripts: %w", err)
	}
	e.scripts.Store(set)
	return nil
}

// ValidateDocument parses body as a document to be saved under kind and
// name. The error is a *scripts.ValidationError for an invalid body, one
// whose kind or name differs from kind and name, and an escalation policy
// with another name than PolicyName, which the engine would never apply.
func ValidateDocument(kind, name string, body []byte) (*scripts.Parsed, error) {
	source := kind + "/" + name
	parsed, err := scripts.ParseDocument(source, body)
	if err != nil {
		return nil, err
	}
	switch {
	case parsed.Kind != kind:
		return nil, scripts.NewValidationError(source, 1, 1, "$.kind",
			"the document's kind is %q but it is saved as %q: change one of them", parsed.Kind, kind)
	case parsed.Name != name:
		return nil, scripts.NewValidationError(source, 1, 1, "$.name",
			"the document's name is %q but it is saved as %q: change one of them", parsed.Name, name)
	case kind == PolicyKind && name != PolicyName:
		return nil, scripts.NewValidationError(source, 1, 1, "$.name",
			"the desk applies only the escalation policy named %q: name this one %q", PolicyName, PolicyName)
	case kind == KeywordsKind && name != KeywordsName:
		return nil, scripts.NewValidationError(source, 1, 1, "$.name",
			"the desk applies only the keyword list named %q: name this one %q", KeywordsName, KeywordsName)
	case kind == SLAKind && name != SLAName:
		return nil, scripts.NewValidationError(source, 1, 1, "$.name",
			"the desk applies only the SLA named %q: name this one %q", SLAName, SLAName)
	}
	return parsed, nil
}

// PutDocument validates body and stores it as the next version of the
// document kind/name, saved by author at time at. After the version is
// durable, the engine applies it: an escalation policy to every later
// customer turn, a script to tickets it takes from then on. Tickets
// already running a script stay on their version. An invalid body returns
// a *scripts.ValidationError and stores nothing.
func (e *Engine) PutDocument(ctx context.Context, kind, name string, body []byte, author string, at time.Time, comment string) (*triage.Document, error) {
	parsed, err := ValidateDocument(kind, name, body)
	if err != nil {
		return nil, err
	}
	doc := &triage.Document{Kind: kind, Name: name, Body: string(body), Author: author, SavedAt: at.UTC(), Comment: comment}
	r := &request{action: func(tx triage.Tx, b *batch) error {
		if err := checkReferences(tx, parsed); err != nil {
			return err
		}
		if err := tx.PutDocument(doc); err != nil {
			return abort("store document", err)
		}
		return b.applyTimerDocument(ctx, parsed, doc)
	}}
	r.committed = func() { e.install(parsed, doc) }
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return doc, nil
}

// Rollback stores version of the document kind/name as its next version,
// after validating it again, and applies it as PutDocument does.
func (e *Engine) Rollback(ctx context.Context, kind, name string, version int, author string, at time.Time) (*triage.Document, error) {
	var doc *triage.Document
	var parsed *scripts.Parsed
	r := &request{action: func(tx triage.Tx, b *batch) error {
		old, err := tx.Document(kind, name, version)
		if err != nil {
			if errors.Is(err, triage.ErrNotFound) {
				return fmt.Errorf("%s/%s version %d: %w", kind, name, version, triage.ErrNotFound)
			}
			return abort("read document", err)
		}
		parsed, err = ValidateDocument(kind, name, []byte(old.Body))
		if err != nil {
			return err
		}
		if err := checkReferences(tx, parsed); err != nil {
			return err
		}
		doc = &triage.Document{Kind: kind, Name: name, Body: old.Body, Author: author, SavedAt: at.UTC(),
			Comment: fmt.Sprintf("rollback to version %d", version)}
		if err := tx.PutDocument(doc); err != nil {
			return abort("store document", err)
		}
		return b.applyTimerDocument(ctx, parsed, doc)
	}}
	r.committed = func() {
		if doc != nil {
			e.install(parsed, doc)
		}
	}
	if err := e.submit(ctx, r); err != nil {
		return nil, err
	}
	return doc, nil
}

// install makes a committed document version the one the engine applies.
// It runs on the writer goroutine, in commit order.
func (e *Engine) install(parsed *scripts.Parsed, doc *triage.Document) {
	switch {
	case parsed.Policy != nil:
		e.policy.Store(&policyVersion{policy: parsed.Policy, name: doc.Name, version: doc.Version})
		e.log.Info("escalation policy applied", "policy", doc.Name, "version", doc.Version, "author", doc.Author)
	case parsed.Script != nil:
		v := &scriptVersion{script: parsed.Script, name: doc.Name, version: doc.Version}
		e.cache.put(v)
		e.scripts.Store(e.scripts.Load().with(v))
		e.log.Info("troubleshooting script applied", "script", doc.Name, "version", doc.Version, "author", doc.Author)
	case parsed.SLA != nil:
		e.sla.Store(e.sla.Load().withSLA(parsed.SLA, doc.Version))
		e.log.Info("SLA applied", "sla", doc.Name, "version", doc.Version, "author", doc.Author)
	case parsed.Calendar != nil:
		e.sla.Store(e.sla.Load().withCalendar(parsed.Calendar))
		e.log.Info("calendar applied", "calendar", doc.Name, "version", doc.Version, "author", doc.Author)
	case parsed.Keywords != nil:
		e.scorer.Store(e.newScorer(parsed.Keywords))
		e.log.Info("keyword list applied", "keywords", len(parsed.Keywords.Keywords), "version", doc.Version, "author", doc.Author)
	}
}

// applyTimerDocument re-arms the SLA timers of every active ticket with a
// saved SLA or calendar, in the transaction that stores it, so that
// running deadlines follow the new targets.
func (b *batch) applyTimerDocument(ctx context.Context, parsed *scripts.Parsed, doc *triage.Document) error {
	switch {
	case parsed.SLA != nil:
		b.sla = b.sla.withSLA(parsed.SLA, doc.Version)
	case parsed.Calendar != nil:
		b.sla = b.sla.withCalendar(parsed.Calendar)
	default:
		return nil
	}
	return b.resyncTimers(ctx)
}

// CurrentPolicy returns the name and version of the escalation policy the
// engine applies.
func (e *Engine) CurrentPolicy() (string, int) {
	pv := e.policy.Load()
	return pv.name, pv.version
}

// CurrentScripts returns the name and version of every script that takes
// new tickets, ordered by name.
func (e *Engine) CurrentScripts() map[string]int {
	out := map[string]int{}
	for _, v := range e.scripts.Load().list {
		out[v.name] = v.version
	}
	return out
}
