package wal

import (
	"encoding/binary"
	"math"
	"slices"
)

// Values records: a snapshot's keys as values rather than as commands (see
// the package documentation). wal checks their framing only; what a Kind
// and its elements mean is the loader's business.

// Value is one key of a snapshot's values record.
type Value struct {
	DB       int
	Key      []byte
	ExpireAt int64 // Unix ms; 0 = no TTL
	// Kind says how Elems encode the value; the snapshot's writer and its
	// loader agree on the kinds (broker/snapshot_values.go).
	Kind  byte
	Elems [][]byte
}

var (
	errValueExpiry = corruptReason("expiry out of range")
	errNoValues    = corruptReason("values record holds no value")
)

// valuesRecord builds one values record in place. The zero value is
// empty; start begins a record for a database.
type valuesRecord struct {
	buf []byte // the record so far, header and database included; empty when none
	n   int    // values in it
	db  int
}

// start begins a record for database db, discarding what buf held.
func (r *valuesRecord) start(db int) {
	r.buf = append(r.buf[:0], recordVersion, recordTypeSnapValues, 0, 0, 0, 0)
	r.buf = binary.AppendUvarint(r.buf, uint64(db))
	r.n, r.db = 0, db
}

// add appends one value. expireAt must not be negative.
func (r *valuesRecord) add(key []byte, expireAt int64, kind byte, elems [][]byte) {
	size := 2*binary.MaxVarintLen64 + 1 + len(key) + binary.MaxVarintLen64
	for _, e := range elems {
		size += binary.MaxVarintLen64 + len(e)
	}
	r.buf = slices.Grow(r.buf, size)
	r.buf = binary.AppendUvarint(r.buf, uint64(len(key)))
	r.buf = append(r.buf, key...)
	r.buf = binary.AppendUvarint(r.buf, uint64(expireAt))
	r.buf = append(r.buf, kind)
	r.buf = binary.AppendUvarint(r.buf, uint64(len(elems)))
	for _, e := range elems {
		r.buf = binary.AppendUvarint(r.buf, uint64(len(e)))
		r.buf = append(r.buf, e...)
	}
	r.n++
}

// finish sets the record's CRC and returns it.
func (r *valuesRecord) finish() []byte {
	binary.LittleEndian.PutUint32(r.buf[2:headerSize], checksum(r.buf))
	return r.buf
}

// checkValues verifies a values record's header, CRC and payload structure
// without allocating, and returns how many values and elements it holds.
func checkValues(rec []byte) (nvals, nelems int, err error) {
	if len(rec) < headerSize {
		return 0, 0, errShortRecord
	}
	if binary.LittleEndian.Uint32(rec[2:headerSize]) != checksum(rec) {
		return 0, 0, errChecksum
	}
	if rec[0] != recordVersion {
		return 0, 0, errVersion
	}
	if rec[1] != recordTypeSnapValues {
		return 0, 0, errType
	}
	p := rec[headerSize:]
	db, err := readUvarint(&p)
	if err != nil {
		return 0, 0, err
	}
	if db > math.MaxInt {
		return 0, 0, errDBRange
	}
	// NB: each value consumes at least four bytes and each element at
	// least one, so these loops end within len(rec) iterations whatever
	// the counts claim.
	for len(p) > 0 {
		n, err := readUvarint(&p)
		if err != nil {
			return 0, 0, err
		}
		if n > uint64(len(p)) {
			return 0, 0, errTruncated
		}
		p = p[n:]
		exp, err := readUvarint(&p)
		if err != nil {
			return 0, 0, err
		}
		if exp > math.MaxInt64 {
			return 0, 0, errValueExpiry
		}
		if len(p) == 0 {
			return 0, 0, errTruncated
		}
		p = p[1:] // kind
		count, err := readUvarint(&p)
		if err != nil {
			return 0, 0, err
		}
		for ; count > 0; count-- {
			n, err := readUvarint(&p)
			if err != nil {
				return 0, 0, err
			}
			if n > uint64(len(p)) {
				return 0, 0, errTruncated
			}
			p = p[n:]
			nelems++
		}
		nvals++
	}
	if nvals == 0 {
		return 0, 0, errNoValues
	}
	return nvals, nelems, nil
}

// fillValues decodes rec, whose structure checkValues has verified, into
// vals and elems, which have exactly the room checkValues counted. The
// values' Elems are slices of elems, and every byte slice aliases rec.
func fillValues(rec []byte, vals []Value, elems [][]byte) {
	p := rec[headerSize:]
	db, _ := readUvarint(&p)
	a := 0
	for i := range vals {
		n, _ := readUvarint(&p)
		v := Value{DB: int(db), Key: p[:n:n]}
		p = p[n:]
		exp, _ := readUvarint(&p)
		v.ExpireAt, v.Kind = int64(exp), p[0]
		p = p[1:]
		count, _ := readUvarint(&p)
		if count > 0 {
			v.Elems = elems[a : a+int(count) : a+int(count)]
			for j := range v.Elems {
				n, _ := readUvarint(&p)
				v.Elems[j] = p[:n:n]
				p = p[n:]
			}
			a += int(count)
		}
		vals[i] = v
	}
}

// addValues decodes rec, a values record of an entry of size bytes, and
// appends its values. rec must stay as it is while the batch is used.
func (b *replayBatch) addValues(rec []byte, size int) error {
	nvals, nelems, err := checkValues(rec)
	if err != nil {
		return err
	}
	b.vals = slices.Grow(b.vals, nvals)
	b.args = slices.Grow(b.args, nelems)
	n, a := len(b.vals), len(b.args)
	b.vals, b.args = b.vals[:n+nvals], b.args[:a+nelems]
	fillValues(rec, b.vals[n:], b.args[a:])
	b.ends = append(b.ends, len(b.ops))
	b.vends = append(b.vends, len(b.vals))
	b.bytes += uint64(size)
	return nil
}
