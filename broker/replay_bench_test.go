package broker

import (
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/brokerd/brokerd/wal"
)

// processCPU is the CPU time the whole process has used, the garbage
// collector's included.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLoad fills a data directory with records one-SET records over keys
// distinct keys (16-byte values, as bench's start-up rows), runs prepare
// on a server opened on it, then times New on it b.N times. It reports the
// wall time and the process's CPU time per start-up, so that a machine
// shared with other work still gives a usable figure.
func benchLoad(b *testing.B, records, keys int, prepare func(s *Server)) {
	dir := b.TempDir()
	writeSETLog(b, dir, records, keys)
	cfg := benchConfig(dir)
	if prepare != nil {
		s, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		prepare(s)
		s.Close()
	}
	b.ResetTimer()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		c0 := processCPU()
		s, err := New(cfg)
		cpu += processCPU() - c0
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if got := s.store.Database(0).Size(); got != keys {
			b.Fatalf("loaded %d keys, want %d", got, keys)
		}
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkLoadLog1M is start-up from a log of 1,000,000 SETs of distinct
// keys (bench's "start-up, 1M keys: log only" row, in process):
//
//	go test ./broker -run '^$' -bench 'Load(Log|Snapshot)1M' -benchtime 3x -count 3
func BenchmarkLoadLog1M(b *testing.B) { benchLoad(b, 1_000_000, 1_000_000, nil) }

// BenchmarkLoadSnapshot1M is start-up from a snapshot of 1,000,000 keys
// and no log after it.
func BenchmarkLoadSnapshot1M(b *testing.B) {
	benchLoad(b, 1_000_000, 1_000_000, func(s *Server) {
		for j := 0; j < 2; j++ { // the second removes the log the first covers
			if got := s.call("SAVE"); got != "OK" {
				b.Fatal(got)
			}
		}
	})
}

// writeSETLog writes a log of records one-SET records over keys distinct
// keys, with 16-byte values, into data directory dir.
func writeSETLog(b *testing.B, dir string, records, keys int) {
	l, err := wal.Open(filepath.Join(dir, "wal"), wal.Options{Fsync: wal.No})
	if err != nil {
		b.Fatal(err)
	}
	var last *wal.Pending
	for i := 0; i < records; i++ {
		last = l.Append([]wal.Op{{Args: [][]byte{[]byte("SET"), []byte("key:" + strconv.Itoa(i%keys)), []byte("value-0123456789")}}})
	}
	if err := last.Wait(); err != nil {
		b.Fatal(err)
	}
	l.Close()
}

// benchConfig is a benchmark server's configuration: data in dir, any
// port, snapshots only on command, no logging.
func benchConfig(dir string) Config {
	cfg := DefaultConfig()
	cfg.Port, cfg.Dir, cfg.SnapshotLogBytes = 0, dir, 0
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return cfg
}
