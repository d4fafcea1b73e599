// Package store implements triage.Store on a bbolt file.
//
// One process opens the file at a time: Open takes bbolt's exclusive file
// lock and fails with ErrLocked when another process holds it past the
// timeout. Every Update is one bbolt write transaction, committed with
// fsync, so a write that Update acknowledged survives a crash.
//
// # Buckets and keys
//
// Keys sort the way they are read, so every read is a cursor seek and a
// scan of exactly the keys it returns. Timestamps are encoded as 8 bytes
// of big-endian Unix seconds with the sign bit flipped, then 4 bytes of
// nanoseconds. Unlike Unix nanoseconds in an int64, this encoding covers
// years before 1970 and after 2262. Sequence numbers and versions are 8-byte
// big-endian. Ids end with a NUL byte inside a composite key, so the scan
// of conversation "c-1" never reaches "c-10". Ids containing NUL are
// rejected with ErrInvalidID.
//
//	meta            schema_version -> version; nested bucket settings: key -> value
//	events          conversation NUL time seq -> StoredEvent; its sequence numbers events
//	event_ids       event id -> key in events
//	conversations   conversation id -> Conversation
//	tickets         ticket id -> Ticket; its sequence numbers ticket ids
//	queue           range priority waiting ticket-id -> ticket id (see below)
//	records         time seq -> Record; its sequence numbers records
//	ticket_records  ticket id NUL time seq -> nothing (the suffix is the key in records)
//	documents       kind NUL name NUL version -> Document, every version kept
//
// The queue index has two ranges, 'e' for tickets whose status is
// escalated or claimed and 'a' for every active ticket. In each, a key is
// the inverted priority (urgent first), a byte that puts tickets without
// WaitingSince last, the WaitingSince time, and the ticket id. PutTicket
// reads the fields of the stored ticket that its keys are made of, and in
// the same transaction deletes the keys that changed and writes the new
// ones.
//
// # Encoding
//
// Events, tickets and conversations, the values that every ingested event
// reads and writes, are stored in a compact binary form (codec.go): a
// format byte, then the fields in a fixed order as varints, 8-byte floats
// and length-prefixed strings. Decoding copies a value once and shares
// that copy among its strings. An event's unknown source fields and a
// conversation's scorer state are kept as the raw bytes they came as.
// JSON remains the form of these types on the API and in `--json`
// output. Records, reviews, documents and settings are stored as JSON.
// BenchmarkPutEventsBatch1000 measures the cost of JSON decoding of the
// input and of encoding for the store.
//
// # Schema versions
//
// The meta bucket holds SchemaVersion when the file is created. Open
// upgrades an older file by running the migrations from its version to
// SchemaVersion, one version at a time, in the transaction that opens it,
// and rejects a newer file with ErrNewerSchema.
//
// # Iteration
//
// Iteration callbacks may return triage.ErrStop to end early without an
// error. In a write transaction they may also write: iteration then
// continues with the first key after the last one visited, so a key the
// callback deletes is skipped and a key it inserts further on is visited.
package store
