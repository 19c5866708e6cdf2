package kv

import "github.com/brokerd/brokerd/command"

// SADD, SREM, SISMEMBER, SMISMEMBER, SCARD and SMOVE.

// sadd creates the set sized for all the members given (setTypeCreate),
// or lets an existing one convert first (setTypeMaybeConvert), then adds
// them one by one. It is its own effect; it is logged when it added a
// member or changed the encoding (a conversion with nothing added is
// invisible to Redis's propagation, but replay must see it).
func sadd(c *command.Ctx) error {
	key, members := c.Args[1], c.Args[2:]
	s, err := setAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	fresh := s == nil
	if fresh {
		s = newSetFor(members[0], len(members))
	}
	enc := s.enc
	s.maybeConvert(len(members))
	added := 0
	for _, m := range members {
		if s.Add(m) {
			added++
		}
	}
	switch {
	case fresh:
		c.DB.Put(key, s)
	case added > 0:
		c.DB.Update(key)
	}
	if added > 0 || s.enc != enc {
		c.EmitArgs()
	}
	if added > 0 {
		c.Notify(command.NotifySet, "sadd", key)
	}
	c.Out.Int(int64(added))
	return nil
}

// srem removes the members and deletes the set once it is empty, ignoring
// the members after that (as Redis's loop stops there).
func srem(c *command.Ctx) error {
	key := c.Args[1]
	s, err := setAt(c.DB.LookupWrite(key))
	if err != nil || s == nil {
		if err == nil {
			c.Out.Int(0)
		}
		return err
	}
	removed := 0
	for _, m := range c.Args[2:] {
		if s.Remove(m) {
			removed++
			if s.Len() == 0 {
				break
			}
		}
	}
	if removed > 0 {
		c.EmitArgs()
		c.Notify(command.NotifySet, "srem", key)
		setRemoved(c, key, s)
	}
	c.Out.Int(int64(removed))
	return nil
}

// setRemoved finishes a change that took members out of s at key: an
// empty set is deleted, as Redis never keeps one. Caller holds the write
// lock.
func setRemoved(c *command.Ctx, key []byte, s *Set) {
	if s.Len() == 0 {
		c.DB.Delete(key)
		c.Notify(command.NotifyGeneric, "del", key)
		return
	}
	c.DB.Update(key)
}

func sismember(c *command.Ctx) error {
	s, err := setAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	c.Out.Int(setBoolInt(s != nil && s.Has(c.Args[2])))
	return nil
}

// smismember treats a missing key as the empty set: all zeros.
func smismember(c *command.Ctx) error {
	s, err := setAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	members := c.Args[2:]
	c.Out.Array(len(members))
	for _, m := range members {
		c.Out.Int(setBoolInt(s != nil && s.Has(m)))
	}
	return nil
}

func scard(c *command.Ctx) error {
	s, err := setAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	n := 0
	if s != nil {
		n = s.Len()
	}
	c.Out.Int(int64(n))
	return nil
}

func setBoolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// smove follows smoveCommand's order of checks: a missing source is 0
// whatever the destination holds; then either key of another type is
// WRONGTYPE; moving within one set changes nothing. A new destination is
// created for the one member (setTypeCreate with hint 1). The command is
// its own effect.
func smove(c *command.Ctx) error {
	srcKey, dstKey, m := c.Args[1], c.Args[2], c.Args[3]
	srcVal := c.DB.LookupWrite(srcKey)
	dstVal := c.DB.LookupWrite(dstKey)
	if srcVal == nil {
		c.Out.Int(0)
		return nil
	}
	src, err := setAt(srcVal)
	if err != nil {
		return err
	}
	dst, err := setAt(dstVal)
	if err != nil {
		return err
	}
	if src == dst {
		c.Out.Int(setBoolInt(src.Has(m)))
		return nil
	}
	if !src.Remove(m) {
		c.Out.Int(0)
		return nil
	}
	c.Notify(command.NotifySet, "srem", srcKey)
	setRemoved(c, srcKey, src)
	fresh := dst == nil
	if fresh {
		dst = newSetFor(m, 1)
	}
	if dst.Add(m) {
		if fresh {
			c.DB.Put(dstKey, dst)
		} else {
			c.DB.Update(dstKey)
		}
		c.Notify(command.NotifySet, "sadd", dstKey)
	}
	c.EmitArgs()
	c.Out.Int(1)
	return nil
}
