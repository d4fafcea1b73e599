package sentiment

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// stateFormat is the first byte of a State's binary form. A JSON form,
// which earlier versions stored, starts with '{' instead.
const stateFormat = 1

// Flags in the binary form: which times are set, and Closed.
const (
	stateLastCustomer = 1 << iota
	stateLastReply
	stateTyping
	stateWaiting
	stateClosed
)

// MarshalBinary encodes the state compactly for storage. UnmarshalBinary
// reads it back, and also reads the JSON form.
func (st *State) MarshalBinary() ([]byte, error) {
	times := [...]struct {
		t    time.Time
		flag byte
	}{
		{st.LastCustomerAt, stateLastCustomer},
		{st.LastReplyAt, stateLastReply},
		{st.TypingAt, stateTyping},
		{st.WaitingSince, stateWaiting},
	}
	var flags byte
	for _, tm := range times {
		if !tm.t.IsZero() {
			flags |= tm.flag
		}
	}
	if st.Closed {
		flags |= stateClosed
	}

	b := make([]byte, 0, 64+len(st.Recent)*4*maxSignature)
	b = append(b, stateFormat, flags)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(st.Frustration))
	b = binary.AppendUvarint(b, uint64(max(st.Turns, 0)))
	for _, tm := range times {
		if !tm.t.IsZero() {
			b = binary.AppendVarint(b, tm.t.Unix())
			b = binary.AppendUvarint(b, uint64(tm.t.Nanosecond()))
		}
	}

	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(st.BaselineSpeed))
	b = binary.AppendUvarint(b, uint64(max(st.BaselineTurns, 0)))
	b = binary.AppendUvarint(b, uint64(max(st.Burst, 0)))
	b = binary.AppendUvarint(b, uint64(len(st.Recent)))
	for _, sig := range st.Recent {
		b = binary.AppendUvarint(b, uint64(len(sig)))
		for _, h := range sig {
			b = binary.LittleEndian.AppendUint32(b, h)
		}
	}
	return b, nil
}

// errStateTruncated reports a binary state that ends early.
var errStateTruncated = errors.New("scorer state is truncated")

// UnmarshalBinary decodes a state that MarshalBinary encoded, or the
// JSON form of a State.
func (st *State) UnmarshalBinary(data []byte) error {
	if len(data) > 0 && data[0] == '{' {
		return json.Unmarshal(data, st)
	}
	if len(data) < 2 {
		return errStateTruncated
	}
	if data[0] != stateFormat {
		return fmt.Errorf("scorer state has format %d, want %d", data[0], stateFormat)
	}

	d := stateDecoder{data: data[2:]}
	flags := data[1]
	var out State
	out.Frustration = d.float()
	out.Turns = d.int()
	for _, tm := range []struct {
		t    *time.Time
		flag byte
	}{
		{&out.LastCustomerAt, stateLastCustomer},
		{&out.LastReplyAt, stateLastReply},
		{&out.TypingAt, stateTyping},
		{&out.WaitingSince, stateWaiting},
	} {
		if flags&tm.flag != 0 {
			sec := d.varint()
			*tm.t = time.Unix(sec, int64(d.uvarint())).UTC()
		}
	}
	out.Closed = flags&stateClosed != 0
	out.BaselineSpeed = d.float()
	out.BaselineTurns = d.int()
	out.Burst = d.int()

	if n := d.uvarint(); n > 0 && d.err == nil {
		if n > uint64(len(d.data)) {
			return errStateTruncated
		}
		out.Recent = make([][]uint32, 0, n)
		for range n {
			size := d.uvarint()
			if d.err != nil || size > uint64(len(d.data))/4 {
				return errStateTruncated
			}
			sig := make([]uint32, size)
			for i := range sig {
				sig[i] = binary.LittleEndian.Uint32(d.data[4*i:])
			}
			d.data = d.data[4*size:]
			out.Recent = append(out.Recent, sig)
		}
	}
	if d.err != nil {
		return d.err
	}
	*st = out
	return nil
}

// stateDecoder reads the binary form, keeping the first error.
type stateDecoder struct {
	data []byte
	err  error
}

func (d *stateDecoder) float() float64 {
	if d.err != nil || len(d.data) < 8 {
		d.err = errStateTruncated
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.data))
	d.data = d.data[8:]
	return v
}

func (d *stateDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data)
	if n <= 0 {
		d.err = errStateTruncated
		return 0
	}
	d.data = d.data[n:]
	return v
}

func (d *stateDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data)
	if n <= 0 {
		d.err = errStateTruncated
		return 0
	}
	d.data = d.data[n:]
	return v
}

// int reads a count, which the encoder never writes negative.
func (d *stateDecoder) int() int {
	v := d.uvarint()
	if v > math.MaxInt32 {
		d.err = fmt.Errorf("scorer state is invalid: count %d is out of range", v)
		return 0
	}
	return int(v)
}
