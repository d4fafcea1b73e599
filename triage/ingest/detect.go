package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errBlank is returned by Detect when peek holds nothing but white space.
var errBlank = errors.New("no content: the input is empty or blank")

// Detect returns the format of an input from its first bytes: a first
// non-blank character "{" means JSON, and "[", "(" or "#" a plain-text
// transcript. JSON whose first object has a string "event" field and no
// "at" field is a Chatwoot webhook payload, other JSON is native JSON
// Lines. A first line that is the header row of the Customer Support on
// Twitter CSV (it names tweet_id, inbound and created_at) is FormatTWCS. A
// UTF-8 byte order mark and blank lines before the first character are
// skipped. Any other start, a UTF-16 byte order mark, or a peek with
// nothing but white space is an error with advice on what to do.
func Detect(peek []byte) (Format, error) {
	format, _, err := detect(peek)
	return format, err
}

// detect is Detect that also returns the 1-based line of the first
// non-blank character.
func detect(peek []byte) (Format, int, error) {
	if bytes.HasPrefix(peek, []byte{0xFF, 0xFE}) || bytes.HasPrefix(peek, []byte{0xFE, 0xFF}) {
		return "", 1, errors.New("input is UTF-16; convert it to UTF-8, for example with iconv -f UTF-16 -t UTF-8")
	}
	rest := bytes.TrimPrefix(peek, utf8BOM)
	line := 1
	for len(rest) > 0 {
		r, size := utf8.DecodeRune(rest)
		if r == '\n' {
			line++
		}
		if !unicode.IsSpace(r) {
			break
		}
		rest = rest[size:]
	}
	if len(rest) == 0 {
		return "", line, errBlank
	}
	switch rest[0] {
	case '{':
		if isChatwootPayload(rest) {
			return FormatChatwoot, line, nil
		}
		return FormatJSONL, line, nil
	case '[', '(', '#':
		return FormatText, line, nil
	}
	start := rest
	if end := bytes.IndexAny(start, "\r\n"); end >= 0 {
		start = start[:end]
	}
	if isTWCSHeader(start) {
		return FormatTWCS, line, nil
	}
	if len(start) > 20 {
		start = append(bytes.ToValidUTF8(start[:20], nil), "..."...)
	}
	return "", line, fmt.Errorf(
		"cannot tell the input format from %q: JSON starts with \"{\", transcripts with \"[\", \"(\" or \"#\", TWCS CSV with its header row; pass the format explicitly (--format jsonl, text, chatwoot or twcs)",
		start)
}

// detectStream peeks at br to detect its format. A stream that is blank to
// its end is read as JSON Lines, which yields nothing.
func detectStream(br *bufio.Reader, source string) (Format, error) {
	peek, err := br.Peek(readBufferSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("read %s: %w", source, err)
	}
	format, line, derr := detect(peek)
	if errors.Is(derr, errBlank) && len(peek) < readBufferSize {
		return FormatJSONL, nil
	}
	if derr != nil {
		return "", &LineError{Source: source, Line: line, Reason: derr.Error()}
	}
	return format, nil
}

// chatwootEventKey finds an "event" key with a string value, for payloads
// whose first object is too long for the detection buffer to decode.
var chatwootEventKey = regexp.MustCompile(`"event"\s*:\s*"`)

// isChatwootPayload reports whether the JSON at the start of data looks
// like a Chatwoot webhook payload: an object with a string "event" field
// and no "at" field, which every native event has.
func isChatwootPayload(data []byte) bool {
	var fields map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&fields); err == nil {
		event, hasEvent := fields["event"]
		_, hasAt := fields["at"]
		return hasEvent && !hasAt && len(event) > 0 && event[0] == '"'
	}
	// The first value is not complete JSON within data: look at its first
	// line, or at the whole buffer when the value spans lines.
	first := data
	if end := bytes.IndexByte(first, '\n'); end >= 0 && json.Valid(bytes.TrimSpace(first[:end])) {
		first = first[:end]
	}
	return chatwootEventKey.Match(first) && !bytes.Contains(first, []byte(`"at"`))
}

// isTWCSHeader reports whether line is the header row of the Customer
// Support on Twitter CSV.
func isTWCSHeader(line []byte) bool {
	lower := strings.ToLower(string(line))
	return strings.HasPrefix(lower, "tweet_id") && strings.Contains(lower, "inbound") &&
		strings.Contains(lower, "created_at")
}
