package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// ErrNeedInput is returned by a source that has no more input now but may
// have more later, such as a file that is still being written. A Reader
// over such a source returns it from Next and can be called again.
var ErrNeedInput = errors.New("no more input yet")

// FlushPending hands on a transcript message that waits for continuation
// lines, without waiting for the next event line, and reports whether
// there was one. A continuation line that arrives after it is rejected.
// Readers of other formats have nothing to flush.
func (r *Reader) FlushPending() bool {
	p, ok := r.parser.(interface{ flushPending() })
	if !ok || !r.parser.pending() {
		return false
	}
	p.flushPending()
	r.flushDeferred()
	return true
}

// Defaults of FollowOptions.
const (
	DefaultFollowPoll  = 250 * time.Millisecond
	DefaultFollowQuiet = 2 * time.Second
)

// FingerprintBytes is how many bytes from the start of a followed file
// its fingerprint covers.
const FingerprintBytes = 4096

// maxReadChunk bounds what one poll reads from a followed file, so that a
// large backlog reaches the caller in parts.
const maxReadChunk = 1 << 20

// FollowState is a follower's position in one file: every Item up to Line,
// which ends at byte Offset, has been handled. The fingerprint identifies
// the file, so that a rotated or rewritten file is read from its start.
type FollowState struct {
	Path             string `json:"path"`
	Offset           int64  `json:"offset"`
	Line             int    `json:"line"`
	Fingerprint      string `json:"fingerprint"`
	FingerprintBytes int    `json:"fingerprint_bytes"`
}

// FollowOptions configures a Follower.
type FollowOptions struct {
	// Options configures the Reader of each generation of the file. Its
	// Source defaults to the path.
	Options
	// Poll is how often Wait checks the file; 0 means DefaultFollowPoll.
	Poll time.Duration
	// Quiet is how long a transcript message may wait for continuation
	// lines before it is sent anyway; 0 means DefaultFollowQuiet.
	Quiet time.Duration
	// Resume is the state saved by an earlier run. When its fingerprint
	// and size still match the file, the Items up to Resume.Line are
	// read again but not returned.
	Resume *FollowState
	// Notify, when set, receives notices such as "file truncated".
	Notify func(msg string)
}

// FollowItem is an Item of a followed file and the state to save once it
// and every Item before it are handled.
type FollowItem struct {
	Item
	State FollowState
}

// Follower reads a file that grows, as tail -F does. It reads lines as
// they are appended. When the file is truncated, or replaced by a new file
// under the same path (rename and recreate), it starts over from the first
// byte. Each such start is a new stream, read by a new Reader, so
// derived ids count identical events from the start of that file only.
//
// A Follower reads the file from its start even when it resumes, so that
// transcript headers and derived ids are the same as in the first run.
type Follower struct {
	path string
	opts FollowOptions

	file    *os.File
	readOff int64 // bytes read from file
	head    []byte
	feed    *feed
	reader  *Reader
	// lineEnds[i] is the offset just after line i+1.
	lineEnds []int64
	lastData time.Time
	// skipLine is the last line of the first file that was handled by an
	// earlier run.
	skipLine int
	resumed  bool
	// ending is set when the file was truncated or replaced: the current
	// Reader reads to its end and then the next file starts.
	ending bool
}

// NewFollower returns a Follower of path. The file need not exist yet.
// The TWCS CSV cannot be followed, because its reader threads the tweets
// only when the input ends.
func NewFollower(path string, opts FollowOptions) (*Follower, error) {
	if opts.Format == FormatTWCS {
		return nil, errTWCSFollow(path)
	}
	if opts.Source == "" {
		opts.Source = path
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultFollowPoll
	}
	if opts.Quiet <= 0 {
		opts.Quiet = DefaultFollowQuiet
	}
	f := &Follower{path: path, opts: opts}
	if err := f.open(); err != nil {
		return nil, err
	}
	return f, nil
}

func errTWCSFollow(path string) error {
	return &LineError{Source: path, Reason: "the TWCS CSV cannot be followed, because its reader threads tweets " +
		"only once the input ends: ingest the file without --follow"}
}

func (f *Follower) notify(format string, args ...any) {
	if f.opts.Notify != nil {
		f.opts.Notify(fmt.Sprintf(format, args...))
	}
}

// open opens the path and starts a new stream, or leaves the Follower
// waiting when the path does not exist.
func (f *Follower) open() error {
	file, err := os.Open(f.path)
	if errors.Is(err, os.ErrNotExist) {
		f.file = nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", f.path, err)
	}
	f.file = file
	f.restart()
	if !f.resumed {
		f.resumed = true
		f.applyResume()
	}
	return nil
}

// restart begins a new stream at the first byte of the open file.
func (f *Follower) restart() {
	f.readOff = 0
	f.head = f.head[:0]
	f.feed = &feed{}
	f.reader = nil
	f.lineEnds = f.lineEnds[:0]
	f.ending = false
	f.skipLine = 0
	f.lastData = time.Now()
}

// applyResume skips the lines of an earlier run when the file is still the
// one that run read.
func (f *Follower) applyResume() {
	st := f.opts.Resume
	if st == nil || st.Line <= 0 {
		return
	}
	info, err := f.file.Stat()
	if err != nil || info.Size() < st.Offset || st.FingerprintBytes > FingerprintBytes {
		f.notify("%s: the file is shorter than the saved position; reading it from the start", f.path)
		return
	}
	head := make([]byte, st.FingerprintBytes)
	if _, err := f.file.ReadAt(head, 0); err != nil || fingerprint(head) != st.Fingerprint {
		f.notify("%s: the file's first bytes changed since the saved position; reading it from the start", f.path)
		return
	}
	f.skipLine = st.Line
}

func fingerprint(head []byte) string {
	sum := sha256.Sum256(head)
	return hex.EncodeToString(sum[:])
}

// Next returns the next Item, ErrNeedInput when there is none until more
// input arrives (call Wait), or an error that ends the follow.
func (f *Follower) Next() (FollowItem, error) {
	for {
		if f.reader == nil {
			if err := f.startReader(); err != nil {
				return FollowItem{}, err
			}
			if f.reader == nil {
				return FollowItem{}, ErrNeedInput
			}
		}
		item, err := f.reader.Next()
		switch {
		case err == nil:
			if item.Line <= f.skipLine {
				continue
			}
			return FollowItem{Item: item, State: f.stateAt(item.Line)}, nil
		case errors.Is(err, io.EOF):
			if err := f.next(); err != nil {
				return FollowItem{}, err
			}
		default:
			return FollowItem{}, err
		}
	}
}

// next moves on to the file that replaced the one read to its end, or to
// the start of a truncated file.
func (f *Follower) next() error {
	f.reader = nil
	if f.file != nil {
		info, err := os.Stat(f.path)
		cur, ferr := f.file.Stat()
		if err == nil && ferr == nil && os.SameFile(info, cur) {
			f.restart()
			return nil
		}
		_ = f.file.Close()
		f.file = nil
	}
	return f.open()
}

// startReader creates the Reader once the format can be detected.
func (f *Follower) startReader() error {
	if f.file == nil {
		return nil
	}
	opts := f.opts.Options
	if opts.Format == "" || opts.Format == FormatAuto {
		if !detectReady(f.feed.buf, f.feed.closed) {
			return nil
		}
		format, line, err := detect(f.feed.buf)
		switch {
		case errors.Is(err, errBlank):
			format = FormatJSONL
		case err != nil:
			return &LineError{Source: opts.Source, Line: line, Reason: err.Error()}
		case format == FormatTWCS:
			return errTWCSFollow(f.path)
		}
		opts.Format = format
	}
	rd, err := NewReader(f.feed, opts)
	if err != nil {
		return err
	}
	f.reader = rd
	return nil
}

// detectReady reports whether buf holds enough to tell its format: the
// first JSON value complete, or one whole line of any other input.
func detectReady(buf []byte, closed bool) bool {
	if closed || len(buf) >= readBufferSize {
		return true
	}
	rest := bytes.TrimLeft(bytes.TrimPrefix(buf, utf8BOM), " \t\r\n")
	if len(rest) == 0 {
		return false
	}
	if rest[0] == '{' {
		var v json.RawMessage
		return json.NewDecoder(bytes.NewReader(rest)).Decode(&v) == nil
	}
	return bytes.IndexByte(rest, '\n') >= 0
}

// stateAt returns the state after line of the current stream.
func (f *Follower) stateAt(line int) FollowState {
	end := f.readOff
	if line >= 1 && line <= len(f.lineEnds) {
		end = f.lineEnds[line-1]
	}
	return FollowState{
		Path:             f.path,
		Offset:           end,
		Line:             line,
		Fingerprint:      fingerprint(f.head),
		FingerprintBytes: len(f.head),
	}
}

// Wait blocks until Next may return something new: more of the file was
// read, the file was truncated or replaced, or a transcript message was
// flushed after the quiet period. It returns ctx's error when ctx ends.
func (f *Follower) Wait(ctx context.Context) error {
	ticker := time.NewTicker(f.opts.Poll)
	defer ticker.Stop()
	for {
		progressed, err := f.poll()
		if err != nil {
			return err
		}
		if progressed {
			return nil
		}
		if f.reader != nil && time.Since(f.lastData) >= f.opts.Quiet && f.reader.FlushPending() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}

// poll reads what was appended, or notices truncation and replacement,
// and reports whether anything changed.
func (f *Follower) poll() (bool, error) {
	if f.file == nil {
		if err := f.open(); err != nil {
			return false, err
		}
		return f.file != nil, nil
	}
	if f.ending {
		return false, nil
	}
	n, err := f.read()
	if err != nil {
		return false, err
	}
	if n > 0 {
		return true, nil
	}
	cur, err := f.file.Stat()
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", f.path, err)
	}
	if cur.Size() < f.readOff {
		f.notify("%s: file truncated; reading it from the start", f.path)
		f.end()
		return true, nil
	}
	info, err := os.Stat(f.path)
	if err != nil || os.SameFile(info, cur) {
		return false, nil // gone without a successor yet, or unchanged
	}
	f.notify("%s: the file was replaced; reading the new one from the start", f.path)
	f.end()
	return true, nil
}

// end finishes the current stream, so that its Reader reaches the end of
// input.
func (f *Follower) end() {
	f.ending = true
	f.feed.closed = true
}

// read appends at most maxReadChunk new bytes of the file to the feed.
func (f *Follower) read() (int, error) {
	buf := make([]byte, min(maxReadChunk, 64<<10))
	total := 0
	for total < maxReadChunk {
		n, err := f.file.ReadAt(buf, f.readOff)
		if n > 0 {
			f.take(buf[:n])
			total += n
		}
		if errors.Is(err, io.EOF) || n == 0 {
			break
		}
		if err != nil {
			return total, fmt.Errorf("read %s: %w", f.path, err)
		}
	}
	return total, nil
}

// take hands bytes read at readOff to the feed and records line ends.
func (f *Follower) take(data []byte) {
	if need := FingerprintBytes - len(f.head); need > 0 {
		f.head = append(f.head, data[:min(need, len(data))]...)
	}
	for i, b := range data {
		if b == '\n' {
			f.lineEnds = append(f.lineEnds, f.readOff+int64(i)+1)
		}
	}
	f.readOff += int64(len(data))
	f.feed.buf = append(f.feed.buf, data...)
	f.lastData = time.Now()
}

// Close closes the file.
func (f *Follower) Close() error {
	if f.file == nil {
		return nil
	}
	return f.file.Close()
}

// feed is the source of a follower's Reader: the bytes read so far, then
// ErrNeedInput, or io.EOF once closed.
type feed struct {
	buf    []byte
	closed bool
}

func (f *feed) Read(p []byte) (int, error) {
	if len(f.buf) == 0 {
		f.buf = f.buf[:0]
		if f.closed {
			return 0, io.EOF
		}
		return 0, ErrNeedInput
	}
	n := copy(p, f.buf)
	f.buf = f.buf[n:]
	return n, nil
}
