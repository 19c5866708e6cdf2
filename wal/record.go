package wal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"math/bits"
	"slices"
)

// Op is one command's deterministic effect: an argument vector applied to
// database DB.
type Op struct {
	DB   int
	Args [][]byte
}

// The record header; see the package documentation.
const (
	recordVersion byte = 1 // wire format, never renumber
	recordTypeOps byte = 1 // wire format, never renumber
	// Snapshot files only (see snapshot.go):
	recordTypeSnapHead byte = 2 // wire format, never renumber
	recordTypeSnapEnd  byte = 3 // wire format, never renumber

	headerSize = 6 // version, type, CRC-32C
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Decoding errors. They are built once, so that rejecting garbage (which
// recovery does at every byte offset of a damaged region) never allocates.
var (
	errShortRecord  = corruptReason("record is shorter than its header")
	errChecksum     = corruptReason("checksum mismatch")
	errVersion      = corruptReason("unknown record version (written by a newer brokerd?)")
	errType         = corruptReason("unknown record type")
	errTruncated    = corruptReason("payload ends inside a field")
	errVarint       = corruptReason("malformed varint")
	errLongVarint   = corruptReason("varint not in its shortest form")
	errDBRange      = corruptReason("database number out of range")
	errTrailing     = corruptReason("trailing bytes after the last op")
	errTornLength   = corruptReason("entry length cut short")
	errTornEntry    = corruptReason("entry cut short")
	errNegativeDB   = fmt.Errorf("wal: negative database number")
	errReplayLate   = fmt.Errorf("wal: Replay called after Append")
	errBothStartEnd = fmt.Errorf("wal: both a .START and an .END segment exist")
)

func corruptReason(reason string) error { return fmt.Errorf("%w: %s", ErrCorrupt, reason) }

// uvarintLen is the length of x's shortest uvarint encoding.
func uvarintLen(x uint64) int { return (bits.Len64(x|1) + 6) / 7 }

// recordSize is the encoded size of a record holding ops.
func recordSize(ops []Op) int {
	n := headerSize + uvarintLen(uint64(len(ops)))
	for _, op := range ops {
		n += uvarintLen(uint64(op.DB)) + uvarintLen(uint64(len(op.Args)))
		for _, a := range op.Args {
			n += uvarintLen(uint64(len(a))) + len(a)
		}
	}
	return n
}

// appendRecord appends the record for ops to dst. Every op's DB must be
// non-negative. It grows dst at most once.
func appendRecord(dst []byte, ops []Op) []byte {
	start := len(dst)
	dst = slices.Grow(dst, recordSize(ops))
	dst = append(dst, recordVersion, recordTypeOps, 0, 0, 0, 0)
	dst = binary.AppendUvarint(dst, uint64(len(ops)))
	for _, op := range ops {
		dst = binary.AppendUvarint(dst, uint64(op.DB))
		dst = binary.AppendUvarint(dst, uint64(len(op.Args)))
		for _, a := range op.Args {
			dst = binary.AppendUvarint(dst, uint64(len(a)))
			dst = append(dst, a...)
		}
	}
	rec := dst[start:]
	binary.LittleEndian.PutUint32(rec[2:headerSize], checksum(rec))
	return dst
}

// checksum is the CRC of a record: version, type and payload, skipping the
// CRC field itself.
func checksum(rec []byte) uint32 {
	c := crc32.Update(0, castagnoli, rec[:2])
	return crc32.Update(c, castagnoli, rec[headerSize:])
}

// checkHeader verifies rec's header (length, CRC, version) and that it is
// a record of type typ, and returns its payload.
func checkHeader(rec []byte, typ byte) ([]byte, error) {
	if len(rec) < headerSize {
		return nil, errShortRecord
	}
	if binary.LittleEndian.Uint32(rec[2:headerSize]) != checksum(rec) {
		return nil, errChecksum
	}
	if rec[0] != recordVersion {
		return nil, errVersion
	}
	if rec[1] != typ {
		return nil, errType
	}
	return rec[headerSize:], nil
}

// skipBytes passes over the length-prefixed byte string at the start of
// *p.
func skipBytes(p *[]byte) error {
	n, err := readUvarint(p)
	if err != nil {
		return err
	}
	if n > uint64(len(*p)) {
		return errTruncated
	}
	*p = (*p)[n:]
	return nil
}

// checkRecord verifies rec's header, CRC and payload structure without
// allocating, and returns how many ops and arguments it holds.
func checkRecord(rec []byte) (nops, nargs int, err error) {
	p, err := checkHeader(rec, recordTypeOps)
	if err != nil {
		return 0, 0, err
	}
	count, err := readUvarint(&p)
	if err != nil {
		return 0, 0, err
	}
	// NB: each op consumes at least two bytes and each argument at least
	// one, so these loops end within len(rec) iterations whatever the
	// counts claim.
	for ; count > 0; count-- {
		db, err := readUvarint(&p)
		if err != nil {
			return 0, 0, err
		}
		if db > math.MaxInt {
			return 0, 0, errDBRange
		}
		argc, err := readUvarint(&p)
		if err != nil {
			return 0, 0, err
		}
		for ; argc > 0; argc-- {
			if err := skipBytes(&p); err != nil {
				return 0, 0, err
			}
			nargs++
		}
		nops++
	}
	if len(p) != 0 {
		return 0, 0, errTrailing
	}
	return nops, nargs, nil
}

// checkMeta verifies a snapshot head or end record: its header, CRC and
// type, and that its payload is exactly n shortest-form uvarints, which it
// returns.
func checkMeta(rec []byte, typ byte, n int) ([]uint64, error) {
	p, err := checkHeader(rec, typ)
	if err != nil {
		return nil, err
	}
	out := make([]uint64, n)
	for i := range out {
		v, err := readUvarint(&p)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	if len(p) != 0 {
		return nil, errTrailing
	}
	return out, nil
}

// appendMeta appends a snapshot head or end record holding vals.
func appendMeta(dst []byte, typ byte, vals ...uint64) []byte {
	start := len(dst)
	dst = append(dst, recordVersion, typ, 0, 0, 0, 0)
	for _, v := range vals {
		dst = binary.AppendUvarint(dst, v)
	}
	rec := dst[start:]
	binary.LittleEndian.PutUint32(rec[2:headerSize], checksum(rec))
	return dst
}

// readUvarint consumes one shortest-form uvarint from *p.
func readUvarint(p *[]byte) (uint64, error) {
	v, n := binary.Uvarint(*p)
	switch {
	case n == 0:
		return 0, errTruncated
	case n < 0:
		return 0, errVarint
	case n > 1 && (*p)[n-1] == 0:
		// A zero final byte adds nothing: the value had a shorter form.
		return 0, errLongVarint
	}
	*p = (*p)[n:]
	return v, nil
}

// decoder decodes records into reusable buffers. Not safe for concurrent
// use.
type decoder struct {
	ops  []Op
	args [][]byte
}

// decode returns the ops in rec. The ops and their Args are valid until the
// next call; the argument bytes alias rec. It allocates only when a record
// holds more ops or arguments than any before it, and then exactly as many
// as rec holds, which checkRecord has bounded by rec's length.
func (d *decoder) decode(rec []byte) ([]Op, error) {
	nops, nargs, err := checkRecord(rec)
	if err != nil {
		return nil, err
	}
	if cap(d.ops) < nops {
		d.ops = make([]Op, nops)
	}
	if cap(d.args) < nargs {
		d.args = make([][]byte, nargs)
	}
	ops := d.ops[:nops]
	fillOps(rec, ops, d.args[:nargs])
	return ops, nil
}

// fillOps decodes rec, whose structure checkRecord has verified, into ops
// and args, which have exactly the room checkRecord counted. The ops'
// Args are slices of args, and the argument bytes alias rec.
func fillOps(rec []byte, ops []Op, args [][]byte) {
	p := rec[headerSize:]
	readUvarint(&p)
	a := 0
	for i := range ops {
		db, _ := readUvarint(&p)
		argc, _ := readUvarint(&p)
		op := Op{DB: int(db)}
		if argc > 0 {
			op.Args = args[a : a+int(argc) : a+int(argc)]
			for j := range op.Args {
				n, _ := readUvarint(&p)
				op.Args[j] = p[:n:n]
				p = p[n:]
			}
			a += int(argc)
		}
		ops[i] = op
	}
}
