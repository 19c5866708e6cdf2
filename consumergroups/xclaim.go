package consumergroups

import (
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// claimArgs are XCLAIM's options.
type claimArgs struct {
	minIdle      int64
	ids          []streams.ID
	deliveryTime int64 // -1: not given (now)
	retryCount   int64 // -1: not given
	force        bool
	justID       bool
	lastID       streams.ID
	// seen and active are the loading-only SEENTIME and ACTIVETIME
	// (effects.go); -2 when not given.
	seen, active int64
}

// xclaim is XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
// [TIME unix-ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id].
//
// Delivery counts follow Redis: a claim counts as a delivery unless
// JUSTID is given, RETRYCOUNT sets the count, FORCE creates a missing
// pending entry (for an entry that exists) with one delivery before that.
// A pending entry whose stream entry was deleted is dropped. Each change
// is logged as the concrete XCLAIM Redis propagates, with absolute TIME.
func xclaim(c *command.Ctx) error {
	key, name := c.Args[1], c.Args[2]
	s, g, err := lookupGroup(c, key, name, true)
	if err != nil {
		return err
	}
	now := nowMillis(c)
	a, err := parseClaim(c, now)
	if err != nil {
		return err
	}
	propagateLast := false
	if g.lastID.Less(a.lastID) {
		g.lastID = a.lastID
		propagateLast = true
	}
	cons := touchConsumer(c, c.Args[1], g, c.Args[3], now)
	slot := g.slot(cons)
	replies := command.NewReply(c.Out.Proto())
	n := 0
	var idb [41]byte
	for _, id := range a.ids {
		p := g.pel.Get(id)
		e, exists := s.Get(id)
		if !exists {
			if p != nil {
				g.ack(id)
				emitDrop(c, key, g, id) // carries no LASTID, unlike Redis's XCLAIM
			}
			continue
		}
		forced := false
		if p == nil {
			if !a.force {
				continue
			}
			g.pel.Insert(pendingEntry{id: id, deliveryTime: now, deliveries: 1, consumer: slot})
			cons.pel.Insert(idItem(id))
			p, forced = g.pel.Get(id), true
		}
		if !forced && a.minIdle > 0 && now-p.deliveryTime < a.minIdle {
			continue
		}
		reassign(g, p, cons, slot)
		p.deliveryTime = a.deliveryTime
		switch {
		case a.retryCount >= 0:
			p.deliveries = a.retryCount
		case !a.justID:
			p.deliveries++
		}
		if a.justID {
			replies.Bulk(id.Append(idb[:0]))
		} else {
			e.WriteReply(replies)
		}
		n++
		cons.activeTime = now
		emitClaim(c, key, g, *p)
		propagateLast = false
	}
	if propagateLast {
		emitGroupID(c, key, g)
	}
	if a.seen != -2 {
		cons.seenTime = a.seen
	}
	if a.active != -2 {
		cons.activeTime = a.active
	}
	c.DB.Update(key)
	emitConsumer(c, key, g, cons)
	c.Out.Array(n)
	c.Out.Raw(replies.Bytes())
	return nil
}

// reassign moves the pending entry p to cons, whose slot is slot.
func reassign(g *Group, p *pendingEntry, cons *Consumer, slot uint32) {
	if p.consumer == slot {
		return
	}
	g.consumers[p.consumer].pel.Delete(p.id)
	cons.pel.Insert(idItem(p.id))
	p.consumer = slot
}

// parseClaim parses from min-idle-time on. IDs run up to the first
// argument that is not one; options follow.
func parseClaim(c *command.Ctx, now int64) (a claimArgs, err error) {
	args := c.Args
	a.deliveryTime, a.retryCount, a.seen, a.active = -1, -1, -2, -2
	var ok bool
	if a.minIdle, ok = command.ParseInt(args[4]); !ok {
		return a, errClaimMinIdle
	}
	a.minIdle = max(a.minIdle, 0)
	j := 5
	for ; j < len(args); j++ {
		id, _, ok := streams.ParseID(args[j], 0, streams.Strict)
		if !ok {
			break
		}
		a.ids = append(a.ids, id)
	}
	intOpt := func(dst *int64, bad command.Error) error {
		j++
		v, ok := command.ParseInt(args[j])
		if !ok {
			return bad
		}
		*dst = v
		return nil
	}
	for ; j < len(args); j++ {
		more := len(args) - 1 - j
		switch opt := args[j]; {
		case command.Is(opt, "FORCE"):
			a.force = true
		case command.Is(opt, "JUSTID"):
			a.justID = true
		case command.Is(opt, "IDLE") && more > 0:
			if err := intOpt(&a.deliveryTime, errClaimIdle); err != nil {
				return a, err
			}
			a.deliveryTime = now - a.deliveryTime
		case command.Is(opt, "TIME") && more > 0:
			if err := intOpt(&a.deliveryTime, errClaimTime); err != nil {
				return a, err
			}
		case command.Is(opt, "RETRYCOUNT") && more > 0:
			if err := intOpt(&a.retryCount, errClaimRetry); err != nil {
				return a, err
			}
		case command.Is(opt, "LASTID") && more > 0:
			j++
			if a.lastID, err = streams.ParseStrictID(args[j]); err != nil {
				return a, err
			}
		case c.Loading && command.Is(opt, optSeenTime) && more > 0:
			if err := intOpt(&a.seen, command.ErrNotInteger); err != nil {
				return a, err
			}
		case c.Loading && command.Is(opt, optActiveTime) && more > 0:
			if err := intOpt(&a.active, command.ErrNotInteger); err != nil {
				return a, err
			}
		default:
			return a, command.Error(errClaimUnknownOpt + string(opt) + "'")
		}
	}
	switch {
	case a.deliveryTime == -1:
		a.deliveryTime = now
	case a.deliveryTime < 0:
		a.deliveryTime = now
	case a.deliveryTime > now && !c.Loading:
		// A client clock slightly ahead is no reason to fail (Redis);
		// a logged TIME is trusted as it stands.
		a.deliveryTime = now
	}
	return a, nil
}
