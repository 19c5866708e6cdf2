package broker

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/pubsub"
)

// MONITOR streams every command the server runs to the clients that asked,
// as Redis's replicationFeedMonitors does: one line per command, after it
// ran, "+<unix time with microseconds> [<db> <client address>] "arg" ...",
// the address "lua" for a script's redis.call. Administrative commands
// and what a refusal stopped are not shown; EVAL and EVALSHA (skip_monitor)
// are shown before they run, so their script's commands follow them.
// Secrets are redacted as in the slow log. A monitor gets its lines
// through an outbox, as a subscriber gets messages, so a slow one never
// holds up the commands it watches; past 256 MB, or 64 MB for 60 s, it is
// disconnected.

// monitorLimits bound a monitor's outbox with the defaults of Redis's
// replica class. NB: Redis counts a monitor in the normal class, whose
// default is no limit at all; a monitor that reads slower than the
// server runs commands would then grow without bound, so brokerd keeps
// the replica class's bound instead.
var monitorLimits = pubsub.Limits{Hard: 256 << 20, Soft: 64 << 20, SoftFor: 60 * time.Second}

// monitors is the set of clients in MONITOR mode.
type monitors struct {
	n    atomic.Int32 // len(list), read by every command
	mu   sync.Mutex
	list []*client
}

const errMonitorDenyBlocking command.Error = "ERR MONITOR isn't allowed for DENY BLOCKING client"

// errReplicaKeyspace is what a monitor gets for a command on keys: Redis
// flags a monitor as a replica.
const errReplicaKeyspace command.Error = "ERR Replica can't interact with the keyspace"

func (s *Server) monitor(c *command.Ctx) error {
	cl := clientOf(c)
	// NB: checked before a second MONITOR is ignored, as monitorCommand
	// does: a monitor's MONITOR in its own EXEC owes EXEC's array a reply.
	if cl.multiQueued.Load() >= 0 || cl.internal {
		return errMonitorDenyBlocking // it expects one reply per command
	}
	if cl.monitoring.Load() {
		return nil // Redis ignores a second MONITOR, without a reply
	}
	s.outboxOf(cl, "replica", func() pubsub.Limits { return monitorLimits })
	cl.monitoring.Store(true)
	s.monitors.mu.Lock()
	s.monitors.list = append(s.monitors.list, cl)
	s.monitors.n.Store(int32(len(s.monitors.list)))
	s.monitors.mu.Unlock()
	c.Out.OK()
	return nil
}

// dropMonitor ends cl's MONITOR mode, if it was in it (RESET, or the
// connection closed).
func (s *Server) dropMonitor(cl *client) {
	if !cl.monitoring.Swap(false) {
		return
	}
	s.monitors.mu.Lock()
	for i, m := range s.monitors.list {
		if m == cl {
			s.monitors.list = append(s.monitors.list[:i], s.monitors.list[i+1:]...)
			break
		}
	}
	s.monitors.n.Store(int32(len(s.monitors.list)))
	s.monitors.mu.Unlock()
}

// feedMonitors sends the command args that cl ran (in database db) to
// every monitor; fromScript names the client "lua".
func (s *Server) feedMonitors(cl *client, db int, args [][]byte, fromScript bool) {
	if s.monitors.n.Load() == 0 {
		return
	}
	now := timeNow()
	line := []byte{'+'}
	line = strconv.AppendInt(line, now.Unix(), 10)
	line = append(line, '.')
	usec := strconv.AppendInt(nil, int64(now.Nanosecond()/1000), 10)
	for range 6 - len(usec) {
		line = append(line, '0')
	}
	line = append(line, usec...)
	line = append(line, " ["...)
	line = strconv.AppendInt(line, int64(db), 10)
	line = append(line, ' ')
	if fromScript {
		line = append(line, "lua"...)
	} else {
		line = append(line, cl.info.addr...)
	}
	line = append(line, ']')
	redact := redactedArgs(args)
	for i, a := range args {
		line = append(line, ' ')
		if redact(i) {
			a = []byte("(redacted)")
		}
		line = appendRepr(line, a)
	}
	line = append(line, '\r', '\n')
	s.monitors.mu.Lock()
	for _, m := range s.monitors.list {
		m.sub.Deliver(line)
	}
	s.monitors.mu.Unlock()
}

// appendRepr quotes b as Redis's sdscatrepr does: C escapes for quotes,
// backslashes and control characters, \xHH for other unprintable bytes.
func appendRepr(dst, b []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, c := range b {
		switch c {
		case '\\', '"':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\a':
			dst = append(dst, '\\', 'a')
		case '\b':
			dst = append(dst, '\\', 'b')
		default:
			if c >= 0x20 && c < 0x7f {
				dst = append(dst, c)
			} else {
				dst = append(dst, '\\', 'x', hex[c>>4], hex[c&0xf])
			}
		}
	}
	return append(dst, '"')
}
