package ingest

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/triagedesk/triage/triage"
)

// Format names an input format.
type Format string

// Input formats. FormatAuto picks one from the start of the input; see
// Detect.
const (
	FormatAuto     Format = "auto"
	FormatJSONL    Format = "jsonl"
	FormatText     Format = "text"
	FormatChatwoot Format = "chatwoot"
	FormatTWCS     Format = "twcs"
)

// Formats lists the formats NewReader accepts, FormatAuto first.
var Formats = []Format{FormatAuto, FormatJSONL, FormatText, FormatChatwoot, FormatTWCS}

// DefaultMaxLineBytes is the longest input line, in bytes without the line
// ending, that a Reader accepts when Options.MaxLineBytes is 0. A longer
// line is rejected on its own and reading goes on with the next line.
const DefaultMaxLineBytes = 1 << 20

// readBufferSize is the size of the buffer a Reader reads through; auto
// detection looks at most this far for the first non-blank character.
const readBufferSize = 64 << 10

// Options configures a Reader.
type Options struct {
	// Format is the input format; "" means FormatAuto.
	Format Format
	// Source names the input in errors: a file path, or "stdin". A
	// transcript without another conversation id is named after the
	// file's base name. "" means "stdin".
	Source string
	// Conversation is the conversation id of a transcript. It takes
	// precedence over a "# conversation:" header and the file name. In
	// JSON Lines it fills in events that have no conversation field.
	Conversation string
	// Location is the time zone of transcript times that carry no UTC
	// offset. It takes precedence over a "# timezone:" header; nil means
	// the header's zone, or UTC without one.
	Location *time.Location
	// MaxLineBytes is the longest line accepted, in bytes; 0 means
	// DefaultMaxLineBytes. It also bounds one Chatwoot payload and one
	// TWCS record, which may span several lines.
	MaxLineBytes int
	// ReportSkipped makes Next return an Item with Skipped set for input
	// that is valid but carries no chat event, such as a Chatwoot
	// webwidget_triggered payload. Without it such input is dropped
	// silently.
	ReportSkipped bool
}

// Item is one result of Reader.Next: an accepted event or a rejected line.
type Item struct {
	// Event is the accepted event, or nil when the line was rejected.
	Event *triage.Event
	// Line is the 1-based line where the event, or the rejected input,
	// starts.
	Line int
	// Err describes why the line was rejected; nil for an accepted event.
	Err *LineError
	// Skipped, when not empty, says why valid input yielded no event.
	// Only a Reader with Options.ReportSkipped returns such Items.
	Skipped string
}

// LineError is a rejected input line: where it is, which field is wrong
// when one is, and what to do about it.
type LineError struct {
	Source string
	Line   int
	Field  string // empty when the problem is not one field
	Reason string
}

// Error formats the error as "SOURCE:LINE: field "NAME": REASON".
func (e *LineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s:%d: field %q: %s", e.Source, e.Line, e.Field, e.Reason)
}

// lineParser turns the lines of one format into events and rejections,
// which it hands to the Reader's accept and reject.
type lineParser interface {
	// parse handles one line that passed the Reader's own checks.
	parse(number int, text []byte)
	// finish handles the end of the input.
	finish()
	// pending reports whether an event has started but is not complete,
	// so that rejections of later lines must wait until it is.
	pending() bool
}

// Reader reads one input stream and returns its events one at a time. A bad
// line is returned as a rejected Item and reading goes on with the next
// line.
//
// Every accepted event has an id: the one the source gives, or
// triage.DeriveID of the event and the number of identical events
// (triage.TupleKey) accepted earlier in the stream. Reading the same input
// again therefore yields the same ids. An id that the source repeats is
// passed on: the daemon skips the repeat as a duplicate when its content is
// the same and keeps both, logging the clash, when it differs. A Reader
// keeps one counter per distinct event to do this, so its memory grows
// with the length of the stream.
type Reader struct {
	opts   Options
	lines  *lineReader
	parser lineParser

	queue []Item
	// deferred contains rejections of lines read while an earlier event
	// was still pending, so that Items come out in line order.
	deferred []Item
	done     bool
	err      error

	tuples map[[32]byte]int // sha256 of TupleKey -> accepted count
}

// NewReader returns a Reader of r. With FormatAuto it reads ahead to find
// the first non-blank character. It returns a *LineError when the format is
// unknown or cannot be detected, and the error of r when reading ahead
// fails.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if opts.Source == "" {
		opts.Source = "stdin"
	}
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	br := bufio.NewReaderSize(r, readBufferSize)
	format := opts.Format
	switch format {
	case "", FormatAuto:
		detected, err := detectStream(br, opts.Source)
		if err != nil {
			return nil, err
		}
		format = detected
	case FormatJSONL, FormatText, FormatChatwoot, FormatTWCS:
	default:
		return nil, &LineError{Source: opts.Source, Reason: fmt.Sprintf(
			"unknown format %q: use auto, jsonl, text, chatwoot or twcs", format)}
	}
	opts.Format = format

	rd := &Reader{
		opts:   opts,
		lines:  newLineReader(br, opts.MaxLineBytes),
		tuples: make(map[[32]byte]int),
	}
	switch format {
	case FormatJSONL:
		rd.parser = &jsonParser{r: rd}
	case FormatChatwoot:
		rd.parser = newChatwootParser(rd)
	case FormatTWCS:
		rd.parser = newTWCSParser(rd)
	default:
		rd.parser = newTranscriptParser(rd)
	}
	return rd, nil
}

// Format returns the format the Reader reads, after auto detection.
func (r *Reader) Format() Format { return r.opts.Format }

// Next returns the next accepted event or rejected line, and io.EOF after
// the last one. When the underlying reader returns ErrNeedInput, Next
// returns ErrNeedInput and may be called again once more input is there.
// It returns another error only when reading the underlying reader fails,
// after the Items of the lines read before the failure.
func (r *Reader) Next() (Item, error) {
	for len(r.queue) == 0 {
		if r.done {
			if r.err != nil {
				return Item{}, r.err
			}
			return Item{}, io.EOF
		}
		if starved := r.step(); starved && len(r.queue) == 0 {
			return Item{}, ErrNeedInput
		}
	}
	item := r.queue[0]
	r.queue = r.queue[1:]
	return item, nil
}

// step reads one line and queues what it yields. It reports whether the
// source returned ErrNeedInput, in which case nothing was read.
func (r *Reader) step() (starved bool) {
	line, err := r.lines.next()
	if errors.Is(err, ErrNeedInput) {
		return true
	}
	if err != nil {
		r.done = true
		if !errors.Is(err, io.EOF) {
			r.err = fmt.Errorf("read %s: %w", r.opts.Source, err)
		}
		r.parser.finish()
		r.flushDeferred()
		return false
	}
	switch {
	case line.tooLong:
		r.reject(line.number, "", fmt.Sprintf(
			"line is longer than %d bytes, the maximum for one line: split it", r.opts.MaxLineBytes))
	case line.hadNUL:
		r.reject(line.number, "", "line contains a NUL byte; the input may be UTF-16 or binary: convert it to UTF-8")
	default:
		r.parser.parse(line.number, line.text)
	}
	return false
}

// reject queues a rejected line.
func (r *Reader) reject(line int, field, reason string) {
	item := Item{Line: line, Err: &LineError{Source: r.opts.Source, Line: line, Field: field, Reason: reason}}
	if r.parser.pending() {
		r.deferred = append(r.deferred, item)
		return
	}
	r.queue = append(r.queue, item)
}

// skip queues a notice that valid input at line yielded no event, when
// the options ask for such notices.
func (r *Reader) skip(line int, reason string) {
	if !r.opts.ReportSkipped {
		return
	}
	item := Item{Line: line, Skipped: reason}
	if r.parser.pending() {
		r.deferred = append(r.deferred, item)
		return
	}
	r.queue = append(r.queue, item)
}

// accept validates ev, gives it an id when it has none and queues it, or
// queues the rejection of its line.
func (r *Reader) accept(ev *triage.Event, line int) {
	defer r.flushDeferred()
	if err := ev.Validate(); err != nil {
		var fe *triage.FieldError
		if errors.As(err, &fe) {
			r.queueReject(line, fe.Field, fe.Reason)
		} else {
			r.queueReject(line, "", err.Error())
		}
		return
	}
	ev.At = ev.At.UTC()
	key := sha256.Sum256([]byte(triage.TupleKey(ev)))
	if ev.ID == "" {
		ev.ID = triage.DeriveID(ev, r.tuples[key])
	}
	r.tuples[key]++
	r.queue = append(r.queue, Item{Event: ev, Line: line})
}

// queueReject queues a rejection in place, for a line whose event was
// pending until now.
func (r *Reader) queueReject(line int, field, reason string) {
	r.queue = append(r.queue, Item{Line: line, Err: &LineError{Source: r.opts.Source, Line: line, Field: field, Reason: reason}})
}

// flushDeferred queues the rejections that waited for a pending event.
func (r *Reader) flushDeferred() {
	if r.parser.pending() {
		return
	}
	r.queue = append(r.queue, r.deferred...)
	r.deferred = r.deferred[:0]
}
