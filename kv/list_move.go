package kv

import "github.com/brokerd/brokerd/command"

// LMOVE and RPOPLPUSH (lmoveGenericCommand).

func lmove(c *command.Ctx) error {
	from, to, err := listEnds(c.Args[3], c.Args[4])
	if err != nil {
		return err
	}
	return replyMove(c, from, to)
}

// rpoplpush is LMOVE source destination RIGHT LEFT.
func rpoplpush(c *command.Ctx) error { return replyMove(c, false, true) }

// replyMove runs a move, logged as the command itself, and replies null
// when the source is missing.
func replyMove(c *command.Ctx, from, to bool) error {
	moved, err := listMove(c, from, to)
	switch {
	case err != nil:
		return err
	case moved:
		c.EmitArgs()
	default:
		c.Out.Null()
	}
	return nil
}

// listMove pops from the source (c.Args[1]) at one end and pushes onto the
// destination (c.Args[2]) at the other, replying the element; moved is
// false, with nothing written, when the source is missing. Source and
// destination may be the same list, which rotates it. The effect is the
// command itself; the blocking forms log LMOVE or RPOPLPUSH.
func listMove(c *command.Ctx, from, to bool) (moved bool, err error) {
	src, dst := c.Args[1], c.Args[2]
	sl, err := listAt(c.DB.LookupWrite(src))
	if err != nil || sl == nil {
		return false, err
	}
	dl, err := listAt(c.DB.LookupWrite(dst))
	if err != nil {
		return false, err
	}
	wasQuick := sl.quick
	var tmp [128]byte
	// NB: the popped bytes live in the source's node, which the push may
	// move when source and destination are one list: copy them first.
	e := append(tmp[:0], listPop(sl, from)...)
	fresh := dl == nil
	if fresh {
		dl = &List{}
	}
	// Redis counts the element's length towards the listpack limit, except
	// for an integer popped from a quicklist, which it holds as a number.
	add := len(e)
	if _, isInt := command.ParseInt(e); isInt && wasQuick {
		add = 0
	}
	dl.grow(add)
	if to {
		dl.PushFront(e)
	} else {
		dl.PushBack(e)
	}
	if fresh {
		c.DB.Put(dst, dl)
	} else {
		c.DB.Update(dst)
	}
	c.Out.Bulk(e)
	// Redis's order: the push on the destination, the pop on the source,
	// then the source's deletion if it emptied.
	notifyPush(c, to, dst)
	notifyPop(c, from, src)
	listRemoved(c, src, sl)
	return true, nil
}
