package kv

import (
	"slices"

	"github.com/brokerd/brokerd/command"
)

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
// (zrangestoreCommand): ZRANGE's selection, stored. It logs itself, as
// the selection depends only on the set it finds.

// noWithScores stands in for a WITHSCORES option, which ZRANGESTORE
// does not take: no option is spelled so, so parseZrange answers a syntax
// error where Redis's option loop meets WITHSCORES, after the errors of
// any option before it and before those of any after it.
var noWithScores = []byte("\x00WITHSCORES")

func zrangestore(c *command.Ctx) error {
	args := c.Args
	for j := 5; j < len(args); j++ {
		if command.Is(args[j], "WITHSCORES") {
			if len(args) == len(c.Args) {
				args = slices.Clone(c.Args)
			}
			args[j] = noWithScores
		}
	}
	a, err := parseZrange(args, 3, zrangeAuto, false)
	if err != nil {
		return err
	}
	z, err := zsetAt(c.DB.LookupWrite(c.Args[2]))
	if err != nil {
		return err
	}
	var es []zentry
	if z != nil {
		first, n, rev := a.window(z)
		if n > 0 {
			es = make([]zentry, 0, n)
			z.Each(first, rev, func(m []byte, s float64) bool {
				es = append(es, zentry{slices.Clone(m), s})
				return len(es) < n
			})
		}
	}
	zsetStoreResult(c, c.Args[1], es, "zrangestore")
	return nil
}
