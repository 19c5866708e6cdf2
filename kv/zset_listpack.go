package kv

import (
	"encoding/binary"
	"math"
)

// zlistpack is the small sorted set: its entries packed in one byte
// slice, in (score, member) order, each as
//
//	+------------------+-------------+--------+
//	| score (8B, LE)   | length (1B) | member |
//	+------------------+-------------+--------+
//
// There is no heap object per member and no index; every operation is a
// linear walk, as on Redis's listpack, which is cheap at the at most 128
// entries of at most 64 bytes (about 9 KB) the encoding allows.
type zlistpack struct {
	b []byte
	n int
}

const zlpHeader = 9 // score and length

func (p *zlistpack) clone() zlistpack {
	return zlistpack{b: append([]byte(nil), p.b...), n: p.n}
}

// entry decodes the entry at byte offset off and returns the next offset.
func (p *zlistpack) entry(off int) (member []byte, score float64, next int) {
	score = math.Float64frombits(binary.LittleEndian.Uint64(p.b[off:]))
	n := int(p.b[off+8])
	next = off + zlpHeader + n
	return p.b[off+zlpHeader : next], score, next
}

// find returns the byte offset and rank of member, or -1.
func (p *zlistpack) find(member []byte) (off, rank int) {
	for off, rank = 0, 0; off < len(p.b); rank++ {
		m, _, next := p.entry(off)
		if string(m) == string(member) {
			return off, rank
		}
		off = next
	}
	return -1, -1
}

func (p *zlistpack) score(member []byte) (float64, bool) {
	off, _ := p.find(member)
	if off < 0 {
		return 0, false
	}
	_, s, _ := p.entry(off)
	return s, true
}

// insert adds a member that is not in the set (at most 255 bytes).
func (p *zlistpack) insert(member []byte, score float64) {
	off := 0
	for off < len(p.b) {
		m, s, next := p.entry(off)
		if zless(member, score, m, s) {
			break
		}
		off = next
	}
	size := zlpHeader + len(member)
	p.b = append(p.b, make([]byte, size)...)
	copy(p.b[off+size:], p.b[off:len(p.b)-size])
	binary.LittleEndian.PutUint64(p.b[off:], math.Float64bits(score))
	p.b[off+8] = byte(len(member))
	copy(p.b[off+zlpHeader:], member)
	p.n++
}

func (p *zlistpack) remove(member []byte) bool {
	off, _ := p.find(member)
	if off < 0 {
		return false
	}
	_, _, next := p.entry(off)
	p.b = append(p.b[:off], p.b[next:]...)
	p.n--
	return true
}

// offset returns the byte offset of rank i (len(b) for i == n).
func (p *zlistpack) offset(i int) int {
	off := 0
	for ; i > 0; i-- {
		_, _, off = p.entry(off)
	}
	return off
}

func (p *zlistpack) at(i int) ([]byte, float64) {
	m, s, _ := p.entry(p.offset(i))
	return m, s
}

func (p *zlistpack) each(start int, rev bool, fn func([]byte, float64) bool) {
	if !rev {
		for off := p.offset(start); off < len(p.b); {
			m, s, next := p.entry(off)
			if !fn(m, s) {
				return
			}
			off = next
		}
		return
	}
	var buf [zsetMaxListpackEntries + 1]int32
	offs := buf[:0]
	for off, i := 0, 0; i <= start; i++ {
		offs = append(offs, int32(off))
		_, _, off = p.entry(off)
	}
	for i := start; i >= 0; i-- {
		m, s, _ := p.entry(int(offs[i]))
		if !fn(m, s) {
			return
		}
	}
}

func (p *zlistpack) search(in func([]byte, float64) bool) int {
	rank := 0
	for off := 0; off < len(p.b); rank++ {
		m, s, next := p.entry(off)
		if in(m, s) {
			return rank
		}
		off = next
	}
	return rank
}

func (p *zlistpack) deleteRange(start, stop int) {
	from := p.offset(start)
	to := from
	for i := start; i < stop; i++ {
		_, _, to = p.entry(to)
	}
	p.b = append(p.b[:from], p.b[to:]...)
	p.n -= stop - start
}
