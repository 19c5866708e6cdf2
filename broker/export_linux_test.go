//go:build linux

package broker

import (
	"syscall"
	"unsafe"

	"github.com/brokerd/brokerd/command"
)

// What eventloop_uring_test.go needs of the event loop's insides.

// BreakLoopRing makes the io_uring of the event loop that runs c's
// command fail as a whole from its next batch on: io_uring_enter then
// answers EBADF, as it answers ENOMEM or EAGAIN when the kernel cannot
// take a batch, and the loop drops the ring (ringBatch). It does nothing
// and reports false unless the command runs on the loop's own goroutine
// (not bounced) and the loop has a ring.
func BreakLoopRing(c *command.Ctx) bool {
	cl := clientOf(c)
	lc, l := cl.lane, cl.srv.loop
	if lc == nil || !lc.tryLock || l == nil || l.ring == nil {
		return false
	}
	fd := l.ring.fd
	l.ring.fd = -1
	syscall.Close(fd)
	return true
}

// LoopConnsWithInput counts the event loop's connections whose socket
// holds bytes the loop has not read yet; -1 when s has no loop. It reads
// the loop's table, so call it only while the loop is held inside a
// command.
func LoopConnsWithInput(s *Server) int {
	if s.loop == nil {
		return -1
	}
	n := 0
	for _, lc := range s.loop.conns {
		if lc == nil {
			continue
		}
		fd, ok := lc.fdNumber()
		if !ok {
			continue
		}
		var unread int32
		_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCINQ, uintptr(unsafe.Pointer(&unread)))
		if errno == 0 && unread > 0 {
			n++
		}
	}
	return n
}
