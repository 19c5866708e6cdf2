// Package consumergroups is Redis's consumer groups on brokerd's streams:
// groups, consumers, pending-entries lists (PELs) and delivery counts,
// and the commands XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM
// and XINFO GROUPS/CONSUMERS.
//
// A stream holds its groups through streams.Groups (see Set). Every
// change is logged as Redis propagates it: a delivery or claim as
// "XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID
// id", a group's position as "XGROUP SETID key group id ENTRIESREAD n",
// plus the consumer's seen and active times (see effects.go), so a
// replayed log rebuilds the same groups, times included.
//
// Locking: everything here runs under the broker's keyspace lock.
package consumergroups

import (
	"slices"
	"strings"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// Set is a stream's consumer groups, ordered by name as Redis's rax
// orders them (bytewise). It implements streams.Groups.
type Set struct {
	groups []*Group // sorted by name; a stream has few groups
}

var _ streams.Groups = (*Set)(nil)

// Group is one consumer group.
type Group struct {
	name        string
	lastID      streams.ID
	entriesRead int64 // streams.InvalidEntriesRead when unknown
	pel         *idSet[pendingEntry]
	// consumers holds the consumers by slot (pendingEntry.consumer); a
	// deleted consumer leaves a nil slot that the next one reuses.
	consumers []*Consumer
	byName    map[string]uint32
	free      []uint32
	// fx builds the group's effects (effects.go); nil until the first.
	// Guarded by the keyspace write lock, as every emit is.
	fx *effectArgs
}

// Consumer is one consumer of a group.
type Consumer struct {
	name string
	// seenTime is when the consumer last ran a command (any attempt);
	// activeTime when it last got an entry (-1: never), as Redis 7.2's
	// seen_time and active_time.
	seenTime, activeTime int64
	pel                  *idSet[idItem]
}

func newGroup(name string, last streams.ID, entriesRead int64) *Group {
	return &Group{name: name, lastID: last, entriesRead: entriesRead, pel: newIDSet[pendingEntry](),
		byName: map[string]uint32{}}
}

// of returns the stream's groups, nil when it has none.
func of(s *streams.Stream) *Set {
	g, _ := s.Groups().(*Set)
	return g
}

// lookup returns the group called name, or nil.
func (set *Set) lookup(name []byte) *Group {
	if set == nil {
		return nil
	}
	i, ok := set.search(name)
	if !ok {
		return nil
	}
	return set.groups[i]
}

// search is slices.BinarySearchFunc written out: its comparison closure
// converted name to a string on every step, an allocation per lookup.
func (set *Set) search(name []byte) (int, bool) {
	lo, hi := 0, len(set.groups)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if set.groups[m].name < string(name) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(set.groups) && set.groups[lo].name == string(name)
}

// add inserts g unless a group of that name exists.
func (set *Set) add(g *Group) bool {
	i, ok := set.search([]byte(g.name))
	if ok {
		return false
	}
	set.groups = slices.Insert(set.groups, i, g)
	return true
}

// remove deletes the group called name and reports whether it existed.
func (set *Set) remove(name []byte) bool {
	i, ok := set.search(name)
	if ok {
		set.groups = slices.Delete(set.groups, i, i+1)
	}
	return ok
}

// Len implements streams.Groups.
func (set *Set) Len() int { return len(set.groups) }

// Clone implements streams.Groups: a deep copy.
func (set *Set) Clone() streams.Groups {
	c := &Set{groups: make([]*Group, len(set.groups))}
	for i, g := range set.groups {
		cg := *g
		cg.fx = nil
		cg.pel = g.pel.Clone()
		cg.consumers = make([]*Consumer, len(g.consumers))
		for j, cons := range g.consumers {
			if cons != nil {
				cc := *cons
				cc.pel = cons.pel.Clone()
				cg.consumers[j] = &cc
			}
		}
		cg.byName = make(map[string]uint32, len(g.byName))
		for k, v := range g.byName {
			cg.byName[k] = v
		}
		cg.free = slices.Clone(g.free)
		c.groups[i] = &cg
	}
	return c
}

// consumer returns the consumer called name, or nil.
func (g *Group) consumer(name []byte) *Consumer {
	if slot, ok := g.byName[string(name)]; ok {
		return g.consumers[slot]
	}
	return nil
}

// createConsumer adds a consumer seen at now, never active; nil when it
// exists already.
func (g *Group) createConsumer(name []byte, now int64) *Consumer {
	if _, ok := g.byName[string(name)]; ok {
		return nil
	}
	c := &Consumer{name: string(name), seenTime: now, activeTime: -1, pel: newIDSet[idItem]()}
	var slot uint32
	if n := len(g.free); n > 0 {
		slot, g.free = g.free[n-1], g.free[:n-1]
		g.consumers[slot] = c
	} else {
		slot = uint32(len(g.consumers))
		g.consumers = append(g.consumers, c)
	}
	g.byName[c.name] = slot
	return c
}

// touch returns the consumer called name, creating it if needed, with its
// seen time set to now (Redis's lookup-or-create in XREADGROUP, XCLAIM
// and XAUTOCLAIM), and whether it was created.
func (g *Group) touch(name []byte, now int64) (*Consumer, bool) {
	c := g.consumer(name)
	created := c == nil
	if created {
		c = g.createConsumer(name, now)
	}
	c.seenTime = now
	return c, created
}

// touchConsumer is Group.touch for a command: a consumer it creates is
// announced ("xgroup-createconsumer"), as Redis's streamCreateConsumer
// does.
func touchConsumer(c *command.Ctx, key []byte, g *Group, name []byte, now int64) *Consumer {
	cons, created := g.touch(name, now)
	if created {
		c.Notify(command.NotifyStream, "xgroup-createconsumer", key)
	}
	return cons
}

// slot returns the slot of an existing consumer.
func (g *Group) slot(c *Consumer) uint32 { return g.byName[c.name] }

// deleteConsumer drops a consumer and its pending entries, and returns
// how many it had.
func (g *Group) deleteConsumer(name []byte) (int, bool) {
	slot, ok := g.byName[string(name)]
	if !ok {
		return 0, false
	}
	c := g.consumers[slot]
	n := c.pel.Len()
	c.pel.Ascend(streams.ID{}, func(id *idItem) bool {
		g.pel.Delete(streams.ID(*id))
		return true
	})
	delete(g.byName, c.name)
	g.consumers[slot] = nil
	g.free = append(g.free, slot)
	return n, true
}

// sortedConsumers returns the consumers in name order, as Redis lists
// them.
func (g *Group) sortedConsumers() []*Consumer {
	out := make([]*Consumer, 0, len(g.byName))
	for _, c := range g.consumers {
		if c != nil {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *Consumer) int { return strings.Compare(a.name, b.name) })
	return out
}

// deliver records that id went to c at now: a new pending entry with one
// delivery, or an existing one (after XGROUP SETID moved the group back)
// handed to c with its count reset, as Redis's streamReplyWithRange does.
func (g *Group) deliver(c *Consumer, id streams.ID, now int64) pendingEntry {
	slot := g.slot(c)
	if p := g.pel.Get(id); p != nil {
		if p.consumer != slot {
			g.consumers[p.consumer].pel.Delete(id)
			c.pel.Insert(idItem(id))
		}
		p.consumer, p.deliveryTime, p.deliveries = slot, now, 1
		return *p
	}
	p := pendingEntry{id: id, deliveryTime: now, deliveries: 1, consumer: slot}
	g.pel.Insert(p)
	c.pel.Insert(idItem(id))
	return p
}

// ack removes id from the PELs and reports whether it was pending.
func (g *Group) ack(id streams.ID) bool {
	p, ok := g.pel.Delete(id)
	if ok {
		g.consumers[p.consumer].pel.Delete(id)
	}
	return ok
}

// advance moves the group's last delivered ID to id (greater than it),
// keeping its read counter as Redis 7.2's streamReplyWithRange does.
func (g *Group) advance(s *streams.Stream, id streams.ID) {
	switch {
	case g.entriesRead != streams.InvalidEntriesRead && !s.RangeHasTombstones(&id, nil):
		g.entriesRead++
	case s.EntriesAdded() > 0:
		g.entriesRead = s.EntriesReadAt(id)
	}
	g.lastID = id
}

// WriteFull implements streams.Groups: XINFO STREAM FULL's "groups".
func (set *Set) WriteFull(out *command.Reply, s *streams.Stream, count int64) {
	var idb [41]byte
	out.Array(len(set.groups))
	for _, g := range set.groups {
		out.Map(7)
		out.BulkString("name")
		out.BulkString(g.name)
		out.BulkString("last-delivered-id")
		out.Bulk(g.lastID.Append(idb[:0]))
		out.BulkString("entries-read")
		writeEntriesRead(out, g.entriesRead)
		out.BulkString("lag")
		writeLag(out, s, g)
		out.BulkString("pel-count")
		out.Int(int64(g.pel.Len()))
		out.BulkString("pending")
		n := limit(g.pel.Len(), count)
		out.Array(n)
		g.pel.Ascend(streams.ID{}, func(p *pendingEntry) bool {
			if n == 0 {
				return false
			}
			n--
			out.Array(4)
			out.Bulk(p.id.Append(idb[:0]))
			out.BulkString(g.consumers[p.consumer].name)
			out.Int(p.deliveryTime)
			out.Int(p.deliveries)
			return true
		})
		consumers := g.sortedConsumers()
		out.BulkString("consumers")
		out.Array(len(consumers))
		for _, c := range consumers {
			out.Map(5)
			out.BulkString("name")
			out.BulkString(c.name)
			out.BulkString("seen-time")
			out.Int(c.seenTime)
			out.BulkString("active-time")
			out.Int(c.activeTime)
			out.BulkString("pel-count")
			out.Int(int64(c.pel.Len()))
			out.BulkString("pending")
			n := limit(c.pel.Len(), count)
			out.Array(n)
			c.pel.Ascend(streams.ID{}, func(id *idItem) bool {
				if n == 0 {
					return false
				}
				n--
				p := g.pel.Get(streams.ID(*id))
				out.Array(3)
				out.Bulk(p.id.Append(idb[:0]))
				out.Int(p.deliveryTime)
				out.Int(p.deliveries)
				return true
			})
		}
	}
}

// limit is min(n, count), with count 0 meaning no limit.
func limit(n int, count int64) int {
	if count > 0 && int64(n) > count {
		return int(count)
	}
	return n
}

func writeEntriesRead(out *command.Reply, n int64) {
	if n == streams.InvalidEntriesRead {
		out.Null()
		return
	}
	out.Int(n)
}

func writeLag(out *command.Reply, s *streams.Stream, g *Group) {
	lag, ok := s.Lag(g.lastID, g.entriesRead)
	if !ok {
		out.Null()
		return
	}
	out.Int(lag)
}
