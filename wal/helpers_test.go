package wal

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// tinySegments is a segment size that puts a few test records in each
// segment, so that tests cross many segment changes.
const tinySegments = 256

// config is one storage configuration every restart test runs against
// (nats testAllStoreAllPermutations).
type config struct {
	name string
	opts Options
}

func allConfigs() []config {
	var out []config
	for _, p := range []Policy{Always, EverySec, No} {
		for _, seg := range []struct {
			name string
			size int
		}{{"tiny segments", tinySegments}, {"default segments", 0}} {
			out = append(out, config{
				name: p.String() + "/" + seg.name,
				opts: Options{Fsync: p, SegmentSize: seg.size, Logger: quietLogger()},
			})
		}
	}
	return out
}

// quietLogger drops the recovery warnings that the corruption tests
// provoke on purpose.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func mustOpen(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return l
}

// record is one replayed record, copied out of the log's buffers.
type record struct {
	Index uint64
	Ops   []Op
}

// replayAll replays l and returns deep copies of its records.
func replayAll(t *testing.T, l *Log) []record {
	t.Helper()
	var out []record
	err := l.Replay(func(index uint64, ops []Op) error {
		out = append(out, record{index, copyOps(ops)})
		return nil
	})
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	return out
}

func copyOps(ops []Op) []Op {
	out := make([]Op, len(ops))
	for i, op := range ops {
		out[i].DB = op.DB
		for _, a := range op.Args {
			out[i].Args = append(out[i].Args, bytes.Clone(a))
		}
	}
	return out
}

// testOps returns the ops of the i-th test record: one to three ops over a
// few databases, with arguments of varying size (some over 127 bytes, so
// that length prefixes take two bytes).
func testOps(i int) []Op {
	ops := []Op{{DB: i % 16, Args: [][]byte{
		[]byte("SET"),
		[]byte(fmt.Sprintf("key:%d", i)),
		bytes.Repeat([]byte{byte('a' + i%26)}, 1+(i*37)%180),
	}}}
	if i%3 == 0 {
		ops = append(ops, Op{DB: 1, Args: [][]byte{[]byte("PEXPIREAT"), []byte(fmt.Sprintf("key:%d", i)), []byte("1700000000000")}})
	}
	if i%5 == 0 {
		ops = append(ops, Op{DB: 300, Args: [][]byte{[]byte("XADD"), []byte("s"), []byte(fmt.Sprintf("%d-0", i)), []byte("f"), []byte("v")}})
	}
	return ops
}

// appendAll appends testOps(from..to-1) and waits for each.
// writeLog writes records 0..n-1 into a new log in dir with opts, closes
// it and returns them.
func writeLog(t *testing.T, dir string, opts Options, n int) []record {
	t.Helper()
	l := mustOpen(t, dir, opts)
	want := appendAll(t, l, 0, n)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return want
}

func appendAll(t *testing.T, l *Log, from, to int) []record {
	t.Helper()
	var out []record
	var ps []*Pending
	for i := from; i < to; i++ {
		ops := testOps(i)
		idx := l.NextIndex()
		ps = append(ps, l.Append(ops))
		out = append(out, record{idx, copyOps(ops)})
	}
	for _, p := range ps {
		if err := p.Wait(); err != nil {
			t.Fatalf("Wait: %v", err)
		}
	}
	return out
}

// reindex returns recs renumbered from first on, as they are after the
// records before them were cut.
func reindex(recs []record, first uint64) []record {
	out := make([]record, len(recs))
	for i, r := range recs {
		out[i] = record{first + uint64(i), r.Ops}
	}
	return out
}

func checkRecords(t *testing.T, got, want []record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("replayed %d records, want %d", len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("record %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// segmentFiles returns the names of the live segments in dir.
func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := listSegments(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range segs {
		out = append(out, s.name)
	}
	return out
}

// entry locates one tidwall/wal entry in a segment file.
type entry struct {
	off    int // offset of the length prefix
	prefix int // bytes of the length prefix
	size   int // bytes of the record
}

// entries parses the framing of the segment at path.
func entries(t *testing.T, path string) []entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for off := 0; off < len(data); {
		size, n := binary.Uvarint(data[off:])
		if n <= 0 || off+n+int(size) > len(data) {
			t.Fatalf("%s: bad entry at offset %d", path, off)
		}
		out = append(out, entry{off, n, int(size)})
		off += n + int(size)
	}
	return out
}

// flipBit flips one bit of the file at path.
func flipBit(t *testing.T, path string, off int, bit uint) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[off] ^= 1 << bit
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
}

func segPath(dir string, first uint64) string {
	return filepath.Join(dir, segmentName(first))
}
