package wal

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current encoder")

const goldenDir = "testdata/golden"

// goldenOps is the fixed log behind testdata/golden: every field of the
// format, a two-byte length prefix, and enough bytes for three segments.
func goldenOps() [][]Op {
	return [][]Op{
		{{DB: 0, Args: [][]byte{[]byte("SET"), []byte("greeting"), []byte("hello world")}}},
		{
			{DB: 3, Args: [][]byte{[]byte("XADD"), []byte("jobs"), []byte("1700000000000-0"), []byte("task"), []byte("resize")}},
			{DB: 3, Args: [][]byte{[]byte("PEXPIREAT"), []byte("jobs"), []byte("1700000600000")}},
		},
		{{DB: 15, Args: [][]byte{[]byte("SET"), []byte("k\x00\xff"), {}}}},
		{{DB: 200, Args: [][]byte{[]byte("RPUSH"), []byte("queue"), bytes.Repeat([]byte("0123456789"), 15)}}},
		{{DB: 1, Args: [][]byte{[]byte("DEL"), []byte("greeting")}}},
	}
}

// TestGoldenSegments pins the on-disk bytes of a small log. If it fails,
// the format changed: that breaks every existing log unless the version
// constant and the reader change with it. Regenerate with
// `go test ./wal -run Golden -update` only for a deliberate change.
func TestGoldenSegments(t *testing.T) {
	dir := t.TempDir()
	l := mustOpen(t, dir, Options{Fsync: Always, SegmentSize: 128})
	for _, ops := range goldenOps() {
		if err := l.Append(ops).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got := readSegments(t, dir)
	if len(got) < 3 {
		t.Fatalf("golden log has %d segments, want at least 3", len(got))
	}

	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			if err := os.WriteFile(filepath.Join(goldenDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("rewrote %s", goldenDir)
		return
	}

	want := readSegments(t, goldenDir)
	gotNames, wantNames := sortedKeys(got), sortedKeys(want)
	if !slices.Equal(gotNames, wantNames) {
		t.Fatalf("segment files %v, golden has %v", gotNames, wantNames)
	}
	for _, name := range gotNames {
		if !bytes.Equal(got[name], want[name]) {
			t.Errorf("segment %s:\n got % x\nwant % x", name, got[name], want[name])
		}
	}
}

// TestGoldenReadable replays the golden files themselves, so that a reader
// change that no longer understands logs already on disk fails even when
// the encoder changed in step.
func TestGoldenReadable(t *testing.T) {
	dir := t.TempDir()
	for name, data := range readSegments(t, goldenDir) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	l := mustOpen(t, dir, Options{})
	defer l.Close()
	got := replayAll(t, l)
	want := goldenOps()
	if len(got) != len(want) {
		t.Fatalf("golden log replays %d records, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Index != uint64(i+1) || !sameOps(got[i].Ops, want[i]) {
			t.Errorf("record %d = %+v, want %+v", i+1, got[i], want[i])
		}
	}
}

// readSegments returns the segment files of dir by name.
func readSegments(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.Name() == lockFile || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func sortedKeys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
