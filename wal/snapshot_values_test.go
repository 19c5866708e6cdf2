package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// snapItem is one ops or values record as read back.
type snapItem struct {
	ops  []Op
	vals []Value
}

func copyValues(vals []Value) []Value {
	out := make([]Value, len(vals))
	for i, v := range vals {
		out[i] = Value{DB: v.DB, Key: bytes.Clone(v.Key), ExpireAt: v.ExpireAt, Kind: v.Kind}
		for _, e := range v.Elems {
			out[i].Elems = append(out[i].Elems, bytes.Clone(e))
		}
	}
	return out
}

func readItems(t *testing.T, path string) ([]snapItem, SnapshotInfo) {
	t.Helper()
	var got []snapItem
	var head SnapshotInfo
	info, err := ReadSnapshot(path, SnapshotHandler{
		Head:   func(i SnapshotInfo) error { head = i; return nil },
		Ops:    func(ops []Op) error { got = append(got, snapItem{ops: copyOps(ops)}); return nil },
		Values: func(v []Value) error { got = append(got, snapItem{vals: copyValues(v)}); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(head.DBKeys, info.DBKeys) || head.Index != info.Index {
		t.Errorf("Head got %+v, the end %+v", head, info)
	}
	return got, info
}

// writeMixed writes a snapshot at index 11 of values in databases 0, 2
// and 5 (with and without expiries, no elements, empty ones, one larger
// than a read batch) and ops records between them, and returns the
// values and ops in the order written.
func writeMixed(t *testing.T, dir string) (vals []Value, ops [][]Op, info SnapshotInfo) {
	t.Helper()
	w, err := CreateSnapshot(dir, 11, time.UnixMilli(1700000000123), 3000, 0, 1, 0, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	add := func(v Value) {
		t.Helper()
		if err := w.Value(v.DB, v.Key, v.ExpireAt, v.Kind, v.Elems...); err != nil {
			t.Fatal(err)
		}
		vals = append(vals, v)
	}
	for i := 0; i < 3000; i++ {
		v := Value{Key: []byte(fmt.Sprint("key:", i)), Kind: byte(1 + i%3), Elems: [][]byte{[]byte(fmt.Sprint("value-", i))}}
		switch {
		case i%7 == 0:
			v.ExpireAt = 1700000000000 + int64(i)
		case i == 100:
			v.Elems = nil
		case i == 101:
			v.Elems = [][]byte{{}, []byte("a"), {}}
		case i == 1500:
			v.Elems = [][]byte{bytes.Repeat([]byte{'x'}, 2*snapshotBatchBytes+1)}
		}
		add(v)
		if i%1000 == 999 {
			o := []Op{{DB: 2, Args: [][]byte{[]byte("RPUSH"), []byte(fmt.Sprint("l", i)), []byte("e")}}}
			if err := w.Write(o); err != nil {
				t.Fatal(err)
			}
			ops = append(ops, copyOps(o))
		}
	}
	add(Value{DB: 2, Key: []byte("two"), Kind: 1, Elems: [][]byte{[]byte("2")}})
	add(Value{DB: 5, Key: []byte("five"), ExpireAt: 1, Kind: 9, Elems: [][]byte{[]byte("a"), []byte("b")}})
	add(Value{DB: 5, Key: []byte{}, Kind: 1, Elems: [][]byte{[]byte("empty key")}})
	info, err = w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return vals, ops, info
}

func TestSnapshotValuesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	wantVals, wantOps, winfo := writeMixed(t, dir)
	items, info := readItems(t, winfo.Path)
	var gotVals []Value
	var gotOps [][]Op
	for _, it := range items {
		if it.vals != nil {
			gotVals = append(gotVals, it.vals...)
		} else {
			gotOps = append(gotOps, it.ops)
			// Each ops record comes after the values written before it.
			if n := len(gotVals); n%1000 != 0 {
				t.Errorf("ops record after %d values, want after a multiple of 1000", n)
			}
		}
	}
	for i := range wantVals {
		if len(wantVals[i].Elems) == 0 {
			wantVals[i].Elems = nil
		}
	}
	if !reflect.DeepEqual(gotVals, wantVals) {
		t.Error("values differ from what was written")
	}
	if !reflect.DeepEqual(gotOps, wantOps) {
		t.Error("ops differ from what was written")
	}
	if info.Values != 3003 || info.Ops != 3 || info.Records != winfo.Records || info.Records < 5 ||
		!reflect.DeepEqual(info.DBKeys, []uint64{3000, 0, 1, 0, 0, 2}) || info.Index != 11 {
		t.Errorf("info = %+v, written %+v", info, winfo)
	}
	if rep, err := Check(dir); err != nil || len(rep.Snapshots) != 1 || rep.Snapshots[0].Info.Values != 3003 ||
		!strings.Contains(rep.String(), "3003 values") {
		t.Errorf("Check = %v, %v", rep, err)
	}
}

// TestSnapshotValuesCorruption: damage anywhere in a values record is
// ErrCorrupt, never a different snapshot.
func TestSnapshotValuesCorruption(t *testing.T) {
	dir := t.TempDir()
	w, err := CreateSnapshot(dir, 3, time.Now(), 2)
	if err != nil {
		t.Fatal(err)
	}
	w.Value(0, []byte("a"), 5, 1, []byte("x"))
	w.Value(0, []byte("bb"), 0, 2, []byte("yy"), []byte("z"))
	info, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(info.Path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		for _, bit := range []byte{0x01, 0x80} {
			d := bytes.Clone(data)
			d[i] ^= bit
			if err := os.WriteFile(info.Path, d, 0o640); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadSnapshot(info.Path, SnapshotHandler{}); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d ^ %#x: ReadSnapshot = %v, want ErrCorrupt", i, bit, err)
			}
		}
	}
}

// TestCheckValuesStructure: a values record whose CRC is right but whose
// payload is malformed is refused.
func TestCheckValuesStructure(t *testing.T) {
	build := func(payload ...byte) []byte {
		var r valuesRecord
		r.start(0)
		r.buf = append(r.buf[:len(r.buf)-1], payload...) // replace the database
		return r.finish()
	}
	for _, tt := range []struct {
		name string
		rec  []byte
		want error
	}{
		{"no values", build(0), errNoValues},
		{"key cut short", build(0, 5, 'a'), errTruncated},
		{"no kind", build(0, 1, 'a', 0), errTruncated},
		{"element cut short", build(0, 1, 'a', 0, 1, 1, 3, 'x'), errTruncated},
		{"long varint", build(0, 1, 'a', 0x80, 0, 1, 0), errLongVarint},
		{"expiry out of range", build(0, 1, 'a', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1, 0), errValueExpiry},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := checkValues(tt.rec); err != tt.want {
				t.Fatalf("checkValues = %v, want %v", err, tt.want)
			}
		})
	}
	if n, e, err := checkValues(build(0, 1, 'a', 0, 1, 2, 1, 'x', 0)); n != 1 || e != 2 || err != nil {
		t.Fatalf("checkValues of a good record = %d, %d, %v", n, e, err)
	}
}

// TestSnapshotFormatRefused: a snapshot of format 1 (head type 2) or of
// a newer format fails with ErrSnapshotFormat, not ErrCorrupt, and names
// the format; Check reports it.
func TestSnapshotFormatRefused(t *testing.T) {
	frame := func(recs ...[]byte) []byte {
		var out []byte
		for _, r := range recs {
			out = appendUvarintLen(out, r)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"format 1", frame(appendMeta(nil, recordTypeSnapHead, 4, 1700000000000), appendMeta(nil, recordTypeSnapEnd, 0, 0)), "format 1"},
		{"format 3", frame(appendMeta(nil, recordTypeSnapHeader, 3, 4, 1700000000000, 0), appendMeta(nil, recordTypeSnapEnd, 0, 0, 0)), "format 3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(SnapshotDir(dir), 0o750); err != nil {
				t.Fatal(err)
			}
			path := SnapshotDir(dir) + "/" + snapshotName(4)
			if err := os.WriteFile(path, tt.data, 0o640); err != nil {
				t.Fatal(err)
			}
			called := false
			_, err := ReadSnapshot(path, SnapshotHandler{Head: func(SnapshotInfo) error { called = true; return nil }})
			if !errors.Is(err, ErrSnapshotFormat) || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) || called {
				t.Fatalf("ReadSnapshot = %v (head seen: %v), want ErrSnapshotFormat naming %s", err, called, tt.want)
			}
			rep, err := Check(dir)
			if !errors.Is(err, ErrSnapshotFormat) || !strings.Contains(rep.String(), "UNREADABLE") {
				t.Fatalf("Check = %v\n%s", err, rep)
			}
		})
	}
}

// appendUvarintLen frames rec as a snapshot entry: uvarint length, then rec.
func appendUvarintLen(dst, rec []byte) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(rec))), rec...)
}

// TestSnapshotValueBuffer: values gathered in a ValueBuffer (reused after
// Reset) and written with WriteValues come back in order with those added
// by Value and the ops around them, and Value fills whole records.
func TestSnapshotValueBuffer(t *testing.T) {
	dir := t.TempDir()
	w, err := CreateSnapshot(dir, 5, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var want []snapItem
	val := bytes.Repeat([]byte{'v'}, 200)
	var vb ValueBuffer
	for round := 0; round < 3; round++ {
		var vals []Value
		for i := 0; i < 4000; i++ {
			v := Value{DB: i / 1500, Key: []byte(fmt.Sprint("r", round, "k", i)), Kind: 1, Elems: [][]byte{val}}
			if round == 1 {
				err = w.Value(v.DB, v.Key, v.ExpireAt, v.Kind, v.Elems...)
			} else {
				err = vb.Add(v.DB, string(v.Key), v.ExpireAt, v.Kind, v.Elems...)
			}
			if err != nil {
				t.Fatal(err)
			}
			vals = append(vals, v)
		}
		if round != 1 {
			if vb.Values() != 4000 {
				t.Fatalf("Values = %d", vb.Values())
			}
			if err := w.WriteValues(&vb); err != nil {
				t.Fatal(err)
			}
			vb.Reset()
		}
		want = append(want, snapItem{vals: vals})
		ops := []Op{{DB: 1, Args: [][]byte{[]byte("RPUSH"), []byte("l"), []byte(fmt.Sprint(round))}}}
		if err := w.Write(ops); err != nil {
			t.Fatal(err)
		}
		want = append(want, snapItem{ops: copyOps(ops)})
	}
	info, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	items, _ := readItems(t, info.Path)
	// Join consecutive values records to compare with what was written.
	var got []snapItem
	for _, it := range items {
		if n := len(got); it.vals != nil && n > 0 && got[n-1].vals != nil {
			got[n-1].vals = append(got[n-1].vals, it.vals...)
			continue
		}
		got = append(got, it)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("snapshot differs from what was written")
	}
	// Each round: 1500, 1500 and 1000 values of ~210 bytes in databases
	// 0-2, in records of about snapshotValuesBytes: 2+2+1, then the ops.
	if len(items) != 3*6 || info.Values != 12000 {
		t.Errorf("%d records and %d values, want 18 and 12000", len(items), info.Values)
	}
}
