package kv

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/brokerd/brokerd/command"
)

// BLPOP, BRPOP, BLMPOP, BLMOVE and BRPOPLPUSH. Each serves at once when it
// can, exactly as its non-blocking form and logging the same effect (BLPOP
// logs LPOP key, BLMPOP logs LPOP key n, BLMOVE logs LMOVE); otherwise it
// parks the client with c.Block, or, where blocking is not allowed (MULTI,
// scripts), replies the timeout reply at once.
//
// Keys are checked in argument order: the first non-empty list is served,
// and a key of another type met before it is WRONGTYPE, at call time as
// in Redis 7.2's blockingPopGenericCommand. When the broker retries a
// parked command because a key was written, Redis would only re-run it if
// that key now holds a list; a retry that finds no list to serve therefore
// keeps waiting, even if a key became a string meanwhile.

const (
	errTimeoutNotFloat command.Error = "ERR timeout is not a float or out of range"
	errTimeoutNegative command.Error = "ERR timeout is negative"
	errTimeoutRange    command.Error = "ERR timeout is out of range"
)

// parseTimeout reads a timeout in seconds as getTimeoutFromObjectOrReply
// does: a decimal, rounded up to whole milliseconds (so -0.0001 is 0,
// which waits forever), 0 for no timeout. A wait too long for a Duration
// (292 years) is capped there.
func parseTimeout(c *command.Ctx, b []byte) (time.Duration, error) {
	f, ok := command.ParseFloat(b)
	if !ok {
		f, ok = parseHexFloat(b)
	}
	if !ok {
		return 0, errTimeoutNotFloat
	}
	ms := f * 1000
	if ms > math.MaxInt64 {
		return 0, errTimeoutRange
	}
	ms = math.Ceil(ms)
	if ms < 0 {
		return 0, errTimeoutNegative
	}
	if ms > 0 && ms > float64(math.MaxInt64-store(c).Now()) {
		return 0, errTimeoutRange
	}
	if ms >= float64(math.MaxInt64/int64(time.Millisecond)) {
		return time.Duration(math.MaxInt64), nil
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// parseHexFloat accepts the hexadecimal numbers strtold reads and Redis
// therefore takes as timeouts ("0x10" is 16 seconds), which
// command.ParseFloat refuses: Go wants a binary exponent, so one is added.
func parseHexFloat(b []byte) (float64, bool) {
	s := strings.TrimLeft(string(b), "+-")
	if len(s) < 3 || !strings.EqualFold(s[:2], "0x") || strings.ContainsAny(s, "_ \t") {
		return 0, false
	}
	str := string(b)
	if !strings.ContainsAny(s, "pP") {
		str += "p0"
	}
	f, err := strconv.ParseFloat(str, 64)
	return f, err == nil
}

// block parks the client on keys (copied: they alias the request). Its
// retries wait until the key written holds a list: every client blocked
// on a queue is asked on each push, and all but the first found it empty
// again, each after parsing and running its command anew (with 50 BRPOP
// workers, 40% of the server's CPU).
func block(c *command.Ctx, keys [][]byte, timeout time.Duration) {
	cp := make([][]byte, len(keys))
	for i, k := range keys {
		cp[i] = append([]byte(nil), k...)
	}
	c.Block(command.BlockRequest{Keys: cp, Timeout: timeout, Ready: holdsList})
}

// holdsList is the list commands' BlockRequest.Ready: only a list can
// serve them, and a key of another type leaves them waiting.
func holdsList(_ string, v command.Value) bool {
	_, ok := v.(*List)
	return ok
}

// waitOn reports whether a retry should go on waiting: none of keys holds
// a list to serve.
func waitOn(c *command.Ctx, keys [][]byte) bool {
	if !c.Retrying || !c.CanBlock() {
		return false
	}
	for _, k := range keys {
		if _, ok := c.DB.Lookup(k).(*List); ok {
			return false
		}
	}
	return true
}

func blpop(c *command.Ctx) error { return bpop(c, true) }
func brpop(c *command.Ctx) error { return bpop(c, false) }

// bpop replies [key, element] from the first non-empty list.
func bpop(c *command.Ctx, front bool) error {
	timeout, err := parseTimeout(c, c.Args[len(c.Args)-1])
	if err != nil {
		return err
	}
	keys := c.Args[1 : len(c.Args)-1]
	if waitOn(c, keys) {
		block(c, keys, timeout)
		return nil
	}
	for _, key := range keys {
		l, err := listAt(c.DB.LookupWrite(key))
		if err != nil {
			return err
		}
		if l == nil {
			continue
		}
		c.Out.Array(2)
		c.Out.Bulk(key)
		c.Out.Bulk(listPop(l, front))
		notifyPop(c, front, key)
		listRemoved(c, key, l)
		c.Emit(popName(front), key)
		return nil
	}
	if !c.CanBlock() {
		c.Out.NullArray()
		return nil
	}
	block(c, keys, timeout)
	return nil
}

// blmpop is BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n]; the
// timeout is parsed after the rest, as in Redis.
func blmpop(c *command.Ctx) error {
	a, err := parseMpop(c.Args, 2)
	if err != nil {
		return err
	}
	timeout, err := parseTimeout(c, c.Args[1])
	if err != nil {
		return err
	}
	if waitOn(c, a.keys) {
		block(c, a.keys, timeout)
		return nil
	}
	served, err := mpopServe(c, a)
	if err != nil || served {
		return err
	}
	if !c.CanBlock() {
		c.Out.NullArray()
		return nil
	}
	block(c, a.keys, timeout)
	return nil
}

// blmove is BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
func blmove(c *command.Ctx) error {
	from, to, err := listEnds(c.Args[3], c.Args[4])
	if err != nil {
		return err
	}
	timeout, err := parseTimeout(c, c.Args[5])
	if err != nil {
		return err
	}
	return bmove(c, from, to, timeout, [][]byte{[]byte("LMOVE"), c.Args[1], c.Args[2], c.Args[3], c.Args[4]})
}

// brpoplpush is BLMOVE source destination RIGHT LEFT timeout.
func brpoplpush(c *command.Ctx) error {
	timeout, err := parseTimeout(c, c.Args[3])
	if err != nil {
		return err
	}
	return bmove(c, false, true, timeout, [][]byte{[]byte("RPOPLPUSH"), c.Args[1], c.Args[2]})
}

// bmove waits on the source only. Where it may not block it replies a
// null bulk string, as LMOVE would; a wait that times out gets the null
// array, as every list wait does in Redis (replyToBlockedClientTimedOut),
// so the timeout reply is left to the broker.
func bmove(c *command.Ctx, from, to bool, timeout time.Duration, effect [][]byte) error {
	src := c.Args[1:2:2]
	if waitOn(c, src) {
		block(c, src, timeout)
		return nil
	}
	moved, err := listMove(c, from, to)
	if err != nil {
		return err
	}
	if moved {
		c.Emit(effect...)
		return nil
	}
	if !c.CanBlock() {
		c.Out.Null()
		return nil
	}
	block(c, src, timeout)
	return nil
}
