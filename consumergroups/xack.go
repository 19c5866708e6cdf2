package consumergroups

import (
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// xack is XACK key group id [id ...]. Like Redis it answers 0 for a
// missing key or group before it parses the IDs, and parses every ID
// before it acknowledges any. Acknowledging is deterministic, so the
// command logs itself.
func xack(c *command.Ctx) error {
	key := c.Args[1]
	s, err := lookupStream(c, key, true)
	if err != nil {
		return err
	}
	var g *Group
	if s != nil {
		g = of(s).lookup(c.Args[2])
	}
	if g == nil {
		c.Out.Int(0)
		return nil
	}
	var fixed [8]streams.ID
	ids := fixed[:0]
	for _, arg := range c.Args[3:] {
		id, err := streams.ParseStrictID(arg)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	acked := int64(0)
	for _, id := range ids {
		if g.ack(id) {
			acked++
		}
	}
	if acked > 0 {
		c.DB.Update(key)
		c.EmitArgs()
	}
	c.Out.Int(acked)
	return nil
}
