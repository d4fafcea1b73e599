package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Value formats. The first byte of every stored event, ticket and
// conversation names its kind and layout, so that a decoder rejects a
// value of another kind or layout instead of misreading it. None of them
// is '{', the first byte of the JSON values of schema version 1.
//
// A layout is a fixed sequence of fields (see appendEvent, appendTicket
// and appendConversation). To add a field, add a new format byte and
// keep decoding the old one, or migrate the bucket.
const (
	formatEvent        byte = 0xE1
	formatTicket       byte = 0xD2
	formatConversation byte = 0xC1

	// formatTicketV1 is the ticket layout before Ticket.Incident: the
	// same fields without the incident id at the end. It is still read.
	formatTicketV1 byte = 0xD1
)

// errTruncated is the cause of every decoding error on a value that ends
// before its last field.
var errTruncated = errors.New("value is truncated")

// encoder appends fields to buf. Integers are varints, floats are the 8
// little-endian bytes of their IEEE 754 bits, and strings and byte
// slices are a uvarint length followed by the bytes.
type encoder struct {
	buf []byte
}

func (e *encoder) byte(b byte) { e.buf = append(e.buf, b) }

func (e *encoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

func (e *encoder) int(v int64) { e.buf = binary.AppendVarint(e.buf, v) }

func (e *encoder) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

func (e *encoder) float(v float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
}

func (e *encoder) string(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) bytes(b []byte) {
	e.uint(uint64(len(b)))
	e.buf = append(e.buf, b...)
}

// count writes the length of a slice or map as n+1, or 0 for nil, so
// that a nil slice and an empty one decode as they were. The JSON form of
// a ticket prints null for one and [] for the other.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

// time writes Unix seconds, nanoseconds and the zone offset in seconds.
// A zero offset decodes as UTC and any other as a fixed zone, which is
// what a JSON round trip of the time gives.
func (e *encoder) time(t time.Time) {
	_, offset := t.Zone()
	e.int(t.Unix())
	e.uint(uint64(t.Nanosecond()))
	e.int(int64(offset))
}

func (e *encoder) timePtr(t *time.Time) {
	e.bool(t != nil)
	if t != nil {
		e.time(*t)
	}
}

func (e *encoder) stringPtr(s *string) {
	e.bool(s != nil)
	if s != nil {
		e.string(*s)
	}
}

func (e *encoder) stringList(list []string) {
	e.count(len(list), list == nil)
	for _, s := range list {
		e.string(s)
	}
}

func (e *encoder) floatList(list []float64) {
	e.count(len(list), list == nil)
	for _, v := range list {
		e.float(v)
	}
}

// intMap writes the entries in key order, so that equal maps encode to
// equal bytes.
func (e *encoder) intMap(m map[string]int) {
	e.count(len(m), m == nil)
	keys := make([]string, 0, 8) // on the stack for small maps
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e.string(k)
		e.int(int64(m[k]))
	}
}

// decoder reads what encoder writes. The value's bytes belong to bbolt
// and are valid only inside the transaction, so every decoded string is a
// copy. A decoder from newDecoder makes one string copy of the whole value,
// which all its strings share. A decoder from newFieldDecoder copies each
// string on its own, which is cheaper when only a few fields are read.
// The first failure is kept in err, and every later read returns a zero
// value.
type decoder struct {
	data []byte
	// text is the string copy of data, or "" when strings are copied one
	// by one.
	text string
	pos  int
	err  error
}

func newDecoder(value []byte) decoder {
	return decoder{data: value, text: string(value)}
}

func newFieldDecoder(value []byte) decoder {
	return decoder{data: value}
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// finish returns the first failure, or an error when bytes are left over.
func (d *decoder) finish() error {
	if d.err == nil && d.pos != len(d.data) {
		d.err = fmt.Errorf("%d bytes left after the last field", len(d.data)-d.pos)
	}
	return d.err
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.pos >= len(d.data) {
		d.fail(errTruncated)
		return 0
	}
	b := d.data[d.pos]
	d.pos++
	return b
}

func (d *decoder) uint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.err != nil {
			return 0
		}
		if d.pos >= len(d.data) {
			d.fail(errTruncated)
			return 0
		}
		b := d.data[d.pos]
		d.pos++
		if shift == 63 && b > 1 {
			break
		}
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v
		}
	}
	d.fail(errors.New("varint overflows 64 bits"))
	return 0
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) bool() bool {
	switch b := d.byte(); b {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail(fmt.Errorf("invalid boolean byte %d", b))
		return false
	}
}

func (d *decoder) float() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.data)-d.pos < 8 {
		d.fail(errTruncated)
		return 0
	}
	var bits uint64
	for i := 7; i >= 0; i-- {
		bits = bits<<8 | uint64(d.data[d.pos+i])
	}
	d.pos += 8
	return math.Float64frombits(bits)
}

// span returns the bounds of the next n bytes, checking first that they
// exist.
func (d *decoder) span(n uint64) (start, end int) {
	if d.err != nil {
		return d.pos, d.pos
	}
	if n > uint64(len(d.data)-d.pos) {
		d.fail(errTruncated)
		return d.pos, d.pos
	}
	start = d.pos
	d.pos += int(n)
	return start, d.pos
}

func (d *decoder) string() string {
	start, end := d.span(d.uint())
	if d.text != "" {
		return d.text[start:end]
	}
	return string(d.data[start:end])
}

// bytes returns a copy of a byte field, or nil when it is empty.
func (d *decoder) bytes() []byte {
	start, end := d.span(d.uint())
	if start == end {
		return nil
	}
	return bytes.Clone(d.data[start:end])
}

// count reads what encoder.count writes. A count larger than the bytes
// left is rejected before the caller allocates for it, because every
// element takes at least one byte.
func (d *decoder) count() (n int, isNil bool) {
	c := d.uint()
	if c == 0 {
		return 0, true
	}
	if c-1 > uint64(len(d.data)-d.pos) {
		d.fail(errTruncated)
		return 0, true
	}
	return int(c - 1), false
}

func (d *decoder) time() time.Time {
	sec := d.int()
	nsec := d.uint()
	offset := d.int()
	if d.err != nil {
		return time.Time{}
	}
	if nsec >= 1e9 {
		d.fail(fmt.Errorf("invalid nanoseconds %d", nsec))
		return time.Time{}
	}
	if offset < -24*3600 || offset > 24*3600 {
		d.fail(fmt.Errorf("invalid zone offset %d seconds", offset))
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if offset == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(offset)))
}

func (d *decoder) timePtr() *time.Time {
	if !d.bool() {
		return nil
	}
	t := d.time()
	return &t
}

func (d *decoder) stringPtr() *string {
	if !d.bool() {
		return nil
	}
	s := d.string()
	return &s
}

func (d *decoder) stringList() []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	list := make([]string, n)
	for i := range list {
		list[i] = d.string()
	}
	return list
}

func (d *decoder) floatList() []float64 {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	list := make([]float64, n)
	for i := range list {
		list[i] = d.float()
	}
	return list
}

func (d *decoder) intMap() map[string]int {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	m := make(map[string]int, n)
	for range n {
		k := d.string()
		m[k] = int(d.int())
	}
	return m
}

// marker reads either a zero byte, returning false, or the bytes of
// marker, returning true.
func (d *decoder) marker(marker []byte) bool {
	if d.err == nil && bytes.HasPrefix(d.data[d.pos:], marker) {
		d.pos += len(marker)
		return true
	}
	if b := d.byte(); b != 0 {
		d.fail(fmt.Errorf("invalid marker byte %d", b))
	}
	return false
}

// format checks the first byte of a value.
func (d *decoder) format(want byte) {
	d.formatOf(want)
}

// formatOf checks that the first byte of a value is one of want and
// returns it, or 0 after a failure.
func (d *decoder) formatOf(want ...byte) byte {
	got := d.byte()
	if d.err == nil && got != '{' && slices.Contains(want, got) {
		return got
	}
	d.formatFailed(got, want[0])
	return 0
}

func (d *decoder) formatFailed(got, want byte) {
	switch {
	case d.err != nil:
	case got == '{':
		d.fail(errors.New("value is JSON, the format of schema version 1; " +
			"open the database with Open, which upgrades it"))
	case got != want:
		d.fail(fmt.Errorf("value has format byte 0x%02x, want 0x%02x", got, want))
	}
}
