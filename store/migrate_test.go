package store

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// writeVersion1 creates a database at schema version 1 and writes the
// given values into it as version 1 did: JSON values, with the event id
// index, the queue index and the bucket sequences beside them.
func writeVersion1(t *testing.T, path string, events []*triage.StoredEvent, tickets []*triage.Ticket, convs []*triage.Conversation) {
	t.Helper()
	db, err := open(path, Options{}, 1, nil)
	if err != nil {
		t.Fatalf("open at version 1: %v", err)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		for _, e := range events {
			data, err := e.MarshalJSON()
			if err != nil {
				return err
			}
			key := eventKey(e.Conversation, e.At, e.Seq)
			if err := b.Put(key, data); err != nil {
				return err
			}
			if err := tx.Bucket(bucketEventIDs).Put([]byte(e.ID), key); err != nil {
				return err
			}
		}
		if err := b.SetSequence(uint64(len(events))); err != nil {
			return err
		}
		b = tx.Bucket(bucketTickets)
		for _, tk := range tickets {
			if err := putJSON(b, []byte(tk.ID), tk, "ticket"); err != nil {
				return err
			}
			for _, k := range queueKeys(tk) {
				if err := tx.Bucket(bucketQueue).Put(k, []byte(tk.ID)); err != nil {
					return err
				}
			}
		}
		if err := b.SetSequence(uint64(len(tickets))); err != nil {
			return err
		}
		for _, c := range convs {
			if err := putJSON(tx.Bucket(bucketConversations), []byte(c.ID), c, "conversation"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("write version 1 values: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateVersion1JSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	full := fullEvent()
	full.Seq = 1
	plain := &triage.StoredEvent{
		Event: triage.Event{ID: "e-2", Conversation: "c-1042", At: codecBase.Add(1), Role: triage.RoleAgent, Type: triage.TypeMessage, Text: "on it"},
		Seq:   2,
	}
	// More events than one chunk of the rewrite, so that it seeks on.
	events := []*triage.StoredEvent{full, plain}
	for i := range 2500 {
		events = append(events, &triage.StoredEvent{
			Event: triage.Event{ID: "bulk-" + strconv.Itoa(i), Conversation: "c-bulk",
				At: codecBase.Add(time.Duration(i) * time.Second), Role: triage.RoleCustomer, Type: triage.TypeTyping},
			Seq: uint64(3 + i),
		})
	}
	tk := fullTicket()
	tk.ID = "T-1"
	other := &triage.Ticket{ID: "T-2", Conversation: "c-bulk", Status: triage.StatusOpen, Reasons: []string{}, OpenedAt: codecBase}
	conv := &triage.Conversation{ID: "c-1042", Ticket: "T-1", LastAt: codecBase, Events: 2, ScorerState: json.RawMessage(`{"turns":1,"recent":[[1,2]]}`)}
	writeVersion1(t, path, events, []*triage.Ticket{tk, other}, []*triage.Conversation{conv})

	// A migrated value reads back as version 1 read it: through JSON.
	wantEvent := jsonRoundTrip(t, full)
	wantTicket := jsonRoundTrip(t, tk)

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open of a version 1 database: %v", err)
	}
	defer db.Close()
	if v := storedVersion(t, db); v != SchemaVersion {
		t.Errorf("schema version after Open = %d, want %d", v, SchemaVersion)
	}

	err = db.View(func(rtx triage.ReadTx) error {
		got, err := rtx.EventByID("e-77")
		if err != nil {
			t.Fatalf("EventByID(e-77): %v", err)
		}
		if !reflect.DeepEqual(got, wantEvent) {
			t.Errorf("migrated event:\n got %+v\nwant %+v", *got, *wantEvent)
		}
		n := 0
		err = rtx.ConversationEvents("c-bulk", func(*triage.StoredEvent) error { n++; return nil })
		if err != nil {
			t.Fatalf("ConversationEvents(c-bulk): %v", err)
		}
		if n != 2500 {
			t.Errorf("ConversationEvents(c-bulk) returned %d events, want 2500", n)
		}
		gotTicket, err := rtx.Ticket("T-1")
		if err != nil {
			t.Fatalf("Ticket(T-1): %v", err)
		}
		if !reflect.DeepEqual(gotTicket, wantTicket) {
			t.Errorf("migrated ticket:\n got %+v\nwant %+v", *gotTicket, *wantTicket)
		}
		gotOther, err := rtx.Ticket("T-2")
		if err != nil {
			t.Fatalf("Ticket(T-2): %v", err)
		}
		if gotOther.Reasons == nil {
			t.Error("migrated ticket T-2 has nil Reasons, want the empty list it had")
		}
		var queue []string
		err = rtx.Queue(true, func(q *triage.Ticket) error { queue = append(queue, q.ID); return nil })
		if err != nil {
			t.Fatalf("Queue: %v", err)
		}
		if !reflect.DeepEqual(queue, []string{"T-1", "T-2"}) {
			t.Errorf("Queue after migration = %q, want [T-1 T-2]", queue)
		}
		gotConv, err := rtx.Conversation("c-1042")
		if err != nil {
			t.Fatalf("Conversation(c-1042): %v", err)
		}
		if !reflect.DeepEqual(gotConv, conv) {
			t.Errorf("migrated conversation:\n got %+v\nwant %+v", *gotConv, *conv)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The sequences go on from where version 1 left them.
	err = db.Update(func(wtx triage.Tx) error {
		seq, err := wtx.NextEventSeq()
		if err != nil {
			return err
		}
		if want := uint64(len(events) + 1); seq != want {
			t.Errorf("NextEventSeq after migration = %d, want %d", seq, want)
		}
		id, err := wtx.NewTicketID()
		if err != nil {
			return err
		}
		if id != "T-3" {
			t.Errorf("NewTicketID after migration = %q, want T-3", id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Every value is now in its binary format.
	err = db.bolt.View(func(tx *bolt.Tx) error {
		for bucket, format := range map[string]byte{"events": formatEvent, "tickets": formatTicket, "conversations": formatConversation} {
			err := tx.Bucket([]byte(bucket)).ForEach(func(k, v []byte) error {
				if len(v) == 0 || v[0] != format {
					t.Errorf("%s value %q starts with %q, want format byte 0x%02x", bucket, k, v[:min(len(v), 1)], format)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A version 1 value that is not valid JSON stops the upgrade and leaves
// the file at version 1.
func TestMigrateVersion1DamagedValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	writeVersion1(t, path, nil, []*triage.Ticket{{ID: "T-1", Status: triage.StatusOpen}}, nil)
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTickets).Put([]byte("T-2"), []byte(`{"id":`))
	})
	bdb.Close()
	if err != nil {
		t.Fatal(err)
	}

	if _, err := Open(path, Options{}); err == nil {
		t.Fatal("Open of a version 1 database with a damaged ticket: got no error")
	}
	db, err := open(path, Options{}, 1, nil)
	if err != nil {
		t.Fatalf("open at version 1 after the failed upgrade: %v", err)
	}
	defer db.Close()
	if v := storedVersion(t, db); v != 1 {
		t.Errorf("schema version after the failed upgrade = %d, want 1", v)
	}
}

// jsonRoundTrip returns v encoded as JSON and decoded again.
func jsonRoundTrip[T any](t *testing.T, v *T) *T {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back T
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}
