package kv

import "github.com/brokerd/brokerd/command"

// HSET, HMSET, HSETNX and HDEL. Each is deterministic given the hash it
// finds, so each logs itself.

func hset(c *command.Ctx) error  { return hashSet(c, false) }
func hmset(c *command.Ctx) error { return hashSet(c, true) }

// hashSet sets every field/value pair in order, a later pair for the same
// field winning, and replies the number of new fields (HSET) or OK
// (HMSET). An odd number of arguments is an arity error, checked before
// the key is looked at, as hsetCommand does.
func hashSet(c *command.Ctx, ok bool) error {
	if len(c.Args)%2 != 0 {
		return command.ErrWrongArgs(string(c.Args[0]))
	}
	key := c.Args[1]
	h, err := hashAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	fresh := h == nil
	if fresh {
		h = &Hash{}
	}
	pairs := c.Args[2:]
	h.prepare(pairs)
	added := 0
	for i := 0; i < len(pairs); i += 2 {
		if h.Set(pairs[i], pairs[i+1]) {
			added++
		}
	}
	hashStored(c, key, h, fresh)
	c.EmitArgs()
	c.Notify(command.NotifyHash, "hset", key)
	if ok {
		c.Out.OK()
	} else {
		c.Out.Int(int64(added))
	}
	return nil
}

// hashStored binds a new hash at key, or records that the one there
// changed in place (keeping its TTL). Caller holds the write lock.
func hashStored(c *command.Ctx, key []byte, h *Hash, fresh bool) {
	if fresh {
		c.DB.Put(key, h)
		return
	}
	c.DB.Update(key)
}

// hsetnx sets the field only if the hash does not have it; replies 1 if
// it did, 0 (logging nothing) if the field was there.
func hsetnx(c *command.Ctx) error {
	key, field := c.Args[1], c.Args[2]
	h, err := hashAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if h != nil {
		if _, ok := h.Get(field); ok {
			c.Out.Int(0)
			return nil
		}
	}
	fresh := h == nil
	if fresh {
		h = &Hash{}
	}
	h.prepare(c.Args[2:4])
	h.Set(field, c.Args[3])
	hashStored(c, key, h, fresh)
	c.EmitArgs()
	c.Notify(command.NotifyHash, "hset", key)
	c.Out.Int(1)
	return nil
}

// hdel removes the fields and replies how many were there. Removing the
// last one deletes the key. Removing none changes nothing and logs
// nothing.
func hdel(c *command.Ctx) error {
	key := c.Args[1]
	h, err := hashAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if h == nil {
		c.Out.Int(0)
		return nil
	}
	deleted := 0
	for _, f := range c.Args[2:] {
		if h.Delete(f) {
			deleted++
			if h.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		removed := h.Len() == 0
		if removed {
			c.DB.Delete(key)
		} else {
			c.DB.Update(key)
		}
		c.EmitArgs()
		c.Notify(command.NotifyHash, "hdel", key)
		if removed {
			c.Notify(command.NotifyGeneric, "del", key)
		}
	}
	c.Out.Int(int64(deleted))
	return nil
}
