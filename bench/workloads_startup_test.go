package bench

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestSnapshotRunning(t *testing.T) {
	tests := []struct {
		name string
		info string
		want bool
	}{
		{"idle", "# Persistence\r\nloading:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\nrdb_bgsave_in_progress:0\r\n", false},
		{"rewrite running", "aof_rewrite_in_progress:1\r\naof_rewrite_scheduled:0\r\nrdb_bgsave_in_progress:0\r\n", true},
		{"rewrite scheduled behind a save", "rdb_bgsave_in_progress:1\r\naof_rewrite_scheduled:1\r\n", true},
		{"save running", "aof_rewrite_in_progress:0\r\nrdb_bgsave_in_progress:1\r\n", true},
		{"fields absent", "# Persistence\r\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := snapshotRunning([]byte(tc.info)); got != tc.want {
				t.Errorf("snapshotRunning = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSnapshotPause(t *testing.T) {
	tests := []struct {
		name         string
		persist, sts string
		want         time.Duration
		wantErr      bool
	}{
		{"brokerd's own figure", "aof_rewrites:1\r\nsnapshot_last_pause_usec:2014813\r\n", "", 2014813 * time.Microsecond, false},
		{"brokerd's wins over a fork figure", "snapshot_last_pause_usec:5\r\n", "latest_fork_usec:60012\r\n", 5 * time.Microsecond, false},
		{"Redis's fork", "aof_rewrites:1\r\n", "total_forks:1\r\nlatest_fork_usec:60012\r\n", 60012 * time.Microsecond, false},
		{"neither", "aof_rewrites:1\r\n", "total_forks:0\r\n", 0, true},
		{"not a number", "snapshot_last_pause_usec:x\r\n", "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := snapshotPause([]byte(tc.persist), []byte(tc.sts))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("snapshotPause = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestDirSizeSumsRegularFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]int{"appendonly.aof.1.incr.aof": 1000, "wal/00000000000000000001": 250, "wal/snapshots/snap.brs": 30}
	for name, size := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "wal"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	got, err := dirSize(dir)
	if err != nil || got != 1280 {
		t.Errorf("dirSize = %d, %v; want 1280", got, err)
	}
}

func TestStartupRowNamesCarryTheKeyCount(t *testing.T) {
	logOnly, base, during, snap := startupRows(2_000_000)
	want := []string{"start-up, 2M keys: log only", "SET on 2M keys, no snapshot", "SET on 2M keys, during BGREWRITEAOF", "start-up, 2M keys: snapshot + log"}
	for i, got := range []string{logOnly, base, during, snap} {
		if got != want[i] {
			t.Errorf("row %d = %q, want %q", i, got, want[i])
		}
	}
	w := startupWorkload(&Config{StartupRecords: 2_000_000})
	kinds := []string{KindStartup, KindSnapshot, KindSnapshot, KindStartup}
	for i, row := range w.rows {
		if w.kind(row) != kinds[i] {
			t.Errorf("kind of %q = %q, want %q", row, w.kind(row), kinds[i])
		}
	}
}

func TestLocalWorkloadsAreSkippedWithTarget(t *testing.T) {
	cfg := QuickConfig()
	for _, w := range append(durabilityWorkloads(&cfg), startupWorkload(&cfg)) {
		s := &Suite{Cfg: cfg}
		// No server listens at the target: a workload that dialled it
		// would fail with a connection error instead.
		got := s.runOne(w, ServerSpec{Name: "target", Addr: "127.0.0.1:1"}, new(atomic.Int64))
		for _, smp := range got {
			if smp.Status != "skipped: needs binaries to start" {
				t.Errorf("%s: status %q", smp.Row, smp.Status)
			}
		}
	}
}

func TestJoinNotes(t *testing.T) {
	if got := joinNotes("", "a", "", "b"); got != "a; b" {
		t.Errorf("joinNotes = %q", got)
	}
	if got := joinNotes("", ""); got != "" {
		t.Errorf("joinNotes of nothing = %q", got)
	}
}
