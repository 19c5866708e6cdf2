package kv

import (
	"math"

	"github.com/brokerd/brokerd/command"
)

// DBSIZE, FLUSHDB, FLUSHALL and SWAPDB: commands on whole databases.

const (
	errFirstDBIndex  command.Error = "ERR invalid first DB index"
	errSecondDBIndex command.Error = "ERR invalid second DB index"
)

// dbsize counts the keys, expired ones not yet removed included, as
// Redis's DBSIZE does.
func dbsize(c *command.Ctx) error {
	c.Out.Int(int64(database(c).Size()))
	return nil
}

// parseFlushArgs accepts FLUSHDB/FLUSHALL [ASYNC|SYNC]. Both modes do the
// same here: dropping the maps is O(1) and the collector frees the rest.
func parseFlushArgs(args [][]byte) error {
	switch {
	case len(args) == 1:
		return nil
	case len(args) == 2 && (command.Is(args[1], "ASYNC") || command.Is(args[1], "SYNC")):
		return nil
	}
	return command.ErrSyntax
}

func flushdb(c *command.Ctx) error {
	if err := parseFlushArgs(c.Args); err != nil {
		return err
	}
	db := database(c)
	if db.Size() > 0 {
		db.Flush()
		c.EmitArgs()
	}
	c.Out.OK()
	return nil
}

func flushall(c *command.Ctx) error {
	if err := parseFlushArgs(c.Args); err != nil {
		return err
	}
	st := store(c)
	changed := false
	for i := 0; i < st.Len(); i++ {
		if db := st.Database(i); db.Size() > 0 {
			db.Flush()
			changed = true
		}
	}
	if changed {
		c.EmitArgs()
	}
	c.Out.OK()
	return nil
}

// parseSwapDBArgs parses SWAPDB's two database numbers, with Redis's
// error for each: a bad number names which one, a number out of range
// does not.
func parseSwapDBArgs(args [][]byte, ndb int) (int, int, error) {
	first, ok := parseCInt(args[1])
	if !ok {
		return 0, 0, errFirstDBIndex
	}
	second, ok := parseCInt(args[2])
	if !ok {
		return 0, 0, errSecondDBIndex
	}
	if first < 0 || first >= ndb || second < 0 || second >= ndb {
		return 0, 0, command.ErrDBIndex
	}
	return first, second, nil
}

func parseCInt(b []byte) (int, bool) {
	n, ok := command.ParseInt(b)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int(n), true
}

// swapdb exchanges two databases' contents; clients keep their selected
// database number and so see the other data.
func swapdb(c *command.Ctx) error {
	st := store(c)
	first, second, err := parseSwapDBArgs(c.Args, st.Len())
	if err != nil {
		return err
	}
	a, b := st.Database(first), st.Database(second)
	if first != second && (a.Size() > 0 || b.Size() > 0) {
		a.Swap(b)
		c.EmitArgs()
	}
	c.Out.OK()
	return nil
}
