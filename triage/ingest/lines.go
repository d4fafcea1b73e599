package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// utf8BOM is the byte order mark some Windows tools write at the start of
// a UTF-8 file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// lineReader splits a stream into lines of at most max bytes without ever
// holding more than max bytes of one line, so a single huge line costs a
// rejection and not the stream.
type lineReader struct {
	br   *bufio.Reader
	max  int
	n    int // number of the line returned last, counted from 1
	buf  []byte
	done bool
	// partial is set when the source returned ErrNeedInput in the middle
	// of a line: buf and tooLong keep what was read of it.
	partial bool
	tooLong bool
}

// rawLine is one line of input with its end-of-line bytes removed.
type rawLine struct {
	number int
	text   []byte // valid UTF-8; nil when tooLong
	// tooLong is set when the line had more than max bytes; its text is
	// dropped.
	tooLong bool
	// hadNUL is set when the line contained a NUL byte.
	hadNUL bool
}

func newLineReader(br *bufio.Reader, max int) *lineReader {
	return &lineReader{br: br, max: max}
}

// next returns the next line, io.EOF after the last one, or the error of
// the underlying reader.
func (lr *lineReader) next() (rawLine, error) {
	if lr.done {
		return rawLine{}, io.EOF
	}

	if !lr.partial {
		lr.buf = lr.buf[:0]
		lr.tooLong = false
	}
	sawAny := lr.partial
	lr.partial = false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if len(chunk) > 0 {
			sawAny = true
		}
		if !lr.tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 { // +2 leaves room for "\r\n"
				lr.tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, ErrNeedInput) {
			lr.partial = sawAny
			return rawLine{}, err
		}
		if err == io.EOF {
			lr.done = true
			if !sawAny {
				return rawLine{}, io.EOF
			}
			break
		}
		if err != nil {
			lr.done = true
			return rawLine{}, err
		}
		break
	}

	lr.n++
	line := rawLine{number: lr.n}
	text := bytes.TrimSuffix(lr.buf, []byte("\n"))
	text = bytes.TrimSuffix(text, []byte("\r"))
	if lr.n == 1 {
		text = bytes.TrimPrefix(text, utf8BOM)
	}
	if lr.tooLong || len(text) > lr.max {
		line.tooLong = true
		return line, nil
	}
	if bytes.IndexByte(text, 0) >= 0 {
		line.hadNUL = true
	}
	if !utf8.Valid(text) {
		text = bytes.ToValidUTF8(text, []byte("\uFFFD"))
	}
	line.text = text
	return line, nil
}
