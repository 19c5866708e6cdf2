package kv

import "github.com/brokerd/brokerd/command"

// LPUSH, RPUSH, LPUSHX and RPUSHX (pushGenericCommand).

func lpush(c *command.Ctx) error  { return push(c, true, false) }
func rpush(c *command.Ctx) error  { return push(c, false, false) }
func lpushx(c *command.Ctx) error { return push(c, true, true) }
func rpushx(c *command.Ctx) error { return push(c, false, true) }

// push adds the elements one by one, so LPUSH k a b c leaves c first. With
// xx (the X variants) a missing key is left alone. The command is its own
// effect: its outcome depends only on the list it finds.
func push(c *command.Ctx, front, xx bool) error {
	key := c.Args[1]
	l, err := listAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if l == nil && xx {
		c.Out.Int(0)
		return nil
	}
	fresh := l == nil
	if fresh {
		l = &List{}
	}
	elems := c.Args[2:]
	add := 0
	for _, e := range elems {
		add += len(e)
	}
	l.grow(add)
	for _, e := range elems {
		if front {
			l.PushFront(e)
		} else {
			l.PushBack(e)
		}
	}
	// NB: a new list is bound only once it holds its elements, so the
	// clients blocked on the key are woken once, with data to take.
	if fresh {
		c.DB.Put(key, l)
	} else {
		c.DB.Update(key)
	}
	c.EmitArgs()
	notifyPush(c, front, key)
	c.Out.Int(int64(l.n))
	return nil
}
