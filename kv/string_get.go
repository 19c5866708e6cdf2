package kv

import (
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// GET, MGET, STRLEN, GETRANGE (reads) and GETDEL, GETEX (reads that
// write).

func get(c *command.Ctx) error {
	s, err := stringAt(database(c).getRead(c.Args[1]))
	if err != nil {
		return err
	}
	replyString(c.Out, s)
	return nil
}

// mget replies null for a missing key and for a value of another type:
// MGET never fails with WRONGTYPE.
func mget(c *command.Ctx) error {
	db := database(c)
	keys := c.Args[1:]
	c.Out.Array(len(keys))
	for _, key := range keys {
		s, err := stringAt(db.getRead(key))
		if err != nil {
			s = nil
		}
		replyString(c.Out, s)
	}
	return nil
}

func strlen(c *command.Ctx) error {
	s, err := stringAt(database(c).getRead(c.Args[1]))
	if err != nil {
		return err
	}
	n := 0
	if s != nil {
		n = len(s.b)
	}
	c.Out.Int(int64(n))
	return nil
}

// getrange replies the bytes from start to end, both inclusive, negative
// counting from the end (Redis 7.2's getrangeCommand, quirks included:
// "GETRANGE k 0 -100" on "abc" is "a"). A missing key is "".
func getrange(c *command.Ctx) error {
	start, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	end, err := command.Int(c.Args[3])
	if err != nil {
		return err
	}
	s, err := stringAt(database(c).getRead(c.Args[1]))
	if err != nil {
		return err
	}
	if s == nil {
		c.Out.Bulk(nil)
		return nil
	}
	lo, hi, ok := byteRange(start, end, int64(len(s.b)))
	if !ok {
		c.Out.Bulk(nil)
		return nil
	}
	c.Out.Bulk(s.b[lo : hi+1])
	return nil
}

// byteRange turns GETRANGE's start and end into indexes of a string of n
// bytes; ok is false when the range is empty.
func byteRange(start, end, n int64) (lo, hi int64, ok bool) {
	if start < 0 && end < 0 && start > end {
		return 0, 0, false
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, n-1)
	if start > end || n == 0 {
		return 0, 0, false
	}
	return start, end, true
}

// getdel replies the value and deletes the key, logging DEL.
func getdel(c *command.Ctx) error {
	db := database(c)
	s, err := stringAt(db.getWrite(c.Args[1]))
	switch {
	case err != nil:
		return err
	case s == nil:
		c.Out.Null()
		return nil
	}
	c.Out.Bulk(s.b)
	db.remove(string(c.Args[1]))
	c.Emit([]byte("DEL"), c.Args[1])
	c.Notify(command.NotifyGeneric, "del", c.Args[1])
	return nil
}

// getexArgs is a parsed GETEX command.
type getexArgs struct {
	key []byte
	stringOptions
}

// parseGetex parses GETEX key [EX|PX|EXAT|PXAT n|PERSIST].
func parseGetex(args [][]byte) (getexArgs, error) {
	o, err := parseStringOptions(args[2:], false)
	if err != nil {
		return getexArgs{}, err
	}
	return getexArgs{key: args[1], stringOptions: o}, nil
}

// getex replies the value and then changes its TTL. In Redis's order: a
// syntax error, then a missing key (null), then the type, then the expire
// time. Effects: PEXPIREAT key abs for a new expiry, DEL when it is
// already past (not during replay), PERSIST when a TTL was removed,
// nothing otherwise.
func getex(c *command.Ctx) error {
	a, err := parseGetex(c.Args)
	if err != nil {
		return err
	}
	db := database(c)
	e := db.getWrite(a.key)
	s, err := stringAt(e)
	switch {
	case err != nil:
		return err
	case s == nil:
		c.Out.Null()
		return nil
	}
	now := store(c).Now()
	var at int64
	if a.expire.kind != expiryNone {
		if at, err = a.expire.at(now, c.Name()); err != nil {
			return err
		}
	}
	c.Out.Bulk(s.b)
	switch {
	case a.expire.kind != expiryNone && at <= now && !c.Loading:
		db.remove(string(a.key))
		c.Emit([]byte("DEL"), a.key)
		c.Notify(command.NotifyGeneric, "del", a.key)
	case a.expire.kind != expiryNone:
		db.SetExpireAt(a.key, at)
		c.Emit([]byte("PEXPIREAT"), a.key, strconv.AppendInt(nil, at, 10))
		c.Notify(command.NotifyGeneric, "expire", a.key)
	case a.persist && e.expireAt != 0:
		db.SetExpireAt(a.key, 0)
		c.Emit([]byte("PERSIST"), a.key)
		c.Notify(command.NotifyGeneric, "persist", a.key)
	}
	return nil
}
