package kv

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strconv"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/glob"
)

// HSCAN key cursor [MATCH pattern] [COUNT count].

// hscan replies [next-cursor, [field, value, ...]]. The cursor is parsed
// first and a missing key answers an empty scan before the options are
// read, as hscanCommand does. A packed hash is returned whole with cursor
// 0, whatever the cursor and COUNT (Redis does the same for a listpack);
// a hashtable is walked in field-hash order (hashScan).
func hscan(c *command.Ctx) error {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return errInvalidCursor
	}
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	if h == nil {
		replyEmptyScan(c)
		return nil
	}
	a, err := parseCollectionScan(c.Args[3:])
	if err != nil {
		return err
	}
	var out []hashPair
	keep := func(f, v []byte) {
		if a.pattern == nil || glob.Match(a.pattern, f, false) {
			out = append(out, hashPair{f, v})
		}
	}
	var next uint64
	if h.m == nil {
		h.Range(func(f, v []byte) bool {
			keep(f, v)
			return true
		})
	} else {
		next = h.scan(cursor, a.count, keep)
	}
	c.Out.Array(2)
	c.Out.Bulk(strconv.AppendUint(nil, next, 10))
	c.Out.Array(2 * len(out))
	for _, p := range out {
		c.Out.Bulk(p.field)
		c.Out.Bulk(p.value)
	}
	return nil
}

// scanSeed hashes hashtable fields into HSCAN's order. Cursors are only
// meaningful within one process, as Redis's are.
var scanSeed = maphash.MakeSeed()

// scan walks a hashtable in the order of its fields' hashes: it calls fn
// for the fields whose hash is at least cursor, the count lowest hashes
// (with every field sharing the last one's hash), in hash order, and
// returns the hash to resume from, or 0 when it reached the end. A field
// present for the whole scan is returned at least once however the hash
// grows or shrinks between calls, as Redis's reverse-binary cursor
// guarantees.
//
// Cost: O(fields) per call, as the map keeps no order (two passes: the
// count lowest hashes at or after cursor, then their fields); a full scan
// of N fields in batches of COUNT is O(N²/COUNT), where Redis's is O(N).
func (h *Hash) scan(cursor uint64, count int, fn func(field, value []byte)) uint64 {
	lowest := make([]uint64, 0, min(count, len(h.m))+1) // ascending
	var highest uint64
	seen := false
	for f := range h.m {
		hv := maphash.String(scanSeed, f)
		if hv < cursor {
			continue
		}
		if !seen || hv > highest {
			highest, seen = hv, true
		}
		if len(lowest) == count && hv >= lowest[count-1] {
			continue
		}
		i, _ := slices.BinarySearch(lowest, hv)
		lowest = slices.Insert(lowest, i, hv)
		if len(lowest) > count {
			lowest = lowest[:count]
		}
	}
	if !seen {
		return 0
	}
	last := lowest[len(lowest)-1]
	type item struct {
		hash  uint64
		field string
	}
	var batch []item
	for f := range h.m {
		if hv := maphash.String(scanSeed, f); hv >= cursor && hv <= last {
			batch = append(batch, item{hv, f})
		}
	}
	slices.SortFunc(batch, func(a, b item) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.field, b.field)
	})
	for _, it := range batch {
		fn([]byte(it.field), h.m[it.field])
	}
	if highest == last {
		return 0
	}
	return last + 1
}
