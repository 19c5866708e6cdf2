package broker

import (
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
)

// acceptLoop accepts connections from ln until it fails. Each becomes a
// client at once (maxclients is enforced here); it is then served by the
// event loop (eventloop_linux.go) or, when the loop is off, handed to
// redcon, which gives it a goroutine.
func (s *Server) acceptLoop(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.admit(c)
	}
}

// admit turns an accepted connection into a client and starts serving it.
func (s *Server) admit(c net.Conn) {
	if s.closing.Load() {
		c.Close()
		return
	}
	if s.clients.count() >= s.settings.maxClients() {
		s.stats.rejectedConns.Add(1)
		c.Write([]byte("-ERR max number of clients reached\r\n"))
		c.Close()
		return
	}
	gc := &guardedConn{Conn: c, stats: &s.stats}
	cl := s.newClient(gc, c.RemoteAddr().String(), c.LocalAddr().String())
	var lc *laneConn
	if s.loop != nil {
		if fd, ok := detachFD(c); ok {
			gc.Conn = nil
			lc = &laneConn{cl: cl, fd: fd, timer: -1}
			cl.lane = lc // before CLIENT LIST and KILL can see the client
		}
	}
	s.clients.add(cl)
	s.stats.totalConns.Add(1)
	if lc != nil {
		if s.loop.add(lc) {
			return
		}
		// The loop stopped (shutdown): the client goes the other way.
		lc.fdMu.Lock()
		conn, ok := attachFD(lc.fd)
		lc.fd = -1
		gc.Conn = conn
		lc.fdMu.Unlock()
		if !ok {
			s.forget(cl)
			return
		}
	}
	s.handoffs.push(gc, cl)
}

// detachFD takes c's socket out of the Go runtime's poller: it returns a
// duplicate of its descriptor and closes c. The event loop polls the
// socket itself; were it also in the runtime's poller, every request
// would wake a thread of the runtime for nothing.
func detachFD(c net.Conn) (int, bool) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1, false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1, false
	}
	fd := -1
	if cerr := raw.Control(func(f uintptr) { fd, err = dupCloseOnExec(int(f)) }); cerr != nil || err != nil {
		return -1, false
	}
	c.Close()
	return fd, true
}

// attachFD is detachFD's inverse: a net.Conn for the socket fd, which it
// closes (the conn holds its own duplicate).
func attachFD(fd int) (net.Conn, bool) {
	// Blocking mode first, so os.NewFile does not put fd into the
	// runtime's poller only for FileConn to take it out again; FileConn
	// makes its duplicate non-blocking (the flag is the socket's, shared).
	syscall.SetNonblock(fd, false)
	f := os.NewFile(uintptr(fd), "")
	c, err := net.FileConn(f)
	f.Close()
	return c, err == nil
}

func dupCloseOnExec(fd int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return -1, err
	}
	syscall.CloseOnExec(nfd)
	return nfd, nil
}

// handoffListener is the listener redcon serves: it yields the
// connections admit and the event loop hand over, each already a client
// (see Server.accept).
type handoffListener struct {
	addr  net.Addr
	conns chan *guardedConn
	done  chan struct{}
	once  sync.Once
}

func newHandoffListener(addr net.Addr) *handoffListener {
	return &handoffListener{addr: addr, conns: make(chan *guardedConn), done: make(chan struct{})}
}

// push hands gc, whose client is cl, to redcon. After Close it closes the
// connection instead.
func (l *handoffListener) push(gc *guardedConn, cl *client) {
	gc.adopt = cl
	select {
	case l.conns <- gc:
	case <-l.done:
		gc.Conn.Close()
		cl.srv.forget(cl)
	}
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case gc := <-l.conns:
		return gc, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }
