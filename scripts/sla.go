package scripts

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// KindSLA is the document kind of service-level targets.
const KindSLA = "sla"

// DefaultSLAYAML is the SLA the desk starts with.
const DefaultSLAYAML = `kind: sla
name: standard
description: >
  Response targets per priority, and what happens to an escalated ticket
  that no agent claims. Targets in business hours count in the calendar
  named below.
calendar: office-hours

targets:
  urgent: {first_response: 15m, next_response: 30m}
  high:   {first_response: 1h, next_response: 2h}
  normal: {first_response: 4 business hours, next_response: 8 business hours}
  low:    {first_response: 8 business hours, next_response: 16 business hours}

# Measured from the escalation, in order. Each tier fires once per
# escalation: it may raise the priority and move the ticket to a queue.
unclaimed:
  - after: 15m
    priority: urgent
    reason: escalated ticket unclaimed for 15 minutes
  - after: 30m
    queue: duty-manager
    reason: escalated ticket unclaimed for 30 minutes; paging the duty manager
`

// SLA is a parsed set of service-level targets.
type SLA struct {
	Name        string
	Description string
	// Calendar names the calendar document that business-hours targets
	// count in; empty when no target is in business hours.
	Calendar string
	// Targets holds the response targets per priority name; a priority
	// without an entry has none.
	Targets map[string]ResponseTargets
	// Unclaimed are the tiers applied to an escalated ticket that no
	// agent claims, in order of After.
	Unclaimed []UnclaimedTier
}

// ResponseTargets are the response targets of one priority. A nil target
// is not measured.
type ResponseTargets struct {
	// FirstResponse bounds the wait for the first agent reply, from the
	// customer's first message.
	FirstResponse *Target
	// NextResponse bounds the wait for the next agent reply, from the
	// first customer message after an agent reply.
	NextResponse *Target
}

// Target is an allowed wait: elapsed time, or working time of the SLA's
// calendar when Business is set.
type Target struct {
	Duration time.Duration
	Business bool
	// Text is the target as written, such as "4 business hours".
	Text string
}

// UnclaimedTier is one step taken when an escalated ticket stays
// unclaimed for After since its escalation.
type UnclaimedTier struct {
	After Target
	// Queue, when set, moves the ticket to this queue; Priority, when
	// set, raises the ticket's priority to at least this one.
	Queue    string
	Priority string
	Reason   string
}

// Limits on an SLA.
const (
	maxBusinessTarget = 2000 * time.Hour
	maxClockTarget    = 30 * 24 * time.Hour
	maxUnclaimedTiers = 10
)

var (
	slaFields      = []string{"kind", "name", "description", "calendar", "targets", "unclaimed"}
	responseFields = []string{"first_response", "next_response"}
	tierFields     = []string{"after", "queue", "priority", "reason"}
	businessRE     = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s+business\s+(hours?|minutes?)$`)
)

// ParseSLA parses and validates an SLA document. source names the
// document in error messages. On failure the error is a
// *ValidationError that lists every problem found. ParseSLA does not
// check that the named calendar exists.
func ParseSLA(source string, src []byte) (*SLA, error) {
	ps := &problems{}
	root := readDocument(src, ps)
	if root == nil {
		return nil, ps.err(source)
	}
	r := newReader(src, ps)
	m := r.mapping(root, "$", "an SLA", position{1, 1})
	if m == nil {
		return nil, ps.err(source)
	}
	r.checkFields(m, "an SLA", slaFields, "kind", "name")
	r.checkKind(m, KindSLA)
	s := &SLA{Targets: map[string]ResponseTargets{}}
	s.Name, _ = r.name(m.get("name"))
	if e := m.get("description"); e != nil {
		s.Description, _ = r.str(e)
	}
	if e := m.get("calendar"); e != nil {
		s.Calendar, _ = r.name(e)
	}
	var business []*entry
	if e := m.get("targets"); e != nil {
		business = append(business, r.slaTargets(e, s)...)
	}
	if e := m.get("unclaimed"); e != nil {
		business = append(business, r.unclaimedTiers(e, s)...)
	}
	if s.Calendar == "" && m.get("calendar") == nil {
		for _, e := range business {
			r.ps.add(e.pos(), e.path, `a target in business hours needs a calendar: add "calendar: NAME" naming a calendar document`)
		}
	}
	if len(s.Targets) == 0 && len(s.Unclaimed) == 0 && len(ps.list) == 0 {
		r.ps.add(m.pos, m.path, `no targets: give "targets", "unclaimed" or both`)
	}
	if err := ps.err(source); err != nil {
		return nil, err
	}
	return s, nil
}

// slaTargets reads the targets mapping, priority names to response
// targets, and returns the entries written in business hours.
func (r *reader) slaTargets(e *entry, s *SLA) []*entry {
	m := r.mapping(e.value, e.path, `"targets"`, e.keyPos)
	if m == nil {
		return nil
	}
	var business []*entry
	for _, item := range m.entries {
		if !contains(priorities, item.key) {
			r.ps.add(item.keyPos, item.path, "unknown priority %q: use low, normal, high or urgent", item.key)
			continue
		}
		pm := r.mapping(item.value, item.path, "targets of a priority", item.keyPos)
		if pm == nil {
			continue
		}
		r.checkFields(pm, "targets of a priority", responseFields)
		var rt ResponseTargets
		if f := pm.get("first_response"); f != nil {
			rt.FirstResponse = r.slaTarget(f)
			if rt.FirstResponse != nil && rt.FirstResponse.Business {
				business = append(business, f)
			}
		}
		if n := pm.get("next_response"); n != nil {
			rt.NextResponse = r.slaTarget(n)
			if rt.NextResponse != nil && rt.NextResponse.Business {
				business = append(business, n)
			}
		}
		s.Targets[item.key] = rt
	}
	return business
}

// unclaimedTiers reads the unclaimed list and returns the entries written
// in business hours.
func (r *reader) unclaimedTiers(e *entry, s *SLA) []*entry {
	items, paths, ok := r.sequence(e, "tiers")
	if !ok {
		return nil
	}
	if len(items) > maxUnclaimedTiers {
		r.ps.add(e.pos(), e.path, "%d tiers, more than the limit of %d", len(items), maxUnclaimedTiers)
		return nil
	}
	var business []*entry
	for i, item := range items {
		m := r.mapping(item, paths[i], "an unclaimed tier", nodePosition(item))
		if m == nil {
			continue
		}
		r.checkFields(m, "an unclaimed tier", tierFields, "after")
		var tier UnclaimedTier
		if a := m.get("after"); a != nil {
			if t := r.slaTarget(a); t != nil {
				tier.After = *t
				if t.Business {
					business = append(business, a)
				}
				if n := len(s.Unclaimed); n > 0 && !slaTierAfter(s.Unclaimed[n-1].After, *t) {
					r.ps.add(a.pos(), a.path, "tier waits %s, not longer than the tier before it (%s): order tiers by their wait, in one unit", t.Text, s.Unclaimed[n-1].After.Text)
				}
			}
		}
		if q := m.get("queue"); q != nil {
			tier.Queue, _ = r.name(q)
		}
		if p := m.get("priority"); p != nil {
			tier.Priority, _ = r.priority(p)
		}
		if reason := m.get("reason"); reason != nil {
			tier.Reason, _ = r.str(reason)
		}
		if m.get("queue") == nil && m.get("priority") == nil {
			r.ps.add(m.pos, m.path, `a tier must change something: give "queue", "priority" or both`)
		}
		s.Unclaimed = append(s.Unclaimed, tier)
	}
	return business
}

// slaTierAfter reports whether next waits longer than prev. Tiers in
// different units cannot be compared, so they must share one.
func slaTierAfter(prev, next Target) bool {
	return prev.Business == next.Business && next.Duration > prev.Duration
}

// slaTarget reads a wait: a duration such as "15m", "1h30m" or "2d", or
// working time such as "4 business hours" or "90 business minutes".
func (r *reader) slaTarget(e *entry) *Target {
	s, ok := r.str(e)
	if !ok {
		return nil
	}
	t, err := ParseTarget(s)
	if err != nil {
		r.ps.add(e.pos(), e.path, "%v", err)
		return nil
	}
	return t
}

// ParseTarget reads a wait: a duration such as "15m", "1h30m" or "2d" of
// elapsed time, up to 30 days, or working time such as "4 business hours"
// or "90 business minutes", up to 2000 hours.
func ParseTarget(s string) (*Target, error) {
	text := strings.TrimSpace(s)
	if m := businessRE.FindStringSubmatch(text); m != nil {
		n, err := strconv.ParseFloat(m[1], 64)
		unit := time.Hour
		if strings.HasPrefix(m[2], "minute") {
			unit = time.Minute
		}
		d := time.Duration(n * float64(unit))
		if err != nil || d <= 0 || d > maxBusinessTarget || d%time.Minute != 0 {
			return nil, fmt.Errorf("invalid target %q: give whole minutes of working time, more than 0 and up to 2000 hours", s)
		}
		return &Target{Duration: d, Business: true, Text: text}, nil
	}
	d, err := parseDuration(text)
	if err != nil || d <= 0 || d > maxClockTarget {
		return nil, fmt.Errorf("invalid target %q: give a duration up to 30 days, such as 15m, 1h30m or 2d, or working time such as \"4 business hours\"", s)
	}
	return &Target{Duration: d, Text: text}, nil
}
