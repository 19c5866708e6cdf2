package kv

import "bytes"

// The listpack encoding of a Set: members packed in Set.lp, each as one
// length byte and its bytes (a listpack member has at most
// setMaxListpackValue bytes, so the length always fits). Lookups scan the
// members, at most setMaxListpackEntries of them, as Redis's lpFind does.

// lpAt returns the member at byte offset off and the offset of the next.
func (s *Set) lpAt(off int) ([]byte, int) {
	n := int(s.lp[off])
	return s.lp[off+1 : off+1+n], off + 1 + n
}

// lpFind returns the offset of member m, or -1.
func (s *Set) lpFind(m []byte) int {
	for off := 0; off < len(s.lp); {
		e, next := s.lpAt(off)
		if bytes.Equal(e, m) {
			return off
		}
		off = next
	}
	return -1
}

// lpAppend adds m at the end; len(m) <= setMaxListpackValue.
func (s *Set) lpAppend(m []byte) {
	s.lp = append(s.lp, byte(len(m)))
	s.lp = append(s.lp, m...)
	s.n++
}

// lpDeleteAt removes the member at offset off.
func (s *Set) lpDeleteAt(off int) {
	end := off + 1 + int(s.lp[off])
	s.lp = append(s.lp[:off], s.lp[end:]...)
	s.n--
}

// lpOffsets returns the offset of every member, in order.
func (s *Set) lpOffsets() []int {
	offs := make([]int, 0, s.n)
	for off := 0; off < len(s.lp); off += 1 + int(s.lp[off]) {
		offs = append(offs, off)
	}
	return offs
}

// lpDeleteMany removes the members at the given offsets, ascending.
func (s *Set) lpDeleteMany(offs []int) {
	out := s.lp[:offs[0]]
	for i, off := range offs {
		end := len(s.lp)
		if i+1 < len(offs) {
			end = offs[i+1]
		}
		out = append(out, s.lp[off+1+int(s.lp[off]):end]...)
	}
	s.lp = out
	s.n -= len(offs)
}
