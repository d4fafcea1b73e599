// Package redact removes personal data from chat events before the desk
// stores them. Text loses e-mail addresses, card numbers, IP addresses,
// phone numbers and street addresses to typed placeholders such as
// [email]. A customer's identity is replaced by keyed hashes, so that
// tickets can still be matched to one customer without keeping who it is.
//
// Person names in free text are kept. Named-entity recognition with
// github.com/jdkato/prose/v2 would find some of them, but it costs about
// 2.8 ms a message with its model loaded once (0.66 s and 100 MB to load),
// against about 28 µs for Text (BenchmarkProseNames and BenchmarkText on
// two cores of an AMD EPYC), which limits one core to some 360 messages a
// second. That does not fit an ingest of thousands of events a second, so
// the desk does not offer it.
//
// The package does no I/O: the caller supplies the hashing key.
package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"regexp"
	"strings"
	"unicode"

	"github.com/mingrammer/commonregex"

	"github.com/triagedesk/triage/triage"
)

// Placeholders that replace each kind of personal data.
const (
	Email   = "[email]"
	Phone   = "[phone]"
	Card    = "[card]"
	IP      = "[ip]"
	Address = "[address]"
	Name    = "[name]"
)

var (
	// cardCandidate finds 13 to 19 digits, optionally in groups split by
	// spaces or dashes; Luhn decides which are card numbers.
	cardCandidate = regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`)
	// ipv6Candidate finds runs of hex digits and colons with at least two
	// colons; netip decides which are addresses.
	ipv6Candidate = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?`)
	// phoneCandidate finds digit runs with the separators phone numbers
	// are written with, optionally after "+".
	phoneCandidate = regexp.MustCompile(`(?:\+\(?|\(|\b)\d[\d\-. ()]{5,20}\d\b`)
	// dateInside finds a date such as 2017-10-31 or 05-11-2017.
	dateInside = regexp.MustCompile(`\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}`)
	// streetAddress finds a house number, one to three street-name words
	// that start with a capital letter or a digit, and a street type, as in
	// "221B Baker Street" or "12 North 5th Ave".
	streetAddress = regexp.MustCompile(`\b\d{1,5}[A-Za-z]?(?:\s+[A-Z0-9][\w'.-]*){1,3}\s+` +
		`(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|` +
		`square|sq|terrace|highway|hwy|parkway|pkwy|circle|cir|trail|trl|strasse|straße)\b\.?`)
)

// Text returns s with personal data replaced by placeholders. It replaces,
// in this order, e-mail addresses (commonregex's pattern), card numbers
// that pass the Luhn check, IPv4 addresses (commonregex's pattern, not
// inside a longer dotted number) and IPv6 addresses that net/netip
// parses, phone numbers, P.O. boxes (commonregex's pattern) and street
// addresses.
//
// A phone number is 7 to 15 digits written with "+", brackets, spaces,
// dots or dashes, or 10 or 11 digits without any. Dates, numbers right
// after "@" (handles) and dotted numbers with groups shorter than three
// digits (versions) are not phone numbers. So order numbers of up to 9
// plain digits are kept, but one of 10 or 11 plain digits is taken for a
// phone number, and so is a reference number written with dashes. About
// one in ten other 13- to 19-digit numbers passes the Luhn check and is
// taken for a card number.
//
// NOTE: street addresses are found only as a house number, street-name
// words with capitals and a street type in English or German, so
// "221B Baker Street" is found but "flat 3, baker street" and addresses
// without a street type are not. Postcodes and cities are kept.
func Text(s string) string {
	if !mayContainPersonalData(s) {
		return s
	}
	s = commonregex.EmailRegex.ReplaceAllString(s, Email)
	s = cardCandidate.ReplaceAllStringFunc(s, func(m string) string {
		if Luhn(m) {
			return Card
		}
		return m
	})
	s = replaceMatches(s, commonregex.IPv4Regex, IP, func(start, end int) bool {
		// Keep a match inside a longer run of digits and dots, such as a
		// version number. A dot after the match ends a sentence unless a
		// digit follows it.
		before := start > 0 && isDigitOrDot(s[start-1])
		after := end < len(s) && (isDigit(s[end]) || s[end] == '.' && end+1 < len(s) && isDigit(s[end+1]))
		return !before && !after
	})
	s = ipv6Candidate.ReplaceAllStringFunc(s, func(m string) string {
		if addr, err := netip.ParseAddr(m); err == nil && addr.Is6() && strings.ContainsAny(m, "0123456789abcdefABCDEF") {
			return IP
		}
		return m
	})
	s = replaceMatches(s, phoneCandidate, Phone, func(start, end int) bool {
		// A number right after "@" is a handle, such as "@115712".
		return (start == 0 || s[start-1] != '@') && isPhone(s[start:end])
	})
	s = commonregex.PoBoxRegex.ReplaceAllString(s, Address)
	return streetAddress.ReplaceAllString(s, Address)
}

// mayContainPersonalData reports whether s has a digit or an "@", without
// which no pattern of Text can match.
func mayContainPersonalData(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '@' || (c >= '0' && c <= '9') {
			return true
		}
	}
	return false
}

// replaceMatches replaces the matches of re in s for which keep returns
// true, given the match's byte offsets in s.
func replaceMatches(s string, re *regexp.Regexp, placeholder string, keep func(start, end int) bool) string {
	matches := re.FindAllStringIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		if !keep(m[0], m[1]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(placeholder)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isDigitOrDot(c byte) bool { return isDigit(c) || c == '.' }

// isPhone decides whether a phone candidate is a phone number.
func isPhone(m string) bool {
	if dateInside.MatchString(m) {
		return false
	}
	body := strings.TrimLeft(m, "+(")
	digits := 0
	separators := ""
	for _, r := range body {
		if unicode.IsDigit(r) {
			digits++
		} else if !strings.ContainsRune(separators, r) {
			separators += string(r)
		}
	}
	if separators == "." {
		// Dots alone separate version numbers too, such as 8.4.22.515:
		// a phone number's groups have at least three digits.
		for _, group := range strings.Split(body, ".") {
			if len(group) < 3 {
				return false
			}
		}
	}
	if separators != "" || strings.HasPrefix(m, "+") {
		return digits >= 7 && digits <= 15
	}
	return digits == 10 || digits == 11
}

// Luhn reports whether the digits in s (other characters are ignored)
// pass the Luhn checksum that card numbers carry, and number 13 to 19.
func Luhn(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n >= 13 && n <= 19 && sum%10 == 0
}

// Hash returns the keyed hash of one identity value: "h-" and the first
// 16 bytes of HMAC-SHA256(key, field, 0, value) in hex. field keeps an
// e-mail address and a name that happen to be equal apart. E-mail
// addresses are compared without case, so the caller should pass them in
// lower case, as Customer does.
func Hash(key []byte, field, value string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(field))
	mac.Write([]byte{0})
	mac.Write([]byte(value))
	return "h-" + hex.EncodeToString(mac.Sum(nil)[:16])
}

// Redactor redacts events with one hashing key. It is safe for concurrent
// use.
type Redactor struct {
	key []byte
}

// New returns a Redactor that hashes customer identities with key. The
// key is the secret that makes the hashes hard to reverse: anyone who has
// it can test guesses of an e-mail address against a stored hash.
func New(key []byte) *Redactor {
	return &Redactor{key: append([]byte(nil), key...)}
}

// Customer returns c with each identity field replaced by its keyed hash,
// or nil for nil. The e-mail address is lower-cased and trimmed before
// hashing, names and handles are trimmed.
func (r *Redactor) Customer(c *triage.Customer) *triage.Customer {
	if c == nil {
		return nil
	}
	out := &triage.Customer{}
	if v := strings.TrimSpace(c.Name); v != "" && !isHash(v) {
		out.Name = Hash(r.key, "name", v)
	} else {
		out.Name = v
	}
	if v := strings.ToLower(strings.TrimSpace(c.Email)); v != "" && !isHash(v) {
		out.Email = Hash(r.key, "email", v)
	} else {
		out.Email = v
	}
	if v := strings.TrimSpace(c.Handle); v != "" && !isHash(v) {
		out.Handle = Hash(r.key, "handle", v)
	} else {
		out.Handle = v
	}
	return out
}

// isHash reports whether v is already a Hash result, so that redacting
// an event twice gives the same event.
func isHash(v string) bool {
	if len(v) != 34 || !strings.HasPrefix(v, "h-") {
		return false
	}
	_, err := hex.DecodeString(v[2:])
	return err == nil
}

// Event redacts ev in place: its text and every string among its kept
// unknown fields go through Text, and its customer through Customer. A
// transcript's "speaker" field that names the customer is replaced by the
// customer's name hash. Redacting an event twice gives the same event.
func (r *Redactor) Event(ev *triage.Event) {
	ev.Text = Text(ev.Text)
	var speakerName string
	if ev.Role == triage.RoleCustomer && ev.Customer != nil {
		speakerName = strings.TrimSpace(ev.Customer.Name)
	}
	ev.Customer = r.Customer(ev.Customer)
	for k, raw := range ev.Extra {
		var s string
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			continue
		}
		redacted := Text(s)
		if k == "speaker" && speakerName != "" && strings.Contains(s, speakerName) {
			redacted = strings.ReplaceAll(s, speakerName, ev.Customer.Name)
		}
		if redacted != s {
			b, _ := json.Marshal(redacted)
			ev.Extra[k] = b
		}
	}
}

// TextOnly redacts ev's text and kept unknown fields but leaves its
// customer identity as it is, for a client that has no hashing key and
// relies on the daemon to hash the identity.
func TextOnly(ev *triage.Event) {
	ev.Text = Text(ev.Text)
	for k, raw := range ev.Extra {
		var s string
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			continue
		}
		if redacted := Text(s); redacted != s {
			b, _ := json.Marshal(redacted)
			ev.Extra[k] = b
		}
	}
}
