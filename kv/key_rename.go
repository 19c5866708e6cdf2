package kv

import (
	"bytes"

	"github.com/brokerd/brokerd/command"
)

// RENAME, RENAMENX, COPY and MOVE. All four keep the TTL of the source and
// log the command itself: given the same keyspace it decides the same, and
// every expired key it removed on the way was logged as a DEL first.

func rename(c *command.Ctx) error   { return renameGeneric(c, false) }
func renamenx(c *command.Ctx) error { return renameGeneric(c, true) }

// renameGeneric moves src to dst; with nx only when dst does not exist.
// Renaming a key to itself changes nothing but still needs the key.
func renameGeneric(c *command.Ctx, nx bool) error {
	db := database(c)
	src, dst := c.Args[1], c.Args[2]
	if db.getWrite(src) == nil {
		return command.ErrNoSuchKey
	}
	done := func(changed bool) error {
		switch {
		case !nx:
			c.Out.OK()
		case changed:
			c.Out.Int(1)
		default:
			c.Out.Int(0)
		}
		return nil
	}
	if bytes.Equal(src, dst) {
		return done(false)
	}
	if db.getWrite(dst) != nil && nx {
		return done(false)
	}
	db.rename(src, dst)
	c.EmitArgs()
	c.Notify(command.NotifyGeneric, "rename_from", src)
	c.Notify(command.NotifyGeneric, "rename_to", dst)
	return done(true)
}

// copyArgs is a parsed COPY source destination [DB n] [REPLACE].
type copyArgs struct {
	src, dst []byte
	db       int // destination database
	replace  bool
}

// parseCopyArgs parses COPY's options left to right, so the first bad
// option is the one reported, as in Redis. cur is the selected database,
// ndb the number of databases.
func parseCopyArgs(args [][]byte, cur, ndb int) (copyArgs, error) {
	a := copyArgs{src: args[1], dst: args[2], db: cur}
	for i := 3; i < len(args); i++ {
		switch {
		case command.Is(args[i], "REPLACE"):
			a.replace = true
		case command.Is(args[i], "DB") && i+1 < len(args):
			db, err := command.DBIndex(args[i+1], ndb)
			if err != nil {
				return copyArgs{}, err
			}
			a.db = db
			i++
		default:
			return copyArgs{}, command.ErrSyntax
		}
	}
	return a, nil
}

// copyCommand is COPY: a deep copy (Value.Clone) with the source's TTL.
func copyCommand(c *command.Ctx) error {
	st, db := store(c), database(c)
	a, err := parseCopyArgs(c.Args, db.Index(), st.Len())
	if err != nil {
		return err
	}
	if a.db == db.Index() && bytes.Equal(a.src, a.dst) {
		return command.ErrSameObject
	}
	e := db.getWrite(a.src)
	if e == nil {
		c.Out.Int(0)
		return nil
	}
	to := st.Database(a.db)
	if to.getWrite(a.dst) != nil && !a.replace {
		c.Out.Int(0)
		return nil
	}
	to.add(a.dst, e.value.Clone(), e.expireAt)
	c.EmitArgs()
	c.NotifyIn(a.db, command.NotifyGeneric, "copy_to", a.dst)
	c.Out.Int(1)
	return nil
}

// move is MOVE: it moves the key (value and TTL) to another database,
// unless the key already exists there.
func move(c *command.Ctx) error {
	st, db := store(c), database(c)
	target, err := command.DBIndex(c.Args[2], st.Len())
	if err != nil {
		return err
	}
	if target == db.Index() {
		return command.ErrSameObject
	}
	key := c.Args[1]
	e := db.getWrite(key)
	if e == nil {
		c.Out.Int(0)
		return nil
	}
	to := st.Database(target)
	if to.getWrite(key) != nil {
		c.Out.Int(0)
		return nil
	}
	to.add(key, e.value, e.expireAt)
	db.remove(string(key))
	c.EmitArgs()
	c.Notify(command.NotifyGeneric, "move_from", key)
	c.NotifyIn(target, command.NotifyGeneric, "move_to", key)
	c.Out.Int(1)
	return nil
}
