package kv

import (
	"bytes"
	"encoding/binary"
	"maps"
	"slices"
	"unsafe"

	"github.com/brokerd/brokerd/command"
)

// Hash is the hash type: a set of field/value pairs. While it is small
// (at most hashMaxListpackEntries pairs, no field or value longer than
// hashMaxListpackValue bytes) its pairs are packed one after another in
// one []byte, in insertion order, as Redis's listpack keeps them: no map
// and no heap object per pair, and lookups are a linear scan of at most
// 512 pairs. Past either limit it becomes a Go map, as Redis converts to
// its dict, and it never converts back (Redis 7.2 does not either), so
// OBJECT ENCODING answers what Redis would for the same history.
//
// An empty Hash is never stored: commands delete the key instead. Not safe
// for concurrent use; commands hold the keyspace lock.
type Hash struct {
	// lp holds the pairs while the hash is packed: for each, the field and
	// then the value, each as a uvarint length followed by its bytes. nil
	// once m is set.
	lp []byte
	// n is the number of pairs in lp.
	n int
	// m holds the pairs once the hash is a hashtable.
	//
	// NB: a value slice is never written after it is stored (Set stores a
	// fresh copy), so Clone shares the value slices between the copies.
	m map[string][]byte
}

// Redis 7.2's defaults for hash-max-listpack-entries and
// hash-max-listpack-value: 512 and 64, both in config.c and in the shipped
// redis.conf (128 is the sorted sets' entry limit, not the hashes').
// CONFIG reports them and keeps them fixed (limits.go).
const (
	hashMaxListpackEntries = 512
	hashMaxListpackValue   = 64
)

// Type implements command.Value.
func (h *Hash) Type() string { return "hash" }

// Encoding implements command.Value.
func (h *Hash) Encoding() string {
	if h.m != nil {
		return "hashtable"
	}
	return "listpack"
}

// Clone implements command.Value: the same pairs in the same encoding. A
// packed hash costs one copy of at most a few KB; a hashtable costs a copy
// of the map, O(fields), sharing the value slices (see m).
func (h *Hash) Clone() command.Value {
	return &Hash{lp: slices.Clone(h.lp), n: h.n, m: maps.Clone(h.m)}
}

// Len is the number of fields.
func (h *Hash) Len() int {
	if h.m != nil {
		return len(h.m)
	}
	return h.n
}

// lpRead returns the length-prefixed string at p in lp and the offset
// after it.
func lpRead(lp []byte, p int) ([]byte, int) {
	l, w := binary.Uvarint(lp[p:])
	p += w
	end := p + int(l)
	return lp[p:end:end], end
}

// lpFind returns the offsets in lp of field's entry, of its value and of
// the end of its value, or fs = -1 when the field is absent.
func (h *Hash) lpFind(field []byte) (fs, vs, ve int) {
	for p := 0; p < len(h.lp); {
		f, q := lpRead(h.lp, p)
		_, end := lpRead(h.lp, q)
		if bytes.Equal(f, field) {
			return p, q, end
		}
		p = end
	}
	return -1, 0, 0
}

// Get returns the value of field. The slice is valid until the hash
// changes and must not be modified.
func (h *Hash) Get(field []byte) ([]byte, bool) {
	if h.m != nil {
		v, ok := h.m[string(field)]
		return v, ok
	}
	fs, vs, _ := h.lpFind(field)
	if fs < 0 {
		return nil, false
	}
	v, _ := lpRead(h.lp, vs)
	return v, true
}

// Set binds field to value (both copied) and reports whether the field
// is new. A packed hash converts first when either is too long to pack,
// and after when it has too many pairs (hashTypeSet). An existing field
// keeps its place in the packed order, a new one goes last.
func (h *Hash) Set(field, value []byte) bool {
	if h.m == nil && (len(field) > hashMaxListpackValue || len(value) > hashMaxListpackValue) {
		h.convert()
	}
	if h.m != nil {
		_, ok := h.m[string(field)]
		h.m[string(field)] = bytes.Clone(value)
		return !ok
	}
	if fs, vs, ve := h.lpFind(field); fs >= 0 {
		var hdr [binary.MaxVarintLen64]byte
		enc := binary.AppendUvarint(hdr[:0], uint64(len(value)))
		h.lp = slices.Replace(h.lp, vs, ve, append(enc, value...)...)
		return false
	}
	h.lp = appendPacked(h.lp, field)
	h.lp = appendPacked(h.lp, value)
	h.n++
	if h.n > hashMaxListpackEntries {
		h.convert()
	}
	return true
}

// appendPacked appends s to lp as a length-prefixed string.
func appendPacked(lp, s []byte) []byte {
	lp = binary.AppendUvarint(lp, uint64(len(s)))
	return append(lp, s...)
}

// Delete removes field and reports whether it was there. A hashtable
// stays one however small it gets.
func (h *Hash) Delete(field []byte) bool {
	if h.m != nil {
		if _, ok := h.m[string(field)]; !ok {
			return false
		}
		delete(h.m, string(field))
		return true
	}
	fs, _, ve := h.lpFind(field)
	if fs < 0 {
		return false
	}
	h.lp = slices.Delete(h.lp, fs, ve)
	h.n--
	return true
}

// Range calls fn for each pair until it returns false: in insertion order
// while packed, in the map's order (unspecified) once a hashtable. The
// slices are valid until the hash changes and must not be modified.
func (h *Hash) Range(fn func(field, value []byte) bool) {
	if h.m != nil {
		for f, v := range h.m {
			// NB: the field's bytes are the map key's, read-only.
			if !fn(unsafe.Slice(unsafe.StringData(f), len(f)), v) {
				return
			}
		}
		return
	}
	for p := 0; p < len(h.lp); {
		var f, v []byte
		f, p = lpRead(h.lp, p)
		v, p = lpRead(h.lp, p)
		if !fn(f, v) {
			return
		}
	}
}

// convert turns a packed hash into a hashtable (hashTypeConvert).
func (h *Hash) convert() {
	if h.m != nil {
		return
	}
	m := make(map[string][]byte, h.n)
	h.Range(func(f, v []byte) bool {
		m[string(f)] = bytes.Clone(v)
		return true
	})
	h.m, h.lp, h.n = m, nil, 0
}

// prepare converts a packed hash before a command sets the given
// field/value pairs, as hashTypeTryConversion does: when they are more
// pairs than a listpack may hold (even if some repeat a field), or when
// any of them is too long to pack.
func (h *Hash) prepare(pairs [][]byte) {
	if h.m != nil {
		return
	}
	if len(pairs)/2 > hashMaxListpackEntries {
		h.convert()
		return
	}
	for _, a := range pairs {
		if len(a) > hashMaxListpackValue {
			h.convert()
			return
		}
	}
}

// hashAt returns the Hash in v: nil for a missing key, ErrWrongType for a
// value of another type.
func hashAt(v command.Value) (*Hash, error) {
	if v == nil {
		return nil, nil
	}
	h, ok := v.(*Hash)
	if !ok {
		return nil, command.ErrWrongType
	}
	return h, nil
}
