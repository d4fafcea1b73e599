package store_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
)

var opsBase = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// putEvents stores n events from number first onwards, spread over 100
// conversations, in transactions of up to 5,000 events. text may hold
// %d for the event's number.
func putEvents(t *testing.T, s triage.Store, first, n int, text string, customer *triage.Customer) {
	t.Helper()
	if err := tryPutEvents(s, first, n, text, customer); err != nil {
		t.Fatal(err)
	}
}

// tryPutEvents is putEvents for goroutines other than the test's.
func tryPutEvents(s triage.Store, first, n int, text string, customer *triage.Customer) error {
	for start := first; start < first+n; start += 5000 {
		end := min(start+5000, first+n)
		err := s.Update(func(tx triage.Tx) error {
			for i := start; i < end; i++ {
				seq, err := tx.NextEventSeq()
				if err != nil {
					return err
				}
				e := &triage.StoredEvent{Seq: seq, Event: triage.Event{
					ID: fmt.Sprintf("e-%d", i), Conversation: fmt.Sprintf("c-%d", i%100),
					At: opsBase.Add(time.Duration(i) * time.Millisecond), Role: triage.RoleCustomer,
					Type: triage.TypeMessage, Text: fmt.Sprintf(text, i), Customer: customer,
				}}
				if err := tx.PutEvent(e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("put events %d-%d: %w", start, end, err)
		}
	}
	return nil
}

// countEvents counts the events of the 100 conversations putEvents uses.
func countEvents(t *testing.T, s triage.Store) int {
	t.Helper()
	n := 0
	err := s.View(func(tx triage.ReadTx) error {
		for c := range 100 {
			if err := tx.ConversationEvents(fmt.Sprintf("c-%d", c), func(*triage.StoredEvent) error {
				n++
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("count events: %v", err)
	}
	return n
}

func openLive(t *testing.T, path string) *store.Live {
	t.Helper()
	l, err := store.OpenLive(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	return l
}

func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	live := openLive(t, filepath.Join(dir, "triage.db"))
	defer live.Close()
	putEvents(t, live, 0, 20000, "message %d", nil)

	var written atomic.Int64
	written.Store(20000)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 20000; ; i += 100 {
			select {
			case <-stop:
				return
			default:
			}
			if err := tryPutEvents(live, i, 100, "later message %d", nil); err != nil {
				t.Error(err)
				return
			}
			written.Add(100)
		}
	}()

	backup := filepath.Join(dir, "backup.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	n, err := live.WriteBackup(f, func(s int64) { size = s })
	if err != nil {
		t.Fatalf("WriteBackup: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()

	if n != size {
		t.Errorf("WriteBackup wrote %d bytes, announced %d", n, size)
	}
	info, err := store.CheckBackup(backup)
	if err != nil {
		t.Fatalf("CheckBackup: %v", err)
	}
	if info.SchemaVersion != store.SchemaVersion {
		t.Errorf("backup schema version = %d, want %d", info.SchemaVersion, store.SchemaVersion)
	}
	copyDB, err := store.Open(backup, store.Options{})
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer copyDB.Close()
	got := countEvents(t, copyDB)
	if got < 20000 || int64(got) > written.Load() || got%100 != 0 {
		t.Errorf("backup holds %d events, want a whole number of transactions between 20000 and %d", got, written.Load())
	}
}

// writeBolt creates a bbolt file at path and runs fn in a write
// transaction on it.
func writeBolt(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreRejectsBadBackups(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "triage.db")
	live := openLive(t, dbPath)
	putEvents(t, live, 0, 10, "message %d", nil)
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}

	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "text.db")
	if err := os.WriteFile(text, bytes.Repeat([]byte("not a database\n"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	writeBolt(t, foreign, func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("widgets"))
		return err
	})
	newer := filepath.Join(dir, "newer.db")
	writeBolt(t, newer, func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return meta.Put([]byte("schema_version"), binary.BigEndian.AppendUint64(nil, store.SchemaVersion+1))
	})

	cases := []struct {
		name, path string
		want       error
	}{
		{"empty", empty, nil},
		{"text", text, nil},
		{"foreign", foreign, nil},
		{"newer schema", newer, store.ErrNewerSchema},
		{"missing", filepath.Join(dir, "missing.db"), os.ErrNotExist},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := store.Restore(c.path, dbPath, time.Second)
			if err == nil {
				t.Fatalf("Restore(%s) succeeded, want an error", c.name)
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("Restore(%s) = %v, want %v", c.name, err, c.want)
			}
			now, err := os.ReadFile(dbPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(now, original) {
				t.Errorf("Restore(%s) changed the database file", c.name)
			}
			if _, err := os.Stat(dbPath + store.BeforeRestoreSuffix); err == nil {
				t.Errorf("Restore(%s) left a %s file", c.name, store.BeforeRestoreSuffix)
			}
		})
	}
}

func TestRestoreWhileLockedAndKeepsOld(t *testing.T) {
	dir := t.TempDir()
	backupPath := filepath.Join(dir, "backup.db")
	src := openLive(t, backupPath)
	putEvents(t, src, 0, 300, "message %d", nil)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}

	dbPath := filepath.Join(dir, "triage.db")
	live := openLive(t, dbPath)
	putEvents(t, live, 0, 100, "message %d", nil)
	_, err := store.Restore(backupPath, dbPath, 100*time.Millisecond)
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("Restore while the database is open = %v, want ErrLocked", err)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}

	info, err := store.Restore(backupPath, dbPath, time.Second)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if info.Size == 0 {
		t.Errorf("Restore reported size 0")
	}
	restored := openLive(t, dbPath)
	if got := countEvents(t, restored); got != 300 {
		t.Errorf("restored database holds %d events, want 300", got)
	}
	restored.Close()
	kept := openLive(t, dbPath+store.BeforeRestoreSuffix)
	if got := countEvents(t, kept); got != 100 {
		t.Errorf("%s holds %d events, want the old 100", store.BeforeRestoreSuffix, got)
	}
	kept.Close()
}

func TestRewriteDropsDeletedBytes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "triage.db")
	live := openLive(t, path)
	defer live.Close()
	putEvents(t, live, 0, 5000, "ordinary message %d", nil)
	const phrase = "zebra-violet-quartz"
	putEvents(t, live, 5000, 300, phrase+" %d", nil)
	var ticket string
	err := live.Update(func(tx triage.Tx) error {
		var err error
		ticket, err = tx.NewTicketID()
		if err != nil {
			return err
		}
		// Conversation c-7 holds some of the phrase's events.
		return tx.DeleteConversation("c-7", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = live.Update(func(tx triage.Tx) error {
		for i := range 100 {
			if i != 7 {
				if err := tx.DeleteConversation(fmt.Sprintf("c-%d", i), nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	putEvents(t, live, 10000, 1000, "kept message %d", nil)
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte(phrase)) {
		t.Fatalf("the file does not hold the deleted phrase before the rewrite; the test proves nothing")
	}

	before, after, err := live.Rewrite()
	if err != nil {
		t.Fatalf("Rewrite: %v", err)
	}
	if after >= before {
		t.Errorf("Rewrite: size %d -> %d, want smaller", before, after)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(phrase)) {
		t.Errorf("the file still holds the deleted phrase after the rewrite")
	}
	if got := countEvents(t, live); got != 1000 {
		t.Errorf("after the rewrite %d events remain, want 1000", got)
	}
	if err := live.Check(); err != nil {
		t.Errorf("Check after the rewrite: %v", err)
	}
	err = live.Update(func(tx triage.Tx) error {
		next, err := tx.NewTicketID()
		if err == nil && next == ticket {
			return fmt.Errorf("ticket id %s handed out again after the rewrite", next)
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
	if _, err := store.OpenLive(path, store.Options{Timeout: -1}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("a second open after the rewrite = %v, want ErrLocked", err)
	}
}

func TestCompactFileLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "triage.db")
	live := openLive(t, path)
	putEvents(t, live, 0, 2000, "message %d", nil)
	if _, _, err := store.CompactFile(path, store.Options{Timeout: -1}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("CompactFile of an open database = %v, want ErrLocked", err)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	before, after, err := store.CompactFile(path, store.Options{})
	if err != nil {
		t.Fatalf("CompactFile: %v", err)
	}
	if before <= 0 || after <= 0 {
		t.Errorf("CompactFile sizes = %d, %d; want both positive", before, after)
	}
	l := openLive(t, path)
	defer l.Close()
	if got := countEvents(t, l); got != 2000 {
		t.Errorf("after CompactFile %d events remain, want 2000", got)
	}
}

func TestCustomerEventsFindsOnlyIdentified(t *testing.T) {
	live := openLive(t, filepath.Join(t.TempDir(), "triage.db"))
	defer live.Close()
	putEvents(t, live, 0, 500, "anonymous %d", nil)
	putEvents(t, live, 500, 20, "known %d", &triage.Customer{Email: "ada@example.com"})
	n := 0
	err := live.Update(func(tx triage.Tx) error {
		return tx.(triage.ErasureTx).CustomerEvents(func(e *triage.StoredEvent) error {
			if e.Customer == nil || e.Customer.Email != "ada@example.com" {
				return fmt.Errorf("event %s has customer %+v", e.ID, e.Customer)
			}
			n++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 20 {
		t.Errorf("CustomerEvents visited %d events, want 20", n)
	}
}
