package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// errBlank is returned by Detect when peek holds nothing but white space.
var errBlank = errors.New("no content: the input is empty or blank")

// Detect returns the format of an input from its first bytes: a first
// non-blank character "{" means JSON Lines, and "[", "(" or "#" a
// plain-text transcript. A UTF-8 byte order mark and blank lines before it
// are skipped. Any other start, a UTF-16 byte order mark, or a peek with
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
		return FormatJSONL, line, nil
	case '[', '(', '#':
		return FormatText, line, nil
	}
	start := rest
	if end := bytes.IndexAny(start, "\r\n"); end >= 0 {
		start = start[:end]
	}
	if len(start) > 20 {
		start = append(bytes.ToValidUTF8(start[:20], nil), "..."...)
	}
	return "", line, fmt.Errorf(
		"cannot tell the input format from %q: JSON Lines start with \"{\", transcripts with \"[\", \"(\" or \"#\"; pass the format explicitly (--format jsonl or --format text)",
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
