package streams

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
)

// FuzzStreamID: formatting then parsing gives the ID back, parsing keeps
// the order of IDs, and arbitrary bytes never panic and parse only to an
// ID whose canonical form parses to the same ID.
func FuzzStreamID(f *testing.F) {
	f.Add([]byte("1-1"), uint64(0), uint64(0), uint64(1), uint64(0))
	f.Add([]byte("18446744073709551615-18446744073709551615"), uint64(1<<63), uint64(5), uint64(1<<63), uint64(4))
	f.Add([]byte("+5-01"), uint64(1), uint64(0), uint64(0), uint64(18446744073709551615))
	f.Add([]byte("123-*"), uint64(7), uint64(7), uint64(7), uint64(7))
	f.Add([]byte("18446744073709551616"), uint64(0), uint64(0), uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, raw []byte, ms1, seq1, ms2, seq2 uint64) {
		a, b := ID{ms1, seq1}, ID{ms2, seq2}
		pa, _, okA := ParseID([]byte(a.String()), 0, Strict)
		pb, _, okB := ParseID([]byte(b.String()), 0, Strict)
		if !okA || !okB || pa != a || pb != b {
			t.Fatalf("round trip: %v -> %v %v, %v -> %v %v", a, pa, okA, b, pb, okB)
		}
		if pa.Compare(pb) != a.Compare(b) || a.Less(b) != (a.Compare(b) < 0) {
			t.Fatalf("order of %v and %v not kept", a, b)
		}
		if n, ok := a.Next(); ok && (!a.Less(n) || func() bool { p, _ := n.Prev(); return p != a }()) {
			t.Fatalf("Next/Prev of %v", a)
		}
		for _, mode := range []ParseMode{0, Strict, Strict | AllowSeqStar} {
			id, seqGiven, ok := ParseID(raw, 7, mode)
			if !ok {
				continue
			}
			if mode&Strict != 0 && (bytes.Equal(raw, []byte("-")) || bytes.Equal(raw, []byte("+"))) {
				t.Fatalf("strict parse took %q", raw)
			}
			if !seqGiven && mode&AllowSeqStar == 0 {
				t.Fatalf("seq star accepted without the mode: %q", raw)
			}
			again, _, ok := ParseID([]byte(id.String()), 0, Strict)
			if !ok || again != id {
				t.Fatalf("%q parsed to %v, whose form %q parses to %v %v", raw, id, id.String(), again, ok)
			}
		}
	})
}

// FuzzBlockCodec: entries appended to a stream (and so encoded into
// blocks) decode to the same IDs, fields and values, forwards and
// backwards, also after deleting some of them.
func FuzzBlockCodec(f *testing.F) {
	f.Add([]byte("event\x0aclick1234user\x0812345678ts\x0d1700000000000"), uint8(3))
	f.Add([]byte{0, 1, 2, 3, 255, 254, 45, 48, 57, 0x80, 0x81}, uint8(0))
	f.Add(bytes.Repeat([]byte("abc-9223372036854775807 -5 0 007 "), 40), uint8(7))
	f.Fuzz(func(t *testing.T, seed []byte, delEvery uint8) {
		entries := entriesFrom(seed)
		s := New()
		var id ID
		for i, e := range entries {
			id = ID{id.Ms + uint64(seed[i%len(seed)]%3), id.Seq + 1}
			entries[i].id = id
			s.Append(id, e.pairs)
		}
		checkEntries(t, s, entries)
		if delEvery > 0 {
			var kept []fuzzEntry
			for i, e := range entries {
				if i%int(delEvery) == 0 {
					if !s.Delete(e.id) {
						t.Fatalf("delete %v failed", e.id)
					}
					continue
				}
				kept = append(kept, e)
			}
			checkEntries(t, s, kept)
		}
	})
}

type fuzzEntry struct {
	id    ID
	pairs [][]byte
}

// entriesFrom cuts seed into entries of 1-4 pairs; a byte with its top
// bit set makes the next value a decimal integer, so both value
// encodings are exercised, and even entries reuse the previous fields.
func entriesFrom(seed []byte) []fuzzEntry {
	var out []fuzzEntry
	next := func(n int) []byte {
		if n > len(seed) {
			n = len(seed)
		}
		b := append([]byte{}, seed[:n]...)
		seed = seed[n:]
		return b
	}
	for len(seed) > 0 && len(out) < 300 {
		hdr := next(1)[0]
		npairs := 1 + int(hdr%4)
		var e fuzzEntry
		for p := 0; p < npairs; p++ {
			var field []byte
			if len(out) > 0 && len(out)%2 == 0 && p < len(out[len(out)-1].pairs)/2 {
				field = out[len(out)-1].pairs[2*p]
			} else {
				field = next(int(hdr>>2) % 9)
			}
			var value []byte
			if c := next(1); len(c) == 1 && c[0]&0x80 != 0 {
				value = strconv.AppendInt(nil, int64(c[0])<<(c[0]%57)-int64(c[0])*3, 10)
			} else {
				value = next(int(hdr) % 23)
			}
			e.pairs = append(e.pairs, field, value)
		}
		out = append(out, e)
	}
	return out
}

func checkEntries(t *testing.T, s *Stream, want []fuzzEntry) {
	t.Helper()
	if s.Len() != int64(len(want)) {
		t.Fatalf("length %d, want %d", s.Len(), len(want))
	}
	for _, rev := range []bool{false, true} {
		it := s.Range(ID{}, MaxID, rev)
		for i := range want {
			w := want[i]
			if rev {
				w = want[len(want)-1-i]
			}
			e, ok := it.Next()
			if !ok {
				t.Fatalf("rev=%v: entry %d missing", rev, i)
			}
			if got := fmt.Sprintf("%v %q", e.ID, e.Pairs()); got != fmt.Sprintf("%v %q", w.id, w.pairs) {
				t.Fatalf("rev=%v entry %d: got %s, want %v %q", rev, i, got, w.id, w.pairs)
			}
		}
		if e, ok := it.Next(); ok {
			t.Fatalf("rev=%v: extra entry %v", rev, e.ID)
		}
	}
	for _, w := range want {
		if e, ok := s.Get(w.id); !ok || e.ID != w.id {
			t.Fatalf("Get(%v) = %v %v", w.id, e.ID, ok)
		}
	}
}
