package store

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// Incident buckets. bucketIncidents keeps incidents as JSON keyed by the
// number of their id as 8 big-endian bytes, so that a cursor reads them
// oldest first; the bucket's sequence is the last number assigned.
// bucketSignatures keeps the signatures of recent escalations as JSON
// keyed by time and ticket id. An older build leaves both buckets alone,
// so they need no schema version of their own.
var (
	bucketIncidents  = []byte("incidents")
	bucketSignatures = []byte("escalation_signatures")
)

func init() { allBuckets = append(allBuckets, bucketIncidents, bucketSignatures) }

var (
	_ triage.IncidentTx     = (*tx)(nil)
	_ triage.IncidentReadTx = (*tx)(nil)
)

// incidentKey returns the key of an incident id "I-N", or false when id
// has another form.
func incidentKey(id string) ([]byte, bool) {
	digits, ok := strings.CutPrefix(id, "I-")
	if !ok {
		return nil, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 {
		return nil, false
	}
	return binary.BigEndian.AppendUint64(nil, n), true
}

func signatureKey(sig *triage.EscalationSignature) []byte {
	b := make([]byte, 0, timeKeyLen+len(sig.Ticket))
	b = appendTime(b, sig.At)
	return append(b, sig.Ticket...)
}

// NewIncidentID returns "I-N" for the next N.
func (t *tx) NewIncidentID() (string, error) {
	n, err := t.bucket(bucketIncidents).NextSequence()
	if err != nil {
		return "", fmt.Errorf("new incident id: %w", err)
	}
	return "I-" + strconv.FormatUint(n, 10), nil
}

// Incident returns the incident with the given id.
func (t *tx) Incident(id string) (*triage.Incident, error) {
	notFound := fmt.Errorf("incident %q: %w", id, triage.ErrNotFound)
	key, ok := incidentKey(id)
	b := t.bucket(bucketIncidents)
	if !ok || b == nil {
		return nil, notFound
	}
	v := b.Get(key)
	if v == nil {
		return nil, notFound
	}
	var inc triage.Incident
	if err := decodeJSON(v, &inc, "incident "+id); err != nil {
		return nil, err
	}
	return &inc, nil
}

// Incidents calls fn for every incident in id order.
func (t *tx) Incidents(fn func(*triage.Incident) error) error {
	b := t.bucket(bucketIncidents)
	if b == nil {
		return nil // a database opened read-only before its first upgrade
	}
	return t.scan(b, nil, func([]byte) bool { return true }, func(k, v []byte) error {
		var inc triage.Incident
		if err := decodeJSON(v, &inc, fmt.Sprintf("incident I-%d", binary.BigEndian.Uint64(k))); err != nil {
			return err
		}
		return fn(&inc)
	})
}

// PutIncident stores inc under its id.
func (t *tx) PutIncident(inc *triage.Incident) error {
	key, ok := incidentKey(inc.ID)
	if !ok {
		return fmt.Errorf("store incident: invalid id %q: want I-N with N from 1", inc.ID)
	}
	return putJSON(t.bucket(bucketIncidents), key, inc, "incident "+inc.ID)
}

// Signatures calls fn for the signatures with At >= from in time order.
func (t *tx) Signatures(from time.Time, fn func(*triage.EscalationSignature) error) error {
	b := t.bucket(bucketSignatures)
	if b == nil {
		return nil
	}
	start := appendTime(nil, from)
	return t.scan(b, start, func([]byte) bool { return true }, func(_, v []byte) error {
		var sig triage.EscalationSignature
		if err := decodeJSON(v, &sig, "escalation signature"); err != nil {
			return err
		}
		return fn(&sig)
	})
}

// PutSignature stores sig keyed by its time and ticket.
func (t *tx) PutSignature(sig *triage.EscalationSignature) error {
	if err := checkID("ticket", sig.Ticket); err != nil {
		return err
	}
	return putJSON(t.bucket(bucketSignatures), signatureKey(sig), sig, "escalation signature of "+sig.Ticket)
}

// DeleteSignature removes sig.
func (t *tx) DeleteSignature(sig *triage.EscalationSignature) error {
	if err := t.bucket(bucketSignatures).Delete(signatureKey(sig)); err != nil {
		return fmt.Errorf("delete escalation signature of %s: %w", sig.Ticket, err)
	}
	return nil
}

// DeleteSignaturesBefore removes the signatures with At < before.
func (t *tx) DeleteSignaturesBefore(before time.Time) (int, error) {
	b := t.bucket(bucketSignatures)
	end := appendTime(nil, before)
	removed := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil && string(k[:timeKeyLen]) < string(end); k, _ = c.First() {
		if err := b.Delete(k); err != nil {
			return removed, fmt.Errorf("delete escalation signature: %w", err)
		}
		removed++
	}
	return removed, nil
}
