package kv

import (
	"github.com/brokerd/brokerd/command"
)

// OBJECT ENCODING, FREQ, IDLETIME, REFCOUNT and HELP. None of them touches
// the key: looking at an object must not make it look recently used.

// errNotLFU is Redis's reply to OBJECT FREQ when maxmemory-policy is not an
// LFU policy, which for brokerd (no eviction) is always.
const errNotLFU command.Error = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."

// sharedRefcount is what Redis reports for its shared small integers
// (OBJ_SHARED_REFCOUNT, INT_MAX).
const sharedRefcount = 2147483647

// objectEntry returns the key's live entry, or writes the null reply.
func objectEntry(c *command.Ctx) *entry {
	e := database(c).peek(c.Args[2])
	if e == nil {
		c.Out.Null()
	}
	return e
}

func objectEncoding(c *command.Ctx) error {
	if e := objectEntry(c); e != nil {
		c.Out.BulkString(e.value.Encoding())
	}
	return nil
}

// objectFreq answers null for a missing key and the LFU error otherwise,
// in that order, as Redis does.
func objectFreq(c *command.Ctx) error {
	if objectEntry(c) == nil {
		return nil
	}
	return errNotLFU
}

// objectIdletime replies the seconds since the key was last read or
// written.
func objectIdletime(c *command.Ctx) error {
	ms, ok := database(c).IdleMillis(c.Args[2])
	if !ok {
		c.Out.Null()
		return nil
	}
	c.Out.Int(ms / 1000)
	return nil
}

func objectRefcount(c *command.Ctx) error {
	if e := objectEntry(c); e != nil {
		c.Out.Int(refcount(e.value))
	}
	return nil
}

// refcount is what Redis 7.2 would report: its string values 0..9999 are
// shared integer objects (without maxmemory, the default), everything else
// has one reference.
func refcount(v command.Value) int64 {
	if s, ok := v.(*String); ok && s.Encoding() == "int" {
		if n, ok := command.ParseInt(s.Bytes()); ok && n >= 0 && n < 10000 {
			return sharedRefcount
		}
	}
	return 1
}

var objectHelpLines = []string{
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
}
