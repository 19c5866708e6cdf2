package bench

import (
	"errors"
	"io/fs"
	"path/filepath"
	"time"
)

// Restarting a started server on its own data directory, for the
// start-up figures (workloads_startup.go).

// restartLimit bounds a restart: loading millions of records from a log
// takes tens of seconds on the 2-core machine.
const restartLimit = 5 * time.Minute

// restartPoll is how often a restarting server is asked PING; it bounds
// the error of a start-up time.
const restartPoll = 2 * time.Millisecond

// Halt stops a started server the way an operator would, keeping its
// data directory: SHUTDOWN NOSAVE (Redis then writes no RDB, but still
// flushes and syncs its AOF; brokerd syncs its log), and SIGTERM, then
// SIGKILL, if it has not exited within a minute.
func (s *Server) Halt() error {
	if s.cmd == nil {
		return errors.New("bench: halt: server not started by bench")
	}
	if c, err := Dial(s.Addr); err == nil {
		// A successful SHUTDOWN has no reply: the connection just closes.
		_, _ = c.Do("SHUTDOWN", "NOSAVE")
		c.Close()
	}
	select {
	case <-s.exit:
	case <-time.After(time.Minute):
		terminate(s.cmd, s.exit, 10*time.Second)
	}
	s.cmd = nil
	return nil
}

// Restart starts a halted server again on its data directory and port,
// and returns the time from the process's start until it answered PING.
func (s *Server) Restart() (time.Duration, error) {
	if s.cmd != nil || s.dir == "" {
		return 0, errors.New("bench: restart: server not halted")
	}
	start := time.Now()
	if err := s.launch(restartLimit, restartPoll); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// DiskUsage is the size of the files in the server's data directory.
func (s *Server) DiskUsage() (int64, error) { return dirSize(s.dir) }

// dirSize sums the sizes of the regular files under dir.
func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}
