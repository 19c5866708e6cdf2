package streams

import (
	"math"
	"time"

	"github.com/brokerd/brokerd/command"
)

const (
	errTimeoutNotInt   command.Error = "ERR timeout is not an integer or out of range"
	errTimeoutNegative command.Error = "ERR timeout is negative"
	errTimeoutRange    command.Error = "ERR timeout is out of range"
	errXReadUnbalanced command.Error = "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified."
	errXReadGroupOpt   command.Error = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
	errXReadNoAck      command.Error = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
	errXReadGT         command.Error = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
	errXReadLastZero   command.Error = "ERR the stream last element ID is 0-0"
)

// xread is XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...].
// An ID is served entries greater than it; "$" is the stream's last ID
// and "+" (Redis 7.4) serves the last entry.
//
// With BLOCK and nothing to serve it parks the client on every key, with
// "$" replaced by the ID it stood for, so a retry sees only newer
// entries. Retries skip a key that is missing or holds another type and
// keep waiting, as Redis 7.2 does for XREAD.
func xread(c *command.Ctx) error {
	args := c.Args
	var count int64
	timeout := int64(-1)
	streams := 0
	var err error
	for i := 1; i < len(args) && streams == 0; i++ {
		more := len(args) - i - 1
		switch opt := args[i]; {
		case command.Is(opt, "BLOCK") && more > 0:
			i++
			if timeout, err = parseTimeout(c, args[i]); err != nil {
				return err
			}
		case command.Is(opt, "COUNT") && more > 0:
			i++
			if count, err = command.Int(args[i]); err != nil {
				return err
			}
			count = max(count, 0)
		case command.Is(opt, "STREAMS") && more > 0:
			streams = i + 1
			if (len(args)-streams)%2 != 0 {
				return errXReadUnbalanced
			}
		case command.Is(opt, "GROUP") && more >= 2:
			return errXReadGroupOpt
		case command.Is(opt, "NOACK"):
			return errXReadNoAck
		default:
			return command.ErrSyntax
		}
	}
	if streams == 0 {
		return command.ErrSyntax
	}
	n := (len(args) - streams) / 2
	keys, idArgs := args[streams:streams+n], args[streams+n:]
	var fixed [8]ID
	ids := fixed[:0]
	for i, arg := range idArgs {
		s, err := lookup(c, keys[i])
		if err != nil {
			if !c.Retrying {
				return err
			}
			s = nil // a key that changed type while we waited: keep waiting
		}
		var id ID
		switch {
		case len(arg) == 1 && arg[0] == '$':
			if s != nil {
				id = s.lastID
			}
		case len(arg) == 1 && arg[0] == '+':
			if s != nil {
				var ok bool
				if id, ok = s.lastID.Prev(); !ok {
					return errXReadLastZero
				}
			}
		case len(arg) == 1 && arg[0] == '>':
			return errXReadGT
		default:
			if id, err = parseStrictID(arg); err != nil {
				return err
			}
		}
		ids = append(ids, id)
	}
	if served := serveXRead(c, keys, ids, count); served > 0 {
		return nil
	}
	if timeout >= 0 && c.CanBlock() {
		c.Block(command.BlockRequest{Keys: keys, Timeout: time.Duration(timeout) * time.Millisecond,
			Args: resolvedArgs(args, idArgs, ids, streams+n)})
		return nil
	}
	c.Out.NullArray()
	return nil
}

// serveXRead replies with the entries after ids[i] in each keys[i] that
// has any, and returns how many streams were served (0: no reply yet).
func serveXRead(c *command.Ctx, keys [][]byte, ids []ID, count int64) int {
	ready := func(i int) *Stream {
		s, err := lookup(c, keys[i])
		if err != nil || s == nil || s.length == 0 {
			return nil
		}
		if s.HasAfter(ids[i]) {
			return s
		}
		return nil
	}
	served := 0
	for i := range keys {
		if ready(i) != nil {
			served++
		}
	}
	if served == 0 {
		return 0
	}
	if c.Out.Proto() == 3 {
		c.Out.Map(served)
	} else {
		c.Out.Array(served)
	}
	for i := range keys {
		s := ready(i)
		if s == nil {
			continue
		}
		if c.Out.Proto() != 3 {
			c.Out.Array(2)
		}
		c.Out.Bulk(keys[i])
		start, _ := ids[i].Next()
		writeRange(c.Out, s, start, MaxID, false, count)
	}
	return served
}

// resolvedArgs copies args with each "$" ID replaced by the ID it stood
// for, for the retries of a blocked XREAD.
func resolvedArgs(args, idArgs [][]byte, ids []ID, idStart int) [][]byte {
	out := append([][]byte(nil), args...)
	for i, arg := range idArgs {
		if len(arg) == 1 && arg[0] == '$' {
			out[idStart+i] = ids[i].Append(nil)
		}
	}
	return out
}

// parseTimeout parses BLOCK's milliseconds as Redis's
// getTimeoutFromObjectOrReply with UNIT_MILLISECONDS; 0 waits forever.
func parseTimeout(c *command.Ctx, b []byte) (int64, error) {
	ms, ok := command.ParseInt(b)
	switch {
	case !ok:
		return 0, errTimeoutNotInt
	case ms < 0:
		return 0, errTimeoutNegative
	case ms > 0 && ms > math.MaxInt64-int64(nowMillis(c)):
		return 0, errTimeoutRange
	}
	return ms, nil
}
