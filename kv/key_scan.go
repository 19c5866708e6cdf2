package kv

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/glob"
)

// KEYS, SCAN and RANDOMKEY. Expired keys never show, and since these run
// under the read lock they are skipped, not removed.

const errInvalidCursor command.Error = "ERR invalid cursor"

// keys replies every live key matching the pattern, in no particular order.
// The pattern "*" matches every key, the empty one included, without
// running the matcher (as Redis does; glob's "*" does not match "").
func keys(c *command.Ctx) error {
	pattern := string(c.Args[1])
	all := pattern == "*"
	var out []string
	database(c).eachKey(func(key string) {
		if all || glob.MatchString(pattern, key, false) {
			out = append(out, key)
		}
	})
	c.Out.BulkStrings(out)
	return nil
}

// scanArgs is a parsed SCAN cursor [MATCH pattern] [COUNT n] [TYPE t].
type scanArgs struct {
	cursor     uint64
	count      int64
	usePattern bool
	pattern    string
	useType    bool
	typ        string
}

// parseScanArgs parses SCAN's arguments: the cursor first, then options
// in any order, each may repeat and the last wins. MATCH "*" turns the
// pattern off, as it would match everything anyway.
func parseScanArgs(args [][]byte) (scanArgs, error) {
	cursor, ok := parseScanCursor(args[1])
	if !ok {
		return scanArgs{}, errInvalidCursor
	}
	a := scanArgs{cursor: cursor, count: 10}
	for i := 2; i < len(args); i += 2 {
		hasValue := i+1 < len(args)
		switch {
		case command.Is(args[i], "COUNT") && hasValue:
			n, err := command.Int(args[i+1])
			if err != nil {
				return scanArgs{}, err
			}
			if n < 1 {
				return scanArgs{}, command.ErrSyntax
			}
			a.count = n
		case command.Is(args[i], "MATCH") && hasValue:
			a.pattern = string(args[i+1])
			a.usePattern = a.pattern != "*"
		case command.Is(args[i], "TYPE") && hasValue:
			a.useType, a.typ = true, string(args[i+1])
		default:
			return scanArgs{}, command.ErrSyntax
		}
	}
	return a, nil
}

// parseScanCursor parses a cursor as Redis 7.2 does with strtoul: an
// optional sign (a '-' wraps around), decimal digits, nothing after; no
// leading space; the empty string is cursor 0. C stops at a NUL byte.
func parseScanCursor(b []byte) (uint64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) > 0 && isCSpace(b[0]) {
		return 0, false
	}
	digits, neg := b, false
	if len(digits) > 0 && (digits[0] == '+' || digits[0] == '-') {
		neg, digits = digits[0] == '-', digits[1:]
	}
	if len(digits) == 0 {
		return 0, len(b) == 0 // no digits: valid only when there was nothing at all
	}
	var v uint64
	for _, ch := range digits {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		d := uint64(ch - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}

func isCSpace(ch byte) bool {
	return ch == ' ' || (ch >= '\t' && ch <= '\r')
}

// scan replies [next-cursor, keys]. The cursor is a position in the
// database's hash order, so a key present from the first call to the last
// is returned at least once whatever is added or removed in between.
// COUNT bounds the keys visited, not the keys returned, as in Redis.
func scan(c *command.Ctx) error {
	a, err := parseScanArgs(c.Args)
	if err != nil {
		return err
	}
	count := int(min(a.count, math.MaxInt))
	var out []string
	next := database(c).Scan(a.cursor, count, func(key string, v command.Value) {
		if a.usePattern && !glob.MatchString(a.pattern, key, false) {
			return
		}
		if a.useType && !strings.EqualFold(a.typ, v.Type()) {
			return
		}
		out = append(out, key)
	})
	c.Out.Array(2)
	c.Out.Bulk(strconv.AppendUint(nil, next, 10))
	c.Out.BulkStrings(out)
	return nil
}

// randomkey replies a random live key, or null when there is none.
func randomkey(c *command.Ctx) error {
	key, ok := database(c).RandomKey()
	if !ok {
		c.Out.Null()
		return nil
	}
	c.Out.BulkString(key)
	return nil
}
