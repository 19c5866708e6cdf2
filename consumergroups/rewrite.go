package consumergroups

import (
	"strconv"

	"github.com/brokerd/brokerd/streams"
)

// claimBatch caps the IDs of one rewritten XCLAIM, so a record stays
// small.
const claimBatch = 128

// AppendPending implements streams.Groups.
func (set *Set) AppendPending(dst []streams.ID) []streams.ID {
	for _, g := range set.groups {
		g.pel.Ascend(streams.ID{}, func(p *pendingEntry) bool {
			dst = append(dst, p.id)
			return true
		})
	}
	return dst
}

// Rewrite implements streams.Groups, as Redis's rewriteStreamObject, for
// each group in name order:
//
//	XGROUP CREATE key group <last-delivered-id> ENTRIESREAD n
//	XCLAIM key group consumer 0 <id> ... TIME ms RETRYCOUNT n FORCE JUSTID
//	XCLAIM key group consumer 0 JUSTID SEENTIME ms ACTIVETIME ms
//
// The first XCLAIM form makes entries pending with their owner, delivery
// time and count; one command covers a run of pending entries (in ID
// order) that share all three, as an XREADGROUP COUNT n leaves them. It
// also marks the consumer seen and active at the replay's clock, so the
// second form, one per consumer and after all its claims, sets both times
// as they were (effects.go) and creates the consumers with nothing
// pending. Stream.Rewrite has added every pending ID to the stream first,
// since XCLAIM claims only entries that exist.
//
// Rewrite only reads the groups.
func (set *Set) Rewrite(key []byte, emit func(args ...[]byte)) {
	w := claimWriter{key: key, emit: emit}
	for _, g := range set.groups {
		w.group(g)
	}
}

// claimWriter holds Rewrite's scratch buffers; emit copies its
// arguments, so they are reused from one command to the next.
type claimWriter struct {
	key  []byte
	emit func(args ...[]byte)
	name []byte
	g    *Group
	args [][]byte
	buf  []byte
	ends []int
	run  pendingEntry // the first entry of the run in buf
	n    int          // IDs in the run
}

func (w *claimWriter) group(g *Group) {
	var idb [41]byte
	w.g, w.name = g, []byte(g.name)
	w.emit(argXGROUP, argCREATE, w.key, w.name, g.lastID.Append(idb[:0]), argENTRIES, itoa(g.entriesRead))
	g.pel.Ascend(streams.ID{}, func(p *pendingEntry) bool {
		if w.n > 0 && (w.n == claimBatch || p.consumer != w.run.consumer ||
			p.deliveryTime != w.run.deliveryTime || p.deliveries != w.run.deliveries) {
			w.flush()
		}
		if w.n == 0 {
			w.run = *p
		}
		w.buf = p.id.Append(w.buf)
		w.ends = append(w.ends, len(w.buf))
		w.n++
		return true
	})
	w.flush()
	for _, c := range g.consumers {
		if c != nil {
			w.emit(argXCLAIM, w.key, w.name, []byte(c.name), argZero, argJUSTID,
				argSEENTIME, itoa(c.seenTime), argACTIVETIME, itoa(c.activeTime))
		}
	}
}

// flush emits the XCLAIM of the run gathered so far, if any.
func (w *claimWriter) flush() {
	if w.n == 0 {
		return
	}
	w.args = append(w.args[:0], argXCLAIM, w.key, w.name, []byte(w.g.consumers[w.run.consumer].name), argZero)
	start := 0
	for _, end := range w.ends {
		w.args = append(w.args, w.buf[start:end:end])
		start = end
	}
	var t, n [20]byte
	w.args = append(w.args, argTIME, strconv.AppendInt(t[:0], w.run.deliveryTime, 10),
		argRETRYCOUNT, strconv.AppendInt(n[:0], w.run.deliveries, 10), argFORCE, argJUSTID)
	w.emit(w.args...)
	w.buf, w.ends, w.n = w.buf[:0], w.ends[:0], 0
}
