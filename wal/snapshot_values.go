package wal

import (
	"encoding/binary"
	"errors"
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
	errNegativeExpiry = errors.New("wal: snapshot: negative expiry")
	errValueExpiry    = corruptReason("expiry out of range")
	errNoValues       = corruptReason("values record holds no value")
)

// ValueBuffer gathers values in memory as finished values records, for
// SnapshotWriter.WriteValues: a caller can fill it under a lock (encoding
// a value costs about what copying it does, and leaves no garbage) and
// write it out after. Reset makes it reusable; its memory is kept. Not
// safe for concurrent use.
type ValueBuffer struct {
	recs   []valuesRecord // recs[:n] hold values; recs[n-1] is still open
	n      int
	values uint64 // in recs[:n]
	open   uint64 // in recs[n-1]
}

// Add adds one key of database db: its value as kind and elems, which
// only the loader interprets, and its expiry (Unix ms, 0 for none). A
// record ends at about snapshotValuesBytes or when the database changes.
// Nothing is retained.
func (b *ValueBuffer) Add(db int, key string, expireAt int64, kind byte, elems ...[]byte) error {
	return b.add(db, key, expireAt, kind, elems)
}

// Values is the number of values added since the last Reset.
func (b *ValueBuffer) Values() uint64 { return b.values }

// Reset empties the buffer, keeping its memory.
func (b *ValueBuffer) Reset() { b.n, b.values, b.open = 0, 0, 0 }

// add is Add. NB: neither key nor elems escapes, so that a caller's
// arguments (a string's bytes in a one-element slice) stay on its stack:
// an allocation per key was most of what a snapshot allocated.
func (b *ValueBuffer) add(db int, key string, expireAt int64, kind byte, elems [][]byte) error {
	switch {
	case db < 0:
		return errNegativeDB
	case expireAt < 0:
		return errNegativeExpiry
	}
	if b.n == 0 || b.recs[b.n-1].db != db || len(b.recs[b.n-1].buf) >= snapshotValuesBytes {
		if b.n == len(b.recs) {
			b.recs = append(b.recs, valuesRecord{})
		}
		b.recs[b.n].start(db)
		b.n, b.open = b.n+1, 0
	}
	r := &b.recs[b.n-1]
	size := 3*binary.MaxVarintLen64 + 1 + len(key)
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
	b.values++
	b.open++
	return nil
}

// valuesRecord is one values record being built in place.
type valuesRecord struct {
	buf []byte // the record so far, header and database included
	db  int
}

// start begins a record for database db, discarding what buf held.
func (r *valuesRecord) start(db int) {
	r.buf = append(r.buf[:0], recordVersion, recordTypeSnapValues, 0, 0, 0, 0)
	r.buf = binary.AppendUvarint(r.buf, uint64(db))
	r.db = db
}

// finish sets the record's CRC and returns it.
func (r *valuesRecord) finish() []byte {
	binary.LittleEndian.PutUint32(r.buf[2:headerSize], checksum(r.buf))
	return r.buf
}

// checkValues verifies a values record's header, CRC and payload structure
// without allocating, and returns how many values and elements it holds.
func checkValues(rec []byte) (nvals, nelems int, err error) {
	p, err := checkHeader(rec, recordTypeSnapValues)
	if err != nil {
		return 0, 0, err
	}
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
		if err := skipBytes(&p); err != nil {
			return 0, 0, err
		}
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
			if err := skipBytes(&p); err != nil {
				return 0, 0, err
			}
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
	b.endRecord(size)
	return nil
}
