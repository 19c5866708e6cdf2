package kv

import (
	"maps"
	"slices"
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// Set is the set type, in one of Redis 7.2's three encodings (t_set.c):
//
//   - intset: only integers, at most setMaxIntsetEntries of them, as a
//     sorted []int64 (8 bytes a member, members listed in ascending order);
//   - listpack: at most setMaxListpackEntries members of at most
//     setMaxListpackValue bytes, packed one after another in one []byte
//     (a length byte, then the bytes), in insertion order;
//   - hashtable: a Go map, once the set has outgrown the other two.
//
// The conversions are Redis's (setTypeAddAux, setTypeCreate,
// setTypeMaybeConvert), so OBJECT ENCODING answers what Redis would for
// the same history. A set never converts back on its own: only the result
// of SINTERSTORE goes to intset when it can (maybeConvertToIntset).
//
// An empty Set is never stored: commands delete the key instead. Not safe
// for concurrent use; commands hold the keyspace lock.
type Set struct {
	enc  setEncoding
	ints []int64             // intset
	lp   []byte              // listpack: len byte + bytes, per member
	n    int                 // listpack: number of members
	ht   map[string]struct{} // hashtable
}

type setEncoding uint8

const (
	setIntset setEncoding = iota
	setListpack
	setHashtable
)

// Redis 7.2's defaults for set-max-intset-entries, set-max-listpack-entries
// and set-max-listpack-value.
// CONFIG reports them and keeps them fixed (limits.go).
const (
	setMaxIntsetEntries   = 512
	setMaxListpackEntries = 128
	setMaxListpackValue   = 64
)

var _ command.Value = (*Set)(nil)

// Type implements command.Value.
func (s *Set) Type() string { return "set" }

// Encoding implements command.Value.
func (s *Set) Encoding() string {
	switch s.enc {
	case setIntset:
		return "intset"
	case setListpack:
		return "listpack"
	}
	return "hashtable"
}

// Clone implements command.Value: same members, same encoding, same order
// (setTypeDup).
func (s *Set) Clone() command.Value {
	return &Set{enc: s.enc, ints: slices.Clone(s.ints), lp: slices.Clone(s.lp), n: s.n, ht: maps.Clone(s.ht)}
}

// setAt is the WRONGTYPE check: the set at v, nil for no key.
func setAt(v command.Value) (*Set, error) {
	if v == nil {
		return nil, nil
	}
	s, ok := v.(*Set)
	if !ok {
		return nil, command.ErrWrongType
	}
	return s, nil
}

// newIntset is an empty intset, the start of every SUNION and SDIFF
// result.
func newIntset() *Set { return &Set{} }

// newSetFor is an empty set ready for about hint members, the first being
// first (setTypeCreate): an intset if first is an integer and hint fits
// one, else a listpack if hint fits one, else a hashtable.
func newSetFor(first []byte, hint int) *Set {
	if _, ok := command.ParseInt(first); ok && hint <= setMaxIntsetEntries {
		return &Set{}
	}
	if hint <= setMaxListpackEntries {
		return &Set{enc: setListpack}
	}
	return &Set{enc: setHashtable, ht: make(map[string]struct{}, hint)}
}

// maybeConvert converts s to a hashtable before about hint members are
// added when they could not fit its encoding (setTypeMaybeConvert).
func (s *Set) maybeConvert(hint int) {
	if (s.enc == setListpack && hint > setMaxListpackEntries) ||
		(s.enc == setIntset && hint > setMaxIntsetEntries) {
		s.toHashtable(hint)
	}
}

// Len is the number of members.
func (s *Set) Len() int {
	switch s.enc {
	case setIntset:
		return len(s.ints)
	case setListpack:
		return s.n
	}
	return len(s.ht)
}

// Has reports whether m is a member.
func (s *Set) Has(m []byte) bool {
	switch s.enc {
	case setIntset:
		v, ok := command.ParseInt(m)
		if !ok {
			return false
		}
		_, found := slices.BinarySearch(s.ints, v)
		return found
	case setListpack:
		return s.lpFind(m) >= 0
	}
	_, ok := s.ht[string(m)]
	return ok
}

// Add adds m (copied) and reports whether it was new, converting the
// encoding as Redis's setTypeAddAux does: an intset takes a non-integer by
// becoming a listpack while it has fewer than setMaxListpackEntries
// members and m fits one, a hashtable otherwise; a listpack becomes a
// hashtable when m would take it past either limit.
func (s *Set) Add(m []byte) bool {
	switch s.enc {
	case setIntset:
		if v, ok := command.ParseInt(m); ok {
			i, found := slices.BinarySearch(s.ints, v)
			if found {
				return false
			}
			s.ints = slices.Insert(s.ints, i, v)
			if len(s.ints) > setMaxIntsetEntries {
				s.toHashtable(len(s.ints))
			}
			return true
		}
		if len(s.ints) < setMaxListpackEntries && len(m) <= setMaxListpackValue {
			s.toListpack()
			s.lpAppend(m)
		} else {
			s.toHashtable(len(s.ints) + 1)
			s.ht[string(m)] = struct{}{}
		}
		return true
	case setListpack:
		if s.lpFind(m) >= 0 {
			return false
		}
		if s.n < setMaxListpackEntries && len(m) <= setMaxListpackValue {
			s.lpAppend(m)
		} else {
			s.toHashtable(s.n + 1)
			s.ht[string(m)] = struct{}{}
		}
		return true
	}
	if _, ok := s.ht[string(m)]; ok {
		return false
	}
	s.ht[string(m)] = struct{}{}
	return true
}

// Remove removes m and reports whether it was a member. The encoding
// stays.
func (s *Set) Remove(m []byte) bool {
	switch s.enc {
	case setIntset:
		v, ok := command.ParseInt(m)
		if !ok {
			return false
		}
		i, found := slices.BinarySearch(s.ints, v)
		if found {
			s.ints = slices.Delete(s.ints, i, i+1)
		}
		return found
	case setListpack:
		off := s.lpFind(m)
		if off < 0 {
			return false
		}
		s.lpDeleteAt(off)
		return true
	}
	if _, ok := s.ht[string(m)]; !ok {
		return false
	}
	delete(s.ht, string(m))
	return true
}

// Each calls fn with every member, in the encoding's order (ascending for
// an intset, insertion order for a listpack, map order for a hashtable),
// until fn returns false. The slice is valid only during the call, and s
// must not change meanwhile.
func (s *Set) Each(fn func(m []byte) bool) {
	switch s.enc {
	case setIntset:
		var buf [20]byte
		for _, v := range s.ints {
			if !fn(strconv.AppendInt(buf[:0], v, 10)) {
				return
			}
		}
	case setListpack:
		for off := 0; off < len(s.lp); {
			m, next := s.lpAt(off)
			if !fn(m) {
				return
			}
			off = next
		}
	default:
		for m := range s.ht {
			if !fn([]byte(m)) {
				return
			}
		}
	}
}

// members returns copies of every member, in Each's order.
func (s *Set) members() [][]byte {
	out := make([][]byte, 0, s.Len())
	s.Each(func(m []byte) bool {
		out = append(out, append([]byte(nil), m...))
		return true
	})
	return out
}

// toListpack converts an intset to a listpack, members in ascending order.
func (s *Set) toListpack() {
	var buf [20]byte
	for _, v := range s.ints {
		s.lpAppend(strconv.AppendInt(buf[:0], v, 10))
	}
	s.enc, s.ints = setListpack, nil
}

// toHashtable converts s to a hashtable sized for capacity members.
func (s *Set) toHashtable(capacity int) {
	ht := make(map[string]struct{}, max(capacity, s.Len()))
	s.Each(func(m []byte) bool {
		ht[string(m)] = struct{}{}
		return true
	})
	*s = Set{enc: setHashtable, ht: ht}
}

// maybeConvertToIntset turns s into an intset when every member is an
// integer and there are few enough of them (maybeConvertToIntset, which
// SINTERSTORE applies to its result).
func (s *Set) maybeConvertToIntset() {
	if s.enc == setIntset || s.Len() > setMaxIntsetEntries {
		return
	}
	ints := make([]int64, 0, s.Len())
	ok := true
	s.Each(func(m []byte) bool {
		var v int64
		v, ok = command.ParseInt(m)
		ints = append(ints, v)
		return ok
	})
	if !ok {
		return
	}
	slices.Sort(ints)
	*s = Set{ints: ints}
}
