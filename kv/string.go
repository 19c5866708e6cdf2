package kv

import "github.com/brokerd/brokerd/command"

// String is the string type. Redis's int/embstr/raw encodings are only
// reported, not stored: the bytes are the value.
type String struct {
	b []byte
	// raw is set once the value was modified in place (APPEND, SETRANGE),
	// which Redis reports as "raw" whatever the length.
	raw bool
}

// NewString returns a String holding a copy of b.
func NewString(b []byte) *String { return &String{b: append([]byte(nil), b...)} }

// Bytes returns the value. Callers must not modify it.
func (s *String) Bytes() []byte { return s.b }

// Type implements command.Value.
func (s *String) Type() string { return "string" }

// Encoding implements command.Value with Redis's rules: "raw" once changed
// in place (Redis unshares the object into a raw sds, even for "12"), else
// "int" for a canonical integer, "embstr" up to 44 bytes and "raw" beyond.
func (s *String) Encoding() string {
	if s.raw {
		return "raw"
	}
	if len(s.b) <= 20 {
		if _, ok := command.ParseInt(s.b); ok {
			return "int"
		}
	}
	if len(s.b) > 44 {
		return "raw"
	}
	return "embstr"
}

// Clone implements command.Value.
func (s *String) Clone() command.Value { return &String{b: append([]byte(nil), s.b...), raw: s.raw} }

// maxStringLen is the largest string APPEND and SETRANGE may build: Redis's
// proto-max-bulk-len default, 512 MB.
const maxStringLen = 512 << 20

// checkStringLength fails when a string of size bytes grown by add bytes
// would exceed maxStringLen (Redis's checkStringLength). Both are >= 0.
func checkStringLength(size, add int64) error {
	if size > maxStringLen || add > maxStringLen-size {
		return command.ErrStringTooLong
	}
	return nil
}

// appendBytes appends b in place (APPEND). Caller holds the keyspace write
// lock.
//
// NB: values are only read under the keyspace lock and never share a
// backing array (NewString and Clone copy), so changing one in place is
// safe and keeps APPEND amortized O(1), as in Redis.
func (s *String) appendBytes(b []byte) {
	s.b = append(s.b, b...)
	s.raw = true
}

// writeAt copies b over the value at off, zero-padding any gap first
// (SETRANGE). Caller holds the keyspace write lock and has checked the
// size with checkStringLength.
func (s *String) writeAt(off int, b []byte) {
	if end := off + len(b); end > len(s.b) {
		if end <= cap(s.b) {
			old := len(s.b)
			s.b = s.b[:end]
			clear(s.b[old:])
		} else {
			grown := make([]byte, end, growCap(len(s.b), end))
			copy(grown, s.b)
			s.b = grown
		}
	}
	copy(s.b[off:], b)
	s.raw = true
}

// growCap is the capacity for growing a string of n bytes to end bytes:
// exact for a new string (as Redis's sdsnewlen), else with room to grow
// like sdsMakeRoomFor's greedy policy (double up to 1 MB, then +1 MB), so
// repeated SETRANGE past the end stays amortized O(1).
func growCap(n, end int) int {
	switch {
	case n == 0:
		return end
	case end < 1<<20:
		return 2 * end
	default:
		return end + 1<<20
	}
}

// stringAt returns the String in e: nil for a missing key, ErrWrongType
// for a value of another type.
func stringAt(e *entry) (*String, error) {
	if e == nil {
		return nil, nil
	}
	s, ok := e.value.(*String)
	if !ok {
		return nil, command.ErrWrongType
	}
	return s, nil
}
