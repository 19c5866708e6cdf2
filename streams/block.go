package streams

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"sync/atomic"

	"github.com/brokerd/brokerd/command"
)

// Block limits: Redis's stream-node-max-bytes and stream-node-max-entries
// defaults, and the size a block stops at when stream-node-max-bytes is 0
// (Redis's STREAM_LISTPACK_MAX_SIZE).
const (
	nodeMaxBytes   = 4096
	nodeMaxEntries = 100
	nodeBytesCap   = 1 << 30
)

// nodeLimits are stream-node-max-bytes and stream-node-max-entries as
// CONFIG SET left them. A block takes no more entries (live or deleted)
// than the one, and no entry whose field and value bytes would take it to
// the other, so approximate trimming ("~") removes whole blocks of about
// this size. 0 lifts a limit. They are process-wide, as Redis's
// configuration is: a process serves one keyspace. Blocks made before a
// change keep their size.
var nodeLimits = newBlockLimits(nodeMaxBytes, nodeMaxEntries)

type blockLimits struct{ bytes, entries atomic.Int64 }

func newBlockLimits(bytes, entries int64) *blockLimits {
	l := new(blockLimits)
	l.bytes.Store(bytes)
	l.entries.Store(entries)
	return l
}

// SetNodeMaxBytes sets stream-node-max-bytes for the blocks XADD starts
// from now on; 0 lifts the limit.
func SetNodeMaxBytes(n int64) { nodeLimits.bytes.Store(n) }

// SetNodeMaxEntries sets stream-node-max-entries likewise.
func SetNodeMaxEntries(n int64) { nodeLimits.entries.Store(n) }

// NodeLimits returns stream-node-max-bytes and stream-node-max-entries.
func NodeLimits() (bytes, entries int64) {
	return nodeLimits.bytes.Load(), nodeLimits.entries.Load()
}

// Entry flags, one byte at the start of each entry. Wire format of a
// block: never renumber.
const (
	flagDeleted    = 1 << 0 // tombstone: skipped by readers
	flagSameFields = 1 << 1 // fields are the block's master fields
)

// A block holds consecutive entries in one []byte, as Redis's listpack
// does, so an entry costs a few bytes of header plus its values and no
// heap object of its own:
//
//	block   := masterFieldCount masterField... entry...
//	entry   := flags(1 byte) msDelta seqDelta [fieldCount] pairs
//	pairs   := value...              if flags has flagSameFields
//	         | (field value)...      otherwise
//
// Every count and delta is a uvarint. msDelta is the entry's Ms minus the
// block's first ID's Ms; seqDelta is Seq minus the first ID's Seq when
// msDelta is 0 and the plain Seq otherwise. Fields and values (master
// fields included) are encoded by appendValue.
//
// The first ID keys the block in the stream's index and never changes,
// even when that entry is deleted. NB: entries are only ever appended at
// the end; XDEL and trimming flag them in place (one byte) and compact
// the block once most of it is tombstones.
type block struct {
	first ID // the first entry's ID; deltas are taken against it
	last  ID // the last entry's ID, live or deleted
	buf   []byte
	live  int32 // entries not deleted
	dead  int32 // entries flagged deleted
	start int32 // offset of the first entry, after the master fields
	// gen is the generation of the stream that owns the block and may
	// change it; a block another stream's generation (or an old one)
	// may be read by clones and is never changed again (Stream.own).
	gen uint64
}

// appendValue encodes v: a canonical decimal integer that fits in 62 bits
// as the uvarint zigzag(n)<<1|1 (a 13-digit millisecond time takes 7
// bytes), anything else as the uvarint len<<1 followed by the bytes.
func appendValue(dst, v []byte) []byte {
	if len(v) > 0 && len(v) <= 19 && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
		if n, ok := command.ParseInt(v); ok && n >= -1<<62 && n < 1<<62 {
			z := uint64(n<<1) ^ uint64(n>>63)
			return binary.AppendUvarint(dst, z<<1|1)
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(v))<<1)
	return append(dst, v...)
}

// readValue decodes the value at off. An integer is formatted into
// scratch, so the result is valid until scratch is reused; a string
// aliases buf. ok is false on a malformed encoding.
func readValue(buf []byte, off int, scratch *[24]byte) (v []byte, next int, ok bool) {
	h, n := binary.Uvarint(buf[off:])
	if n <= 0 {
		return nil, 0, false
	}
	off += n
	if h&1 == 1 {
		z := h >> 1
		i := int64(z>>1) ^ -int64(z&1)
		return strconv.AppendInt(scratch[:0], i, 10), off, true
	}
	l := h >> 1
	if l > uint64(len(buf)-off) {
		return nil, 0, false
	}
	end := off + int(l)
	return buf[off:end:end], end, true
}

// skipValue returns the offset after the value at off, or -1.
func skipValue(buf []byte, off int) int {
	h, n := binary.Uvarint(buf[off:])
	if n <= 0 {
		return -1
	}
	off += n
	if h&1 == 0 {
		l := h >> 1
		if l > uint64(len(buf)-off) {
			return -1
		}
		off += int(l)
	}
	return off
}

// newBlock starts a block whose first entry will be id with the given
// field/value pairs; its master fields are that entry's field names.
func newBlock(id ID, pairs [][]byte, capHint int) *block {
	size := 1
	for i := 0; i < len(pairs); i += 2 {
		size += 2 + len(pairs[i])
	}
	if capHint < 2*size {
		capHint = 2 * size
	}
	b := &block{first: id, buf: make([]byte, 0, capHint)}
	b.buf = binary.AppendUvarint(b.buf, uint64(len(pairs)/2))
	for i := 0; i < len(pairs); i += 2 {
		b.buf = appendValue(b.buf, pairs[i])
	}
	b.start = int32(len(b.buf))
	return b
}

// hasRoom reports whether an entry whose fields and values take payload
// bytes may still go into b (Redis's checks in streamAppendItem).
func (b *block) hasRoom(payload int) bool {
	maxBytes, maxEntries := NodeLimits()
	if maxBytes <= 0 || maxBytes > nodeBytesCap {
		maxBytes = nodeBytesCap
	}
	return int64(len(b.buf)+payload) < maxBytes && (maxEntries <= 0 || int64(b.live+b.dead) < maxEntries)
}

// sameFields reports whether the field names in pairs are the master
// fields.
func (b *block) sameFields(pairs [][]byte) bool {
	n, off := binary.Uvarint(b.buf)
	if off <= 0 || n != uint64(len(pairs)/2) {
		return false
	}
	var scratch [24]byte
	for i := 0; i < len(pairs); i += 2 {
		f, next, ok := readValue(b.buf, off, &scratch)
		if !ok || !bytes.Equal(f, pairs[i]) {
			return false
		}
		off = next
	}
	return true
}

// appendEntry adds an entry; id is greater than every ID in b. It
// allocates only when the buffer must grow.
func (b *block) appendEntry(id ID, pairs [][]byte) {
	same := b.sameFields(pairs)
	flags := byte(0)
	if same {
		flags = flagSameFields
	}
	b.buf = append(b.buf, flags)
	b.buf = appendIDDelta(b.buf, b.first, id)
	if same {
		for i := 1; i < len(pairs); i += 2 {
			b.buf = appendValue(b.buf, pairs[i])
		}
	} else {
		b.buf = binary.AppendUvarint(b.buf, uint64(len(pairs)/2))
		for _, p := range pairs {
			b.buf = appendValue(b.buf, p)
		}
	}
	b.last = id
	b.live++
}

func appendIDDelta(dst []byte, first, id ID) []byte {
	ms := id.Ms - first.Ms
	dst = binary.AppendUvarint(dst, ms)
	if ms == 0 {
		return binary.AppendUvarint(dst, id.Seq-first.Seq)
	}
	return binary.AppendUvarint(dst, id.Seq)
}

// slot is one decoded entry header.
type slot struct {
	id    ID
	off   int32 // offset of the flags byte
	pairs int32 // offset of the values (or field/value pairs)
	n     int32 // number of field/value pairs
	flags byte
}

// masterCount returns the number of master fields and the offset of the
// first one.
func (b *block) masterCount() (int, int) {
	n, off := binary.Uvarint(b.buf)
	return int(n), off
}

// decode reads the entry at off and returns it with the offset of the
// next entry; ok is false on a malformed block.
func (b *block) decode(off int, masterN int) (s slot, next int, ok bool) {
	buf := b.buf
	if off >= len(buf) {
		return s, 0, false
	}
	s.off, s.flags = int32(off), buf[off]
	off++
	ms, n := binary.Uvarint(buf[off:])
	if n <= 0 {
		return s, 0, false
	}
	off += n
	seq, n := binary.Uvarint(buf[off:])
	if n <= 0 {
		return s, 0, false
	}
	off += n
	s.id.Ms = b.first.Ms + ms
	if ms == 0 {
		s.id.Seq = b.first.Seq + seq
	} else {
		s.id.Seq = seq
	}
	values := masterN
	if s.flags&flagSameFields == 0 {
		cnt, n := binary.Uvarint(buf[off:])
		if n <= 0 || cnt > uint64(len(buf)) {
			return s, 0, false
		}
		off += n
		values = 2 * int(cnt)
		s.n = int32(cnt)
	} else {
		s.n = int32(masterN)
	}
	s.pairs = int32(off)
	for i := 0; i < values; i++ {
		if off = skipValue(buf, off); off < 0 {
			return s, 0, false
		}
	}
	return s, off, true
}

// slots decodes every entry header of b into dst (tombstones included).
func (b *block) slots(dst []slot) []slot {
	masterN, _ := b.masterCount()
	for off := int(b.start); off < len(b.buf); {
		s, next, ok := b.decode(off, masterN)
		if !ok {
			break
		}
		dst = append(dst, s)
		off = next
	}
	return dst
}

// compact rewrites b without its tombstones. The first ID and master
// fields stay, so deltas remain valid. O(size of b).
func (b *block) compact() {
	masterN, _ := b.masterCount()
	out := make([]byte, b.start, len(b.buf))
	copy(out, b.buf[:b.start])
	for off := int(b.start); off < len(b.buf); {
		s, next, ok := b.decode(off, masterN)
		if !ok {
			break
		}
		if s.flags&flagDeleted == 0 {
			out = append(out, b.buf[off:next]...)
			b.last = s.id
		}
		off = next
	}
	b.buf, b.dead = out, 0
}

// shrink drops spare capacity once b stops receiving entries.
func (b *block) shrink() {
	if cap(b.buf)-len(b.buf) > 32 {
		b.buf = append(make([]byte, 0, len(b.buf)), b.buf...)
	}
}

// clone returns a deep copy whose buffer has capacity for capacity
// bytes (at least the contents).
func (b *block) clone(capacity int) *block {
	c := *b
	c.buf = append(make([]byte, 0, max(capacity, len(b.buf))), b.buf...)
	return &c
}
