package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of buckets, keys and values that this build
// reads and writes. Raise it by one for every change that an older build
// would misread, and add the migration from the previous version.
//
// Version 1 stored every value as JSON. Version 2 stores events, tickets
// and conversations in the binary formats of codec.go.
const SchemaVersion = 2

// migration upgrades a database in place by one schema version. It runs
// inside the write transaction that opens the database, so a failure
// leaves the file at the version it had.
type migration func(tx *bolt.Tx) error

// migrations[i] upgrades schema version i+1 to i+2. The list must hold
// SchemaVersion-1 entries; a test checks this.
var migrations = []migration{migrateBinaryValues}

// Top-level bucket names.
var (
	bucketMeta          = []byte("meta")
	bucketEvents        = []byte("events")
	bucketEventIDs      = []byte("event_ids")
	bucketConversations = []byte("conversations")
	bucketTickets       = []byte("tickets")
	bucketQueue         = []byte("queue")
	bucketRecords       = []byte("records")
	bucketTicketRecords = []byte("ticket_records")
	bucketDocuments     = []byte("documents")
)

// allBuckets lists every top-level bucket of the current schema.
var allBuckets = [][]byte{
	bucketMeta, bucketEvents, bucketEventIDs, bucketConversations,
	bucketTickets, bucketQueue, bucketRecords, bucketTicketRecords,
	bucketDocuments, bucketTimers, bucketTimerIndex, bucketTimersFired,
}

// Keys inside the meta bucket. Settings written with SetMeta live in the
// nested settings bucket, so that they can never overwrite the schema
// version.
var (
	keySchemaVersion = []byte("schema_version")
	bucketSettings   = []byte("settings")
)

// prepareSchema initialises an empty file at version target, or upgrades
// an older one to it, and makes sure every bucket exists. It rejects a
// database whose version is newer than target, and a bbolt file that was
// not written by this program.
func prepareSchema(tx *bolt.Tx, target int, migs []migration) error {
	if len(migs) != target-1 {
		return fmt.Errorf("schema version %d needs %d migrations, have %d", target, target-1, len(migs))
	}
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return initSchema(tx, target)
	}
	version, err := readSchemaVersion(meta)
	if err != nil {
		return err
	}
	if version > target {
		return fmt.Errorf("%w: the database has schema version %d, this build reads up to version %d; "+
			"open it with a newer triage", ErrNewerSchema, version, target)
	}
	for v := version; v < target; v++ {
		if err := migs[v-1](tx); err != nil {
			return fmt.Errorf("migrate schema version %d to %d: %w", v, v+1, err)
		}
		if err := writeSchemaVersion(tx.Bucket(bucketMeta), v+1); err != nil {
			return err
		}
	}
	return createBuckets(tx)
}

// initSchema creates the buckets of a new database. A file with other
// top-level buckets but no meta bucket belongs to some other program and
// is rejected rather than written into.
func initSchema(tx *bolt.Tx, target int) error {
	var foreign []string
	err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		foreign = append(foreign, string(name))
		return nil
	})
	if err != nil {
		return err
	}
	if len(foreign) > 0 {
		return fmt.Errorf("not a triage database: it has buckets %q but no meta bucket", foreign)
	}
	if err := createBuckets(tx); err != nil {
		return err
	}
	return writeSchemaVersion(tx.Bucket(bucketMeta), target)
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	if _, err := tx.Bucket(bucketMeta).CreateBucketIfNotExists(bucketSettings); err != nil {
		return fmt.Errorf("create bucket meta/settings: %w", err)
	}
	return nil
}

func readSchemaVersion(meta *bolt.Bucket) (int, error) {
	v := meta.Get(keySchemaVersion)
	if v == nil {
		return 0, errors.New("meta bucket has no schema version; the file is damaged or not a triage database")
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("schema version is %d bytes, want 8; the file is damaged", len(v))
	}
	version := binary.BigEndian.Uint64(v)
	if version < 1 || version > 1<<31 {
		return 0, fmt.Errorf("schema version %d is out of range; the file is damaged", version)
	}
	return int(version), nil
}

func writeSchemaVersion(meta *bolt.Bucket, version int) error {
	if err := meta.Put(keySchemaVersion, binary.BigEndian.AppendUint64(nil, uint64(version))); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	return nil
}
