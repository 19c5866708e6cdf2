package streams

import (
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// addArgs are XADD's and XTRIM's options (Redis's streamAddTrimArgs).
type addArgs struct {
	trim     Trim
	idPos    int // XADD: index of the ID argument
	noMk     bool
	auto     bool // "*"
	id       ID
	seqGiven bool // false for "<ms>-*"
}

// maxEntryBytes caps an entry's fields and values together, as Redis's
// STREAM_LISTPACK_MAX_SIZE does.
const maxEntryBytes = 1 << 30

// parseAddTrim parses the options from args[2] on, as Redis's
// streamParseAddOrTrimArgsOrReply. While loading the log, LIMIT is
// ignored, as Redis does for its AOF client: effects are concrete.
func parseAddTrim(c *command.Ctx, xadd bool) (a addArgs, err error) {
	args := c.Args
	limitGiven := false
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case xadd && len(opt) == 1 && opt[0] == '*':
			a.auto, a.idPos = true, i
			return a, a.finish(c, xadd, limitGiven)
		case command.Is(opt, "MAXLEN") && more > 0, command.Is(opt, "MINID") && more > 0:
			if a.trim.Strategy != NoTrim {
				return a, errMaxLenMinID
			}
			a.trim.Approx = false
			if next := args[i+1]; more >= 2 && len(next) == 1 && (next[0] == '~' || next[0] == '=') {
				a.trim.Approx = next[0] == '~'
				i++
			}
			i++
			if command.Is(opt, "MAXLEN") {
				if a.trim.MaxLen, err = command.Int(args[i]); err != nil {
					return a, err
				}
				if a.trim.MaxLen < 0 {
					return a, errMaxLenNeg
				}
				a.trim.Strategy = TrimMaxLen
			} else {
				if a.trim.MinID, err = parseStrictID(args[i]); err != nil {
					return a, err
				}
				a.trim.Strategy = TrimMinID
			}
		case command.Is(opt, "LIMIT") && more > 0:
			if a.trim.Limit, err = command.Int(args[i+1]); err != nil {
				return a, err
			}
			if a.trim.Limit < 0 {
				return a, errLimitNeg
			}
			limitGiven = true
			i++
		case xadd && command.Is(opt, "NOMKSTREAM"):
			a.noMk = true
		case xadd:
			id, seqGiven, ok := ParseID(opt, 0, Strict|AllowSeqStar)
			if !ok {
				return a, errInvalidID
			}
			a.id, a.seqGiven, a.idPos = id, seqGiven, i
			return a, a.finish(c, xadd, limitGiven)
		default:
			return a, command.ErrSyntax
		}
	}
	a.idPos = i
	return a, a.finish(c, xadd, limitGiven)
}

// finish applies the checks and defaults that follow option parsing.
func (a *addArgs) finish(c *command.Ctx, xadd, limitGiven bool) error {
	switch {
	case a.trim.Limit != 0 && a.trim.Strategy == NoTrim:
		return errLimitNoTrim
	case !xadd && a.trim.Strategy == NoTrim:
		return errXTrimNoStrat
	case c.Loading:
		a.trim.Limit = 0
	case limitGiven && !a.trim.Approx:
		return errLimitNoApprx
	case !limitGiven && a.trim.Approx:
		a.trim.Limit = defaultApproxLimit()
	}
	return nil
}

var (
	cmdXADD   = []byte("XADD")
	cmdXTRIM  = []byte("XTRIM")
	argMAXLEN = []byte("MAXLEN")
)

// xadd is XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT n]]
// <*|ms-*|ms-seq> field value [field value ...].
//
// Its effect is XADD with the concrete ID and no options, then, when
// trimming removed anything, XTRIM key MAXLEN <length after>: exact, so
// a replay removes the same entries whatever "~" and LIMIT chose.
func xadd(c *command.Ctx) error {
	a, err := parseAddTrim(c, true)
	if err != nil {
		return err
	}
	fields := a.idPos + 1
	if n := len(c.Args) - fields; n < 2 || n%2 == 1 {
		return command.ErrWrongArgs("XADD")
	}
	if !a.auto && a.seqGiven && a.id.IsZero() {
		return errIDZero
	}
	key, pairs := c.Args[1], c.Args[fields:]
	s, err := lookupWrite(c, key)
	if err != nil {
		return err
	}
	payload := 0
	for _, p := range pairs {
		payload += len(p)
	}
	if payload > maxEntryBytes {
		return errTooLarge
	}
	created := s == nil
	if created {
		if a.noMk {
			c.Out.Null()
			return nil
		}
		s = New()
	}
	var now uint64
	if a.auto {
		now = nowMillis(c)
	}
	id, err := s.NextID(now, a.auto, a.id, a.seqGiven)
	switch err {
	case nil:
	case ErrExhausted:
		return errExhausted
	default:
		return errIDTooSmall
	}
	s.Append(id, pairs)
	if created {
		c.DB.Put(key, s)
	}
	idb := id.Append(s.idbuf[:0])
	c.Out.Bulk(idb)
	deleted := s.Trim(a.trim)
	if !created {
		c.DB.Update(key)
	}
	s.scratch = append(append(s.scratch[:0], cmdXADD, key, idb), pairs...)
	c.Emit(s.scratch...)
	clear(s.scratch) // do not pin the connection's read buffer
	c.Notify(command.NotifyStream, "xadd", key)
	if deleted > 0 {
		emitTrim(c, key, s)
	}
	return nil
}

// emitTrim logs a trim as its concrete result, XTRIM key MAXLEN <len>,
// and announces it ("xtrim").
// Trimming always removes a prefix of the live entries, so an exact
// MAXLEN to the remaining length removes exactly those entries, whole
// blocks included.
func emitTrim(c *command.Ctx, key []byte, s *Stream) {
	var n [20]byte
	c.Emit(cmdXTRIM, key, argMAXLEN, strconv.AppendInt(n[:0], s.length, 10))
	c.Notify(command.NotifyStream, "xtrim", key)
}
