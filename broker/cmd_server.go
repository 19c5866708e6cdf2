package broker

import "github.com/brokerd/brokerd/command"

// timeCommand implements TIME: the Unix time as two bulk strings, seconds
// and the microseconds within the second.
func timeCommand(c *command.Ctx) error {
	now := timeNow()
	c.Out.Array(2)
	c.Out.BulkInt(now.Unix())
	c.Out.BulkInt(int64(now.Nanosecond() / 1000))
	return nil
}

// shutdown implements SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].
//
// brokerd's shutdown is always the same and never fails: Close waits for
// the commands in flight, then flushes and syncs the log, so SAVE and
// NOSAVE change nothing (the WAL is the data; there is no RDB to write),
// NOW and FORCE have nothing to skip, and there is never a shutdown in
// progress to ABORT. As in Redis, a successful SHUTDOWN sends no reply:
// the connection is just closed.
func (s *Server) shutdown(c *command.Ctx) error {
	var save, nosave, abort, other bool
	for _, a := range c.Args[1:] {
		switch {
		case command.Is(a, "nosave"):
			nosave = true
		case command.Is(a, "save"):
			save = true
		case command.Is(a, "now"), command.Is(a, "force"):
			other = true
		case command.Is(a, "abort"):
			abort = true
		default:
			return command.ErrSyntax
		}
	}
	if (abort && (save || nosave || other)) || (save && nosave) {
		return command.ErrSyntax
	}
	if abort {
		return command.Error("ERR No shutdown in progress.")
	}
	s.logger.Info("SHUTDOWN requested", "client", clientOf(c).id)
	s.requestShutdown()
	clientOf(c).closeAfterReply = true
	return nil
}
