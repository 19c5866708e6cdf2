package kv

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// setMembers returns the members of the set at key, sorted (SMEMBERS).
func (x *tester) setMembers(key string) []string {
	x.t.Helper()
	return x.sortedReply("SMEMBERS " + argQuote(key))
}

// setOf returns the set at key in the current database.
func (x *tester) setOf(key string) *Set {
	x.t.Helper()
	s, ok := x.store.Database(x.db).Lookup([]byte(key)).(*Set)
	if !ok {
		x.t.Fatalf("%q holds no set", key)
	}
	return s
}

// seqArgs is "p0 p1 ... p(n-1)" for SADD lines.
func seqArgs(prefix string, from, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = prefix + itoa(from+i)
	}
	return strings.Join(parts, " ")
}

// seqStrings is the members seqArgs writes, sorted.
func seqStrings(prefix string, from, n int) []string {
	out := strings.Fields(seqArgs(prefix, from, n))
	slices.Sort(out)
	return out
}

// checkSetReplay is checkReplay for sets whose listpack order may differ
// between the live and the replayed store (a listpack built while walking
// a hashtable): it compares every set's encoding and sorted members, and
// all other keys exactly.
func (x *tester) checkSetReplay() {
	x.t.Helper()
	replica := NewStore(16, Hooks{})
	replica.SetClock(func() int64 { return x.now })
	replica.SetLoading(true)
	for _, e := range x.effects {
		if raw := x.exec(replica, e.db, e.args, true); len(raw) > 0 && raw[0] == '-' {
			x.t.Errorf("replaying %q failed: %s", e.args, raw)
		}
	}
	replica.SetLoading(false)
	norm := func(s *Store) map[int]map[string]any {
		out := map[int]map[string]any{}
		for db, keys := range dumpStore(s) {
			m := map[string]any{}
			for k, d := range keys {
				if set, ok := d.Value.(*Set); ok {
					var ms []string
					for _, b := range set.members() {
						ms = append(ms, string(b))
					}
					slices.Sort(ms)
					m[k] = []any{set.Encoding(), ms, d.ExpireAt}
					continue
				}
				m[k] = d
			}
			out[db] = m
		}
		return out
	}
	if got, want := norm(replica), norm(x.store); !reflect.DeepEqual(got, want) {
		x.t.Errorf("replayed keyspace differs\n replayed: %v\n     live: %v", got, want)
	}
}

// checkSetInvariants fails unless s's storage is consistent with its
// encoding: a sorted intset within its limit, a listpack whose count and
// bytes agree, within its limits.
func checkSetInvariants(t *testing.T, s *Set) {
	t.Helper()
	switch s.enc {
	case setIntset:
		if !slices.IsSorted(s.ints) || len(s.ints) > setMaxIntsetEntries || s.lp != nil || s.ht != nil {
			t.Fatalf("bad intset %+v", s)
		}
		for i := 1; i < len(s.ints); i++ {
			if s.ints[i] == s.ints[i-1] {
				t.Fatalf("intset repeats %d", s.ints[i])
			}
		}
	case setListpack:
		offs := s.lpOffsets()
		if len(offs) != s.n || s.n > setMaxListpackEntries || s.ints != nil || s.ht != nil {
			t.Fatalf("bad listpack: %d offsets, n %d", len(offs), s.n)
		}
		seen := map[string]bool{}
		for _, off := range offs {
			m, _ := s.lpAt(off)
			if len(m) > setMaxListpackValue || seen[string(m)] {
				t.Fatalf("bad listpack member %q", m)
			}
			seen[string(m)] = true
		}
	case setHashtable:
		if s.ints != nil || s.lp != nil || s.n != 0 {
			t.Fatalf("bad hashtable %+v", s)
		}
	}
}
