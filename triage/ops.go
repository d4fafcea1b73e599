package triage

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// BackupWriter is a Store that can write a consistent copy of its whole
// database while it stays in use.
type BackupWriter interface {
	// WriteBackup calls size with the length of the copy in bytes and
	// then writes the copy to w, all from one read transaction. It
	// returns the number of bytes written.
	WriteBackup(w io.Writer, size func(int64)) (int64, error)
}

// Rewriter is a Store that can rewrite its database file in place, so
// that values deleted earlier no longer remain in free pages.
type Rewriter interface {
	// Rewrite blocks every transaction, copies the live data into a new
	// file, checks it, and swaps it in. It returns the file sizes before
	// and after, in bytes.
	Rewrite() (before, after int64, err error)
}

// ErasureTx is a write transaction that can find and rewrite everything
// an erasure request touches. Stores implement it beside Tx.
type ErasureTx interface {
	Tx
	// CustomerEvents calls fn for every event, in any conversation, that
	// carries a customer identity. fn must not write.
	CustomerEvents(fn func(*StoredEvent) error) error
	// Tickets calls fn for every ticket, active or not. fn must not write.
	Tickets(fn func(*Ticket) error) error
	// ReplaceRecord overwrites the stored history record with the same
	// At and Seq. It exists for erasure requests only.
	ReplaceRecord(rec *Record) error
	// ReplaceReview overwrites the stored review with the same Record and
	// Seq. It exists for erasure requests only.
	ReplaceReview(rev *Review) error
}

// MetaCustomerSecret is the meta key of the secret that keys customer
// hashes. The daemon creates it on first start when it redacts personal
// data, and EnsureCustomerSecret otherwise.
const MetaCustomerSecret = "redact/customer-key"

// CustomerHashPrefix starts every customer hash. Package redact writes
// the same hashes, with the same secret, in place of a customer's email,
// handle and name.
const CustomerHashPrefix = "h-"

// customerSecretLen is the length of the customer hash secret in bytes.
const customerSecretLen = 32

// CustomerSecret returns the secret that keys customer hashes, or nil
// when none has been created yet.
func CustomerSecret(tx ReadTx) ([]byte, error) {
	secret, err := tx.Meta(MetaCustomerSecret)
	if err != nil {
		return nil, fmt.Errorf("read customer hash secret: %w", err)
	}
	if len(secret) == 0 {
		return nil, nil
	}
	return secret, nil
}

// EnsureCustomerSecret returns the secret that keys customer hashes,
// creating a random one in the meta settings on first use.
func EnsureCustomerSecret(tx Tx) ([]byte, error) {
	secret, err := CustomerSecret(tx)
	if err != nil || secret != nil {
		return secret, err
	}
	secret = make([]byte, customerSecretLen)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("create customer hash secret: %w", err)
	}
	if err := tx.SetMeta(MetaCustomerSecret, secret); err != nil {
		return nil, fmt.Errorf("store customer hash secret: %w", err)
	}
	return secret, nil
}

// HashIdentifier returns the keyed hash (HMAC-SHA256, shortened to 128
// bits) of one customer identifier. kind is "email" or "handle". Emails
// are compared without case and surrounding spaces, handles without
// surrounding spaces.
func HashIdentifier(secret []byte, kind, value string) string {
	value = strings.TrimSpace(value)
	if kind == "email" {
		value = strings.ToLower(value)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(value))
	return CustomerHashPrefix + hex.EncodeToString(mac.Sum(nil)[:16])
}

// CustomerHash returns the keyed hash that identifies a customer: the
// hash of the email when there is one, else of the handle. A customer
// with neither (a name alone is not an identity) gets "".
func CustomerHash(secret []byte, c *Customer) string {
	switch {
	case c == nil:
		return ""
	case strings.TrimSpace(c.Email) != "":
		return HashIdentifier(secret, "email", c.Email)
	case strings.TrimSpace(c.Handle) != "":
		return HashIdentifier(secret, "handle", c.Handle)
	}
	return ""
}

// CustomerMatch names the customer of an erasure request by exactly one
// of an email, a handle or a customer hash.
type CustomerMatch struct {
	Email  string `json:"email,omitempty"`
	Handle string `json:"handle,omitempty"`
	Hash   string `json:"hash,omitempty"`
}

// ParseCustomerMatch reads a customer as `triage forget` takes it: a
// value with "@" is an email, a value of CustomerHashPrefix and 32 hex
// digits is a customer hash, and anything else is a handle.
func ParseCustomerMatch(s string) (CustomerMatch, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return CustomerMatch{}, errors.New("customer is empty: give an email, a handle or a customer hash")
	case isCustomerHash(s):
		return CustomerMatch{Hash: strings.ToLower(s)}, nil
	case strings.Contains(s, "@"):
		return CustomerMatch{Email: s}, nil
	}
	return CustomerMatch{Handle: s}, nil
}

func isCustomerHash(s string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(s), CustomerHashPrefix)
	if !ok || len(rest) != 32 {
		return false
	}
	_, err := hex.DecodeString(rest)
	return err == nil
}

// Validate checks that exactly one field is set.
func (m CustomerMatch) Validate() error {
	n := 0
	for _, v := range []string{m.Email, m.Handle, m.Hash} {
		if strings.TrimSpace(v) != "" {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("invalid customer: set exactly one of email, handle and hash, not %d", n)
	}
	if m.Hash != "" && !isCustomerHash(m.Hash) {
		return fmt.Errorf("invalid customer hash %q: want %s and 32 hex digits", m.Hash, CustomerHashPrefix)
	}
	return nil
}

// KeyedHash returns the customer hash that the match names, computed
// with secret unless the match gives the hash itself.
func (m CustomerMatch) KeyedHash(secret []byte) string {
	switch {
	case m.Hash != "":
		return strings.ToLower(strings.TrimSpace(m.Hash))
	case m.Email != "":
		return HashIdentifier(secret, "email", m.Email)
	}
	return HashIdentifier(secret, "handle", m.Handle)
}

// Matches reports whether c is the named customer: the same email
// (without case) or handle, or c's email or handle is the match's hash
// (stored by redaction) or hashes to it under secret.
func (m CustomerMatch) Matches(c *Customer, secret []byte) bool {
	if c == nil {
		return false
	}
	switch {
	case m.Email != "":
		if strings.EqualFold(strings.TrimSpace(c.Email), strings.TrimSpace(m.Email)) {
			return true
		}
	case m.Handle != "":
		if strings.TrimSpace(c.Handle) == strings.TrimSpace(m.Handle) && c.Handle != "" {
			return true
		}
	}
	want := strings.ToLower(strings.TrimSpace(m.Hash))
	if secret != nil {
		want = m.KeyedHash(secret)
	}
	if want == "" {
		return false
	}
	if c.Email == want || c.Handle == want {
		return true
	}
	if secret == nil {
		return false
	}
	if c.Email != "" && HashIdentifier(secret, "email", c.Email) == want {
		return true
	}
	return c.Handle != "" && HashIdentifier(secret, "handle", c.Handle) == want
}

// ErasureSummary counts what one erasure request removed or rewrote. It
// names no customer, so that it can be kept as the record that the
// erasure happened.
type ErasureSummary struct {
	At          time.Time `json:"at"`
	RequestedBy string    `json:"requested_by"`
	// Conversations, Events and Tickets were removed. Records and
	// Reviews were kept with their personal text erased.
	Conversations int `json:"conversations"`
	Events        int `json:"events"`
	Tickets       int `json:"tickets"`
	Records       int `json:"records"`
	Reviews       int `json:"reviews"`
	// SizeBefore and SizeAfter are the database file's sizes around the
	// rewrite that drops the deleted data from free pages, in bytes.
	SizeBefore int64 `json:"size_before"`
	SizeAfter  int64 `json:"size_after"`
	// RewriteError is set when the deletion committed but the rewrite
	// failed, so that the deleted bytes stay in the file's free pages.
	RewriteError string `json:"rewrite_error,omitempty"`
}

// MetaErasurePrefix starts the meta keys under which each erasure's
// summary is kept, followed by its time in RFC 3339.
const MetaErasurePrefix = "erasure/"

// ErasedText replaces personal text in history records and reviews.
const ErasedText = "(erased)"
