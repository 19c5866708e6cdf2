//go:build linux

package broker

import (
	"syscall"
	"testing"
	"unsafe"

	"github.com/brokerd/brokerd/command"
)

// What the io_uring review's tests (uring_review_test.go) need of the
// event loop's insides, and the review's tests of the ring itself.

// BreakLoopRing makes the io_uring of the event loop that runs c's
// command fail as a whole from its next batch on: io_uring_enter then
// answers EBADF, as it answers ENOMEM or EAGAIN when the kernel cannot
// take a batch, and the loop meets dropRing. It does nothing and reports
// false unless the command runs on the loop's own goroutine (not bounced)
// and the loop has a ring.
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

// The kernel may take only the start of a batch: io_submit_sqes stops at
// the first entry it cannot take (a request it cannot allocate, an entry
// it must drop) and io_uring_enter then returns the count it took,
// without an error and without waiting. Here the second entry is one the
// kernel drops. submit must say so: the loop acts on outcomes only, and a
// send without one would never be finished (no writeRest, no EPOLLOUT),
// while a request left in the ring would go with the next batch, under a
// tag of this one, pointing at a buffer nothing keeps alive. At 48692f9
// submit ignored io_uring_enter's count and returned one outcome and no
// error; fixed in a271693.
func TestURingSubmitReportsABatchTheKernelTookOnlyPartly(t *testing.T) {
	r, a, _ := testRing(t)
	r.send(a, []byte("x"), 0)
	r.send(a, []byte("y"), 1)
	second := (*r.sqTail + 1) & r.sqMask
	*(*uint32)(unsafe.Add(r.sqArray, uintptr(second)*4)) = r.entries // out of range: dropped
	done, err := r.submit(nil)
	if err == nil && len(done) != 2 {
		t.Fatalf("submit returned %d outcome(s) of a batch of 2, and no error", len(done))
	}
}
