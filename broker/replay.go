package broker

import (
	"bytes"
	"fmt"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/gcbudget"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/wal"
)

// load rebuilds the keyspace at start-up: the newest intact snapshot (see
// loadSnapshot), then the log records after it, replayed as wal.OpenReplay
// opens the log, and leaves the log open in s.log. (Durability engine:
// the snapshot step and the coverage check were added around the original
// log replay.)
func (s *Server) load(dir string, opts wal.Options) error {
	start := time.Now()
	defer gcbudget.Suspend()()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.SetLoading(true)
	defer s.store.SetLoading(false)

	r := newReplayer(s)
	snapIndex, err := s.loadSnapshot(dir, r)
	if err != nil {
		return err
	}
	opts.SnapshotIndex = snapIndex
	records, ops := 0, r.ops
	log, replayed, err := wal.OpenReplay(dir, opts, func(index uint64, rec []wal.Op) error {
		records++
		for _, op := range rec {
			if err := r.apply("", index, op); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.log = log
	if first := log.FirstIndex(); first > snapIndex+1 {
		// OpenReplay replayed nothing.
		log.Close()
		what := "there is no intact snapshot"
		if snapIndex > 0 {
			what = fmt.Sprintf("the newest intact snapshot holds records up to %d", snapIndex)
		}
		return fmt.Errorf("%w: the log in %s starts at index %d but %s: records %d-%d are missing "+
			"(restore the snapshots directory from a backup; `brokerd wal check` shows what is there)",
			wal.ErrNoSnapshot, dir, first, what, snapIndex+1, first-1)
	}
	s.snap.replayed = replayed
	keys := 0
	for i := 0; i < s.store.Len(); i++ {
		keys += s.store.Database(i).Size()
	}
	s.snap.loadedKeys = keys
	s.logger.Info("log replayed", "snapshot_index", snapIndex, "records", records, "effects", r.ops-ops,
		"keys", keys, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// replayer runs logged effects (or a snapshot's ops). Every effect is
// deterministic by construction, so each is run through its command's
// handler exactly as live, with expiry off (the log holds a DEL for every
// key that expired while live) and emission off.
type replayer struct {
	s      *Server
	out    *command.Reply
	c      *command.Ctx
	loader *kv.Loader
	ops    int
}

func newReplayer(s *Server) *replayer {
	out := command.NewReply(2)
	c := command.NewCtx(out, nil)
	c.Keyspace, c.Loading = s.store, true
	return &replayer{s: s, out: out, c: c, loader: s.store.NewLoader()}
}

// plainSET reports whether op is a SET with no options, which the
// replayer stores through its loader instead of running: a log of SETs,
// the commonest, then loads without a command lookup and option parse per
// record.
func plainSET(op wal.Op) bool {
	return len(op.Args) == 3 && bytes.EqualFold(op.Args[0], []byte("SET"))
}

// apply runs one op of log record index, or of snapshot file snap (then
// index is 0). Caller holds the keyspace write lock with the store in
// loading mode.
func (r *replayer) apply(snap string, index uint64, op wal.Op) error {
	s := r.s
	r.ops++
	where := func() string {
		if snap != "" {
			return "snapshot " + snap
		}
		return fmt.Sprintf("wal record %d", index)
	}
	if op.DB < 0 || op.DB >= s.store.Len() {
		return fmt.Errorf("%s uses database %d but the server has %d (raise databases)",
			where(), op.DB, s.store.Len())
	}
	if plainSET(op) {
		r.loader.PutString(op.DB, op.Args[1], op.Args[2], false, 0)
		return nil
	}
	spec, err := s.table.Resolve(op.Args)
	if err != nil {
		return fmt.Errorf("%s: %s", where(), command.Translate(err))
	}
	r.out.Reset()
	r.c.Args, r.c.DB = op.Args, s.store.DB(op.DB)
	run(spec, r.c)
	if b := r.out.Bytes(); len(b) > 0 && b[0] == '-' {
		// An effect that fails on replay means live and replayed state
		// differ: a bug worth a loud warning, not a refusal to start.
		s.logger.Warn("replaying a logged effect failed", "where", where(),
			"command", string(op.Args[0]), "reply", string(b[1:len(b)-2]))
	}
	return nil
}
