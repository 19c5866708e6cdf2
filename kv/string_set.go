package kv

import (
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// SET and the commands built on its core: SETNX, SETEX, PSETEX, GETSET;
// and MSET, MSETNX.

// setArgs is a parsed SET command.
type setArgs struct {
	key, value []byte
	stringOptions
}

// parseSet parses SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT n|KEEPTTL].
func parseSet(args [][]byte) (setArgs, error) {
	o, err := parseStringOptions(args[3:], true)
	if err != nil {
		return setArgs{}, err
	}
	return setArgs{key: args[1], value: args[2], stringOptions: o}, nil
}

func set(c *command.Ctx) error {
	a, err := parseSet(c.Args)
	if err != nil {
		return err
	}
	return setGeneric(c, a, false)
}

// setnx is SET NX replying 1 or 0.
func setnx(c *command.Ctx) error {
	a := setArgs{key: c.Args[1], value: c.Args[2], stringOptions: stringOptions{nx: true}}
	return setGeneric(c, a, true)
}

// setex is SET key value EX seconds.
func setex(c *command.Ctx) error {
	a := setArgs{key: c.Args[1], value: c.Args[3], stringOptions: stringOptions{expire: expiry{expiryEX, c.Args[2]}}}
	return setGeneric(c, a, false)
}

// psetex is SET key value PX milliseconds.
func psetex(c *command.Ctx) error {
	a := setArgs{key: c.Args[1], value: c.Args[3], stringOptions: stringOptions{expire: expiry{expiryPX, c.Args[2]}}}
	return setGeneric(c, a, false)
}

// getset is SET key value GET: it replies the old value and clears the
// TTL.
func getset(c *command.Ctx) error {
	a := setArgs{key: c.Args[1], value: c.Args[2], stringOptions: stringOptions{get: true}}
	return setGeneric(c, a, false)
}

// setGeneric is the core of SET and its variants (Redis's
// setGenericCommand). It checks, in Redis's order, the expire time, then
// with GET the old value's type, then NX/XX. It replies the old value with
// GET, else OK / null (or 1 / 0 when intReply, for SETNX).
//
// The effect is an unconditional SET, never the NX/XX/GET that decided
// it: SET key value [PXAT abs | KEEPTTL], so replay needs neither the
// clock nor the old state. An expire time already past deletes the key
// (logged as DEL), except during replay, which stores what the log says.
func setGeneric(c *command.Ctx, a setArgs, intReply bool) error {
	// NB: the clock is read only for an expiry; a clock read costs as
	// much as the rest of a plain SET on some machines.
	var now, at int64
	if a.expire.kind != expiryNone {
		now = store(c).Now()
		var err error
		if at, err = a.expire.at(now, c.Name()); err != nil {
			return err
		}
	}
	db := database(c)
	e := db.getWrite(a.key)
	var old *String
	if a.get {
		var err error
		if old, err = stringAt(e); err != nil {
			return err
		}
	}
	if (a.nx && e != nil) || (a.xx && e == nil) {
		switch {
		case a.get:
			replyString(c.Out, old)
		case intReply:
			c.Out.Int(0)
		default:
			c.Out.Null()
		}
		return nil
	}

	v := NewString(a.value)
	switch {
	case a.expire.kind != expiryNone && at <= now && !c.Loading:
		c.Notify(command.NotifyString, "set", a.key)
		if e != nil {
			db.remove(string(a.key))
			c.Emit([]byte("DEL"), a.key)
			c.Notify(command.NotifyGeneric, "del", a.key)
		}
	case a.expire.kind != expiryNone:
		db.Put(a.key, v)
		db.SetExpireAt(a.key, at)
		c.Emit([]byte("SET"), a.key, a.value, []byte("PXAT"), strconv.AppendInt(nil, at, 10))
		c.Notify(command.NotifyString, "set", a.key)
		c.Notify(command.NotifyGeneric, "expire", a.key)
	case a.keepTTL:
		db.PutKeepTTL(a.key, v)
		c.Emit([]byte("SET"), a.key, a.value, []byte("KEEPTTL"))
		c.Notify(command.NotifyString, "set", a.key)
	default:
		db.putFound(e, a.key, v)
		if len(c.Args) == 3 && command.Is(c.Args[0], "SET") {
			c.EmitArgs() // the common SET key value: no argument slice to build
		} else {
			c.Emit([]byte("SET"), a.key, a.value)
		}
		c.Notify(command.NotifyString, "set", a.key)
	}
	switch {
	case a.get:
		replyString(c.Out, old)
	case intReply:
		c.Out.Int(1)
	default:
		c.Out.OK()
	}
	return nil
}

// replyString writes s as a bulk string, or null for a missing key.
func replyString(out *command.Reply, s *String) {
	if s == nil {
		out.Null()
		return
	}
	out.Bulk(s.b)
}

// parseMSet checks MSET's key/value pairing, which arity cannot express:
// an unpaired key is Redis's arity error.
func parseMSet(args [][]byte) ([][]byte, error) {
	if len(args)%2 == 0 {
		return nil, command.ErrWrongArgs(string(args[0]))
	}
	return args[1:], nil
}

// mset sets every pair, clearing TTLs; it is its own effect.
func mset(c *command.Ctx) error {
	pairs, err := parseMSet(c.Args)
	if err != nil {
		return err
	}
	msetPairs(c, pairs)
	c.EmitArgs()
	c.Out.OK()
	return nil
}

// msetnx sets every pair only if none of the keys exists; it replies 1 or
// 0 and logs what it did as MSET. Like Redis it stops looking at the first
// existing key.
func msetnx(c *command.Ctx) error {
	pairs, err := parseMSet(c.Args)
	if err != nil {
		return err
	}
	db := database(c)
	for i := 0; i < len(pairs); i += 2 {
		if db.getWrite(pairs[i]) != nil {
			c.Out.Int(0)
			return nil
		}
	}
	msetPairs(c, pairs)
	effect := make([][]byte, 0, len(c.Args))
	effect = append(effect, []byte("MSET"))
	c.Emit(append(effect, pairs...)...)
	c.Out.Int(1)
	return nil
}

// msetPairs binds each key to its value (a key named twice gets the
// last) and reports a "set" for each. Caller holds the keyspace write
// lock.
func msetPairs(c *command.Ctx, pairs [][]byte) {
	db := database(c)
	for i := 0; i < len(pairs); i += 2 {
		db.Put(pairs[i], NewString(pairs[i+1]))
		c.Notify(command.NotifyString, "set", pairs[i])
	}
}
