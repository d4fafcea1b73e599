package tui

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes untrusted text (customer messages, names, error strings
// from the daemon) safe to print in the console. It keeps printable text,
// tab and newline, turns CRLF into a newline, and replaces everything a
// terminal could interpret:
//
//   - C0 controls and DEL are shown in caret notation ("^[" for ESC, "^M"
//     for a lone CR, "^?" for DEL), so an escape sequence prints as inert
//     text;
//   - C1 controls (U+0080 to U+009F, such as the CSI U+009B), bidirectional
//     overrides, embeddings and isolates (U+202A to U+202E, U+2066 to
//     U+2069, LRM, RLM, ALM), the line and paragraph separators U+2028 and
//     U+2029, and invalid UTF-8 bytes become U+FFFD.
//
// The result is valid UTF-8.
func Sanitize(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// CRLF line ending: the LF that follows is kept on its own.
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		case r == 0x7f:
			b.WriteString("^?")
		case unsafeRune(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// sanitizeLine is Sanitize for one-line cells: newlines and tabs become
// single spaces.
func sanitizeLine(s string) string {
	s = Sanitize(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}

// unsafeRune reports whether r is a non-ASCII rune that Sanitize replaces
// with U+FFFD.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c: // LRM, RLM, ALM
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// isClean reports whether Sanitize would return s unchanged, so that the
// common case of plain text costs no allocation.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}
