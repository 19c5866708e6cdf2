package broker

import (
	"sync/atomic"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/pubsub"
	"github.com/brokerd/brokerd/wal"
)

// subscriber is a client's side of pub/sub: the outbox its messages and
// (un)subscribe confirmations go through, created on its first
// subscription and drained by a goroutine of its own, so that a publisher
// never writes to a socket. Replies to the client's other commands still
// go through redcon; the guarded connection's write lock keeps whole
// frames from interleaving.
type subscriber struct {
	outbox *pubsub.Outbox
	resp3  atomic.Bool
	// reply is the reply of the client's running (un)subscribe, where the
	// registry's confirmations go (pubsub.Confirmer); only the client's
	// own goroutine sets it, around its call into the registry.
	reply *command.Reply
}

func (sb *subscriber) Deliver(frame []byte) { sb.outbox.Deliver(frame) }
func (sb *subscriber) Confirm(frame []byte) { sb.reply.Raw(frame) }
func (sb *subscriber) Resp3() bool          { return sb.resp3.Load() }

// subscriberOf returns cl's subscriber, starting its outbox on first use.
func (s *Server) subscriberOf(cl *client) *subscriber {
	return s.outboxOf(cl, "pubsub", s.settings.currentPubsubLimits)
}

// outboxOf returns cl's subscriber, starting its outbox on first use with
// the output limits of class: a subscriber's replies and messages, or a
// monitor's replies and feed, go out through it in order.
func (s *Server) outboxOf(cl *client, class string, limits func() pubsub.Limits) *subscriber {
	if cl.sub != nil {
		return cl.sub
	}
	sb := &subscriber{}
	sb.resp3.Store(cl.proto == 3)
	sb.outbox = pubsub.NewOutbox(cl.guard, limits, func() {
		s.stats.outputLimitDisconnections.Add(1)
		s.logger.Warn("client over client-output-buffer-limit; disconnecting", "class", class, "client", cl.id)
		cl.guard.Close()
	})
	sb.outbox.BeforeWrite(s.waitLogTail)
	sb.outbox.Hold() // its client is running a command: serveRESP releases it with the reply
	go sb.outbox.Run()
	cl.sub = sb
	cl.subInfo.Store(sb)
	return sb
}

// waitLogTail waits until every record appended so far is durable: a
// message (a keyspace event, a PUBLISH after a write in a script,
// MONITOR's feed) must not tell a client of a write that a crash could
// still take back, as Redis sends nothing before beforeSleep's fsync.
func (s *Server) waitLogTail() {
	// A write publishes its keyspace events (and MONITOR its line) under
	// the keyspace lock before it appends its record: once the lock is
	// free, the record is in the log's tail.
	s.mu.RLock()
	s.mu.RUnlock()
	awaitShown(s.log.Tail(), (*wal.Pending).Wait)
}

// dropSubscriber forgets a closed client's subscriptions.
func (s *Server) dropSubscriber(cl *client) {
	if cl.sub == nil {
		return
	}
	s.pubsub.RemoveAll(cl.sub)
	cl.sub.outbox.Close()
}

// subscribedRESP2 reports whether cl is in RESP2's subscribed state,
// where only a few commands are allowed.
func (cl *client) subscribedRESP2() bool { return cl.subscriptions > 0 && cl.proto == 2 }

func (st *settings) currentPubsubLimits() pubsub.Limits { return *st.pubsubLimits.Load() }
