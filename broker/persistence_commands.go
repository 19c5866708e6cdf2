package broker

import (
	"time"

	"github.com/brokerd/brokerd/command"
)

// SAVE, BGSAVE, BGREWRITEAOF and LASTSAVE. brokerd has one kind of
// persistence image, the snapshot (snapshot.go), which is both Redis's RDB
// and its AOF rewrite: BGSAVE and BGREWRITEAOF start the same job, but are
// told apart for Redis's replies and INFO fields.

func persistenceSpecs(s *Server) []command.Spec {
	const server = "server"
	flags := command.Admin | command.NoScript
	return []command.Spec{
		{Name: "SAVE", Arity: 1, Flags: flags | command.NoMulti, ACLCategories: aclAdmin, Run: s.save,
			Summary: "Synchronously saves the database(s) to disk.", Since: "1.0.0", Group: server},
		{Name: "BGSAVE", Arity: -1, Flags: flags, ACLCategories: aclAdmin, Run: s.bgsave,
			Summary: "Asynchronously saves the database(s) to disk.", Since: "1.0.0", Group: server},
		{Name: "BGREWRITEAOF", Arity: 1, Flags: flags, ACLCategories: aclAdmin, Run: s.bgrewriteaof,
			Summary: "Asynchronously rewrites the append-only file to disk.", Since: "1.0.0", Group: server},
		{Name: "LASTSAVE", Arity: 1, Flags: command.Loading | command.Stale | command.Fast | command.Random,
			ACLCategories: []string{"@admin", "@fast", "@dangerous"}, Run: s.lastsave,
			Summary: "Returns the Unix timestamp of the last successful save to disk.", Since: "1.0.0", Group: server},
	}
}

// save writes a snapshot before replying, as Redis's SAVE does. Like
// Redis's, it blocks writers meanwhile (the dispatcher holds the read lock
// around the handler); BGSAVE does not. A snapshot started by BGREWRITEAOF
// is waited for first; one started by BGSAVE is an error, as in Redis.
func (s *Server) save(c *command.Ctx) error {
	for {
		running := s.beginSnapshot(snapSave)
		if running == "" {
			break
		}
		if running == snapSave {
			return errSaveInProgress
		}
		s.snap.mu.Lock()
		done := s.snap.done
		s.snap.mu.Unlock()
		// The running snapshot's copy takes the read lock between its
		// steps, behind any writer queued on ours: wait without it.
		s.mu.RUnlock()
		<-done
		s.mu.RLock()
	}
	img := s.captureLocked(snapSave)
	img.locked = true // the copy runs under our read lock, at once
	err := s.writeSnapshot(img)
	s.finishSnapshot(img, err)
	if err != nil {
		return command.Error("ERR") // Redis's shared.err; the log says why
	}
	c.Out.OK()
	return nil
}

// bgsave is BGSAVE [SCHEDULE]. Caller holds the keyspace lock, under which
// the keyspace is captured.
func (s *Server) bgsave(c *command.Ctx) error {
	schedule := false
	if len(c.Args) > 1 {
		if len(c.Args) > 2 || !command.Is(c.Args[1], "schedule") {
			return command.ErrSyntax
		}
		schedule = true
	}
	return s.background(c, snapSave, schedule, errSaveInProgress, errChildActive, "Background saving")
}

// bgrewriteaof starts a snapshot, which is how brokerd's log is rewritten:
// the log before the older kept snapshot is removed once it is written.
// Redis schedules it whenever another job runs.
func (s *Server) bgrewriteaof(c *command.Ctx) error {
	return s.background(c, snapRewrite, true, errRewriteInProgress, "", "Background append only file rewriting")
}

// background starts a background snapshot of kind and replies "<what>
// started"; while one of the same kind runs it fails with same, while one
// of the other kind runs it schedules one ("<what> scheduled") when it may,
// else fails with other. Caller holds the keyspace lock.
func (s *Server) background(c *command.Ctx, kind string, schedule bool, same, other command.Error, what string) error {
	switch running := s.beginSnapshot(kind); {
	case running == kind:
		return same
	case running != "" && !schedule:
		return other
	case running != "":
		s.snap.mu.Lock()
		if kind == snapSave {
			s.snap.scheduled.save = true
		} else {
			s.snap.scheduled.rewrite = true
		}
		s.snap.mu.Unlock()
		c.Out.Simple(what + " scheduled")
		return nil
	}
	s.startBackgroundSnapshot(s.captureLocked(kind))
	c.Out.Simple(what + " started")
	return nil
}

// lastsave replies the Unix time of the last successful snapshot, or of
// start-up when there was none since.
func (s *Server) lastsave(c *command.Ctx) error {
	s.snap.mu.Lock()
	t := s.snap.lastSave
	s.snap.mu.Unlock()
	c.Out.Int(t.Unix())
	return nil
}

// infoSnapshots writes INFO persistence's snapshot fields with Redis's
// names where they fit (rdb_* for BGSAVE/SAVE, aof_* for BGREWRITEAOF and
// the automatic snapshots), then brokerd's own snapshot_* fields.
func (s *Server) infoSnapshots(w *infoWriter) {
	st := &s.snap
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	status := func(kind string) string {
		if st.status[kind] != nil {
			return "err"
		}
		return "ok"
	}
	secs := func(d time.Duration, ok bool) int64 {
		if !ok {
			return -1
		}
		return int64(d / time.Second)
	}
	running := func(kind string) int {
		if st.running == kind {
			return 1
		}
		return 0
	}
	keysTotal := 0
	if st.running != "" {
		keysTotal = st.keysTotal
	}
	_, savedOnce := st.took[snapSave]
	_, rewrittenOnce := st.took[snapRewrite]
	w.add("current_save_keys_total", keysTotal)
	w.add("rdb_changes_since_last_save", s.log.NextIndex()-1-min(st.lastIndex, s.log.NextIndex()-1))
	w.add("rdb_bgsave_in_progress", running(snapSave))
	w.add("rdb_last_save_time", st.lastSave.Unix())
	w.add("rdb_last_bgsave_status", status(snapSave))
	w.add("rdb_last_bgsave_time_sec", secs(st.took[snapSave], savedOnce))
	w.add("rdb_current_bgsave_time_sec", secs(now.Sub(st.started), st.running == snapSave))
	w.add("rdb_saves", st.saves)
	w.add("rdb_last_load_keys_loaded", st.loadedKeys)
	w.add("aof_enabled", 1)
	w.add("aof_rewrite_in_progress", running(snapRewrite))
	w.add("aof_rewrite_scheduled", boolInt(st.scheduled.rewrite))
	w.add("aof_last_rewrite_time_sec", secs(st.took[snapRewrite], rewrittenOnce))
	w.add("aof_current_rewrite_time_sec", secs(now.Sub(st.started), st.running == snapRewrite))
	w.add("aof_last_bgrewrite_status", status(snapRewrite))
	w.add("aof_rewrites", st.rewrites)
	w.add("snapshot_last_index", st.lastIndex)
	w.add("snapshot_last_pause_usec", st.lastPause.Microseconds())
	w.add("snapshot_last_size", st.lastSize)
	w.add("snapshot_log_bytes", s.cfg.SnapshotLogBytes)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
