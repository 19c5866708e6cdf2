package pubsub

import "strconv"

// Frames are built by hand rather than with command.Reply because a
// message is encoded once per protocol and then copied into every
// subscriber's outbox.

// frameHeader starts an array (RESP2) or push (RESP3) of n elements.
func frameHeader(dst []byte, resp3 bool, n int) []byte {
	if resp3 {
		dst = append(dst, '>')
	} else {
		dst = append(dst, '*')
	}
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

func appendBulk(dst, b []byte) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

func appendInt(dst []byte, n int) []byte {
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

// messageFrame is "message" channel payload, or "pmessage" pattern
// channel payload when pattern is non-nil; kind overrides the first
// element ("smessage").
func messageFrame(dst []byte, resp3 bool, kind string, pattern, channel, payload []byte) []byte {
	n := 3
	if pattern != nil {
		n = 4
	}
	dst = frameHeader(dst, resp3, n)
	dst = appendBulk(dst, []byte(kind))
	if pattern != nil {
		dst = appendBulk(dst, pattern)
	}
	dst = appendBulk(dst, channel)
	return appendBulk(dst, payload)
}

// confirmFrame is a (un)subscribe confirmation: kind, name (null when
// nil), and the subscription count after it.
func confirmFrame(dst []byte, resp3 bool, kind string, name []byte, count int) []byte {
	dst = frameHeader(dst, resp3, 3)
	dst = appendBulk(dst, []byte(kind))
	switch {
	case name != nil:
		dst = appendBulk(dst, name)
	case resp3:
		dst = append(dst, "_\r\n"...)
	default:
		dst = append(dst, "$-1\r\n"...)
	}
	return appendInt(dst, count)
}
