package consumergroups

import (
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// readArgs is a parsed XREADGROUP.
type readArgs struct {
	group, consumer []byte
	count           int64
	timeout         int64 // -1: no BLOCK
	noack           bool
	keys            [][]byte
	targets         []readTarget
}

// readTarget is one stream of an XREADGROUP: ">" (fresh) asks for entries
// never delivered to the group; any other ID replays the consumer's own
// pending entries after it.
type readTarget struct {
	s     *streams.Stream
	g     *Group
	fresh bool
	after streams.ID
}

// xreadgroup is XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK]
// STREAMS key... id...
//
// With BLOCK and nothing new for any ">" stream it parks the client on
// the keys; the broker retries waiters FIFO when a key is written, so each
// new entry goes to the first consumer in line. A retry answers Redis
// 7.2's errors when the key or the group went away meanwhile.
//
// Effects: one XCLAIM per entry delivered (or redelivered from the
// consumer's history) and XGROUP SETID for the group's new position, as
// Redis propagates them, then the consumer's times (effects.go).
func xreadgroup(c *command.Ctx) error {
	a, err := parseXReadGroup(c)
	if err != nil {
		return err
	}
	ready := 0
	for _, t := range a.targets {
		if !t.fresh || hasNew(t.s, t.g) {
			ready++
		}
	}
	now := nowMillis(c)
	if ready == 0 && a.timeout >= 0 && c.CanBlock() {
		if !c.Retrying {
			// A retry that still finds nothing leaves no trace; the
			// first attempt creates the consumers and marks them seen.
			touchConsumers(c, &a, now)
		}
		req := command.BlockRequest{Keys: a.keys, Timeout: time.Duration(a.timeout) * time.Millisecond, Ready: readyCheck(&a)}
		if len(a.targets) == 1 {
			// readyCheck depends on the stream and the group only, and a
			// group belongs to one stream (Clone copies them).
			req.ReadyClass = a.targets[0].g
		}
		c.Block(req)
		return nil
	}
	consumers := touchConsumers(c, &a, now)
	if ready == 0 {
		c.Out.NullArray()
		return nil
	}
	if c.Out.Proto() == 3 {
		c.Out.Map(ready)
	} else {
		c.Out.Array(ready)
	}
	for i, t := range a.targets {
		if t.fresh && !hasNew(t.s, t.g) {
			continue
		}
		if c.Out.Proto() != 3 {
			c.Out.Array(2)
		}
		c.Out.Bulk(a.keys[i])
		if t.fresh {
			deliverNew(c, a.keys[i], t, consumers[i], a.count, a.noack, now)
		} else {
			replayHistory(c, a.keys[i], t, consumers[i], a.count, now)
		}
		emitConsumer(c, a.keys[i], t.g, consumers[i])
	}
	return nil
}

// touchConsumers creates the consumer in each group if needed, marks it
// seen at now and logs it, as Redis does for every XREADGROUP call.
func touchConsumers(c *command.Ctx, a *readArgs, now int64) []*Consumer {
	out := make([]*Consumer, len(a.targets))
	for i, t := range a.targets {
		out[i] = touchConsumer(c, a.keys[i], t.g, a.consumer, now)
		c.DB.Update(a.keys[i])
	}
	for i, t := range a.targets {
		if t.fresh && !hasNew(t.s, t.g) {
			emitConsumer(c, a.keys[i], t.g, out[i]) // served streams log it after their deliveries
		}
	}
	return out
}

// readyCheck is a parked XREADGROUP's BlockRequest.Ready: a write to one
// of its keys is worth a retry only if that key no longer holds the same
// stream with the same group (the retry then replies Redis's error), or
// the stream has an entry the group has not been given. Every consumer of
// a busy group is asked on each XADD, and all but the first find nothing:
// without this check each of them parsed and looked up its command again.
func readyCheck(a *readArgs) func(string, command.Value) bool {
	// The arguments are the request's own (redcon copies each request; a
	// retry's are the waiter's copy), so the check may keep them.
	keys, targets, group := a.keys, a.targets, a.group
	return func(key string, v command.Value) bool {
		matched := false
		for i, t := range targets {
			if string(keys[i]) != key {
				continue
			}
			matched = true
			s, ok := v.(*streams.Stream)
			if !ok || s != t.s || of(s).lookup(group) != t.g || hasNew(t.s, t.g) {
				return true
			}
		}
		return !matched
	}
}

// hasNew reports whether s has an entry the group has not been given.
func hasNew(s *streams.Stream, g *Group) bool { return s.HasAfter(g.lastID) }

func parseXReadGroup(c *command.Ctx) (a readArgs, err error) {
	args := c.Args
	a.timeout = -1
	streamsAt := 0
	for i := 1; i < len(args) && streamsAt == 0; i++ {
		more := len(args) - i - 1
		switch opt := args[i]; {
		case command.Is(opt, "BLOCK") && more > 0:
			i++
			if a.timeout, err = streams.ParseTimeout(c, args[i]); err != nil {
				return a, err
			}
		case command.Is(opt, "COUNT") && more > 0:
			i++
			if a.count, err = command.Int(args[i]); err != nil {
				return a, err
			}
			a.count = max(a.count, 0)
		case command.Is(opt, "STREAMS") && more > 0:
			streamsAt = i + 1
			if (len(args)-streamsAt)%2 != 0 {
				return a, errUnbalanced
			}
		case command.Is(opt, "GROUP") && more >= 2:
			a.group, a.consumer = args[i+1], args[i+2]
			i += 2
		case command.Is(opt, "NOACK"):
			a.noack = true
		default:
			return a, command.ErrSyntax
		}
	}
	if streamsAt == 0 {
		return a, command.ErrSyntax
	}
	if a.group == nil {
		return a, errMissingGroup
	}
	n := (len(args) - streamsAt) / 2
	a.keys = args[streamsAt : streamsAt+n]
	a.targets = make([]readTarget, n)
	for i, idArg := range args[streamsAt+n:] {
		t := &a.targets[i]
		if t.s, t.g, err = lookupReadTarget(c, a.keys[i], a.group); err != nil {
			return a, err
		}
		switch {
		case len(idArg) == 1 && idArg[0] == '$':
			return a, errDollarInGroup
		case len(idArg) == 1 && idArg[0] == '+':
			return a, errPlusInGroup
		case len(idArg) == 1 && idArg[0] == '>':
			t.fresh = true
		default:
			if t.after, err = streams.ParseStrictID(idArg); err != nil {
				return a, err
			}
		}
	}
	return a, nil
}

// lookupReadTarget finds the stream and group of one XREADGROUP key. A
// retry of a blocked read whose key was deleted or replaced gets Redis's
// UNBLOCKED error instead of NOGROUP or WRONGTYPE.
func lookupReadTarget(c *command.Ctx, key, name []byte) (*streams.Stream, *Group, error) {
	s, err := lookupStream(c, key, true)
	if c.Retrying && (err != nil || s == nil) {
		return nil, nil, errUnblockedNoKey
	}
	if err != nil {
		return nil, nil, err
	}
	var g *Group
	if s != nil {
		g = of(s).lookup(name)
	}
	if g == nil {
		return nil, nil, errNoGroupRead(key, name)
	}
	return s, g, nil
}

// deliverNew replies with the entries after the group's last delivered
// ID (at most count when count > 0), hands them to cons and logs that.
func deliverNew(c *command.Ctx, key []byte, t readTarget, cons *Consumer, count int64, noack bool, now int64) {
	// One pass over the stream: seeking the start re-reads its block from
	// the block's first entry, which a second pass (to count, then to
	// reply) did twice.
	start, _ := t.g.lastID.Next()
	var fixed [16]streams.Entry
	entries := fixed[:0]
	it := t.s.Range(start, streams.MaxID, false)
	for count == 0 || int64(len(entries)) < count {
		e, ok := it.Next()
		if !ok {
			break
		}
		entries = append(entries, e)
	}
	c.Out.Array(len(entries))
	for _, e := range entries {
		t.g.advance(t.s, e.ID)
		e.WriteReply(c.Out)
		if !noack {
			p := t.g.deliver(cons, e.ID, now)
			cons.activeTime = now
			emitClaim(c, key, t.g, p)
		}
	}
	if len(entries) > 0 {
		emitGroupID(c, key, t.g)
	}
}

// replayHistory replies with cons's pending entries after t.after (at
// most count), each counted as delivered again now; an entry deleted
// from the stream since shows as its ID with a null field list.
func replayHistory(c *command.Ctx, key []byte, t readTarget, cons *Consumer, count int64, now int64) {
	var ids []streams.ID
	if start, ok := t.after.Next(); ok {
		cons.pel.Ascend(start, func(id *idItem) bool {
			ids = append(ids, streams.ID(*id))
			return count == 0 || int64(len(ids)) < count
		})
	}
	c.Out.Array(len(ids))
	var idb [41]byte
	for _, id := range ids {
		e, ok := t.s.Get(id)
		if !ok {
			c.Out.Array(2)
			c.Out.Bulk(id.Append(idb[:0]))
			c.Out.NullArray()
			continue
		}
		e.WriteReply(c.Out)
		p := t.g.pel.Get(id)
		p.deliveryTime = now
		p.deliveries++
		emitClaim(c, key, t.g, *p)
	}
}
