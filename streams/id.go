package streams

import (
	"math"
	"strconv"
)

// ID is a stream entry ID, <ms>-<seq>. IDs order by Ms, then Seq.
type ID struct {
	Ms, Seq uint64
}

// MaxID is the largest ID ("+" in a range).
var MaxID = ID{math.MaxUint64, math.MaxUint64}

// Compare returns -1, 0 or 1 as a is smaller than, equal to or greater
// than b.
func (a ID) Compare(b ID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports whether a < b.
func (a ID) Less(b ID) bool { return a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq < b.Seq) }

// IsZero reports whether the ID is 0-0.
func (a ID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// Next returns the smallest ID greater than a; ok is false when a is
// MaxID (Redis's streamIncrID).
func (a ID) Next() (ID, bool) {
	switch {
	case a.Seq < math.MaxUint64:
		return ID{a.Ms, a.Seq + 1}, true
	case a.Ms < math.MaxUint64:
		return ID{a.Ms + 1, 0}, true
	}
	return ID{}, false
}

// Prev returns the greatest ID smaller than a; ok is false when a is 0-0
// (Redis's streamDecrID).
func (a ID) Prev() (ID, bool) {
	switch {
	case a.Seq > 0:
		return ID{a.Ms, a.Seq - 1}, true
	case a.Ms > 0:
		return ID{a.Ms - 1, math.MaxUint64}, true
	}
	return MaxID, false
}

// Append appends the "<ms>-<seq>" form to dst.
func (a ID) Append(dst []byte) []byte {
	dst = strconv.AppendUint(dst, a.Ms, 10)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, a.Seq, 10)
}

// String returns "<ms>-<seq>".
func (a ID) String() string {
	var buf [41]byte
	return string(a.Append(buf[:0]))
}

// ParseMode says which of Redis's ID forms an argument may take.
type ParseMode uint8

const (
	// Strict rejects "-" and "+" (XADD, XDEL, XSETID, XREAD IDs).
	Strict ParseMode = 1 << iota
	// AllowSeqStar accepts "<ms>-*" (XADD only).
	AllowSeqStar
)

// ParseID parses an ID argument as Redis's streamGenericParseIDOrReply
// does: "<ms>-<seq>", or "<ms>" alone with Seq set to missingSeq; "-" is
// 0-0 and "+" is MaxID unless mode has Strict. With AllowSeqStar, "<ms>-*"
// parses with seqGiven false. ok is false for anything else.
func ParseID(b []byte, missingSeq uint64, mode ParseMode) (id ID, seqGiven, ok bool) {
	if len(b) > 127 || len(b) == 0 {
		return ID{}, false, false
	}
	if len(b) == 1 && (b[0] == '-' || b[0] == '+') {
		if mode&Strict != 0 {
			return ID{}, false, false
		}
		if b[0] == '-' {
			return ID{}, true, true
		}
		return MaxID, true, true
	}
	dash := -1
	for i, c := range b {
		if c == '-' {
			dash = i
			break
		}
	}
	if dash < 0 {
		ms, ok := parseUint(b)
		return ID{ms, missingSeq}, true, ok
	}
	ms, ok := parseUint(b[:dash])
	if !ok {
		return ID{}, false, false
	}
	rest := b[dash+1:]
	if mode&AllowSeqStar != 0 && len(rest) == 1 && rest[0] == '*' {
		return ID{ms, 0}, false, true
	}
	seq, ok := parseUint(rest)
	return ID{ms, seq}, true, ok
}

// parseUint is Redis's string2ull: decimal digits fitting in 64 bits.
// Redis falls back to strtoull, so leading white space, a '+' sign and
// leading zeros are accepted too ("+5-1" is 5-1 in Redis).
func parseUint(b []byte) (uint64, bool) {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	if len(b) > 0 && b[0] == '+' {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
