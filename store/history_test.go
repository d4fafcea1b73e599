package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/storetest"
)

func TestHistoryConformance(t *testing.T) {
	storetest.RunHistory(t, func(t *testing.T) triage.Store { return openTemp(t) })
}

func TestCompactShrinksAfterPurge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []*triage.Record
	err = db.Update(func(tx triage.Tx) error {
		for i := range 20000 {
			r := &triage.Record{At: base.Add(time.Duration(i) * time.Second), Ticket: "T-1", Kind: triage.KindOpened,
				Reason: "conversation started, padded so that the records fill many pages of the file"}
			if err := tx.AppendRecord(r); err != nil {
				return err
			}
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	err = db.Update(func(tx triage.Tx) error {
		for _, r := range recs[:19000] {
			if err := tx.DeleteRecord(r, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	if pages, _ := db.FreePages(); pages == 0 {
		t.Errorf("FreePages after deleting 19000 records = 0, want some")
	}
	if _, _, err := store.Compact(path, store.Options{Timeout: -1}); err == nil {
		t.Errorf("Compact of an open database succeeded, want ErrLocked")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before, after, err := store.Compact(path, store.Options{})
	if err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if after >= before {
		t.Errorf("Compact: size %d -> %d, want smaller", before, after)
	}
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx triage.ReadTx) error {
		return tx.Records(time.Time{}, time.Time{}, func(*triage.Record) error { n++; return nil })
	})
	if err != nil || n != 1000 {
		t.Errorf("records after compact = %d, %v; want 1000", n, err)
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check after compact: %v", err)
	}
}
