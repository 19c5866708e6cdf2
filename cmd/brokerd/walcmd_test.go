package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/wal"
)

func TestQuoteArg(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"foo", "foo"},
		{"1-0", "1-0"},
		{"", `""`},
		{"hello world", `"hello world"`},
		{`say "hi"`, `"say \"hi\""`},
		{`a\b`, `"a\\b"`},
		{"it's", `"it's"`},
		{"line\nbreak\r\t\a\b", `"line\nbreak\r\t\a\b"`},
		{"\x00\x01\xff", `"\x00\x01\xff"`},
		{"caf\xc3\xa9", `"caf\xc3\xa9"`},
	}
	for _, tt := range tests {
		if got := quoteArg([]byte(tt.in)); got != tt.want {
			t.Errorf("quoteArg(%q) = %s, want %s", tt.in, got, tt.want)
		}
		// What redis-cli (and a config file) reads back is the argument.
		words, err := splitArgs(quoteArg([]byte(tt.in)))
		if err != nil || len(words) != 1 || words[0] != tt.in {
			t.Errorf("splitArgs(quoteArg(%q)) = %q, %v", tt.in, words, err)
		}
	}
}

func TestWriteRecord(t *testing.T) {
	var b strings.Builder
	ops := []wal.Op{
		{DB: 0, Args: [][]byte{[]byte("SET"), []byte("greeting"), []byte("hello world")}},
		{DB: 3, Args: [][]byte{[]byte("DEL"), []byte("k\x00")}},
	}
	if err := writeRecord(&b, 42, ops); err != nil {
		t.Fatal(err)
	}
	want := "42 db=0 SET greeting \"hello world\"\n42 db=3 DEL \"k\\x00\"\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestRepairPlan(t *testing.T) {
	segs := []wal.SegmentReport{{Name: "s1"}, {Name: "s2"}, {Name: "s3"}}
	tests := []struct {
		name string
		rep  wal.Report
		want string
	}{
		{"clean log", wal.Report{Segments: segs, Records: 9}, "nothing to repair"},
		{"cut inside a segment, later segments moved",
			wal.Report{Segments: segs, Records: 4, FirstIndex: 1, LastIndex: 4,
				Problem: &wal.Problem{Segment: "s2", Index: 5, Offset: 100}},
			"repair would drop every record from index 5 on:\n" +
				"  cut segment s2 at offset 100, keeping its original bytes in a .broken file\n" +
				"  move the 1 later segments aside to .broken files: s3\n" +
				"and keep the 4 records before it (index 1-4).\n" +
				"Nothing was changed; run again with --yes to repair."},
		{"damage at the start of a segment",
			wal.Report{Segments: segs, Records: 0, FirstIndex: 1,
				Problem: &wal.Problem{Segment: "s1", Index: 1}},
			"repair would drop every record from index 1 on:\n" +
				"  drop all of segment s1, keeping its bytes in a .broken file\n" +
				"  move the 2 later segments aside to .broken files: s2 s3\n" +
				"and keep no records.\n" +
				"Nothing was changed; run again with --yes to repair."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := repairPlan(tt.rep); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestWALCheckSnapshotsAndProgress: check reads the snapshots too, fails
// on a damaged one, and reports progress on stderr.
func TestWALCheckSnapshotsAndProgress(t *testing.T) {
	dataDir := t.TempDir()
	walDir := filepath.Join(dataDir, "wal")
	l, err := wal.Open(walDir, wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if err := l.Append([]wal.Op{{Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}}).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	sw, err := wal.CreateSnapshot(walDir, 5, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sw.Write([]wal.Op{{Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}})
	if _, err := sw.Commit(); err != nil {
		t.Fatal(err)
	}
	l.Close()

	run := func() (string, string, error) {
		var out, errOut strings.Builder
		app := newApp(nil, func(options) error { return nil })
		app.Writer, app.ErrWriter = &out, &errOut
		err := app.Run([]string{"brokerd", "wal", "check", "--dir", dataDir, "--progress", "4"})
		return out.String(), errOut.String(), err
	}
	out, errOut, err := run()
	if err != nil || !strings.Contains(out, "snapshot snap-00000000000000000005.brs") || !strings.HasSuffix(out, "\nok\n") {
		t.Fatalf("wal check = %v\n%s", err, out)
	}
	if !strings.Contains(errOut, "... 4 records read") || !strings.Contains(errOut, "... 12 records read") {
		t.Errorf("progress on stderr:\n%s", errOut)
	}

	snaps, _ := wal.ListSnapshots(walDir)
	if err := os.Truncate(snaps[0].Path, 20); err != nil {
		t.Fatal(err)
	}
	out, _, err = run()
	if !errors.Is(err, wal.ErrCorrupt) || !strings.Contains(out, "DAMAGED") {
		t.Errorf("wal check of a damaged snapshot = %v\n%s", err, out)
	}
}
