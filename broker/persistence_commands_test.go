package broker

import (
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/wal"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Port, cfg.Dir = 0, t.TempDir()
	cfg.SnapshotLogBytes = 0
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// call runs a command line through its handler under the read lock, as
// the dispatcher runs these admin commands, and returns the reply.
func (s *Server) call(line string) string {
	args := resptest.Split(line)
	out := command.NewReply(2)
	c := command.NewCtx(out, nil)
	c.Args, c.Keyspace = args, s.store
	spec, err := s.table.Resolve(args)
	if err != nil {
		return string(command.Translate(err))
	}
	s.mu.RLock()
	c.DB = s.store.DB(0)
	run(spec, c)
	s.mu.RUnlock()
	return resptest.Format(out.Bytes())
}

// waitIdle waits for the snapshot in progress, if any.
func (s *Server) waitIdle() {
	s.snap.mu.Lock()
	running, done := s.snap.running, s.snap.done
	s.snap.mu.Unlock()
	if running != "" {
		<-done
	}
}

func TestPersistenceCommandReplies(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		line, want string
	}{
		{"SAVE", "OK"},
		{"BGSAVE", "Background saving started"},
		{"BGSAVE schedule", ""}, // depends on timing: started or already in progress
		{"BGSAVE now", "ERR syntax error"},
		{"BGSAVE schedule extra", "ERR syntax error"},
		{"BGREWRITEAOF", "Background append only file rewriting started"},
		{"LASTSAVE x", "ERR wrong number of arguments for 'lastsave' command"},
	} {
		got := s.call(tt.line)
		if tt.want != "" && got != tt.want {
			t.Errorf("%s = %s, want %s", tt.line, got, tt.want)
		}
		s.waitIdle()
	}
	if got := s.call("LASTSAVE"); !strings.HasPrefix(got, "(integer) ") && !strings.HasPrefix(got, "(int) ") {
		t.Errorf("LASTSAVE = %s", got)
	}
}

// TestSnapshotInProgressReplies holds the snapshotter as a background
// snapshot of each kind would, and checks Redis's replies to the others.
func TestSnapshotInProgressReplies(t *testing.T) {
	for _, tt := range []struct {
		running string
		line    string
		want    string
	}{
		{snapSave, "BGSAVE", "ERR Background save already in progress"},
		{snapSave, "BGSAVE SCHEDULE", "ERR Background save already in progress"},
		{snapSave, "SAVE", "ERR Background save already in progress"},
		{snapSave, "BGREWRITEAOF", "Background append only file rewriting scheduled"},
		{snapRewrite, "BGREWRITEAOF", "ERR Background append only file rewriting already in progress"},
		{snapRewrite, "BGSAVE", "ERR Another child process is active (AOF?): can't BGSAVE right now. " +
			"Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."},
		{snapRewrite, "BGSAVE SCHEDULE", "Background saving scheduled"},
	} {
		t.Run(tt.running+" "+tt.line, func(t *testing.T) {
			s := newTestServer(t)
			if s.beginSnapshot(tt.running) != "" {
				t.Fatal("snapshotter busy")
			}
			if got := s.call(tt.line); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.line, got, tt.want)
			}
			info := s.call("INFO persistence")
			field := "rdb_bgsave_in_progress:1"
			if tt.running == snapRewrite {
				field = "aof_rewrite_in_progress:1"
			}
			if !strings.Contains(info, field) {
				t.Errorf("INFO persistence lacks %s: %s", field, info)
			}
		})
	}
}

// opaque is a value type without command.Rewriter, as lists and streams
// are until they implement it.
type opaque struct{}

func (opaque) Type() string           { return "opaque" }
func (opaque) Encoding() string       { return "raw" }
func (o opaque) Clone() command.Value { return o }

// TestSnapshotRefusesValueWithoutRewriter: the snapshot fails, says so in
// INFO, and leaves the log whole.
func TestSnapshotRefusesValueWithoutRewriter(t *testing.T) {
	s := newTestServer(t)
	s.call("SAVE") // a first snapshot, so that a second would truncate
	s.mu.Lock()
	s.store.DB(0).Put([]byte("q"), opaque{})
	s.mu.Unlock()
	if got := s.call("SAVE"); got != "ERR" {
		t.Fatalf("SAVE = %s, want the bare ERR", got)
	}
	if got := s.call("BGSAVE"); got != "Background saving started" {
		t.Fatalf("BGSAVE = %s", got)
	}
	s.waitIdle()
	info := s.call("INFO persistence")
	if !strings.Contains(info, "rdb_last_bgsave_status:err") {
		t.Errorf("INFO persistence: %s", info)
	}
	snaps, err := wal.ListSnapshots(s.log.Dir())
	if err != nil || len(snaps) != 1 {
		t.Errorf("snapshots = %v, %v; want only the first", snaps, err)
	}
	if s.log.FirstIndex() != 1 {
		t.Errorf("log truncated to %d", s.log.FirstIndex())
	}
}

// BenchmarkSnapshot1M measures, for 1,000,000 string keys, the pause a
// snapshot costs writers (the capture under the keyspace lock) and the
// background write. Run with
//
//	go test ./broker -run '^$' -bench Snapshot1M -benchtime 1x
func BenchmarkSnapshot1M(b *testing.B) {
	s, err := New(benchConfig(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.mu.Lock()
	db := s.store.DB(0)
	val := []byte("value-of-sixteen")
	for i := 0; i < 1_000_000; i++ {
		db.Put([]byte("key:"+strconv.Itoa(i)), kv.NewString(val))
	}
	s.mu.Unlock()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if s.beginSnapshot(snapSave) != "" {
			b.Fatal("busy")
		}
		// The machine is shared: the thread's own CPU time says what the
		// capture costs, the wall time what writers waited under load.
		runtime.LockOSThread()
		cpu0 := threadCPU()
		s.mu.Lock()
		img := s.captureLocked(snapSave)
		s.mu.Unlock()
		b.ReportMetric(float64((threadCPU() - cpu0).Milliseconds()), "pause-cpu-ms")
		runtime.UnlockOSThread()
		start := time.Now()
		err := s.writeSnapshot(img)
		s.finishSnapshot(img, err)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(s.snap.lastPause.Milliseconds()), "pause-ms")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "write-ms")
		b.ReportMetric(float64(s.snap.lastSize)/(1<<20), "file-MiB")
	}
}

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStartup1M measures start-up on a directory of 1,000,000
// one-SET records, replaying the whole log and then, after a snapshot,
// loading the snapshot. Run with
//
//	go test ./broker -run '^$' -bench Startup1M -benchtime 1x
func BenchmarkStartup1M(b *testing.B) {
	dir := b.TempDir()
	writeSETLog(b, dir, 1_000_000, 500_000)
	cfg := benchConfig(dir)
	open := func() (*Server, time.Duration) {
		start := time.Now()
		s, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		return s, time.Since(start)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, logOnly := open()
		// Two snapshots: the log is kept from the older one on, so the
		// second removes the segments the first made unnecessary.
		for j := 0; j < 2; j++ {
			if got := s.call("SAVE"); got != "OK" {
				b.Fatal(got)
			}
		}
		s.Close()
		s, withSnap := open()
		s.Close()
		b.ReportMetric(float64(logOnly.Milliseconds()), "log-only-ms")
		b.ReportMetric(float64(withSnap.Milliseconds()), "snapshot-ms")
	}
}
