package store

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = time.Second

// ErrLocked is returned, wrapped, by Open when another process holds the
// database's file lock for longer than the timeout. Usually that process
// is a running `triage serve`.
var ErrLocked = errors.New("database is locked by another process")

// ErrNewerSchema is returned, wrapped, by Open when the database was
// written by a newer build with a higher schema version. The message
// names both versions.
var ErrNewerSchema = errors.New("database schema is newer than this build supports")

// Options configures Open.
type Options struct {
	// Timeout is how long Open waits for another process to release the
	// file lock. Zero means DefaultTimeout; a negative value tries once
	// and does not wait.
	Timeout time.Duration
	// NoSync skips fsync on commit, so a crash can lose or corrupt
	// committed transactions. Use it only in tests and benchmarks.
	NoSync bool
}

// DB is the bbolt implementation of triage.Store. It is safe for
// concurrent use: bbolt runs one write transaction at a time and any
// number of read transactions beside it.
type DB struct {
	bolt *bolt.DB
}

var _ triage.Store = (*DB)(nil)

// Open opens the database at path, creating the file (mode 0600) and its
// buckets when it does not exist, and upgrades an older schema with the
// registered migrations. The parent directory must exist. The returned DB
// holds an exclusive file lock until Close.
func Open(path string, opts Options) (*DB, error) {
	return open(path, opts, SchemaVersion, migrations)
}

// open is Open with the schema version and migrations as parameters, so
// that tests can simulate an upgrade.
func open(path string, opts Options, version int, migs []migration) (*DB, error) {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	} else if timeout < 0 {
		// bbolt waits forever for a zero timeout; any negative value
		// makes it give up after the first attempt.
		timeout = -1
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      timeout,
		NoSync:       opts.NoSync,
		FreelistType: bolt.FreelistMapType,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open database %s: %w: lock not released within %s",
			path, ErrLocked, max(timeout, 0))
	}
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return nil, fmt.Errorf("open database %s: %w: the daemon must be able to write the file; give its user write access (chown or chmod, or a read-write mount), or choose another file with --db", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := bdb.Update(func(tx *bolt.Tx) error {
		return prepareSchema(tx, version, migs)
	}); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return &DB{bolt: bdb}, nil
}

// Update runs fn in one write transaction and commits it, with fsync
// unless Options.NoSync was set, when fn returns nil. When fn returns an
// error or panics, nothing it wrote is kept, and Update returns fn's
// error unchanged.
func (db *DB) Update(fn func(triage.Tx) error) error {
	btx, err := db.bolt.Begin(true)
	if err != nil {
		return fmt.Errorf("begin write transaction: %w", err)
	}
	defer func() { _ = btx.Rollback() }() // a no-op after Commit

	if err := fn(&tx{btx: btx}); err != nil {
		return err
	}
	if err := btx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// View runs fn in a read-only snapshot and returns fn's error unchanged.
func (db *DB) View(fn func(triage.ReadTx) error) error {
	btx, err := db.bolt.Begin(false)
	if err != nil {
		return fmt.Errorf("begin read transaction: %w", err)
	}
	defer func() { _ = btx.Rollback() }()

	return fn(&tx{btx: btx})
}

// Close releases the file lock and closes the database. It waits for open
// transactions to finish.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.bolt.Path(), err)
	}
	return nil
}

// Path returns the database file's path.
func (db *DB) Path() string {
	return db.bolt.Path()
}

// Check runs bbolt's consistency check (page reachability, freelist,
// key order) in a read transaction and returns every problem it finds,
// joined, or nil. It reads the whole file.
func (db *DB) Check() error {
	var errs []error
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check database %s: %w", db.bolt.Path(), err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("check database %s: %w", db.bolt.Path(), errors.Join(errs...))
	}
	return nil
}
