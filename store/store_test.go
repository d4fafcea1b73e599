package store_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/storetest"
)

// openTemp opens a new database in t.TempDir and, at cleanup, checks its
// consistency and closes it.
func openTemp(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "triage.db"), store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("Check: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) triage.Store { return openTemp(t) })
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var ticketID string
	err = db.Update(func(tx triage.Tx) error {
		if ticketID, err = tx.NewTicketID(); err != nil {
			return err
		}
		if err := tx.PutTicket(&triage.Ticket{ID: ticketID, Status: triage.StatusEscalated}); err != nil {
			return err
		}
		if err := tx.AppendRecord(&triage.Record{Ticket: ticketID, At: time.Unix(100, 0).UTC()}); err != nil {
			return err
		}
		return tx.SetMeta("setting", []byte("kept"))
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
	err = db.Update(func(tx triage.Tx) error {
		tk, err := tx.Ticket(ticketID)
		if err != nil {
			return err
		}
		if tk.Status != triage.StatusEscalated {
			t.Errorf("ticket status after reopen = %q, want escalated", tk.Status)
		}
		v, err := tx.Meta("setting")
		if string(v) != "kept" {
			t.Errorf("Meta after reopen = %q, want kept", v)
		}
		var queued []string
		if err := tx.Queue(false, func(tk *triage.Ticket) error {
			queued = append(queued, tk.ID)
			return nil
		}); err != nil {
			return err
		}
		if len(queued) != 1 || queued[0] != ticketID {
			t.Errorf("queue after reopen = %q, want [%s]", queued, ticketID)
		}
		// Sequences continue where they stopped.
		next, err := tx.NewTicketID()
		if next != "T-2" {
			t.Errorf("NewTicketID after reopen = %q, want T-2", next)
		}
		return err
	})
	if err != nil {
		t.Fatalf("Update after reopen: %v", err)
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestNewTicketIDFormat(t *testing.T) {
	db := openTemp(t)
	var ids []string
	for range 2 {
		err := db.Update(func(tx triage.Tx) error {
			for range 6 {
				id, err := tx.NewTicketID()
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	for i, id := range ids {
		if want := "T-" + strconv.Itoa(i+1); id != want {
			t.Errorf("id %d = %q, want %q", i, id, want)
		}
	}
}

func TestOpenLockedFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	first, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer first.Close()

	type result struct {
		db  *store.DB
		err error
	}
	done := make(chan result, 1)
	go func() {
		db, err := store.Open(path, store.Options{Timeout: 200 * time.Millisecond})
		done <- result{db, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("second Open of a locked database did not return within 30s")
	}
	if r.err == nil {
		r.db.Close()
		t.Fatal("second Open of a locked database: got no error")
	}
	if !errors.Is(r.err, store.ErrLocked) {
		t.Errorf("second Open: got %v, want an error wrapping ErrLocked", r.err)
	}
	if !strings.Contains(r.err.Error(), path) {
		t.Errorf("error %q does not name the path %s", r.err, path)
	}

	// A negative timeout fails at once, without the default wait.
	if _, err := store.Open(path, store.Options{Timeout: -1}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("Open with a negative timeout: got %v, want an error wrapping ErrLocked", err)
	}

	// After Close, the lock is free.
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	second, err := store.Open(path, store.Options{Timeout: -1})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	second.Close()
}

// setSchemaVersion writes a schema version into an existing database
// with bbolt directly.
func setSchemaVersion(t *testing.T, path string, version uint64) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	defer bdb.Close()
	err = bdb.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), binary.BigEndian.AppendUint64(nil, version))
	})
	if err != nil {
		t.Fatalf("set schema version: %v", err)
	}
}

func TestOpenNewerSchemaRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	db.Close()
	setSchemaVersion(t, path, store.SchemaVersion+1)

	_, err = store.Open(path, store.Options{})
	if !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("Open of a newer schema: got %v, want an error wrapping ErrNewerSchema", err)
	}
	for _, want := range []string{
		"version " + strconv.Itoa(store.SchemaVersion+1),
		"version " + strconv.Itoa(store.SchemaVersion),
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestOpenRejectsForeignFile(t *testing.T) {
	dir := t.TempDir()

	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("not a database\n", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if db, err := store.Open(text, store.Options{}); err == nil {
		db.Close()
		t.Error("Open of a text file: got no error")
	}

	other := filepath.Join(dir, "other.db")
	bdb, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("users"))
		return err
	})
	bdb.Close()
	if err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	db, err := store.Open(other, store.Options{})
	if err == nil {
		db.Close()
		t.Fatal("Open of another program's bbolt file: got no error")
	}
	if !strings.Contains(err.Error(), "not a triage database") {
		t.Errorf("Open of another program's bbolt file: got %q, want it to say it is not a triage database", err)
	}
}

func TestOpenMissingSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	db.Close()

	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Delete([]byte("schema_version"))
	})
	bdb.Close()
	if err != nil {
		t.Fatalf("delete schema version: %v", err)
	}

	if db, err := store.Open(path, store.Options{}); err == nil {
		db.Close()
		t.Fatal("Open of a database without a schema version: got no error")
	}
}

func TestInvalidIDErrors(t *testing.T) {
	db := openTemp(t)
	err := db.Update(func(tx triage.Tx) error {
		return tx.PutTicket(&triage.Ticket{ID: "T-1\x00"})
	})
	if !errors.Is(err, store.ErrInvalidID) {
		t.Errorf("PutTicket with a NUL byte in the id: got %v, want an error wrapping ErrInvalidID", err)
	}
	err = db.View(func(tx triage.ReadTx) error {
		return tx.ConversationEvents("c-1\x00", func(*triage.StoredEvent) error { return nil })
	})
	if !errors.Is(err, store.ErrInvalidID) {
		t.Errorf("ConversationEvents with a NUL byte in the id: got %v, want an error wrapping ErrInvalidID", err)
	}
}

func TestPriorityOutOfRangeRejected(t *testing.T) {
	db := openTemp(t)
	for _, p := range []triage.Priority{-1, triage.PriorityUrgent + 1} {
		err := db.Update(func(tx triage.Tx) error {
			return tx.PutTicket(&triage.Ticket{ID: "T-1", Priority: p})
		})
		if err == nil {
			t.Errorf("PutTicket with priority %d: got no error", p)
		}
		err = db.Update(func(tx triage.Tx) error {
			return tx.AppendRecord(&triage.Record{Ticket: "T-1", Priority: p})
		})
		if err == nil {
			t.Errorf("AppendRecord with priority %d: got no error", p)
		}
	}
}

func TestClosedDatabaseErrors(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "triage.db"), store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := db.Update(func(triage.Tx) error { return nil }); err == nil {
		t.Error("Update after Close: got no error")
	}
	if err := db.View(func(triage.ReadTx) error { return nil }); err == nil {
		t.Error("View after Close: got no error")
	}
}
