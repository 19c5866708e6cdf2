package kv

import "github.com/brokerd/brokerd/command"

// DEL, UNLINK, EXISTS, TOUCH and TYPE.

// del removes the given keys and replies how many existed. A key that had
// expired is removed by the lookup (and logged as its own DEL) but not
// counted, as in Redis.
func del(c *command.Ctx) error { return deleteKeys(c) }

// unlink is DEL; Redis frees the values in the background, Go's collector
// does that for us anyway.
func unlink(c *command.Ctx) error { return deleteKeys(c) }

func deleteKeys(c *command.Ctx) error {
	db := database(c)
	n := int64(0)
	for _, key := range c.Args[1:] {
		if db.Delete(key) {
			c.Notify(command.NotifyGeneric, "del", key)
			n++
		}
	}
	if n > 0 {
		// NB: keys that did not exist replay as no-ops, so the command as
		// received is its own effect.
		c.EmitArgs()
	}
	c.Out.Int(n)
	return nil
}

// exists counts the keys that exist; a key named twice counts twice. It
// does not touch the keys' access time.
func exists(c *command.Ctx) error {
	db := database(c)
	n := int64(0)
	for _, key := range c.Args[1:] {
		if db.peek(key) != nil {
			n++
		}
	}
	c.Out.Int(n)
	return nil
}

// touch counts the keys that exist and marks them accessed. The access
// time is not durable state, so nothing is logged.
func touch(c *command.Ctx) error {
	db := database(c)
	n := int64(0)
	for _, key := range c.Args[1:] {
		if db.get(key) != nil {
			n++
		}
	}
	c.Out.Int(n)
	return nil
}

// typeCommand is TYPE: the value's type, or "none".
func typeCommand(c *command.Ctx) error {
	e := database(c).peek(c.Args[1])
	if e == nil {
		c.Out.Simple("none")
		return nil
	}
	c.Out.Simple(e.value.Type())
	return nil
}
