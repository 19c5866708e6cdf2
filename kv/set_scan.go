package kv

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strconv"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/glob"
)

// SSCAN key cursor [MATCH pattern] [COUNT count] (scanGenericCommand).

// setScanSeed orders a hashtable set's members for SSCAN. A cursor is the
// hash to resume from, so it stays valid for the process's lifetime.
var setScanSeed = maphash.MakeSeed()

// sscan replies [next-cursor, members]. The cursor is checked first and a
// missing key answers [0, []] before the options are looked at, as in
// Redis. An intset or listpack set is returned whole with cursor 0,
// whatever the cursor and COUNT. A hashtable is walked in hash order from
// the cursor, count members (and all sharing the last one's hash) per
// call, so a member present from the first call to the last is returned
// at least once.
//
// NB: each call over a hashtable costs O(N log N) in the set's size (the
// members are hashed and sorted from the cursor on), where Redis's
// dictScan costs O(count). Fine for the sizes SSCAN is used on in
// practice; a full scan of a million-member set with COUNT 10 is not.
func sscan(c *command.Ctx) error {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return errInvalidCursor
	}
	s, err := setAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	if s == nil {
		replyEmptyScan(c)
		return nil
	}
	a, err := parseCollectionScan(c.Args[3:])
	if err != nil {
		return err
	}
	var out [][]byte
	keep := func(m []byte) {
		if a.pattern == nil || glob.Match(a.pattern, m, false) {
			out = append(out, append([]byte(nil), m...))
		}
	}
	next := uint64(0)
	if s.enc != setHashtable {
		s.Each(func(m []byte) bool {
			keep(m)
			return true
		})
	} else {
		next = s.scanHashtable(cursor, a.count, keep)
	}
	c.Out.Array(2)
	c.Out.Bulk(strconv.AppendUint(nil, next, 10))
	c.Out.Array(len(out))
	for _, m := range out {
		c.Out.Bulk(m)
	}
	return nil
}

type setScanEntry struct {
	hash uint64
	m    string
}

// scanHashtable calls fn for the members whose hash is at least cursor,
// in hash order, until count have been visited and the next has another
// hash, and returns that hash (0 when none is left).
func (s *Set) scanHashtable(cursor uint64, count int, fn func(m []byte)) uint64 {
	var from []setScanEntry
	for m := range s.ht {
		if h := maphash.String(setScanSeed, m); h >= cursor {
			from = append(from, setScanEntry{h, m})
		}
	}
	slices.SortFunc(from, func(a, b setScanEntry) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.m, b.m))
	})
	for i, hm := range from {
		if i >= count && hm.hash != from[i-1].hash {
			return hm.hash
		}
		fn([]byte(hm.m))
	}
	return 0
}
