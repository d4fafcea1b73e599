package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// Live is a DB whose file can be rewritten while it is in use: Rewrite
// waits for the running transactions, blocks new ones, compacts the file
// and swaps the copy in. The daemon opens its database as a Live so that
// an erasure request can drop deleted data from the file without a
// restart.
//
// Every transaction holds a read lock for its whole run, and Rewrite the
// write lock. A goroutine must therefore never start a transaction while
// it is inside another one on the same Live: with a Rewrite waiting, the
// inner one would wait forever.
type Live struct {
	mu   sync.RWMutex
	db   *DB
	path string
	opts Options

	// onCommit, when set, is called after every write transaction.
	onCommit func(took time.Duration, err error)
}

var (
	_ triage.Store        = (*Live)(nil)
	_ triage.BackupWriter = (*Live)(nil)
	_ triage.Rewriter     = (*Live)(nil)
)

// OpenLive opens the database at path as Open does.
func OpenLive(path string, opts Options) (*Live, error) {
	db, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	return &Live{db: db, path: path, opts: opts}, nil
}

// ObserveCommits sets fn to be called after every write transaction with
// its duration, from begin to durable commit or rollback, and its error.
// Call it before the first transaction.
func (l *Live) ObserveCommits(fn func(took time.Duration, err error)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.onCommit = fn
}

// Update runs fn in one write transaction, as DB.Update does.
func (l *Live) Update(fn func(triage.Tx) error) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	start := time.Now()
	err := l.db.Update(fn)
	if l.onCommit != nil {
		l.onCommit(time.Since(start), err)
	}
	return err
}

// View runs fn in a read-only snapshot, as DB.View does.
func (l *Live) View(fn func(triage.ReadTx) error) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.db.View(fn)
}

// Close waits for running transactions and closes the database.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.db.Close()
}

// Path returns the database file's path.
func (l *Live) Path() string { return l.path }

// Check runs bbolt's consistency check, as DB.Check does.
func (l *Live) Check() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.db.Check()
}

// FreePages returns the number of free pages in the file and the page
// size, as DB.FreePages does.
func (l *Live) FreePages() (pages, pageSize int) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.db.FreePages()
}

// WriteBackup writes a consistent copy of the database file to w from
// one read transaction, after calling size with its length. Writers go on
// meanwhile; a Rewrite waits until the copy is written.
func (l *Live) WriteBackup(w io.Writer, size func(int64)) (int64, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var n int64
	err := l.db.bolt.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("write backup of %s: %w", l.path, err)
	}
	return n, nil
}

// Rewrite compacts the database into a new file beside it, checks the
// copy with bbolt's consistency check, and renames it over the original.
// Every transaction waits while it runs. The new file is opened before the
// rename, so the file lock never lapses. On an error the original file
// stays in use, unchanged.
func (l *Live) Rewrite() (before, after int64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	info, err := os.Stat(l.path)
	if err != nil {
		return 0, 0, fmt.Errorf("rewrite: %w", err)
	}
	before = info.Size()

	tmp := filepath.Join(filepath.Dir(l.path), "."+filepath.Base(l.path)+".rewrite")
	dst, err := compactInto(l.db.bolt, tmp)
	if err != nil {
		return before, 0, fmt.Errorf("rewrite %s: %w", l.path, err)
	}
	dst.NoSync = l.opts.NoSync
	if err := os.Rename(tmp, l.path); err != nil {
		_ = dst.Close()
		_ = os.Remove(tmp)
		return before, 0, fmt.Errorf("rewrite: replace %s: %w", l.path, err)
	}
	syncDir(filepath.Dir(l.path))
	old := l.db
	l.db = &DB{bolt: dst}
	if err := old.Close(); err != nil {
		return before, 0, fmt.Errorf("rewrite: close the old file: %w", err)
	}
	info, err = os.Stat(l.path)
	if err != nil {
		return before, 0, fmt.Errorf("rewrite: %w", err)
	}
	return before, info.Size(), nil
}

// compactInto copies src into a new bbolt file at path with bbolt.Compact,
// syncs it and checks it. It returns the new file open; on an error it
// removes the file.
func compactInto(src *bolt.DB, path string) (*bolt.DB, error) {
	_ = os.Remove(path)
	dst, err := bolt.Open(path, 0o600, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	fail := func(err error) (*bolt.DB, error) {
		_ = dst.Close()
		_ = os.Remove(path)
		return nil, err
	}
	if err := bolt.Compact(dst, src, compactTxMaxSize); err != nil {
		return fail(fmt.Errorf("compact: %w", err))
	}
	if err := dst.Sync(); err != nil {
		return fail(fmt.Errorf("sync %s: %w", path, err))
	}
	if err := checkBolt(dst); err != nil {
		return fail(fmt.Errorf("check the compacted copy: %w", err))
	}
	return dst, nil
}

// checkBolt runs bbolt's consistency check and joins every problem found.
func checkBolt(db *bolt.DB) error {
	var errs []error
	err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return nil
	})
	return errors.Join(err, errors.Join(errs...))
}

// syncDir makes a rename in dir durable. Errors are ignored because some
// file systems cannot sync a directory, and the rename itself succeeded.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// CompactFile rewrites the database at path as Live.Rewrite does, for a
// database no daemon holds: it fails with ErrLocked, after waiting
// opts.Timeout, while one does. It returns the sizes before and after.
func CompactFile(path string, opts Options) (before, after int64, err error) {
	live, err := OpenLive(path, opts)
	if err != nil {
		return 0, 0, err
	}
	before, after, err = live.Rewrite()
	return before, after, errors.Join(err, live.Close())
}

// BackupInfo describes a backup file that CheckBackup accepted.
type BackupInfo struct {
	Size          int64
	SchemaVersion int
}

// CheckBackup reports whether the file at path can be restored: it must
// be a bbolt file with a triage meta bucket, its schema version must not
// be newer than this build's (ErrNewerSchema), and bbolt's consistency
// check must pass. It opens the file read-only and writes nothing.
func CheckBackup(path string) (*BackupInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("check backup: %w", err)
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return nil, fmt.Errorf("check backup %s: not a database file: it is empty or not a regular file", path)
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("check backup %s: not a database file: %w", path, err)
	}
	defer func() { _ = bdb.Close() }()
	info := &BackupInfo{Size: st.Size()}
	err = bdb.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return errors.New("not a triage database: it has no meta bucket")
		}
		v, err := readSchemaVersion(meta)
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("%w: the backup has schema version %d, this build reads up to version %d; "+
				"restore it with a newer triage", ErrNewerSchema, v, SchemaVersion)
		}
		info.SchemaVersion = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check backup %s: %w", path, err)
	}
	if err := checkBolt(bdb); err != nil {
		return nil, fmt.Errorf("check backup %s: consistency check failed: %w", path, err)
	}
	return info, nil
}

// BeforeRestoreSuffix names the copy of the database that Restore keeps.
const BeforeRestoreSuffix = ".before-restore"

// Restore puts the backup at backup in place of the database at path.
// It fails with ErrLocked while a process holds the database's file lock
// for longer than timeout. It copies the backup beside the database,
// checks the copy with CheckBackup, keeps the current database as
// path+BeforeRestoreSuffix (replacing an older one), and renames the copy
// over path, so that path always names a whole database.
func Restore(backup, path string, timeout time.Duration) (*BackupInfo, error) {
	unlock, err := lockFile(path, timeout)
	if err != nil {
		return nil, err
	}
	defer unlock()

	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".restore")
	if err := copyFile(backup, tmp); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	info, err := CheckBackup(tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("restore %s: %w", backup, err)
	}
	keep := path + BeforeRestoreSuffix
	if _, err := os.Stat(path); err == nil {
		_ = os.Remove(keep)
		if err := os.Link(path, keep); err != nil {
			_ = os.Remove(tmp)
			return nil, fmt.Errorf("restore: keep the current database as %s: %w", keep, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("restore: replace %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return info, nil
}

// lockFile takes the exclusive flock that bbolt takes on a database file,
// retrying every 50ms until timeout. A missing file needs no lock. The
// returned function releases the lock.
func lockFile(path string, timeout time.Duration) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			_ = f.Close()
			return nil, fmt.Errorf("lock database %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			_ = f.Close()
			return nil, fmt.Errorf("open database %s: %w: lock not released within %s", path, ErrLocked, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// copyFile copies src to a new file dst with mode 0600 and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	_ = os.Remove(dst)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		_ = os.Remove(dst)
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		_ = os.Remove(dst)
		return fmt.Errorf("sync %s: %w", dst, err)
	}
	return out.Close()
}
