package broker

import (
	"errors"
	"os"
	"sync/atomic"
	"time"
)

// maxReadAhead bounds what a parked client may send before the watcher
// stops reading; past it a disconnect is noticed only at unblock.
const maxReadAhead = 64 << 20

// watch reads ahead for a client parked in a blocking command, so that a
// peer closing the connection (or CLIENT KILL) is noticed at once and the
// waiter leaves its queues before anything is handed to it. Whatever the
// client sends meanwhile waits in c.ready for redcon, in order. stop ends
// the watch and returns once the reader has; redcon's goroutine, the only
// other reader, is parked until then.
func (c *guardedConn) watch() (closed <-chan struct{}, stop func()) {
	closedc := make(chan struct{})
	exited := make(chan struct{})
	var stopping atomic.Bool
	// A blocked client is not subject to the idle timeout (as in Redis);
	// redcon sets the deadline again before its next read.
	c.Conn.SetReadDeadline(time.Time{})
	go func() {
		defer close(exited)
		for c.err == nil && len(c.ready) < maxReadAhead {
			if err := c.readOnce(); err != nil {
				if stopping.Load() && errors.Is(err, os.ErrDeadlineExceeded) {
					return
				}
				c.err = err
				close(closedc)
				return
			}
		}
	}()
	return closedc, func() {
		stopping.Store(true)
		c.Conn.SetReadDeadline(time.Unix(1, 0))
		<-exited
		c.Conn.SetReadDeadline(time.Time{})
	}
}
