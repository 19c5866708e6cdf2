package broker_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// TestSnapshotValuesRestoreEveryType: strings (plain, integer, changed in
// place, with TTLs), lists and streams with groups, in several
// databases, come back from a snapshot alone as they were, and the
// strings are in the snapshot as values, not as commands.
func TestSnapshotValuesRestoreEveryType(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for _, line := range []string{
		"SET plain hello", "SET int 12345", "SET raw ab", "APPEND raw cd",
		"SET ttl v PX 100000000", "SET rawttl x EX 100000", "SETRANGE rawttl 3 y",
		`SET "sp ace" "a\x00b"`, "SET empty ''",
		"RPUSH list a b c", "PEXPIRE list 100000000", "RPUSH big " + strings.Repeat("e ", 2500),
		"XADD st 1-1 f v", "XADD st 2-1 g w", "XGROUP CREATE st grp 0", "XREADGROUP GROUP grp c1 COUNT 1 STREAMS st >",
		"SELECT 3", "SET plain three", "SET t3 x PX 100000000", "LPUSH list3 z",
		"SELECT 15", "SET last 15",
	} {
		if got := r.Do(line); strings.HasPrefix(got, "(error)") {
			t.Fatalf("%s: %s", line, got)
		}
	}
	r.Do("SELECT 0")
	if got := r.Do("SAVE"); got != "OK" {
		t.Fatalf("SAVE = %s", got)
	}
	want := dumpKeyspace(t, r)
	encodings := func(r *brokertest.Raw) []string {
		var out []string
		for _, k := range []string{"plain", "int", "raw", "rawttl", "empty"} {
			out = append(out, r.Do("OBJECT ENCODING "+k))
		}
		return out
	}
	wantEnc := encodings(r)
	if !reflect.DeepEqual(wantEnc, []string{`"embstr"`, `"int"`, `"raw"`, `"raw"`, `"embstr"`}) {
		t.Fatalf("live encodings %v", wantEnc)
	}

	// The log before the snapshot must not be what restores the keys.
	var ops, values int
	var sets []string
	snaps := snapshotFiles(t, s.Dir)
	info, err := wal.ReadSnapshot(snaps[0].Path, wal.SnapshotHandler{
		Ops: func(o []wal.Op) error {
			for _, op := range o {
				ops++
				if strings.EqualFold(string(op.Args[0]), "SET") {
					sets = append(sets, string(op.Args[1]))
				}
			}
			return nil
		},
		Values: func(v []wal.Value) error { values += len(v); return nil },
	})
	if err != nil || values != 10 || len(sets) != 0 {
		t.Fatalf("snapshot: %v; %d values (want the 10 strings), SETs of %v", err, values, sets)
	}
	if want := []uint64{10, 0, 0, 3}; !reflect.DeepEqual(info.DBKeys[:4], want) || info.DBKeys[15] != 1 {
		t.Errorf("head's key counts %v, want %v ... 1", info.DBKeys, want)
	}

	s.Restart()
	r = s.Dial()
	if got := dumpKeyspace(t, r); !reflect.DeepEqual(got, want) {
		t.Fatalf("keyspace after loading the snapshot\n got: %v\nwant: %v", got, want)
	}
	if got := encodings(r); !reflect.DeepEqual(got, wantEnc) {
		t.Errorf("encodings after loading %v, want %v", got, wantEnc)
	}
	if got := r.Do("DBSIZE"); got != "(int) 10" {
		t.Errorf("DBSIZE = %s", got)
	}
}

// TestSnapshotUnknownValueKindStopsStartup: a value kind this brokerd
// does not know (a newer one wrote it) stops start-up with
// ErrSnapshotFormat instead of loading part of the data.
func TestSnapshotUnknownValueKindStopsStartup(t *testing.T) {
	cfg := broker.DefaultConfig()
	cfg.Port, cfg.Dir = 0, t.TempDir()
	w, err := wal.CreateSnapshot(filepath.Join(cfg.Dir, "wal"), 0, time.Now(), 1)
	if err != nil {
		t.Fatal(err)
	}
	w.Value(0, []byte("k"), 0, 200, []byte("v"))
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	s, err := broker.New(cfg)
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, wal.ErrSnapshotFormat) || !strings.Contains(err.Error(), "kind 200") {
		t.Fatalf("New = %v, want ErrSnapshotFormat naming the kind", err)
	}
}
