package kv

import (
	"math/rand/v2"
	"slices"
	"strconv"
)

// Random members, for SRANDMEMBER and SPOP. Redis picks with rand() and
// dictGetFairRandomKey; a hashtable here picks by starting a map
// iteration, which Go begins at a random position: close to uniform, not
// exactly (a member after a run of empty slots is likelier). Redis's
// replies are random too, so no client may rely on the distribution.

// randomMember returns a random member of a non-empty set, copied.
func (s *Set) randomMember() []byte {
	switch s.enc {
	case setIntset:
		return strconv.AppendInt(nil, s.ints[rand.IntN(len(s.ints))], 10)
	case setListpack:
		offs := s.lpOffsets()
		m, _ := s.lpAt(offs[rand.IntN(len(offs))])
		return append([]byte(nil), m...)
	}
	for m := range s.ht {
		return []byte(m)
	}
	return nil
}

// popRandom removes and returns a random member of a non-empty set.
func (s *Set) popRandom() []byte {
	m := s.randomMember()
	s.Remove(m)
	return m
}

// setRandomIndexes returns count distinct indexes below n, ascending.
func setRandomIndexes(n, count int) []int {
	idx := rand.Perm(n)[:count]
	slices.Sort(idx)
	return idx
}

// takeAt removes the members at the given indexes (ascending) of an
// intset or listpack and returns them, in the set's order.
func (s *Set) takeAt(idx []int) [][]byte {
	out := make([][]byte, 0, len(idx))
	if s.enc == setIntset {
		keep := s.ints[:0]
		next := 0
		for i, v := range s.ints {
			if next < len(idx) && idx[next] == i {
				out = append(out, strconv.AppendInt(nil, v, 10))
				next++
				continue
			}
			keep = append(keep, v)
		}
		s.ints = keep
		return out
	}
	all := s.lpOffsets()
	offs := make([]int, len(idx))
	for i, j := range idx {
		offs[i] = all[j]
		m, _ := s.lpAt(all[j])
		out = append(out, append([]byte(nil), m...))
	}
	s.lpDeleteMany(offs)
	return out
}

// membersAt returns copies of the members at the given indexes
// (ascending) of an intset or listpack.
func (s *Set) membersAt(idx []int) [][]byte {
	out := make([][]byte, 0, len(idx))
	i, next := 0, 0
	s.Each(func(m []byte) bool {
		if idx[next] == i {
			out = append(out, append([]byte(nil), m...))
			next++
		}
		i++
		return next < len(idx)
	})
	return out
}

// distinctRandom returns count distinct random members of a hashtable or
// intset, 0 < count < Len, in random order: with a shuffle of all the
// members when count is close to Len, else by picking until enough are
// distinct (srandmemberWithCountCommand's cases 3 and 4).
func (s *Set) distinctRandom(count int) [][]byte {
	if count*3 > s.Len() {
		all := s.members()
		rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		return all[:count]
	}
	seen := make(map[string]struct{}, count)
	out := make([][]byte, 0, count)
	for len(out) < count {
		m := s.randomMember()
		if _, dup := seen[string(m)]; !dup {
			seen[string(m)] = struct{}{}
			out = append(out, m)
		}
	}
	return out
}
