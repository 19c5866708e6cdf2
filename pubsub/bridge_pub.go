package pubsub

import (
	"strings"

	"github.com/nats-io/nats.go"
)

// pubMsg is a PUBLISH copied out of the client's buffers: channel and
// payload share one allocation.
type pubMsg struct{ channel, payload []byte }

// Published is the server's Published tap: it copies the message and
// hands it to the publisher goroutine, or drops it (counted) when the
// queue is full. It never blocks.
func (b *Bridge) Published(channel, payload []byte) {
	buf := make([]byte, len(channel)+len(payload))
	n := copy(buf, channel)
	copy(buf[n:], payload)
	select {
	case b.pubq <- pubMsg{channel: buf[:n:n], payload: buf[n:]}:
	default:
		b.c.pubDropped.Add(1)
	}
}

// runPublisher forwards handed-over PUBLISHes to <prefix>.pub.<channel>
// in order. While NATS is away nats.go buffers them (ReconnectBufSize,
// 8 MiB by default) and a publish that does not fit fails: pub/sub is
// at most once, as in Redis, so that is a counted drop, not a retry.
func (b *Bridge) runPublisher() {
	defer b.wg.Done()
	// One message and header, reused: PublishMsg encodes them before it
	// returns.
	msg := &nats.Msg{Header: nats.Header{HeaderNode: []string{b.node}}}
	subj := []byte(b.prefix + ".pub.")
	base := len(subj)
	forward := func(m pubMsg) {
		subj = appendName(subj[:base], m.channel)
		msg.Subject, msg.Data = string(subj), m.payload
		if err := b.nc.PublishMsg(msg); err != nil {
			b.c.pubDropped.Add(1)
			return
		}
		b.c.published.Add(1)
	}
	for {
		select {
		case m := <-b.pubq:
			forward(m)
		case <-b.stop:
			for {
				select {
				case m := <-b.pubq:
					forward(m)
				default:
					return
				}
			}
		}
	}
}

// receive delivers a PUBLISH from another node to this node's channel
// and pattern subscribers. It runs on the subscription's goroutine, one
// message at a time, so messages from one node keep their order.
func (b *Bridge) receive(m *nats.Msg) {
	if m.Header.Get(HeaderNode) == b.node {
		return
	}
	token := strings.TrimPrefix(m.Subject, b.prefix+".pub.")
	channel, err := DecodeName(token)
	if err != nil {
		b.log.Debug("ignoring a message on an undecodable subject", "subject", m.Subject)
		return
	}
	b.host.PublishLocal(channel, m.Data)
	b.c.received.Add(1)
}
