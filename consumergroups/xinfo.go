package consumergroups

import (
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// lookupInfo returns the stream for XINFO: ERR no such key when absent.
func lookupInfo(c *command.Ctx) (*streams.Stream, error) {
	s, err := lookupStream(c, c.Args[2], false)
	if err == nil && s == nil {
		err = command.ErrNoSuchKey
	}
	return s, err
}

// xinfoGroups is XINFO GROUPS key.
func xinfoGroups(c *command.Ctx) error {
	s, err := lookupInfo(c)
	if err != nil {
		return err
	}
	set := of(s)
	if set == nil {
		c.Out.Array(0)
		return nil
	}
	var idb [41]byte
	c.Out.Array(len(set.groups))
	for _, g := range set.groups {
		c.Out.Map(6)
		c.Out.BulkString("name")
		c.Out.BulkString(g.name)
		c.Out.BulkString("consumers")
		c.Out.Int(int64(len(g.byName)))
		c.Out.BulkString("pending")
		c.Out.Int(int64(g.pel.Len()))
		c.Out.BulkString("last-delivered-id")
		c.Out.Bulk(g.lastID.Append(idb[:0]))
		c.Out.BulkString("entries-read")
		writeEntriesRead(c.Out, g.entriesRead)
		c.Out.BulkString("lag")
		writeLag(c.Out, s, g)
	}
	return nil
}

// xinfoConsumers is XINFO CONSUMERS key group: each consumer's pending
// count, idle (ms since it was last seen) and inactive (ms since it last
// got an entry, -1 if never), as Redis 7.2.
func xinfoConsumers(c *command.Ctx) error {
	s, err := lookupInfo(c)
	if err != nil {
		return err
	}
	g := of(s).lookup(c.Args[3])
	if g == nil {
		return errNoGroup(c.Args[2], c.Args[3])
	}
	now := nowMillis(c)
	consumers := g.sortedConsumers()
	c.Out.Array(len(consumers))
	for _, cons := range consumers {
		inactive := int64(-1)
		if cons.activeTime != -1 {
			inactive = now - cons.activeTime
		}
		c.Out.Map(4)
		c.Out.BulkString("name")
		c.Out.BulkString(cons.name)
		c.Out.BulkString("pending")
		c.Out.Int(int64(cons.pel.Len()))
		c.Out.BulkString("idle")
		c.Out.Int(max(now-cons.seenTime, 0))
		c.Out.BulkString("inactive")
		c.Out.Int(inactive)
	}
	return nil
}
