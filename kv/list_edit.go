package kv

import "github.com/brokerd/brokerd/command"

// LSET, LINSERT, LREM and LTRIM: changes inside a list. Each is its own
// effect, since its outcome depends only on the list it finds.

const errIndexOutOfRange command.Error = "ERR index out of range"

// lset looks the key up before it parses the index ("ERR no such key"
// wins over a bad index). Unlike Redis, a listpack list is converted only
// when the index is valid: Redis converts before it knows, a change it
// never logs, so its own replay could disagree.
func lset(c *command.Ctx) error {
	key := c.Args[1]
	l, err := listAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if l == nil {
		return command.ErrNoSuchKey
	}
	i, ok, err := indexArg(c.Args[2], l.n)
	if err != nil {
		return err
	}
	if !ok {
		return errIndexOutOfRange
	}
	e := c.Args[3]
	l.grow(len(e))
	l.set(i, e)
	l.shrink()
	c.DB.Update(key)
	c.EmitArgs()
	c.Notify(command.NotifyList, "lset", key)
	c.Out.OK()
	return nil
}

// linsert replies the new length, 0 for a missing key and -1 when the
// pivot is not there. As with LSET, the conversion to quicklist happens
// only when something is inserted.
func linsert(c *command.Ctx) error {
	var after bool
	switch {
	case command.Is(c.Args[2], "AFTER"):
		after = true
	case command.Is(c.Args[2], "BEFORE"):
	default:
		return command.ErrSyntax
	}
	key := c.Args[1]
	l, err := listAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if l == nil {
		c.Out.Int(0)
		return nil
	}
	ci, ei, ok := l.find(c.Args[3])
	if !ok {
		c.Out.Int(-1)
		return nil
	}
	e := c.Args[4]
	l.grow(len(e))
	l.insertAt(ci, ei, after, e)
	c.DB.Update(key)
	c.EmitArgs()
	c.Notify(command.NotifyList, "linsert", key)
	c.Out.Int(int64(l.n))
	return nil
}

// lrem removes count matches from the head, -count from the tail, or all
// of them for 0.
func lrem(c *command.Ctx) error {
	count, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	key := c.Args[1]
	l, err := listAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if l == nil {
		c.Out.Int(0)
		return nil
	}
	// Clamp so -count cannot overflow; no list is that long.
	count = max(count, -1<<62)
	removed := l.removeMatches(int(count), c.Args[3])
	if removed > 0 {
		c.Notify(command.NotifyList, "lrem", key)
		listRemoved(c, key, l)
		c.EmitArgs()
	}
	c.Out.Int(int64(removed))
	return nil
}

// ltrim keeps the elements from start to end. It touches the key even
// when nothing goes (Redis signals it modified), but logs only a change.
func ltrim(c *command.Ctx) error {
	start, end, err := rangeArgs(c)
	if err != nil {
		return err
	}
	key := c.Args[1]
	l, err := listAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if l == nil {
		c.Out.OK()
		return nil
	}
	n := l.n
	front, back := n, 0
	if lo, hi, ok := listRange(start, end, n); ok {
		front, back = lo, n-hi-1
	}
	l.trim(front, true)
	l.trim(back, false)
	c.Notify(command.NotifyList, "ltrim", key)
	listRemoved(c, key, l)
	if front+back > 0 {
		c.EmitArgs()
	}
	c.Out.OK()
	return nil
}
