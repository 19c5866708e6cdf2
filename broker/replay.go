package broker

import (
	"fmt"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/wal"
)

// replay rebuilds the keyspace from the log. Every record holds effects
// that are deterministic by construction, so each is run through its
// command's handler exactly as live, with expiry off (the log holds a DEL
// for every key that expired while live) and emission off.
func (s *Server) replay() error {
	start := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.SetLoading(true)
	defer s.store.SetLoading(false)

	out := command.NewReply(2)
	c := command.NewCtx(out, nil)
	c.Keyspace, c.Loading = s.store, true
	records, ops := 0, 0
	err := s.log.Replay(func(index uint64, rec []wal.Op) error {
		records++
		for _, op := range rec {
			ops++
			if op.DB < 0 || op.DB >= s.store.Len() {
				return fmt.Errorf("wal record %d uses database %d but the server has %d (raise databases)",
					index, op.DB, s.store.Len())
			}
			spec, err := s.table.resolve(op.Args)
			if err != nil {
				return fmt.Errorf("wal record %d: %s", index, command.Translate(err))
			}
			out.Reset()
			c.Args, c.DB = op.Args, s.store.DB(op.DB)
			run(spec, c)
			if b := out.Bytes(); len(b) > 0 && b[0] == '-' {
				// An effect that fails on replay means live and replayed
				// state differ: a bug worth a loud warning, not a refusal
				// to start.
				s.logger.Warn("replaying a logged effect failed", "index", index,
					"command", string(op.Args[0]), "reply", string(b[1:len(b)-2]))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	keys := 0
	for i := 0; i < s.store.Len(); i++ {
		keys += s.store.Database(i).Size()
	}
	s.logger.Info("log replayed", "records", records, "effects", ops, "keys", keys,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}
