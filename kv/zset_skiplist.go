package kv

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/tidwall/btree"
)

// zskiplist is the large sorted set (Redis's skiplist encoding). Two
// B-trees hold every member:
//
//   - order maps zorderKey(score, member), whose byte order is the set's
//     order, to the score: ranks come from the tree's subtree counts
//     (GetAt), so rank lookups are O(log n) at either end, not a walk;
//   - members maps zmemberKey(member), a 64-bit hash then the member, to
//     the score: the member -> score lookup, and a scan order that
//     insertions and deletions do not disturb, which ZSCAN's cursor needs.
//
// Both are btree.Map, whose Copy is copy-on-write, so a snapshot's clone
// is O(1); a Go map would have to be copied whole. Each member is stored
// twice, as Redis's skiplist and dict share one sds.
type zskiplist struct {
	order   btree.Map[string, float64]
	members btree.Map[string, float64]
}

func newZSkiplist() *zskiplist { return &zskiplist{} }

func (l *zskiplist) clone() *zskiplist {
	return &zskiplist{order: *l.order.Copy(), members: *l.members.Copy()}
}

func (l *zskiplist) len() int { return l.order.Len() }

// zorderKey encodes (score, member) so that byte order is the set's
// order: the score's bits, sign-flipped so negative scores sort first,
// big-endian, then the member.
func zorderKey(member []byte, score float64) string {
	bits := math.Float64bits(score)
	if bits>>63 != 0 {
		bits = ^bits
	} else {
		bits |= 1 << 63
	}
	k := make([]byte, 8+len(member))
	binary.BigEndian.PutUint64(k, bits)
	copy(k[8:], member)
	return string(k)
}

// zmemberKey is member prefixed with its zscanHash, big-endian.
func zmemberKey(member []byte) string {
	k := make([]byte, 8+len(member))
	binary.BigEndian.PutUint64(k, zscanHash(member))
	copy(k[8:], member)
	return string(k)
}

// zscanHash is FNV-1a, never 0 (ZSCAN's cursor 0 means "start" and
// "done"). It is fixed, so cursors stay valid across restarts.
func zscanHash(member []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range member {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return max(h, 1)
}

// keyMember returns the member part of a tree key without copying. NB: the
// bytes alias an immutable string and must only be read.
func keyMember(k string) []byte {
	return unsafe.Slice(unsafe.StringData(k[8:]), len(k)-8)
}

func (l *zskiplist) score(member []byte) (float64, bool) {
	return l.members.Get(zmemberKey(member))
}

func (l *zskiplist) set(member []byte, score float64) bool {
	mk := zmemberKey(member)
	old, found := l.members.Set(mk, score)
	if found {
		if old == score {
			return false
		}
		l.order.Delete(zorderKey(member, old))
	}
	l.order.Set(zorderKey(member, score), score)
	return !found
}

func (l *zskiplist) remove(member []byte) bool {
	old, found := l.members.Delete(zmemberKey(member))
	if found {
		l.order.Delete(zorderKey(member, old))
	}
	return found
}

func (l *zskiplist) at(i int) ([]byte, float64) {
	k, s, _ := l.order.GetAt(i)
	return keyMember(k), s
}

func (l *zskiplist) each(start int, rev bool, fn func([]byte, float64) bool) {
	k, _, _ := l.order.GetAt(start)
	it := l.order.Iter()
	for ok := it.Seek(k); ok; {
		if !fn(keyMember(it.Key()), it.Value()) {
			return
		}
		if rev {
			ok = it.Prev()
		} else {
			ok = it.Next()
		}
	}
}

// search is a binary search over ranks, each probe an O(log n) GetAt.
func (l *zskiplist) search(in func([]byte, float64) bool) int {
	lo, hi := 0, l.order.Len()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m, s := l.at(mid); !in(m, s) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func (l *zskiplist) deleteRange(start, stop int) {
	for i := start; i < stop; i++ {
		k, _, _ := l.order.DeleteAt(start)
		l.members.Delete(zmemberKey(keyMember(k)))
	}
}

// scan calls fn for members in scan order from cursor on, visiting at
// least count of them and then any others sharing the last one's hash,
// and returns the cursor to resume from (0 when done). A member present
// throughout a scan is returned at least once.
func (l *zskiplist) scan(cursor uint64, count int, fn func([]byte, float64)) uint64 {
	var from [8]byte
	binary.BigEndian.PutUint64(from[:], cursor)
	next, last, seen := uint64(0), uint64(0), 0
	l.members.Ascend(string(from[:]), func(k string, s float64) bool {
		h := binary.BigEndian.Uint64([]byte(k[:8]))
		if seen >= count && h != last {
			next = h
			return false
		}
		fn(keyMember(k), s)
		last = h
		seen++
		return true
	})
	return next
}
