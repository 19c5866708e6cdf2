package kv

import (
	"math"
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (one core), TTL, PTTL, EXPIRETIME,
// PEXPIRETIME (one core) and PERSIST.

const (
	errExpireNXConflict command.Error = "ERR NX and XX, GT or LT options at the same time are not compatible"
	errExpireGTAndLT    command.Error = "ERR GT and LT options at the same time are not compatible"
)

// errUnsupportedExpireOption is Redis's reply to an unknown EXPIRE option;
// it quotes the option as given.
func errUnsupportedExpireOption(opt []byte) command.Error {
	return command.Error("ERR Unsupported option " + string(opt))
}

// expireCond is the set of NX/XX/GT/LT options.
type expireCond uint8

const (
	expireNX expireCond = 1 << iota
	expireXX
	expireGT
	expireLT
)

// allows reports whether the options let a key whose expiry is cur (Unix
// ms, 0 = none) take the new expiry when. No expiry counts as infinite:
// GT never beats it, LT always does.
func (f expireCond) allows(cur, when int64) bool {
	switch {
	case f&expireNX != 0 && cur != 0:
		return false
	case f&expireXX != 0 && cur == 0:
		return false
	case f&expireGT != 0 && (cur == 0 || when <= cur):
		return false
	case f&expireLT != 0 && cur != 0 && when >= cur:
		return false
	}
	return true
}

// expireArgs is a parsed EXPIRE-family command.
type expireArgs struct {
	key  []byte
	n    int64 // the time argument as given (seconds or ms, relative or absolute)
	cond expireCond
}

// parseExpireArgs parses KEY TIME [NX|XX|GT|LT ...]. The options are
// checked before the number, so an option error wins, as in Redis.
func parseExpireArgs(args [][]byte) (expireArgs, error) {
	a := expireArgs{key: args[1]}
	for _, opt := range args[3:] {
		switch {
		case command.Is(opt, "NX"):
			a.cond |= expireNX
		case command.Is(opt, "XX"):
			a.cond |= expireXX
		case command.Is(opt, "GT"):
			a.cond |= expireGT
		case command.Is(opt, "LT"):
			a.cond |= expireLT
		default:
			return expireArgs{}, errUnsupportedExpireOption(opt)
		}
	}
	if a.cond&expireNX != 0 && a.cond&(expireXX|expireGT|expireLT) != 0 {
		return expireArgs{}, errExpireNXConflict
	}
	if a.cond&expireGT != 0 && a.cond&expireLT != 0 {
		return expireArgs{}, errExpireGTAndLT
	}
	n, err := command.Int(args[2])
	if err != nil {
		return expireArgs{}, err
	}
	a.n = n
	return a, nil
}

// absExpireTime turns the time argument n into Unix ms: unitMs is 1000 for
// seconds and 1 for ms, base is now for the relative forms and 0 for the
// *AT forms. It reports false when the result would overflow int64.
func absExpireTime(n, unitMs, base int64) (int64, bool) {
	if unitMs != 1 {
		if n > math.MaxInt64/unitMs || n < math.MinInt64/unitMs {
			return 0, false
		}
		n *= unitMs
	}
	if n > math.MaxInt64-base {
		return 0, false
	}
	return n + base, true
}

func expire(c *command.Ctx) error    { return expireGeneric(c, 1000, true) }
func pexpire(c *command.Ctx) error   { return expireGeneric(c, 1, true) }
func expireat(c *command.Ctx) error  { return expireGeneric(c, 1000, false) }
func pexpireat(c *command.Ctx) error { return expireGeneric(c, 1, false) }

// expireGeneric sets the key's expiry and logs it as PEXPIREAT with the
// absolute time, so replay does not depend on when it runs. A time not in
// the future deletes the key now and logs DEL, except during replay, where
// (as in Redis) the expiry is stored and the log's own DEL does the rest.
func expireGeneric(c *command.Ctx, unitMs int64, relative bool) error {
	a, err := parseExpireArgs(c.Args)
	if err != nil {
		return err
	}
	now := store(c).Now()
	base := int64(0)
	if relative {
		base = now
	}
	when, ok := absExpireTime(a.n, unitMs, base)
	if !ok {
		return command.ErrInvalidExpireIn(c.Name())
	}
	db := database(c)
	e := db.getWrite(a.key)
	if e == nil || !a.cond.allows(e.expireAt, when) {
		c.Out.Int(0)
		return nil
	}
	// NB: an expiry of 0 would read as "no TTL", so a time at or before
	// the epoch deletes even during replay; live, such a time is always
	// in the past and was logged as DEL anyway.
	if (when <= now && !c.Loading) || when <= 0 {
		db.remove(string(a.key))
		c.Emit([]byte("DEL"), a.key)
		c.Notify(command.NotifyGeneric, "del", a.key)
	} else {
		db.SetExpireAt(a.key, when)
		c.Emit([]byte("PEXPIREAT"), a.key, strconv.AppendInt(nil, when, 10))
		c.Notify(command.NotifyGeneric, "expire", a.key)
	}
	c.Out.Int(1)
	return nil
}

func ttl(c *command.Ctx) error         { return ttlGeneric(c, false, false) }
func pttl(c *command.Ctx) error        { return ttlGeneric(c, true, false) }
func expiretime(c *command.Ctx) error  { return ttlGeneric(c, false, true) }
func pexpiretime(c *command.Ctx) error { return ttlGeneric(c, true, true) }

// ttlGeneric replies -2 for a missing key, -1 for a key without expiry,
// else the remaining (or absolute, abs) time in ms or rounded seconds. It
// does not touch the key.
func ttlGeneric(c *command.Ctx, ms, abs bool) error {
	e := database(c).peek(c.Args[1])
	switch {
	case e == nil:
		c.Out.Int(-2)
	case e.expireAt == 0:
		c.Out.Int(-1)
	default:
		c.Out.Int(ttlValue(e.expireAt, store(c).Now(), ms, abs))
	}
	return nil
}

// ttlValue is the reply for an expiry at expireAt, as Redis computes it:
// never negative, seconds rounded to nearest.
func ttlValue(expireAt, now int64, ms, abs bool) int64 {
	t := expireAt
	if !abs {
		t -= now
	}
	if t < 0 {
		t = 0
	}
	if !ms {
		t = (t + 500) / 1000
	}
	return t
}

// persist removes the key's expiry; it replies 0 when there was none.
func persist(c *command.Ctx) error {
	db := database(c)
	e := db.getWrite(c.Args[1])
	if e == nil || e.expireAt == 0 {
		c.Out.Int(0)
		return nil
	}
	db.SetExpireAt(c.Args[1], 0)
	c.EmitArgs()
	c.Notify(command.NotifyGeneric, "persist", c.Args[1])
	c.Out.Int(1)
	return nil
}
