package bench

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

// The startup workload answers issue 7's last two questions on one
// keyspace, filled once per run because filling it is the slow part:
//
//  1. a fresh server gets cfg.StartupRecords keys, one SET each
//     (pipelined), with its automatic snapshots off, so that its data
//     directory is a log of that many small records;
//  2. it is halted (SHUTDOWN NOSAVE) and restarted: the start-up time
//     from a log only;
//  3. a steady SET load (cfg.Clients clients, pipeline 1, over the same
//     keys) is measured without a snapshot, then again with a
//     BGREWRITEAOF started as the measured window opens, the window
//     lasting until the snapshot ends: what clients see of it;
//  4. it is halted and restarted again: the start-up time from that
//     snapshot and the log written after it (the SET load's).
//
// For brokerd BGREWRITEAOF and BGSAVE are the same snapshot. For Redis
// with appendonly, BGREWRITEAOF writes the snapshot that start-up loads
// (an RDB preamble as the AOF's base); a BGSAVE's dump.rdb would be
// ignored.

// noAutoSnapshot are the arguments that leave snapshots to commands.
var noAutoSnapshot = map[string][]string{
	"brokerd": {"--snapshot-log-bytes", "0"},
	"redis":   {"--auto-aof-rewrite-percentage", "0"},
}

// fillBatch is the pipeline depth of the fill.
const fillBatch = 64

// fillLimit bounds the fill; the rows report how many keys it wrote.
const fillLimit = 10 * time.Minute

// snapshotPoll is how often INFO is polled for the end of a snapshot.
const snapshotPoll = 10 * time.Millisecond

// startupRows names the workload's rows, in the order they are measured.
func startupRows(n int) (logOnly, base, during, withSnapshot string) {
	k := FormatCount(n)
	return fmt.Sprintf("start-up, %s keys: log only", k),
		fmt.Sprintf("SET on %s keys, no snapshot", k),
		fmt.Sprintf("SET on %s keys, during BGREWRITEAOF", k),
		fmt.Sprintf("start-up, %s keys: snapshot + log", k)
}

func startupWorkload(cfg *Config) workload {
	logOnly, base, during, withSnapshot := startupRows(cfg.StartupRecords)
	return workload{
		group: "startup",
		rows:  []string{logOnly, base, during, withSnapshot},
		kinds: map[string]string{logOnly: KindStartup, withSnapshot: KindStartup, base: KindSnapshot, during: KindSnapshot},
		own:   true,
		local: true,
		run:   runStartup,
	}
}

func runStartup(rc *runCtx) ([]Sample, error) {
	rows := make([]string, 4)
	rows[0], rows[1], rows[2], rows[3] = startupRows(rc.cfg.StartupRecords)
	var out []Sample
	fail := func(err error) ([]Sample, error) {
		for _, row := range rows[len(out):] {
			out = append(out, Sample{Row: row, Status: statusOf(err)})
		}
		return out, nil
	}
	side := rc.side
	side.Extra = append(append([]string(nil), side.Extra...), noAutoSnapshot[side.Kind]...)
	srv, err := side.Start()
	if err != nil {
		return fail(err)
	}
	defer srv.Stop()
	rc.srv = srv

	keys, note, err := fillKeys(rc, rc.cfg.StartupRecords)
	if err != nil {
		return fail(err)
	}
	s, err := restartTimed(srv, rows[0], keys)
	if err != nil {
		return fail(err)
	}
	s.Note = joinNotes(note, s.Note)
	out = append(out, s)

	s, err = rawLoad{row: rows[1], cmd: "SET", pipe: 1, keys: keys}.run(rc)
	if err != nil {
		return fail(err)
	}
	out = append(out, s)

	var snap snapshotRun
	s, err = rawLoad{row: rows[2], cmd: "SET", pipe: 1, keys: keys, during: func() error { return snap.run(srv.Addr) }}.run(rc)
	if err != nil {
		return fail(err)
	}
	s.Snapshot, s.Pause = snap.took, snap.pause
	out = append(out, s)

	s, err = restartTimed(srv, rows[3], keys)
	if err != nil {
		return fail(err)
	}
	return append(out, s), nil
}

// fillKeys writes keys 0 to n-1 of rawKey, one SET each, over
// cfg.Clients connections in pipelines of fillBatch. It returns how many
// it wrote (n unless fillLimit passed first, which the note says).
func fillKeys(rc *runCtx, n int) (int, string, error) {
	var next, done atomic.Int64
	deadline := time.Now().Add(fillLimit)
	started := time.Now()
	val := newPayload(rc.cfg.Payload, false)
	_, err := runCounted(rc, "fill", rc.cfg.Clients, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		var keys [fillBatch][]byte
		for !time.Now().After(deadline) {
			// Every batch taken is written, so the keys written are
			// always the first ones.
			first := next.Add(fillBatch) - fillBatch
			if first >= int64(n) {
				return nil
			}
			k := min(fillBatch, int64(n)-first)
			start := time.Now()
			for i := range k {
				keys[i] = rawKey(keys[i], int(first+i))
				c.AppendArgs([][]byte{[]byte("SET"), keys[i], val})
			}
			if err := flushDiscard(c, int(k)); err != nil {
				return err
			}
			w.recordN(start, time.Now(), int(k))
			done.Add(k)
		}
		return nil
	})
	if err != nil {
		return 0, "", err
	}
	got := int(done.Load())
	if got == 0 {
		return 0, "", errors.New("bench: fill wrote nothing")
	}
	if got < n {
		return got, fmt.Sprintf("filled %d of %d keys in %s", got, n, time.Since(started).Round(time.Second)), nil
	}
	return got, "", nil
}

// restartTimed halts srv, restarts it on its data directory and returns
// the start-up time and the directory's size as a sample of row. It
// notes a restarted keyspace that does not hold the keys written.
func restartTimed(srv *Server, row string, keys int) (Sample, error) {
	if err := srv.Halt(); err != nil {
		return Sample{}, err
	}
	disk, err := srv.DiskUsage()
	if err != nil {
		return Sample{}, err
	}
	took, err := srv.Restart()
	if err != nil {
		return Sample{}, err
	}
	s := Sample{Row: row, Startup: took, Disk: disk, CPUPerOp: math.NaN()}
	c, err := Dial(srv.Addr)
	if err != nil {
		return Sample{}, err
	}
	defer c.Close()
	v, err := c.Do("DBSIZE")
	if err != nil {
		return Sample{}, err
	}
	if v.Int != int64(keys) {
		s.Note = fmt.Sprintf("after restart DBSIZE is %d, want %d", v.Int, keys)
	}
	return s, nil
}

// snapshotRun is one BGREWRITEAOF watched to its end.
type snapshotRun struct {
	took  time.Duration // from sending it until INFO showed it ended
	pause time.Duration // the stop the server reports for it (see snapshotPause)
}

// run starts BGREWRITEAOF on the server at addr and polls INFO until no
// snapshot runs or is scheduled, for up to restartLimit.
func (r *snapshotRun) run(addr string) error {
	c, err := Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	start := time.Now()
	if _, err := c.Do("BGREWRITEAOF"); err != nil {
		return err
	}
	for {
		v, err := c.Do("INFO", "persistence")
		if err != nil {
			return err
		}
		if !snapshotRunning(v.Str) {
			break
		}
		if time.Since(start) > restartLimit {
			return fmt.Errorf("bench: snapshot still running after %s", restartLimit)
		}
		time.Sleep(snapshotPoll)
	}
	r.took = time.Since(start)
	persistence, err := c.Do("INFO", "persistence")
	if err != nil {
		return err
	}
	stats, err := c.Do("INFO", "stats")
	if err != nil {
		return err
	}
	r.pause, err = snapshotPause(persistence.Str, stats.Str)
	return err
}

// snapshotRunning reports whether INFO persistence shows a snapshot in
// progress or scheduled, Redis's way (an AOF rewrite or an RDB save)
// which brokerd also follows.
func snapshotRunning(info []byte) bool {
	for _, f := range []string{"aof_rewrite_in_progress", "aof_rewrite_scheduled", "rdb_bgsave_in_progress"} {
		if infoField(info, f) == "1" {
			return true
		}
	}
	return false
}

// snapshotPause is how long the server itself says the last snapshot
// stopped it: brokerd's snapshot_last_pause_usec (INFO persistence: the
// capture, during which writes wait), else Redis's latest_fork_usec
// (INFO stats: the fork, during which nothing runs).
func snapshotPause(persistence, stats []byte) (time.Duration, error) {
	v := infoField(persistence, "snapshot_last_pause_usec")
	if v == "" {
		v = infoField(stats, "latest_fork_usec")
	}
	if v == "" {
		return 0, errors.New("bench: INFO has neither snapshot_last_pause_usec nor latest_fork_usec")
	}
	us, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bench: snapshot pause %q: %w", v, err)
	}
	return time.Duration(us) * time.Microsecond, nil
}

// joinNotes joins the non-empty notes with "; ".
func joinNotes(notes ...string) string {
	out := ""
	for _, n := range notes {
		switch {
		case n == "":
		case out == "":
			out = n
		default:
			out += "; " + n
		}
	}
	return out
}
