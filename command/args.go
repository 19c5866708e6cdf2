package command

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// ParseInt parses b the way Redis's string2ll does: an optional '-', no
// '+', no spaces, no leading zeros, and it must fit in an int64.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	digits := b
	if neg {
		digits = b[1:]
	}
	if len(digits) == 0 || digits[0] < '1' || digits[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (math.MaxUint64-9)/10 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// ParseFloat parses b the way Redis's string2ld does for INCRBYFLOAT and
// scores: no spaces, no NaN; "inf" and "-inf" are accepted.
func ParseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || len(b) > 5000 {
		return 0, false
	}
	if isSpace(b[0]) || isSpace(b[len(b)-1]) {
		return 0, false
	}
	// NB: Go's float literals may separate digits with underscores
	// ("1_0"); strtold stops at one, so Redis refuses the argument.
	if bytes.IndexByte(b, '_') >= 0 {
		return 0, false
	}
	s := string(b)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// strconv rejects out-of-range values that strtold turns into
		// ±inf; Redis accepts those only if spelled "inf".
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	if math.IsNaN(f) {
		return 0, false
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimLeft(s, "+-")), "0x") {
		return 0, false // Go accepts hex floats, strtold's %Lf path does not here
	}
	return f, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// Int parses an integer argument or returns ErrNotInteger.
func Int(b []byte) (int64, error) {
	n, ok := ParseInt(b)
	if !ok {
		return 0, ErrNotInteger
	}
	return n, nil
}

// Is reports whether arg equals the keyword, ignoring ASCII case.
func Is(arg []byte, keyword string) bool {
	return len(arg) == len(keyword) && bytes.EqualFold(arg, []byte(keyword))
}

// Cursor walks a command's optional arguments left to right, so option
// parsing reads as a grammar instead of index arithmetic.
type Cursor struct {
	args [][]byte
	pos  int
}

// NewCursor starts at args[from].
func NewCursor(args [][]byte, from int) *Cursor { return &Cursor{args: args, pos: from} }

// More reports whether arguments remain.
func (c *Cursor) More() bool { return c.pos < len(c.args) }

// Remaining is the number of arguments left.
func (c *Cursor) Remaining() int { return len(c.args) - c.pos }

// Next consumes and returns the next argument; ErrSyntax when none is left.
func (c *Cursor) Next() ([]byte, error) {
	if c.pos >= len(c.args) {
		return nil, ErrSyntax
	}
	c.pos++
	return c.args[c.pos-1], nil
}

// Keyword consumes the next argument if it is kw (any case).
func (c *Cursor) Keyword(kw string) bool {
	if c.pos < len(c.args) && Is(c.args[c.pos], kw) {
		c.pos++
		return true
	}
	return false
}

// Int consumes an integer argument: ErrSyntax when none is left,
// ErrNotInteger when it does not parse.
func (c *Cursor) Int() (int64, error) {
	b, err := c.Next()
	if err != nil {
		return 0, err
	}
	return Int(b)
}

// ErrIntRange is Redis's getIntFromObjectOrReply reply for a number that
// does not fit a C int.
const ErrIntRange Error = "ERR value is out of range, value must between -2147483648 and 2147483647"

// DBIndex parses a database number as Redis's getIntFromObjectOrReply and
// selectDb do (SELECT, MOVE, COPY ... DB): an integer, within int32, then
// within 0..ndb-1, each with its own error.
func DBIndex(b []byte, ndb int) (int, error) {
	n, err := Int(b)
	if err != nil {
		return 0, err
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, ErrIntRange
	}
	if n < 0 || n >= int64(ndb) {
		return 0, ErrDBIndex
	}
	return int(n), nil
}
