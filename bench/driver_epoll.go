//go:build linux

package bench

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"syscall"
	"time"
)

// The epoll driver runs every connection of a raw row from one thread
// with its own epoll set, the way redis-benchmark and memtier do. The
// goroutine-per-connection client (Conn) pays a goroutine wake-up, a
// read and a write per request, about as much CPU as the server it
// measures: on a 2-core machine that leaves a multi-threaded server
// half the machine and a single-threaded one all the core it can use.
// One thread polling 50 sockets reads several replies per wake-up and
// leaves the servers the CPU that clients on other machines would.

// epollConn is one connection of the epoll driver.
type epollConn struct {
	fd      int
	nc      net.Conn // keeps the socket open; fd is its duplicate
	in      []byte   // replies read and not yet parsed
	waiting int      // replies still due for the pipeline in flight
	sent    time.Time
	next    func([]byte) []byte // appends the next request to its argument
}

// rawEpoll sends pipelines of pipe requests over n connections until the
// run stops, recording each reply's latency from its pipeline's send.
// next(i) returns connection i's request builder. It returns the number
// of null replies (an empty list's RPOP).
func rawEpoll(w *worker, n, pipe int, next func(i int) func([]byte) []byte) (nulls int64, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return 0, fmt.Errorf("bench: epoll: %w", err)
	}
	defer syscall.Close(ep)
	conns := make([]*epollConn, n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				syscall.Close(c.fd)
				c.nc.Close()
			}
		}
	}()
	for i := range conns {
		c, err := dialEpoll(w.t.rc.srv.Addr, next(i))
		if err != nil {
			return 0, err
		}
		conns[i] = c
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(i)}
		if err := syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, c.fd, &ev); err != nil {
			return 0, fmt.Errorf("bench: epoll_ctl: %w", err)
		}
	}
	out := make([]byte, 0, 64<<10)
	for _, c := range conns {
		if out, err = c.send(out, pipe); err != nil {
			return 0, err
		}
	}
	events := make([]syscall.EpollEvent, n)
	buf := make([]byte, 64<<10)
	for !w.stopped() {
		k, err := syscall.EpollWait(ep, events, 100)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nulls, fmt.Errorf("bench: epoll_wait: %w", err)
		}
		for _, ev := range events[:k] {
			c := conns[ev.Fd]
			m, err := syscall.Read(c.fd, buf)
			if err == syscall.EAGAIN {
				continue
			}
			if err != nil || m == 0 {
				if w.stopped() {
					return nulls, nil
				}
				return nulls, fmt.Errorf("bench: connection closed: %v", err)
			}
			c.in = append(c.in, buf[:m]...)
			got, null, err := c.parse()
			nulls += null
			if err != nil {
				return nulls, err
			}
			now := time.Now()
			for range got {
				w.record(c.sent, now)
			}
			if c.waiting == 0 {
				if out, err = c.send(out, pipe); err != nil {
					return nulls, err
				}
			}
		}
	}
	return nulls, nil
}

// dialEpoll connects to addr and duplicates the socket for the driver's
// own epoll set; Go's poller keeps the original, which is never read.
func dialEpoll(addr string, next func([]byte) []byte) (*epollConn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	tc := nc.(*net.TCPConn)
	_ = tc.SetNoDelay(true)
	raw, err := tc.SyscallConn()
	if err != nil {
		nc.Close()
		return nil, err
	}
	fd := -1
	var dupErr error
	if err := raw.Control(func(s uintptr) { fd, dupErr = syscall.Dup(int(s)) }); err != nil || dupErr != nil {
		nc.Close()
		return nil, errors.Join(err, dupErr)
	}
	return &epollConn{fd: fd, nc: nc, next: next}, nil
}

// send writes the next pipeline of pipe requests, built in out.
func (c *epollConn) send(out []byte, pipe int) ([]byte, error) {
	out = out[:0]
	for range pipe {
		out = c.next(out)
	}
	c.sent, c.waiting = time.Now(), pipe
	for len(out) > 0 {
		m, err := syscall.Write(c.fd, out)
		if err == syscall.EAGAIN {
			// A pipeline is far smaller than the socket buffer; the
			// server only ever has one in flight per connection.
			continue
		}
		if err != nil {
			return out, fmt.Errorf("bench: write: %w", err)
		}
		out = out[m:]
	}
	return out, nil
}

// parse consumes the complete replies in c.in and reports how many there
// were and how many of them were null.
func (c *epollConn) parse() (got int, nulls int64, err error) {
	at := 0
	for c.waiting > 0 {
		n, null, err := replyLen(c.in[at:])
		if err != nil {
			return got, nulls, err
		}
		if n == 0 {
			break
		}
		at += n
		got++
		c.waiting--
		if null {
			nulls++
		}
	}
	c.in = c.in[:copy(c.in, c.in[at:])]
	return got, nulls, nil
}

// replyLen is the length of the complete RESP2 reply at the start of b, 0
// if b holds only part of one, and whether it is a null. An error reply
// is returned as a ReplyError.
func replyLen(b []byte) (n int, null bool, err error) {
	line := indexCRLF(b)
	if line < 0 {
		return 0, false, nil
	}
	end := line + 2
	switch b[0] {
	case '+', ':':
		return end, false, nil
	case '-':
		return 0, false, ReplyError(b[1:line])
	case '$':
		size, isNull, err := length(b[:line])
		if err != nil || isNull {
			return end, isNull, err
		}
		if len(b) < end+int(size)+2 {
			return 0, false, nil
		}
		return end + int(size) + 2, false, nil
	case '*':
		count, isNull, err := length(b[:line])
		if err != nil || isNull {
			return end, isNull, err
		}
		for range count {
			m, _, err := replyLen(b[end:])
			if err != nil || m == 0 {
				return 0, false, err
			}
			end += m
		}
		return end, false, nil
	}
	return 0, false, fmt.Errorf("bench: unexpected reply type %q", b[0])
}

func indexCRLF(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' {
			return i
		}
	}
	return -1
}
