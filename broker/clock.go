package broker

import (
	"sync/atomic"
	"time"
)

// coarseClock is the server's cached time, as Redis's server.unixtime and
// LRU clock: updated ten times a second, read where second resolution is
// enough (CLIENT LIST idle=, OBJECT IDLETIME) so the command path does not
// read the system clock. On this project's VMs a clock read costs as much
// as a small command.
type coarseClock struct {
	ms atomic.Int64 // Unix milliseconds
}

const clockTick = 100 * time.Millisecond

func (c *coarseClock) set(t time.Time) { c.ms.Store(t.UnixMilli()) }

// now returns the cached time.
func (c *coarseClock) now() time.Time { return time.UnixMilli(c.ms.Load()) }

// startClock keeps s.clock current until Close.
func (s *Server) startClock() {
	s.clock.set(time.Now())
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(clockTick)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case now := <-t.C:
				s.clock.set(now)
				s.stats.instant.sample(now, &s.stats)
			}
		}
	}()
}
