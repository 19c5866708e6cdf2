//go:build linux

package broker_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// What the event loop does when its ring fails in the middle of a pass:
// ringBatch drops the ring, and the loop makes the requests the ring
// did not make, and all later ones, with read(2) and write(2). At
// 48692f9 receive and flush queued their next request on the ring right
// after the batch that failed, and the loop (and with it the server) died
// of a nil pointer. The kernel refuses a batch as a whole when it cannot
// allocate for it (EAGAIN, ENOMEM); BreakLoopRing stands in for that.

// ringTestCommands are URINGHOLD, which keeps the loop (or its
// connection's goroutine) inside a command until the test releases it,
// and URINGBREAK, which breaks the loop's ring once armed and replies 1
// if it did, 0 if not.
type ringTestCommands struct {
	entered chan struct{}
	release chan struct{}
	armed   atomic.Bool
}

func startRingTestCommands(t *testing.T) *ringTestCommands {
	rc := &ringTestCommands{entered: make(chan struct{}, 1), release: make(chan struct{})}
	broker.SetTestCommands([]command.Spec{
		{Name: "URINGHOLD", Arity: 1, Flags: command.Fast, Run: func(c *command.Ctx) error {
			rc.entered <- struct{}{}
			<-rc.release
			c.Out.OK()
			return nil
		}},
		{Name: "URINGBREAK", Arity: 1, Flags: command.Fast, Run: func(c *command.Ctx) error {
			if rc.armed.CompareAndSwap(true, false) && broker.BreakLoopRing(c) {
				c.Out.Int(1)
			} else {
				c.Out.Int(0)
			}
			return nil
		}},
	})
	t.Cleanup(func() { broker.SetTestCommands(nil) })
	return rc
}

// A pass that reads more than one batch (loopReadBatch, 64) of ready
// sockets, and whose second batch the kernel refuses: every client still
// gets its reply. At 48692f9 receive called readBatch when the batch was
// full, which dropped the ring, and then queued the next read on l.ring,
// nil by then (eventloop_io_linux.go:23-27 there).
func TestEventLoopRingFailingMidReadsServesEveryClient(t *testing.T) {
	rc := startRingTestCommands(t)
	const clients = 200 // more than two read batches, fewer than epoll_wait's 256 events
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		conns := make([]*brokertest.Raw, clients)
		for i := range conns {
			conns[i] = s.Dial()
			if got := conns[i].Do("PING"); got != "PONG" {
				t.Fatalf("client %d: PING = %s", i, got)
			}
		}
		// Hold the loop, so that every client's request is waiting in
		// its socket when the loop looks next: one epoll_wait then gives
		// all of them, and the loop reads them in four batches.
		hold := s.Dial()
		hold.Send(brokertest.Encode([]byte("URINGHOLD")))
		<-rc.entered
		rc.armed.Store(true) // the first URINGBREAK run breaks the ring
		for _, c := range conns {
			c.Send(brokertest.Encode([]byte("URINGBREAK")))
		}
		brokertest.Eventually(t, 10*time.Second, func() error {
			if n := broker.LoopConnsWithInput(s.Server); n >= 0 && n < clients {
				return fmt.Errorf("%d of %d sockets hold their request", n, clients)
			}
			return nil
		})
		rc.release <- struct{}{}
		if got := hold.Read(); got != "OK" {
			t.Fatalf("URINGHOLD = %s", got)
		}
		broke := 0
		for i, c := range conns {
			switch got := c.Read(); got {
			case "(int) 1":
				broke++
			case "(int) 0":
			default:
				t.Fatalf("client %d: URINGBREAK = %s", i, got)
			}
		}
		t.Logf("rings broken: %d", broke)
		if got := conns[0].Do("PING"); got != "PONG" {
			t.Fatalf("after the ring failed: PING = %s", got)
		}
	})
}

// A flush with more replies than one batch of sends (256), whose first
// batch the kernel refuses: every reply still goes out. At 48692f9 flush
// called submitSends when the ring was full, which dropped it, and then
// queued the next send on l.ring, nil by then (eventloop_io_linux.go:
// 225-228 there). 300 waiters served by one RPUSH make the flush.
func TestEventLoopRingFailingMidFlushSendsEveryReply(t *testing.T) {
	rc := startRingTestCommands(t)
	const waiters = 300
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		conns := make([]*brokertest.Raw, waiters)
		for i := range conns {
			conns[i] = s.Dial()
			conns[i].Send(brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")))
		}
		waitBlocked(t, s, waiters)
		// One write, one read, one pass: the ring breaks, and the push
		// serves every waiter, so the next flush has 301 replies.
		args := [][]byte{[]byte("RPUSH"), []byte("q")}
		for i := 1; i <= waiters; i++ {
			args = append(args, []byte(strconv.Itoa(i)))
		}
		p := s.Dial()
		rc.armed.Store(true)
		p.Send(brokertest.Encode([]byte("URINGBREAK")) + brokertest.Encode(args...))
		broke := p.Read()
		if got := p.Read(); !strings.HasPrefix(got, "(int) ") {
			t.Fatalf("RPUSH = %s", got)
		}
		t.Logf("URINGBREAK = %s", broke)
		seen := map[string]bool{}
		for i, c := range conns {
			got := c.Read()
			elem, ok := strings.CutPrefix(got, `["q" "`)
			elem, ok2 := strings.CutSuffix(elem, `"]`)
			if !ok || !ok2 || seen[elem] {
				t.Fatalf("waiter %d: BLPOP = %s", i, got)
			}
			seen[elem] = true
		}
		if got := p.Do("LLEN q"); got != "(int) 0" {
			t.Fatalf("LLEN q = %s", got)
		}
	})
}
