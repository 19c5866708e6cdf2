package broker

import (
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/brokerd/brokerd/command"
)

// Keyspace notifications: write commands report events through
// command.Ctx.Notify, and when notify-keyspace-events enables their
// class the broker publishes them as Redis does, on
// __keyspace@<db>__:<key> (payload: the event) and
// __keyevent@<db>__:<event> (payload: the key). Off by default, when the
// cost is one atomic load per event.

// Selectors of notify-keyspace-events beyond the event classes.
const (
	notifyKeyspace command.NotifyClass = 1 << (iota + 14)
	notifyKeyevent
)

// notifyAll is the classes 'A' stands for (not m and n, as in Redis).
const notifyAll = command.NotifyGeneric | command.NotifyString | command.NotifyList | command.NotifySet |
	command.NotifyHash | command.NotifyZSet | command.NotifyExpired | command.NotifyEvicted |
	command.NotifyStream | command.NotifyModule

// notifyLetters maps the letters of notify-keyspace-events, in the order
// Redis prints them.
var notifyLetters = []struct {
	c     byte
	class command.NotifyClass
}{
	{'g', command.NotifyGeneric}, {'$', command.NotifyString}, {'l', command.NotifyList},
	{'s', command.NotifySet}, {'h', command.NotifyHash}, {'z', command.NotifyZSet},
	{'x', command.NotifyExpired}, {'e', command.NotifyEvicted}, {'t', command.NotifyStream},
	{'d', command.NotifyModule}, {'n', command.NotifyNew}, {'K', notifyKeyspace},
	{'E', notifyKeyevent}, {'m', command.NotifyKeyMiss},
}

// parseNotifyFlags reads a notify-keyspace-events value.
func parseNotifyFlags(v string) (command.NotifyClass, bool) {
	var flags command.NotifyClass
next:
	for i := 0; i < len(v); i++ {
		if v[i] == 'A' {
			flags |= notifyAll
			continue
		}
		for _, l := range notifyLetters {
			if l.c == v[i] {
				flags |= l.class
				continue next
			}
		}
		return 0, false
	}
	return flags, true
}

// formatNotifyFlags prints flags as CONFIG GET shows them.
func formatNotifyFlags(flags command.NotifyClass) string {
	var b strings.Builder
	if flags&notifyAll == notifyAll {
		b.WriteByte('A')
	}
	for _, l := range notifyLetters {
		if flags&notifyAll == notifyAll && l.class&notifyAll != 0 {
			continue
		}
		if flags&l.class != 0 {
			b.WriteByte(l.c)
		}
	}
	return b.String()
}

// notifier publishes keyspace events; the server's single instance is
// every client context's command.Notifier.
type notifier struct {
	flags atomic.Uint32
	s     *Server
}

// Notify implements command.Notifier.
func (n *notifier) Notify(db int, class command.NotifyClass, event string, key []byte) {
	flags := command.NotifyClass(n.flags.Load())
	if flags&class == 0 {
		return
	}
	prefix := func(kind string) []byte {
		b := append([]byte("__"), kind...)
		b = append(b, '@')
		b = strconv.AppendInt(b, int64(db), 10)
		return append(b, "__:"...)
	}
	if flags&notifyKeyspace != 0 {
		n.s.pubsub.Publish(append(prefix("keyspace"), key...), []byte(event))
	}
	if flags&notifyKeyevent != 0 {
		n.s.pubsub.Publish(append(prefix("keyevent"), event...), key)
	}
}

func getNotifyFlags(s *Server) string {
	return formatNotifyFlags(command.NotifyClass(s.notify.flags.Load()))
}

func parseNotifyConfig(s *Server, v string) (func(), string) {
	flags, ok := parseNotifyFlags(v)
	if !ok {
		return nil, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	}
	return func() { s.notify.flags.Store(uint32(flags)) }, ""
}
