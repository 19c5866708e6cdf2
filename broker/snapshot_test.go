package broker_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// smallSegments makes the log change segment every few hundred records,
// so that snapshots can remove segments in a short test.
func smallSegments(c *broker.Config) { c.SegmentSize = 4096 }

// infoField returns one INFO persistence field.
func infoField(t *testing.T, r *brokertest.Raw, field string) string {
	t.Helper()
	for _, line := range strings.Split(r.Do("INFO persistence"), "\\r\\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO persistence has no %s", field)
	return ""
}

// snapshotThenRestart takes a snapshot with cmd (SAVE, BGSAVE or
// BGREWRITEAOF), waits for a background one to end, checks a snapshot
// file was written, and restarts s. The log holds nothing after the
// snapshot's index, so the state after the restart is the snapshot's.
func snapshotThenRestart(t *testing.T, s *brokertest.Server, r *brokertest.Raw, cmd string) {
	t.Helper()
	if got := r.Do(cmd); got != "OK" && got != "Background saving started" && got != "Background append only file rewriting started" {
		t.Fatalf("%s = %s", cmd, got)
	}
	if cmd != "SAVE" {
		waitSnapshot(t, r, map[string]string{"BGSAVE": "rdb_last_bgsave_status", "BGREWRITEAOF": "aof_last_bgrewrite_status"}[cmd])
	}
	if len(snapshotFiles(t, s.Dir)) == 0 {
		t.Fatalf("%s wrote no snapshot", cmd)
	}
	s.Restart()
}

// waitSnapshot waits until no snapshot is in progress and checks that the
// last one of the given kind succeeded.
func waitSnapshot(t *testing.T, r *brokertest.Raw, statusField string) {
	t.Helper()
	brokertest.Eventually(t, 30*time.Second, func() error {
		if infoField(t, r, "rdb_bgsave_in_progress") != "0" || infoField(t, r, "aof_rewrite_in_progress") != "0" {
			return errors.New("snapshot in progress")
		}
		return nil
	})
	if got := infoField(t, r, statusField); got != "ok" {
		t.Fatalf("%s = %s", statusField, got)
	}
}

// writeLoad runs non-idempotent writes (INCR, APPEND, expiring SETs) from
// several clients until stop is closed. Replaying any record twice, or
// missing one, changes the state.
func writeLoad(t *testing.T, s *brokertest.Server, stop chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := s.Dial()
			rng := rand.New(rand.NewSource(int64(w)))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := strconv.Itoa(rng.Intn(200))
				switch i % 4 {
				case 0:
					r.Do("INCR n" + k)
				case 1:
					r.Do("APPEND a" + k + " x" + strconv.Itoa(w))
				case 2:
					r.Do("SET s" + k + " v" + strconv.Itoa(i) + " PX " + strconv.Itoa(1_000_000+i))
				case 3:
					r.Do("SELECT " + strconv.Itoa(rng.Intn(3)))
				}
			}
		}(w)
	}
	return &wg
}

// TestSnapshotWhileWritingIsExactState takes snapshots while clients
// write, then restarts from snapshot plus log tail: the keyspace must be
// the live one. The writes are not idempotent, so a snapshot that held a
// record it claims is after its index (or missed one before it) would
// show as a difference.
func TestSnapshotWhileWritingIsExactState(t *testing.T) {
	for _, cmd := range []string{"BGSAVE", "BGREWRITEAOF"} {
		t.Run(cmd, func(t *testing.T) {
			s := brokertest.Start(t, brokertest.WithConfig(smallSegments), brokertest.WithFsync(wal.No))
			// Copy a few keys per step, so that the writers run between
			// the steps of every snapshot (copy-before-write).
			s.StepSnapshots(8).Release()
			r := s.Dial()
			stop := make(chan struct{})
			wg := writeLoad(t, s, stop)
			status := "rdb_last_bgsave_status"
			if cmd == "BGREWRITEAOF" {
				status = "aof_last_bgrewrite_status"
			}
			for i := 0; i < 3; i++ {
				brokertest.Eventually(t, 10*time.Second, func() error {
					if n, _ := strconv.Atoi(infoField(t, r, "rdb_changes_since_last_save")); n < 300 {
						return fmt.Errorf("only %d changes so far", n)
					}
					return nil
				})
				if got := r.Do(cmd); !strings.Contains(got, "started") {
					t.Fatalf("%s = %s", cmd, got)
				}
				waitSnapshot(t, r, status)
			}
			close(stop)
			wg.Wait()
			if first, _ := strconv.Atoi(infoField(t, r, "wal_first_index")); first <= 1 {
				t.Fatalf("wal_first_index = %d: the log was not truncated", first)
			}
			before := dumpKeyspace(t, s.Dial())
			s.Restart()
			after := dumpKeyspace(t, s.Dial())
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("keyspace changed across restart from snapshot\nbefore: %v\n after: %v", before, after)
			}
		})
	}
}

// snapshotFiles lists the snapshot files of a server's data directory,
// newest first.
func snapshotFiles(t *testing.T, dir string) []wal.SnapshotFile {
	t.Helper()
	snaps, err := wal.ListSnapshots(dir + "/wal")
	if err != nil {
		t.Fatal(err)
	}
	return snaps
}

// twoSnapshots writes keys, snapshots, writes more, snapshots again, and
// writes more, with small segments so that the log is truncated.
func twoSnapshots(t *testing.T, s *brokertest.Server) map[string]string {
	r := s.Dial()
	for round := 0; round < 3; round++ {
		for i := 0; i < 300; i++ {
			r.Do(fmt.Sprintf("INCR k%d", i%50))
			r.Do(fmt.Sprintf("SET r%d-%d v PX 100000000", round, i))
		}
		if round < 2 {
			if got := r.Do("SAVE"); got != "OK" {
				t.Fatalf("SAVE = %s", got)
			}
		}
	}
	if n := len(snapshotFiles(t, s.Dir)); n != 2 {
		t.Fatalf("%d snapshot files, want 2", n)
	}
	return dumpKeyspace(t, r)
}

func TestRestartAfterSnapshotAndTruncation(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithConfig(smallSegments))
	want := twoSnapshots(t, s)
	s.Restart()
	if got := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(got, want) {
		t.Fatalf("keyspace changed across restart\n got: %v\nwant: %v", got, want)
	}
}

func TestDamagedSnapshotFallsBack(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithConfig(smallSegments))
	want := twoSnapshots(t, s)
	s.Close()
	newest := snapshotFiles(t, s.Dir)[0].Path
	data, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(newest, data, 0o640); err != nil {
		t.Fatal(err)
	}
	s.Restart()
	if got := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(got, want) {
		t.Fatalf("keyspace after falling back to the older snapshot\n got: %v\nwant: %v", got, want)
	}
}

// TestNoIntactSnapshotRefusesTruncatedLog: with every snapshot damaged and
// the log's start removed, start-up fails and says why, rather than
// starting with part of the data.
func TestNoIntactSnapshotRefusesTruncatedLog(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithConfig(smallSegments))
	twoSnapshots(t, s)
	s.Close()
	for _, sn := range snapshotFiles(t, s.Dir) {
		if err := os.Truncate(sn.Path, 10); err != nil {
			t.Fatal(err)
		}
	}
	cfg := broker.DefaultConfig()
	cfg.Port, cfg.Dir, cfg.Logger = 0, s.Dir, quietLogger()
	srv, err := broker.New(cfg)
	if err == nil {
		srv.Close()
		t.Fatal("start-up succeeded with a truncated log and no intact snapshot")
	}
	if !errors.Is(err, wal.ErrNoSnapshot) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("start-up error = %v", err)
	}
	if _, err := wal.Check(s.Dir + "/wal"); err == nil {
		t.Error("wal.Check passed the same directory")
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestAutomaticSnapshot: once snapshot-log-bytes of log were written, a
// snapshot starts by itself.
func TestAutomaticSnapshot(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithConfig(func(c *broker.Config) { c.SnapshotLogBytes = 2000 }))
	r := s.Dial()
	for i := 0; i < 100; i++ {
		r.Do(fmt.Sprintf("SET key%d value%d", i, i))
	}
	brokertest.Eventually(t, 30*time.Second, func() error {
		if n := len(snapshotFiles(t, s.Dir)); n == 0 {
			return errors.New("no snapshot yet")
		}
		return nil
	})
	waitSnapshot(t, r, "aof_last_bgrewrite_status")
	if got := infoField(t, r, "aof_rewrites"); got == "0" {
		t.Errorf("aof_rewrites = %s", got)
	}
}
