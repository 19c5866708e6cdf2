package wal

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzWALRecord checks the record codec with properties:
//   - arbitrary bytes never panic, fail only with ErrCorrupt, never make
//     the decoder allocate beyond what their length justifies, and, when
//     they do decode, re-encode to the same bytes (one encoding per record);
//   - ops built from the input round-trip through encode and decode;
//   - every single-bit flip of an encoded record fails with ErrCorrupt,
//     never decoding to a different valid record.
//
// The corpus in testdata/fuzz/FuzzWALRecord holds encoded records and
// inputs for opsFromBytes; `go test` replays it.
func FuzzWALRecord(f *testing.F) {
	for _, ops := range goldenOps() {
		f.Add(appendRecord(nil, ops))
	}
	f.Add([]byte{})
	f.Add([]byte{1, 1, 0, 0, 0, 0, 0})
	f.Add([]byte("\x02\x03\x02\x03SET\x01k\x05value\x07\x01\x04PING"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d decoder
		ops, err := d.decode(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decode error %v does not wrap ErrCorrupt", err)
			}
		} else if again := appendRecord(nil, ops); !bytes.Equal(again, data) {
			t.Fatalf("decoded %+v re-encodes to\n% x\nnot\n% x", ops, again, data)
		}
		if len(data) > headerSize && (cap(d.ops) > len(data)/2 || cap(d.args) > len(data)) {
			t.Fatalf("%d input bytes made the decoder allocate %d ops and %d args", len(data), cap(d.ops), cap(d.args))
		}

		ops = opsFromBytes(data)
		rec := appendRecord(nil, ops)
		got, err := d.decode(rec)
		if err != nil {
			t.Fatalf("decode(encode(%+v)): %v", ops, err)
		}
		if !sameOps(got, ops) {
			t.Fatalf("decode(encode(ops)) = %+v, want %+v", got, ops)
		}

		// Flip every bit of small records, and a spread of bits of big
		// ones, to keep each input fast.
		step := 1
		if bits := len(rec) * 8; bits > 1024 {
			step = bits/1024 | 1
		}
		for bit := 0; bit < len(rec)*8; bit += step {
			rec[bit/8] ^= 1 << (bit % 8)
			if got, err := d.decode(rec); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("flipping bit %d still decodes, to %+v (err %v)", bit, got, err)
			}
			rec[bit/8] ^= 1 << (bit % 8)
		}
	})
}

// opsFromBytes reads ops out of arbitrary bytes, so that the fuzzer
// explores op and argument counts and sizes: an op count, then per op a
// database and an argument count, then per argument a length and that many
// bytes, each cut to what is left.
func opsFromBytes(b []byte) []Op {
	next := func() int {
		if len(b) == 0 {
			return 0
		}
		c := int(b[0])
		b = b[1:]
		return c
	}
	var ops []Op
	for n := next() % 8; n > 0; n-- {
		op := Op{DB: next() * 997}
		for argc := next() % 8; argc > 0; argc-- {
			size := min(next(), len(b))
			op.Args = append(op.Args, b[:size:size])
			b = b[size:]
		}
		ops = append(ops, op)
	}
	return ops
}
