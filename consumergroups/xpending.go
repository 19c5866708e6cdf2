package consumergroups

import (
	"math"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// pendingRange is XPENDING's extended form: [IDLE ms] start end count
// [consumer].
type pendingRange struct {
	minIdle    int64
	start, end streams.ID
	count      int64
	consumer   []byte
}

// xpending is XPENDING key group [[IDLE min-idle] start end count
// [consumer]]. As in Redis the range arguments are parsed before the key
// is looked up, and arguments after the consumer are ignored.
func xpending(c *command.Ctx) error {
	argc := len(c.Args)
	if argc != 3 && (argc < 6 || argc > 9) {
		return command.ErrSyntax
	}
	var r pendingRange
	if argc >= 6 {
		var err error
		if r, err = parsePendingRange(c.Args); err != nil {
			return err
		}
	}
	key, name := c.Args[1], c.Args[2]
	_, g, err := lookupGroup(c, key, name, false)
	if err != nil {
		return err
	}
	if argc == 3 {
		writePendingSummary(c.Out, g)
		return nil
	}
	writePendingRange(c, g, r)
	return nil
}

func parsePendingRange(args [][]byte) (r pendingRange, err error) {
	at := 3
	if command.Is(args[3], "IDLE") {
		if r.minIdle, err = command.Int(args[4]); err != nil {
			return r, err
		}
		if len(args) < 8 {
			return r, command.ErrSyntax
		}
		at += 2
	}
	if r.count, err = command.Int(args[at+2]); err != nil {
		return r, err
	}
	r.count = max(r.count, 0)
	var ex bool
	if r.start, ex, err = streams.ParseRangeID(args[at], 0); err != nil {
		return r, err
	}
	if ex {
		var ok bool
		if r.start, ok = r.start.Next(); !ok {
			return r, streams.ErrBadStartID
		}
	}
	if r.end, ex, err = streams.ParseRangeID(args[at+1], math.MaxUint64); err != nil {
		return r, err
	}
	if ex {
		var ok bool
		if r.end, ok = r.end.Prev(); !ok {
			return r, streams.ErrBadEndID
		}
	}
	if at+3 < len(args) {
		r.consumer = args[at+3]
	}
	return r, nil
}

// writePendingSummary is XPENDING's short form: the count, the smallest
// and greatest pending IDs and the pending count of each consumer that
// has any.
func writePendingSummary(out *command.Reply, g *Group) {
	out.Array(4)
	out.Int(int64(g.pel.Len()))
	first, ok := g.pel.First(streams.ID{})
	if !ok {
		out.Null()
		out.Null()
		out.NullArray()
		return
	}
	last, _ := g.pel.Last()
	var idb [41]byte
	out.Bulk(first.id.Append(idb[:0]))
	out.Bulk(last.id.Append(idb[:0]))
	var busy []*Consumer
	for _, cons := range g.sortedConsumers() {
		if cons.pel.Len() > 0 {
			busy = append(busy, cons)
		}
	}
	out.Array(len(busy))
	for _, cons := range busy {
		out.Array(2)
		out.BulkString(cons.name)
		out.BulkInt(int64(cons.pel.Len()))
	}
}

// writePendingRange is XPENDING's extended form: [id, consumer, idle ms,
// deliveries] for each entry in the range.
func writePendingRange(c *command.Ctx, g *Group, r pendingRange) {
	var list []pendingEntry
	keep := func(p pendingEntry) bool {
		if r.end.Less(p.id) {
			return false
		}
		if r.minIdle == 0 || nowMillis(c)-p.deliveryTime >= r.minIdle {
			list = append(list, p)
		}
		return int64(len(list)) < r.count
	}
	switch {
	case r.count == 0:
	case r.consumer != nil:
		cons := g.consumer(r.consumer)
		if cons == nil {
			break
		}
		cons.pel.Ascend(r.start, func(id *idItem) bool { return keep(*g.pel.Get(streams.ID(*id))) })
	default:
		g.pel.Ascend(r.start, func(p *pendingEntry) bool { return keep(*p) })
	}
	now := nowMillis(c)
	var idb [41]byte
	c.Out.Array(len(list))
	for _, p := range list {
		c.Out.Array(4)
		c.Out.Bulk(p.id.Append(idb[:0]))
		c.Out.BulkString(g.consumers[p.consumer].name)
		c.Out.Int(max(now-p.deliveryTime, 0))
		c.Out.Int(p.deliveries)
	}
}
