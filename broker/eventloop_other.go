//go:build !linux

package broker

import "errors"

// eventLoop is Linux's (eventloop_linux.go); elsewhere every connection
// gets a goroutine.
type eventLoop struct{}

func newEventLoop(*Server) (*eventLoop, error) {
	return nil, errors.New("no event loop on this platform")
}

func (*eventLoop) add(*laneConn) bool { return false }

func (*eventLoop) stop() {}

func (*eventLoop) unblock(waitNotice) {}

func (*eventLoop) poke() {}
