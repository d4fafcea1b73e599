package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

func TestMigrationsCoverEveryVersion(t *testing.T) {
	if len(migrations) != SchemaVersion-1 {
		t.Errorf("%d migrations for schema version %d, want %d", len(migrations), SchemaVersion, SchemaVersion-1)
	}
}

// storedVersion reads the schema version of an open database.
func storedVersion(t *testing.T, db *DB) int {
	t.Helper()
	var v int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		v, err = readSchemaVersion(tx.Bucket(bucketMeta))
		return err
	})
	if err != nil {
		t.Fatalf("read schema version: %v", err)
	}
	return v
}

func TestMigrationUpgradesOlderVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")

	// A database written by a build at version 1, with one ticket.
	db, err := open(path, Options{}, 1, nil)
	if err != nil {
		t.Fatalf("open at version 1: %v", err)
	}
	err = db.Update(func(tx triage.Tx) error {
		return tx.PutTicket(&triage.Ticket{ID: "T-1", Status: triage.StatusOpen})
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	db.Close()

	// A build at version 3 upgrades it in two steps, in order.
	var ran []string
	migs := []migration{
		func(tx *bolt.Tx) error {
			ran = append(ran, "1 to 2")
			_, err := tx.CreateBucket([]byte("added_in_2"))
			return err
		},
		func(tx *bolt.Tx) error {
			ran = append(ran, "2 to 3")
			if tx.Bucket([]byte("added_in_2")) == nil {
				return errors.New("bucket of version 2 is missing")
			}
			return tx.Bucket(bucketMeta).Bucket(bucketSettings).Put([]byte("migrated"), []byte("3"))
		},
	}
	db, err = open(path, Options{}, 3, migs)
	if err != nil {
		t.Fatalf("open at version 3: %v", err)
	}
	if got := strings.Join(ran, ", "); got != "1 to 2, 2 to 3" {
		t.Errorf("migrations ran: %q, want 1 to 2, 2 to 3", got)
	}
	if v := storedVersion(t, db); v != 3 {
		t.Errorf("schema version after upgrade = %d, want 3", v)
	}
	err = db.View(func(tx triage.ReadTx) error {
		if v, _ := tx.Meta("migrated"); string(v) != "3" {
			t.Errorf("Meta(migrated) = %q, want 3", v)
		}
		_, err := tx.Ticket("T-1")
		return err
	})
	if err != nil {
		t.Errorf("read after upgrade: %v", err)
	}
	db.Close()

	// Opening again at version 3 runs nothing.
	ran = nil
	db, err = open(path, Options{}, 3, migs)
	if err != nil {
		t.Fatalf("reopen at version 3: %v", err)
	}
	db.Close()
	if len(ran) != 0 {
		t.Errorf("migrations ran on a current database: %q", ran)
	}
}

func TestMigrationFailureKeepsOldVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	db, err := open(path, Options{}, 1, nil)
	if err != nil {
		t.Fatalf("open at version 1: %v", err)
	}
	db.Close()

	errMigrate := errors.New("migration failed")
	migs := []migration{func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("half_done")); err != nil {
			return err
		}
		return errMigrate
	}}
	if _, err := open(path, Options{}, 2, migs); !errors.Is(err, errMigrate) {
		t.Fatalf("open with a failing migration: got %v, want the migration's error", err)
	}

	db, err = open(path, Options{}, 1, nil)
	if err != nil {
		t.Fatalf("open at version 1 after the failed upgrade: %v", err)
	}
	defer db.Close()
	if v := storedVersion(t, db); v != 1 {
		t.Errorf("schema version after a failed upgrade = %d, want 1", v)
	}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("half_done")) != nil {
			t.Error("bucket written by the failed migration was kept")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenRejectsMigrationListMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	if _, err := open(path, Options{}, 2, nil); err == nil {
		t.Error("open at version 2 without a migration: got no error")
	}
}
