package engine

import (
	"slices"
	"time"

	"github.com/triagedesk/triage/triage"
)

// forgetInIncidents removes erased tickets from incidents and drops their
// escalation signatures. Both hold content words of the customer's
// messages, so an erasure must reach them too. An incident that lost a
// member has its common words replaced, because they may have come from
// the erased customer; one that lost every member is dissolved.
func forgetInIncidents(tx triage.Tx, erased map[string]bool) error {
	itx, ok := tx.(triage.IncidentTx)
	if !ok || len(erased) == 0 {
		return nil
	}
	var sigs []*triage.EscalationSignature
	if err := itx.Signatures(time.Time{}, func(sig *triage.EscalationSignature) error {
		if erased[sig.Ticket] {
			sigs = append(sigs, sig)
		}
		return nil
	}); err != nil {
		return abort("read escalation signatures", err)
	}
	for _, sig := range sigs {
		if err := itx.DeleteSignature(sig); err != nil {
			return abort("delete escalation signature", err)
		}
	}
	var changed []*triage.Incident
	if err := itx.Incidents(func(inc *triage.Incident) error {
		kept := slices.DeleteFunc(slices.Clone(inc.Members), func(id string) bool { return erased[id] })
		if len(kept) == len(inc.Members) {
			return nil
		}
		inc.Members = kept
		inc.Words = []string{triage.ErasedText}
		if len(kept) == 0 && inc.Status == triage.IncidentOpen {
			inc.Status = triage.IncidentDissolved
		}
		inc.Version++
		changed = append(changed, inc)
		return nil
	}); err != nil {
		return abort("read incidents", err)
	}
	for _, inc := range changed {
		if err := itx.PutIncident(inc); err != nil {
			return abort("store incident", err)
		}
	}
	return nil
}
