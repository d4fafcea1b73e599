package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// appendRecords appends the records in one transaction, in the order
// given.
func appendRecords(t *testing.T, s triage.Store, records ...*triage.Record) {
	t.Helper()
	update(t, s, func(tx triage.Tx) error {
		for _, r := range records {
			if err := tx.AppendRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// recordReasons returns the Reason of each record Records returns.
func recordReasons(t *testing.T, s triage.Store, from, to time.Time) []string {
	t.Helper()
	reasons := []string{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.Records(from, to, func(r *triage.Record) error {
			reasons = append(reasons, r.Reason)
			return nil
		})
	})
	return reasons
}

func ticketRecordReasons(t *testing.T, s triage.Store, ticket string) []string {
	t.Helper()
	reasons := []string{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.TicketRecords(ticket, func(r *triage.Record) error {
			reasons = append(reasons, r.Reason)
			return nil
		})
	})
	return reasons
}

func testRecordSeq(t *testing.T, s triage.Store) {
	var seqs []uint64
	for i := range 3 {
		r1 := recordAt("T-1", at(float64(10-i)), triage.KindEscalated, "escalated")
		r2 := recordAt("T-2", at(0), triage.KindOpened, "opened")
		appendRecords(t, s, r1, r2)
		seqs = append(seqs, r1.Seq, r2.Seq)
	}
	for i, seq := range seqs {
		if seq == 0 {
			t.Errorf("AppendRecord set Seq to 0")
		}
		if i > 0 && seq <= seqs[i-1] {
			t.Errorf("AppendRecord set Seq %d after %d, want an increasing sequence", seq, seqs[i-1])
		}
	}
}

func testRecordRoundTrip(t *testing.T, s triage.Store) {
	full := &triage.Record{
		At: at(3.5), Ticket: "T-1", Conversation: "c-1", Kind: triage.KindClaimed,
		Queue: triage.QueueSenior, Priority: triage.PriorityUrgent, Reason: "claimed by agent",
		Frustration: ptr(0.81), Agent: ptr("agent-7"), Script: ptr("refund"), ScriptVersion: ptr(2),
		Scores: []string{"negative wording 0.42", "typing speed 1.8x"},
	}
	empty := &triage.Record{At: at(4), Ticket: "T-1", Kind: triage.KindOpened}
	appendRecords(t, s, full, empty)

	var got []*triage.Record
	view(t, s, func(tx triage.ReadTx) error {
		return tx.Records(time.Time{}, time.Time{}, func(r *triage.Record) error {
			got = append(got, r)
			return nil
		})
	})
	assertEqual(t, "Records", got, []*triage.Record{full, empty})
}

func testRecordsRange(t *testing.T, s triage.Store) {
	// Appended out of time order; "t2-first" and "t2-second" share a time.
	appendRecords(t, s,
		recordAt("T-1", at(3), triage.KindResolved, "t3"),
		recordAt("T-1", at(1), triage.KindOpened, "t1"),
		recordAt("T-2", at(2), triage.KindOpened, "t2-first"),
		recordAt("T-1", at(4), triage.KindClosed, "t4"),
	)
	appendRecords(t, s,
		recordAt("T-2", at(2), triage.KindEscalated, "t2-second"),
		recordAt("T-3", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC), triage.KindOpened, "1969"),
		recordAt("T-3", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), triage.KindClosed, "3000"),
		recordAt("T-3", at(2).Add(time.Nanosecond), triage.KindClaimed, "t2+1ns"),
	)
	all := []string{"1969", "t1", "t2-first", "t2-second", "t2+1ns", "t3", "t4", "3000"}
	cases := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"unbounded", time.Time{}, time.Time{}, all},
		{"from includes its own time, to excludes its own", at(1), at(3), []string{"t1", "t2-first", "t2-second", "t2+1ns"}},
		{"one instant", at(2), at(2).Add(time.Nanosecond), []string{"t2-first", "t2-second"}},
		{"from only", at(3), time.Time{}, []string{"t3", "t4", "3000"}},
		{"to only", time.Time{}, at(2), []string{"1969", "t1"}},
		{"empty gap", at(1).Add(time.Nanosecond), at(2), []string{}},
		{"from after to", at(4), at(1), []string{}},
		{"after the last", time.Date(3000, 1, 1, 0, 0, 1, 0, time.UTC), time.Time{}, []string{}},
	}
	for _, c := range cases {
		assertEqual(t, "Records "+c.name, recordReasons(t, s, c.from, c.to), c.want)
	}
}

func testTicketRecords(t *testing.T, s triage.Store) {
	// Tickets T-1 and T-10 share a prefix, and their records interleave
	// in time and in arrival.
	appendRecords(t, s,
		recordAt("T-1", at(5), triage.KindEscalated, "T-1 at 5"),
		recordAt("T-10", at(1), triage.KindOpened, "T-10 at 1"),
		recordAt("T-1", at(1), triage.KindOpened, "T-1 at 1"),
		recordAt("T-10", at(9), triage.KindResolved, "T-10 at 9"),
		recordAt("T-1", at(5), triage.KindClaimed, "T-1 at 5 again"),
		recordAt("T-", at(3), triage.KindOpened, "T- at 3"),
	)
	assertEqual(t, "TicketRecords(T-1)", ticketRecordReasons(t, s, "T-1"),
		[]string{"T-1 at 1", "T-1 at 5", "T-1 at 5 again"})
	assertEqual(t, "TicketRecords(T-10)", ticketRecordReasons(t, s, "T-10"),
		[]string{"T-10 at 1", "T-10 at 9"})
	assertEqual(t, "TicketRecords(T-)", ticketRecordReasons(t, s, "T-"), []string{"T- at 3"})
	assertEqual(t, "TicketRecords of a ticket without records", ticketRecordReasons(t, s, "T-2"), []string{})
}

// documentFixture returns a document with the given body.
func documentFixture(kind, name, body string) *triage.Document {
	return &triage.Document{
		Kind: kind, Name: name, Body: body, Author: "lead", SavedAt: at(1), Comment: "edit",
	}
}

func putDocument(t *testing.T, s triage.Store, doc *triage.Document) {
	t.Helper()
	update(t, s, func(tx triage.Tx) error { return tx.PutDocument(doc) })
}

func testDocumentVersions(t *testing.T, s triage.Store) {
	// Twelve versions, so that version 10 must sort after version 9.
	var want []*triage.Document
	for i := 1; i <= 12; i++ {
		doc := documentFixture("script", "refund", fmt.Sprintf("steps: [%d]", i))
		putDocument(t, s, doc)
		if doc.Version != i {
			t.Errorf("PutDocument set Version %d, want %d", doc.Version, i)
		}
		want = append(want, doc)
	}
	putDocument(t, s, documentFixture("script", "refund-v2", "other"))

	view(t, s, func(tx triage.ReadTx) error {
		latest, err := tx.Document("script", "refund", 0)
		if err != nil {
			t.Fatalf("Document(latest): %v", err)
		}
		assertEqual(t, "latest version", latest, want[11])
		v10, err := tx.Document("script", "refund", 10)
		if err != nil {
			t.Fatalf("Document(version 10): %v", err)
		}
		assertEqual(t, "version 10", v10, want[9])
		v1, err := tx.Document("script", "refund", 1)
		if err != nil {
			t.Fatalf("Document(version 1): %v", err)
		}
		assertEqual(t, "version 1", v1, want[0])

		var versions []*triage.Document
		err = tx.DocumentVersions("script", "refund", func(d *triage.Document) error {
			versions = append(versions, d)
			return nil
		})
		assertEqual(t, "DocumentVersions", versions, want)
		return err
	})
}

func testDocumentsLatest(t *testing.T, s triage.Store) {
	putDocument(t, s, documentFixture("script", "refund", "refund 1"))
	putDocument(t, s, documentFixture("policy", "escalation", "policy 1"))
	putDocument(t, s, documentFixture("script", "refund", "refund 2"))
	putDocument(t, s, documentFixture("script", "refund-v2", "refund-v2 1"))
	putDocument(t, s, documentFixture("scripts", "refund", "kind scripts 1"))
	putDocument(t, s, documentFixture("policy", "escalation", "policy 2"))
	putDocument(t, s, documentFixture("policy", "escalation", "policy 3"))

	got := map[string]string{}
	view(t, s, func(tx triage.ReadTx) error {
		return tx.Documents(func(d *triage.Document) error {
			key := fmt.Sprintf("%s/%s v%d", d.Kind, d.Name, d.Version)
			if _, dup := got[key]; dup {
				t.Errorf("Documents returned %s twice", key)
			}
			got[key] = d.Body
			return nil
		})
	})
	assertEqual(t, "Documents", got, map[string]string{
		"script/refund v2":     "refund 2",
		"script/refund-v2 v1":  "refund-v2 1",
		"scripts/refund v1":    "kind scripts 1",
		"policy/escalation v3": "policy 3",
	})
}

func testDocumentMissing(t *testing.T, s triage.Store) {
	putDocument(t, s, documentFixture("script", "refund-v2", "body"))
	putDocument(t, s, documentFixture("script", "refun", "body"))
	view(t, s, func(tx triage.ReadTx) error {
		_, err := tx.Document("script", "refund", 0)
		assertNotFound(t, "Document of a missing name", err)
		_, err = tx.Document("policy", "refund-v2", 0)
		assertNotFound(t, "Document of a missing kind", err)
		_, err = tx.Document("script", "refund-v2", 2)
		assertNotFound(t, "Document of a missing version", err)
		var n int
		err = tx.DocumentVersions("script", "refund", func(*triage.Document) error {
			n++
			return nil
		})
		if err != nil || n != 0 {
			t.Errorf("DocumentVersions of a missing document: %d calls, error %v; want none", n, err)
		}
		return nil
	})
}

func testDocumentInvalidName(t *testing.T, s triage.Store) {
	for _, d := range []*triage.Document{
		documentFixture("", "refund", "body"),
		documentFixture("script", "", "body"),
		documentFixture("scr\x00ipt", "refund", "body"),
		documentFixture("script", "re\x00fund", "body"),
	} {
		err := s.Update(func(tx triage.Tx) error { return tx.PutDocument(d) })
		if err == nil {
			t.Errorf("PutDocument(kind %q, name %q): got no error", d.Kind, d.Name)
		}
	}
}

func testMeta(t *testing.T, s triage.Store) {
	read := func(key string) []byte {
		t.Helper()
		var v []byte
		view(t, s, func(tx triage.ReadTx) error {
			var err error
			v, err = tx.Meta(key)
			return err
		})
		return v
	}
	if v := read("redaction_key"); v != nil {
		t.Errorf("Meta of a missing key = %q, want nil", v)
	}
	update(t, s, func(tx triage.Tx) error { return tx.SetMeta("redaction_key", []byte("secret-1")) })
	update(t, s, func(tx triage.Tx) error { return tx.SetMeta("redaction", []byte("on")) })
	got := read("redaction_key")
	assertEqual(t, "Meta", string(got), "secret-1")

	// The returned slice belongs to the caller.
	got[0] = 'X'
	assertEqual(t, "Meta after changing the returned slice", string(read("redaction_key")), "secret-1")

	update(t, s, func(tx triage.Tx) error { return tx.SetMeta("redaction_key", []byte("secret-2")) })
	assertEqual(t, "Meta after replace", string(read("redaction_key")), "secret-2")
	assertEqual(t, "Meta of a key that another extends", string(read("redaction")), "on")
}

// recordAt returns a history record of the given ticket.
func recordAt(ticket string, when time.Time, kind triage.RecordKind, reason string) *triage.Record {
	return &triage.Record{
		At: when, Ticket: ticket, Conversation: "c-" + ticket, Kind: kind,
		Queue: triage.QueueSenior, Priority: triage.PriorityHigh, Reason: reason,
	}
}
