package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/triagedesk/triage/triage"
)

// maxVersionKey sorts after the version part of every document key.
var maxVersionKey = bytes.Repeat([]byte{0xff}, 8)

func checkDocumentName(kind, name string) error {
	if err := checkID("document kind", kind); err != nil {
		return err
	}
	return checkID("document name", name)
}

// latestDocumentKey returns the key of the latest version of the
// document with the given prefix, or nil when it has no versions. It
// leaves c anywhere.
func latestDocumentKey(c *bolt.Cursor, prefix []byte) ([]byte, []byte) {
	k, v := c.Seek(append(bytes.Clone(prefix), maxVersionKey...))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
		return nil, nil
	}
	return k, v
}

// PutDocument sets doc.Version to one past the latest stored version, or
// to 1 for a new document, and stores it. Earlier versions are kept.
func (t *tx) PutDocument(doc *triage.Document) error {
	if err := checkDocumentName(doc.Kind, doc.Name); err != nil {
		return fmt.Errorf("put document: %w", err)
	}
	docs := t.bucket(bucketDocuments)
	version := 1
	if k, _ := latestDocumentKey(docs.Cursor(), documentPrefix(doc.Kind, doc.Name)); k != nil {
		version = int(binary.BigEndian.Uint64(k[len(k)-8:])) + 1
	}
	doc.Version = version
	label := fmt.Sprintf("document %s/%s version %d", doc.Kind, doc.Name, version)
	return putJSON(docs, documentKey(doc.Kind, doc.Name, version), doc, label)
}

// Document returns the given version of a document when version > 0 and
// its latest version otherwise, or an error wrapping triage.ErrNotFound.
func (t *tx) Document(kind, name string, version int) (*triage.Document, error) {
	if err := checkDocumentName(kind, name); err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	docs := t.bucket(bucketDocuments)
	var v []byte
	if version > 0 {
		v = docs.Get(documentKey(kind, name, version))
		if v == nil {
			return nil, fmt.Errorf("document %s/%s version %d: %w", kind, name, version, triage.ErrNotFound)
		}
	} else {
		_, v = latestDocumentKey(docs.Cursor(), documentPrefix(kind, name))
		if v == nil {
			return nil, fmt.Errorf("document %s/%s: %w", kind, name, triage.ErrNotFound)
		}
	}
	return decodeDocument(v)
}

// Documents calls fn for the latest version of every document, ordered
// by kind and then name, in byte order.
func (t *tx) Documents(fn func(*triage.Document) error) error {
	docs := t.bucket(bucketDocuments)
	c := docs.Cursor()
	k, _ := c.First()
	for k != nil {
		if len(k) < 8 {
			return fmt.Errorf("read documents: invalid key %q", k)
		}
		prefix := bytes.Clone(k[:len(k)-8])
		_, v := latestDocumentKey(c, prefix)
		doc, err := decodeDocument(v)
		if err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return nil
			}
			return err
		}
		// Seek again, not Next: fn may have written in this transaction.
		k, _ = c.Seek(append(prefix, maxVersionKey...))
	}
	return nil
}

// DocumentVersions calls fn for every version of one document, oldest
// first.
func (t *tx) DocumentVersions(kind, name string, fn func(*triage.Document) error) error {
	if err := checkDocumentName(kind, name); err != nil {
		return fmt.Errorf("read document versions: %w", err)
	}
	prefix := documentPrefix(kind, name)
	return t.scan(t.bucket(bucketDocuments), prefix, hasPrefix(prefix), func(_, v []byte) error {
		doc, err := decodeDocument(v)
		if err != nil {
			return err
		}
		return fn(doc)
	})
}

func decodeDocument(v []byte) (*triage.Document, error) {
	var doc triage.Document
	if err := decodeJSON(v, &doc, "document"); err != nil {
		return nil, err
	}
	return &doc, nil
}
