package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// compactTxMaxSize bounds the bytes bbolt.Compact writes per transaction
// into the new file.
const compactTxMaxSize = 64 << 20

// Compact rewrites the database at path into a new file without free
// pages and renames it over the original. The database must not be open:
// Compact takes its file lock and fails with ErrLocked while a daemon
// holds it. It returns the file sizes before and after.
func Compact(path string, opts Options) (before, after int64, err error) {
	src, err := Open(path, opts)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if src != nil {
			err = errors.Join(err, src.Close())
		}
	}()
	info, err := os.Stat(path)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	before = info.Size()

	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".compact")
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return before, 0, fmt.Errorf("compact: create %s: %w", tmp, err)
	}
	if err := bolt.Compact(dst, src.bolt, compactTxMaxSize); err != nil {
		_ = dst.Close()
		_ = os.Remove(tmp)
		return before, 0, fmt.Errorf("compact %s: %w", path, err)
	}
	if err := dst.Sync(); err != nil {
		_ = dst.Close()
		_ = os.Remove(tmp)
		return before, 0, fmt.Errorf("compact: sync %s: %w", tmp, err)
	}
	if err := dst.Close(); err != nil {
		_ = os.Remove(tmp)
		return before, 0, fmt.Errorf("compact: close %s: %w", tmp, err)
	}
	// NOTE: a daemon that opened the old file while Compact held its
	// lock takes the lock on the replaced file once Compact closes it.
	// Stop daemons before compacting.
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return before, 0, fmt.Errorf("compact: replace %s: %w", path, err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync()
		_ = dir.Close()
	}
	info, err = os.Stat(path)
	if err != nil {
		return before, 0, fmt.Errorf("compact: %w", err)
	}
	return before, info.Size(), nil
}
