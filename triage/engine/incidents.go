package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// Incident grouping parameters.
//
// NOTE: these are constants, not a stored document, because the document
// parser knows no incident kind yet. They were chosen for surges of a few
// dozen chats about one outage, not measured on real traffic.
const (
	// incidentWindow is how far apart, in event time, escalations may be
	// and still open an incident together.
	incidentWindow = 15 * time.Minute
	// incidentMinTickets is how many similar escalations open an incident.
	incidentMinTickets = 3
	// incidentMinSharedWords and incidentMinJaccard decide when two
	// escalations' words are similar; see similarWords.
	incidentMinSharedWords = 2
	incidentMinJaccard     = 0.1
	// incidentTurns is how many of the customer's last turns give an
	// escalation its words.
	incidentTurns = 3
	// incidentMaxWords bounds the common words an incident shows.
	incidentMaxWords = 5
)

// groupEscalation compares the escalation of t at time at, by the policy
// reason, with the open incidents and the recent escalations. It joins t
// to a matching incident, or opens one with the recent escalations that
// match it when there are enough, or else keeps the escalation's
// signature for the escalations to come. text is the customer message
// that escalated. A dry-run replay and a store without incidents group
// nothing.
func (b *batch) groupEscalation(t *triage.Ticket, at time.Time, reason, text string) error {
	if b.replay != nil {
		return nil
	}
	itx, ok := b.tx.(triage.IncidentTx)
	if !ok {
		return nil
	}
	words, err := b.customerWords(t, at, text)
	if err != nil {
		return err
	}
	if len(words) < incidentMinSharedWords {
		return nil
	}
	sig := &triage.EscalationSignature{
		Ticket: t.ID, Conversation: t.Conversation, At: at,
		Rule: triage.RuleOf(&triage.Record{Reason: reason}), Words: words,
	}
	if _, err := itx.DeleteSignaturesBefore(at.Add(-incidentWindow)); err != nil {
		return abort("prune escalation signatures", err)
	}
	inc, err := matchingIncident(itx, t, sig)
	if err != nil {
		return err
	}
	if inc != nil {
		return b.joinIncident(itx, inc, t, at)
	}
	matches, err := b.matchingEscalations(itx, t, sig)
	if err != nil {
		return err
	}
	if 1+len(matches) < incidentMinTickets {
		if err := itx.PutSignature(sig); err != nil {
			return abort("store escalation signature", err)
		}
		return nil
	}
	return b.openIncident(itx, t, sig, matches)
}

// customerWords returns the content words of the customer's last
// incidentTurns messages up to at, text being the latest.
func (b *batch) customerWords(t *triage.Ticket, at time.Time, text string) ([]string, error) {
	var texts []string
	err := b.tx.ConversationEvents(t.Conversation, func(se *triage.StoredEvent) error {
		if se.At.After(at) {
			return triage.ErrStop
		}
		if se.Role == triage.RoleCustomer && se.Type == triage.TypeMessage {
			texts = append(texts, se.Text)
		}
		return nil
	})
	if err != nil && err != triage.ErrStop {
		return nil, abort("read conversation "+t.Conversation, err)
	}
	// The escalating message may be stored already (a late event's
	// rescore) or not yet; repeating it changes no word set.
	texts = append(texts, text)
	if len(texts) > incidentTurns {
		texts = texts[len(texts)-incidentTurns:]
	}
	return contentWords(texts...), nil
}

// matchingIncident returns the open incident of t's queue and sig's rule
// that shares the most words with sig, or nil. An incident matches when
// sig contains incidentMinSharedWords of its words, or all of them when
// it has fewer.
//
// NOTE: every incident ever opened is read on each escalation; resolved
// ones are skipped but not pruned.
func matchingIncident(itx triage.IncidentTx, t *triage.Ticket, sig *triage.EscalationSignature) (*triage.Incident, error) {
	var best *triage.Incident
	bestShared := 0
	err := itx.Incidents(func(inc *triage.Incident) error {
		if inc.Status != triage.IncidentOpen || inc.Rule != sig.Rule || inc.Queue != t.Queue {
			return nil
		}
		sorted := slices.Sorted(slices.Values(inc.Words))
		shared := sharedWords(sig.Words, sorted)
		if shared < min(incidentMinSharedWords, len(sorted)) || shared == 0 {
			return nil
		}
		if shared > bestShared {
			best, bestShared = inc, shared
		}
		return nil
	})
	if err != nil {
		return nil, abort("read incidents", err)
	}
	return best, nil
}

// groupCandidate is a recent escalation that matches a new one.
type groupCandidate struct {
	sig   *triage.EscalationSignature
	entry *convEntry
}

// matchingEscalations returns the stored escalations within
// incidentWindow of sig, by its rule and with similar words, whose
// tickets are still escalated, unclaimed, in no incident, and in t's
// queue; oldest first.
func (b *batch) matchingEscalations(itx triage.IncidentTx, t *triage.Ticket, sig *triage.EscalationSignature) ([]groupCandidate, error) {
	var sigs []*triage.EscalationSignature
	err := itx.Signatures(sig.At.Add(-incidentWindow), func(s *triage.EscalationSignature) error {
		if s.At.After(sig.At.Add(incidentWindow)) {
			return triage.ErrStop
		}
		if s.Ticket != t.ID && s.Rule == sig.Rule && similarWords(sig.Words, s.Words) {
			sigs = append(sigs, s)
		}
		return nil
	})
	if err != nil && err != triage.ErrStop {
		return nil, abort("read escalation signatures", err)
	}
	var out []groupCandidate
	for _, s := range sigs {
		entry, err := b.conversation(s.Conversation, false, time.Time{})
		if err != nil {
			return nil, err
		}
		if entry == nil || entry.ticket.ID != s.Ticket {
			continue
		}
		mt := entry.ticket
		if mt.Status != triage.StatusEscalated || mt.Incident != "" || mt.Queue != t.Queue {
			continue
		}
		out = append(out, groupCandidate{sig: s, entry: entry})
	}
	return out, nil
}

// openIncident opens an incident of t and the matching escalations, and
// groups them all into it.
func (b *batch) openIncident(itx triage.IncidentTx, t *triage.Ticket, sig *triage.EscalationSignature, matches []groupCandidate) error {
	id, err := itx.NewIncidentID()
	if err != nil {
		return abort("new incident id", err)
	}
	lists := [][]string{sig.Words}
	for _, m := range matches {
		lists = append(lists, m.sig.Words)
	}
	inc := &triage.Incident{
		ID: id, Status: triage.IncidentOpen, OpenedAt: sig.At,
		FirstEscalatedAt: sig.At, LastEscalatedAt: sig.At,
		Rule: sig.Rule, Words: commonWords(sig.Words, lists),
		Queue: t.Queue, Priority: t.Priority,
	}
	members := make([]*triage.Ticket, 0, 1+len(matches))
	for _, m := range matches {
		if err := itx.DeleteSignature(m.sig); err != nil {
			return abort("delete escalation signature", err)
		}
		m.entry.dirty = true
		members = append(members, m.entry.ticket)
		inc.Members = append(inc.Members, m.entry.ticket.ID)
		b.widenIncident(inc, m.entry.ticket)
	}
	members = append(members, t)
	inc.Members = append(inc.Members, t.ID)
	b.widenIncident(inc, t)

	reason := groupedReason(inc)
	for _, mt := range members {
		mt.Incident = inc.ID
		mt.UpdatedAt = maxTime(mt.UpdatedAt, sig.At)
		if err := b.record(mt, sig.At, triage.KindGrouped, reason, nil); err != nil {
			return err
		}
	}
	b.e.log.Info("incident opened", "incident", inc.ID, "rule", inc.Rule, "tickets", len(inc.Members), "words", strings.Join(inc.Words, ","))
	return b.putIncident(itx, inc)
}

// joinIncident groups t into the open incident inc.
func (b *batch) joinIncident(itx triage.IncidentTx, inc *triage.Incident, t *triage.Ticket, at time.Time) error {
	inc.Members = append(inc.Members, t.ID)
	b.widenIncident(inc, t)
	t.Incident = inc.ID
	if err := b.record(t, at, triage.KindGrouped, groupedReason(inc), nil); err != nil {
		return err
	}
	return b.putIncident(itx, inc)
}

// widenIncident takes a new member's escalation time and priority into
// the incident.
func (b *batch) widenIncident(inc *triage.Incident, t *triage.Ticket) {
	if t.EscalatedAt != nil {
		if t.EscalatedAt.Before(inc.FirstEscalatedAt) {
			inc.FirstEscalatedAt = *t.EscalatedAt
		}
		if t.EscalatedAt.After(inc.LastEscalatedAt) {
			inc.LastEscalatedAt = *t.EscalatedAt
		}
	}
	inc.Priority = max(inc.Priority, t.Priority)
}

// putIncident stores inc with its next version and queues its update.
func (b *batch) putIncident(itx triage.IncidentTx, inc *triage.Incident) error {
	inc.Version++
	if err := itx.PutIncident(inc); err != nil {
		return abort("store incident "+inc.ID, err)
	}
	b.updates = append(b.updates, triage.Update{Incident: inc.Clone()})
	return nil
}

// groupedReason explains a grouping in the history, such as "grouped into
// incident I-3: 5 tickets in 4m escalated by sustained-frustration with
// the words outage, down, login".
func groupedReason(inc *triage.Incident) string {
	return fmt.Sprintf("grouped into incident %s: %d tickets in %s escalated by %s with the words %s",
		inc.ID, len(inc.Members), spanText(inc.LastEscalatedAt.Sub(inc.FirstEscalatedAt)), inc.Rule,
		strings.Join(inc.Words, ", "))
}

// spanText prints a duration in whole seconds, minutes or hours and
// minutes.
func spanText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sortIncidents orders incidents the way the queue serves them: highest
// priority first, then earliest escalation, then by id.
func sortIncidents(list []*triage.Incident) {
	slices.SortStableFunc(list, func(a, b *triage.Incident) int {
		if a.Priority != b.Priority {
			return cmp.Compare(b.Priority, a.Priority)
		}
		if c := a.FirstEscalatedAt.Compare(b.FirstEscalatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
