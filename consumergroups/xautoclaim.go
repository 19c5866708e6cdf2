package consumergroups

import (
	"math"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// autoClaimAttempts is Redis's attempts_factor: XAUTOCLAIM looks at most
// COUNT*10 pending entries per call.
const autoClaimAttempts = 10

// xautoclaim is XAUTOCLAIM key group consumer min-idle-time start
// [COUNT n] [JUSTID]. It claims up to COUNT (default 100) entries pending
// for at least min-idle-time from start on, and replies the cursor to
// continue from (0-0 at the end), the claimed entries, and the IDs it
// dropped from the PEL because their entries were deleted (those count
// toward COUNT too). Logged as the XCLAIMs it made, with absolute TIME.
func xautoclaim(c *command.Ctx) error {
	args := c.Args
	minIdle, ok := command.ParseInt(args[4])
	if !ok {
		return errAutoClaimIdle
	}
	minIdle = max(minIdle, 0)
	start, ex, err := streams.ParseRangeID(args[5], 0)
	if err != nil {
		return err
	}
	if ex {
		if start, ok = start.Next(); !ok {
			return streams.ErrBadStartID
		}
	}
	count, justID := int64(100), false
	for j := 6; j < len(args); j++ {
		switch {
		case command.Is(args[j], "COUNT") && j+1 < len(args):
			j++
			n, ok := command.ParseInt(args[j])
			if !ok || n < 1 || n > math.MaxInt64/16 {
				return errAutoClaimCount
			}
			count = n
		case command.Is(args[j], "JUSTID"):
			justID = true
		default:
			return command.ErrSyntax
		}
	}
	key := args[1]
	s, g, err := lookupGroup(c, key, args[2], true)
	if err != nil {
		return err
	}
	now := nowMillis(c)
	cons := touchConsumer(c, args[1], g, args[3], now)
	slot := g.slot(cons)
	claimed := command.NewReply(c.Out.Proto())
	n := 0
	var deleted []streams.ID
	var idb [41]byte
	cursor, atEnd := start, false
	for attempts := count * autoClaimAttempts; attempts > 0 && count > 0 && !atEnd; attempts-- {
		first, ok := g.pel.First(cursor)
		if !ok {
			break
		}
		id := first.id
		cursor, ok = id.Next()
		atEnd = !ok
		e, exists := s.Get(id)
		if !exists {
			g.ack(id)
			emitDrop(c, key, g, id)
			deleted = append(deleted, id)
			count--
			continue
		}
		if minIdle > 0 && now-first.deliveryTime < minIdle {
			continue
		}
		p := g.pel.Get(id)
		reassign(g, p, cons, slot)
		p.deliveryTime = now
		if !justID {
			p.deliveries++
		}
		if justID {
			claimed.Bulk(id.Append(idb[:0]))
		} else {
			e.WriteReply(claimed)
		}
		n++
		count--
		cons.activeTime = now
		emitClaim(c, key, g, *p)
	}
	next := streams.ID{}
	if !atEnd {
		if p, ok := g.pel.First(cursor); ok {
			next = p.id
		}
	}
	c.DB.Update(key)
	emitConsumer(c, key, g, cons)
	c.Out.Array(3)
	c.Out.Bulk(next.Append(idb[:0]))
	c.Out.Array(n)
	c.Out.Raw(claimed.Bytes())
	c.Out.Array(len(deleted))
	for _, id := range deleted {
		c.Out.Bulk(id.Append(idb[:0]))
	}
	return nil
}
