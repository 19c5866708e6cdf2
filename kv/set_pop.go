package kv

import (
	"math"

	"github.com/brokerd/brokerd/command"
)

// SPOP and SRANDMEMBER.

// errSrandCount is getRangeLongFromObjectOrReply's text for SRANDMEMBER's
// count, which must fit in -LONG_MAX..LONG_MAX.
const errSrandCount command.Error = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"

// spopBatch is how many members one logged SREM carries, as Redis
// batches SPOP's propagation.
const spopBatch = 1024

var (
	setSremName = []byte("SREM")
	setDelName  = []byte("DEL")
)

// spop pops one random member, logged as SREM key member (which deletes
// the key on replay when it empties the set, as the pop did).
func spop(c *command.Ctx) error {
	switch len(c.Args) {
	case 3:
		return spopCount(c)
	case 2:
	default:
		return command.ErrSyntax
	}
	key := c.Args[1]
	s, err := setAt(c.DB.LookupWrite(key))
	if err != nil || s == nil {
		if err == nil {
			c.Out.Null()
		}
		return err
	}
	m := s.popRandom()
	c.Notify(command.NotifySet, "spop", key)
	c.Emit(setSremName, key, m)
	c.Out.Bulk(m)
	setRemoved(c, key, s)
	return nil
}

// spopCount is SPOP key count, replying a set. Popping the whole set
// replies it as SUNION would and is logged as DEL key; a part of it is
// logged as SREM key members..., in batches of spopBatch.
//
// NB: when count nears the size, Redis rebuilds the remaining members into
// a new set, which turns a hashtable into a listpack (spopWithCountCommand
// case 3); its replicas and AOF, which replay SREMs, keep the hashtable.
// brokerd removes in place, so the set is the same live and replayed.
func spopCount(c *command.Ctx) error {
	key := c.Args[1]
	count, ok := command.ParseInt(c.Args[2])
	if !ok || count < 0 {
		return command.ErrPositiveCount
	}
	s, err := setAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if s == nil || count == 0 {
		c.Out.Set(0)
		return nil
	}
	c.Notify(command.NotifySet, "spop", key)
	size := s.Len()
	if count >= int64(size) {
		replySetMembers(c, unionOf([]*Set{s}))
		c.DB.Delete(key)
		c.Notify(command.NotifyGeneric, "del", key)
		c.Emit(setDelName, key)
		return nil
	}
	n := int(count)
	var popped [][]byte
	if s.enc == setHashtable {
		popped = make([][]byte, n)
		for i := range popped {
			popped[i] = s.popRandom()
		}
	} else {
		popped = s.takeAt(setRandomIndexes(size, n))
	}
	c.Out.Set(n)
	for _, m := range popped {
		c.Out.Bulk(m)
	}
	for len(popped) > 0 {
		batch := popped[:min(len(popped), spopBatch)]
		popped = popped[len(batch):]
		c.Emit(append([][]byte{setSremName, key}, batch...)...)
	}
	c.DB.Update(key)
	return nil
}

// srandmember replies one random member, or with a count an array: up to
// count distinct members, or for a negative count exactly -count members
// that may repeat. It is read-only.
func srandmember(c *command.Ctx) error {
	switch len(c.Args) {
	case 3:
		return srandmemberCount(c)
	case 2:
	default:
		return command.ErrSyntax
	}
	s, err := setAt(c.DB.Lookup(c.Args[1]))
	switch {
	case err != nil:
		return err
	case s == nil:
		c.Out.Null()
	default:
		c.Out.Bulk(s.randomMember())
	}
	return nil
}

func srandmemberCount(c *command.Ctx) error {
	l, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	if l == math.MinInt64 {
		return errSrandCount
	}
	s, err := setAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	if s == nil || l == 0 {
		c.Out.Array(0)
		return nil
	}
	// NB: like Redis, a huge negative count replies that many members; the
	// reply is bounded only by the client's output buffer limits.
	if l < 0 || l == 1 {
		n := l
		if n < 0 {
			n = -n
		}
		c.Out.Array(int(n))
		for range n {
			c.Out.Bulk(s.randomMember())
		}
		return nil
	}
	size := s.Len()
	var out [][]byte
	switch {
	case l >= int64(size):
		out = s.members()
	case s.enc == setListpack:
		// In the listpack's order, as Redis's lpNextRandom walk.
		out = s.membersAt(setRandomIndexes(size, int(l)))
	default:
		out = s.distinctRandom(int(l))
	}
	c.Out.Array(len(out))
	for _, m := range out {
		c.Out.Bulk(m)
	}
	return nil
}
