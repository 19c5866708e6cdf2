package kv

import (
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// LPOP, RPOP (popGenericCommand) and LMPOP (mpopGenericCommand).

func lpop(c *command.Ctx) error { return pop(c, true) }
func rpop(c *command.Ctx) error { return pop(c, false) }

// pop replies a bulk string without a count and an array with one (in pop
// order, so RPOP k 2 gives the last element first). The count is parsed
// before the key is looked at; a missing key is a null of the reply's
// shape, and a count of 0 on an existing list the empty array.
func pop(c *command.Ctx, front bool) error {
	key := c.Args[1]
	hasCount := len(c.Args) == 3
	count := int64(1)
	if hasCount {
		n, ok := command.ParseInt(c.Args[2])
		if !ok || n < 0 {
			return command.ErrPositiveCount
		}
		count = n
	}
	l, err := listAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	switch {
	case l == nil && hasCount:
		c.Out.NullArray()
		return nil
	case l == nil:
		c.Out.Null()
		return nil
	case count == 0:
		c.Out.Array(0)
		return nil
	}
	if hasCount {
		popRange(c, l, front, count)
	} else {
		c.Out.Bulk(listPop(l, front))
	}
	notifyPop(c, front, key)
	listRemoved(c, key, l)
	c.EmitArgs()
	return nil
}

// popRange pops up to count elements and replies them as an array.
func popRange(c *command.Ctx, l *List, front bool, count int64) int {
	n := int(min(count, int64(l.n)))
	c.Out.Array(n)
	for i := 0; i < n; i++ {
		c.Out.Bulk(listPop(l, front))
	}
	return n
}

// errNumkeys and errMpopCount are LMPOP's and BLMPOP's argument errors.
const (
	errNumkeys   command.Error = "ERR numkeys should be greater than 0"
	errMpopCount command.Error = "ERR count should be greater than 0"
)

// mpopArgs is LMPOP's and BLMPOP's "numkeys key... LEFT|RIGHT [COUNT n]".
type mpopArgs struct {
	keys  [][]byte
	front bool
	count int64
}

// parseMpop parses LMPOP's arguments from args[at] (numkeys) on.
func parseMpop(args [][]byte, at int) (mpopArgs, error) {
	keys, front, count, err := parseMultiPop(args, at, listEnd)
	return mpopArgs{keys: keys, front: front, count: count}, err
}

// parseMultiPop parses "numkeys key... <end> [COUNT n]" from args[at] on,
// as lmpopGenericCommand and zmpopGenericCommand do: numkeys, then the end
// (LEFT/RIGHT or MIN/MAX, read by endOf), then COUNT at most once; count
// is 1 without it.
func parseMultiPop(args [][]byte, at int, endOf func([]byte) (bool, error)) (keys [][]byte, end bool, count int64, err error) {
	numkeys, ok := command.ParseInt(args[at])
	if !ok || numkeys < 1 {
		return nil, false, 0, errNumkeys
	}
	if numkeys >= int64(len(args)-at-1) {
		return nil, false, 0, command.ErrSyntax
	}
	where := at + int(numkeys) + 1
	keys = args[at+1 : where]
	if end, err = endOf(args[where]); err != nil {
		return nil, false, 0, err
	}
	count = -1
	for cur := command.NewCursor(args, where+1); cur.More(); {
		if count != -1 || cur.Remaining() < 2 || !cur.Keyword("COUNT") {
			return nil, false, 0, command.ErrSyntax
		}
		b, _ := cur.Next()
		n, ok := command.ParseInt(b)
		if !ok || n < 1 {
			return nil, false, 0, errMpopCount
		}
		count = n
	}
	if count == -1 {
		count = 1
	}
	return keys, end, count, nil
}

func lmpop(c *command.Ctx) error {
	a, err := parseMpop(c.Args, 1)
	if err != nil {
		return err
	}
	served, err := mpopServe(c, a)
	if err == nil && !served {
		c.Out.NullArray()
	}
	return err
}

// mpopServe pops from the first non-empty list among a.keys, replying
// [key, [elements...]] and logging it as LPOP/RPOP key n with the number
// actually popped. A key of another type met before it is WRONGTYPE.
func mpopServe(c *command.Ctx, a mpopArgs) (bool, error) {
	for _, key := range a.keys {
		l, err := listAt(c.DB.LookupWrite(key))
		if err != nil {
			return false, err
		}
		if l == nil {
			continue
		}
		c.Out.Array(2)
		c.Out.Bulk(key)
		n := popRange(c, l, a.front, a.count)
		notifyPop(c, a.front, key)
		listRemoved(c, key, l)
		c.Emit(popName(a.front), key, strconv.AppendInt(nil, int64(n), 10))
		return true, nil
	}
	return false, nil
}

func popName(front bool) []byte {
	if front {
		return []byte("LPOP")
	}
	return []byte("RPOP")
}
