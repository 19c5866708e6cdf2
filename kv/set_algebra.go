package kv

import (
	"cmp"
	"slices"

	"github.com/brokerd/brokerd/command"
)

// SMEMBERS, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF and
// SDIFFSTORE (sinterGenericCommand, sunionDiffGenericCommand). A missing
// key is the empty set, but every key is type-checked first: a key of
// another type anywhere in the list is WRONGTYPE, even after a missing
// one. The *STORE forms are their own effects: their result depends only
// on the sets they find.

const (
	errSintercardNumkeys command.Error = "ERR numkeys should be greater than 0"
	errSintercardKeys    command.Error = "ERR Number of keys can't be greater than number of args"
	errSintercardLimit   command.Error = "ERR LIMIT can't be negative"
)

// lookupSource looks up a source key of a multi-key command. Write
// commands look up with LookupWrite, so an expired source is removed (and
// logged) before the command runs, and its replay sees what it saw.
func lookupSource(c *command.Ctx, key []byte, write bool) command.Value {
	if write {
		return c.DB.LookupWrite(key)
	}
	return c.DB.Lookup(key)
}

// setsAt looks up the sets at keys (lookupSource), nil for a missing key.
func setsAt(c *command.Ctx, keys [][]byte, write bool) ([]*Set, error) {
	sets := make([]*Set, len(keys))
	for i, key := range keys {
		s, err := setAt(lookupSource(c, key, write))
		if err != nil {
			return nil, err
		}
		sets[i] = s
	}
	return sets, nil
}

// eachInter calls fn with the members common to all sets, in the order of
// the smallest one, until fn returns false. A nil set makes it empty.
func eachInter(sets []*Set, fn func(m []byte) bool) {
	if slices.Contains(sets, nil) {
		return
	}
	sorted := slices.Clone(sets)
	slices.SortStableFunc(sorted, func(a, b *Set) int { return cmp.Compare(a.Len(), b.Len()) })
	first := sorted[0]
	first.Each(func(m []byte) bool {
		for _, o := range sorted[1:] {
			if o != first && !o.Has(m) {
				return true
			}
		}
		return fn(m)
	})
}

// interOf builds SINTERSTORE's result: an intset when the smallest set is
// one, else a listpack, converted as members are added, and at the end
// an intset if every member is an integer and there are few enough.
func interOf(sets []*Set) *Set {
	out := &Set{enc: setListpack}
	if !slices.Contains(sets, nil) && slices.MinFunc(sets, func(a, b *Set) int { return cmp.Compare(a.Len(), b.Len()) }).enc == setIntset {
		out = newIntset()
	}
	onlyInts := true
	eachInter(sets, func(m []byte) bool {
		if _, ok := command.ParseInt(m); !ok {
			onlyInts = false
		}
		out.Add(m)
		return true
	})
	if onlyInts {
		out.maybeConvertToIntset()
	}
	return out
}

// unionOf adds every member of every set to a new intset, which converts
// as it grows.
func unionOf(sets []*Set) *Set {
	out := newIntset()
	for _, s := range sets {
		if s == nil {
			continue
		}
		s.Each(func(m []byte) bool {
			out.Add(m)
			return true
		})
	}
	return out
}

// diffOf is the members of the first set in none of the others, built as
// Redis builds it, since the result's encoding depends on the way: either
// by adding the first set's members that no other set has (algorithm 1),
// or by adding all of the first set and removing the others' (algorithm
// 2), whichever Redis's estimate of the work picks.
func diffOf(sets []*Set) *Set {
	out := newIntset()
	first := sets[0]
	if first == nil || slices.Contains(sets[1:], first) {
		return out
	}
	one, two := 0, 0
	for _, s := range sets {
		if s != nil {
			one += first.Len()
			two += s.Len()
		}
	}
	if one/2 <= two {
		first.Each(func(m []byte) bool {
			for _, o := range sets[1:] {
				if o != nil && o.Has(m) {
					return true
				}
			}
			out.Add(m)
			return true
		})
		return out
	}
	for i, s := range sets {
		if s == nil {
			continue
		}
		s.Each(func(m []byte) bool {
			if i == 0 {
				out.Add(m)
			} else {
				out.Remove(m)
			}
			return true
		})
		if out.Len() == 0 {
			break
		}
	}
	return out
}

// replySetMembers replies s as a set, in its order.
func replySetMembers(c *command.Ctx, s *Set) {
	c.Out.Set(s.Len())
	s.Each(func(m []byte) bool {
		c.Out.Bulk(m)
		return true
	})
}

// smembers is SINTER of one key, as in Redis 7.2.
func smembers(c *command.Ctx) error { return sinter(c) }

func sinter(c *command.Ctx) error {
	sets, err := setsAt(c, c.Args[1:], false)
	if err != nil {
		return err
	}
	var out [][]byte
	eachInter(sets, func(m []byte) bool {
		out = append(out, append([]byte(nil), m...))
		return true
	})
	c.Out.Set(len(out))
	for _, m := range out {
		c.Out.Bulk(m)
	}
	return nil
}

// sintercard is SINTERCARD numkeys key... [LIMIT limit]: the size of the
// intersection, counting stops at limit (0 for none).
func sintercard(c *command.Ctx) error {
	numkeys, ok := command.ParseInt(c.Args[1])
	if !ok || numkeys < 1 {
		return errSintercardNumkeys
	}
	if numkeys > int64(len(c.Args)-2) {
		return errSintercardKeys
	}
	keysEnd := 2 + int(numkeys)
	limit := int64(0)
	for cur := command.NewCursor(c.Args, keysEnd); cur.More(); {
		if cur.Remaining() < 2 || !cur.Keyword("LIMIT") {
			return command.ErrSyntax
		}
		b, _ := cur.Next()
		n, ok := command.ParseInt(b)
		if !ok || n < 0 {
			return errSintercardLimit
		}
		limit = n
	}
	sets, err := setsAt(c, c.Args[2:keysEnd], false)
	if err != nil {
		return err
	}
	card := int64(0)
	eachInter(sets, func([]byte) bool {
		card++
		return limit == 0 || card < limit
	})
	c.Out.Int(card)
	return nil
}

func sunion(c *command.Ctx) error { return setOp(c, unionOf) }
func sdiff(c *command.Ctx) error  { return setOp(c, diffOf) }

// setOp replies op of the sets at every key as a set.
func setOp(c *command.Ctx, op func([]*Set) *Set) error {
	sets, err := setsAt(c, c.Args[1:], false)
	if err != nil {
		return err
	}
	replySetMembers(c, op(sets))
	return nil
}

func sinterstore(c *command.Ctx) error { return setStore(c, interOf, "sinterstore") }
func sunionstore(c *command.Ctx) error { return setStore(c, unionOf, "sunionstore") }
func sdiffstore(c *command.Ctx) error  { return setStore(c, diffOf, "sdiffstore") }

// setStore stores op of the sets at c.Args[2:] at c.Args[1], replacing
// whatever was there (of any type, its TTL too), and replies its size. An
// empty result deletes the destination instead.
func setStore(c *command.Ctx, op func([]*Set) *Set, event string) error {
	dst := c.Args[1]
	sets, err := setsAt(c, c.Args[2:], true)
	if err != nil {
		return err
	}
	out := op(sets)
	if out.Len() == 0 {
		if c.DB.Delete(dst) {
			c.EmitArgs()
			c.Notify(command.NotifyGeneric, "del", dst)
		}
		c.Out.Int(0)
		return nil
	}
	c.DB.Put(dst, out)
	c.EmitArgs()
	c.Notify(command.NotifySet, event, dst)
	c.Out.Int(int64(out.Len()))
	return nil
}
