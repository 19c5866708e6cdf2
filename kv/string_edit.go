package kv

import "github.com/brokerd/brokerd/command"

// APPEND and SETRANGE: the commands that change a string in place. Both
// keep the key's TTL, mark the value raw (OBJECT ENCODING), and are their
// own effect: given the same keyspace they do the same thing.

// errOffsetOutOfRange is SETRANGE's reply to a negative offset.
const errOffsetOutOfRange command.Error = "ERR offset is out of range"

// appendCommand appends to the string at the key, creating it (not raw,
// as Redis stores the argument itself) when missing, and replies the new
// length.
func appendCommand(c *command.Ctx) error {
	db := database(c)
	key, arg := c.Args[1], c.Args[2]
	s, err := stringAt(db.getWrite(key))
	if err != nil {
		return err
	}
	if s == nil {
		db.Put(key, NewString(arg))
		c.EmitArgs()
		c.Notify(command.NotifyString, "append", key)
		c.Out.Int(int64(len(arg)))
		return nil
	}
	if !c.Loading {
		if err := checkStringLength(int64(len(s.b)), int64(len(arg))); err != nil {
			return err
		}
	}
	s.appendBytes(arg)
	db.Update(key)
	c.EmitArgs()
	c.Notify(command.NotifyString, "append", key)
	c.Out.Int(int64(len(s.b)))
	return nil
}

// setrange overwrites the string at the key from offset on, zero-padding
// it as needed, and replies the new length. An empty value changes
// nothing (and creates no key) but still checks the type.
func setrange(c *command.Ctx) error {
	off, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	if off < 0 {
		return errOffsetOutOfRange
	}
	db := database(c)
	key, val := c.Args[1], c.Args[3]
	s, err := stringAt(db.getWrite(key))
	if err != nil {
		return err
	}
	if len(val) == 0 {
		n := 0
		if s != nil {
			n = len(s.b)
		}
		c.Out.Int(int64(n))
		return nil
	}
	if !c.Loading {
		if err := checkStringLength(off, int64(len(val))); err != nil {
			return err
		}
	}
	if s == nil {
		s = &String{}
		s.writeAt(int(off), val)
		db.Put(key, s)
	} else {
		s.writeAt(int(off), val)
		db.Update(key)
	}
	c.EmitArgs()
	c.Notify(command.NotifyString, "setrange", key)
	c.Out.Int(int64(len(s.b)))
	return nil
}
