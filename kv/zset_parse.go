package kv

import (
	"math"
	"strconv"
	"strings"

	"github.com/brokerd/brokerd/command"
)

// Parsing of scores and of score and lex ranges, as t_zset.c does.

const (
	errZsetNaN      command.Error = "ERR resulting score is not a number (NaN)"
	errZsetMinMax   command.Error = "ERR min or max is not a float"
	errZsetLexRange command.Error = "ERR min or max not valid string range item"
)

// parseScore parses a score as Redis's getDoubleFromObject (string2d,
// strtod) does: no leading space, the whole string a decimal or hex
// number or inf/infinity with an optional sign; NaN, overflow and
// underflow to zero are rejected.
func parseScore(b []byte) (float64, bool) {
	if len(b) == 0 || isCSpace(b[0]) {
		return 0, false
	}
	return strtod(string(b), false)
}

// strtod reads s whole as C's strtod would, saying whether Redis takes
// it. lenient is zslParseRange's use, which keeps what strtod returns on
// ERANGE (±inf, 0) and allows leading spaces and the empty string (0).
func strtod(s string, lenient bool) (float64, bool) {
	if lenient {
		s = strings.TrimLeft(s, " \t\n\v\f\r")
		if s == "" {
			return 0, true
		}
	}
	unsigned := strings.TrimLeft(s[:1], "+-") + s[1:]
	if strings.EqualFold(unsigned, "inf") || strings.EqualFold(unsigned, "infinity") {
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	base, ok := floatSyntax(s)
	if !ok {
		return 0, false
	}
	str := s
	if base == 0 && !strings.ContainsAny(s, "pP") {
		str += "p0" // Go wants a binary exponent on a hex float
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return f, lenient && math.IsInf(f, 0) // ERANGE overflow
	}
	if f == 0 && !lenient && hasNonZeroDigit(s, base) {
		return 0, false // ERANGE underflow
	}
	return f, true
}

// hasNonZeroDigit reports whether the mantissa of the number s has a
// non-zero digit.
func hasNonZeroDigit(s string, base int) bool {
	if base == 0 {
		s = strings.TrimLeft(s, "+-")[2:]
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if (base == 10 && c == 'e') || (base == 0 && c == 'p') {
			return false
		}
		if c != '0' && c != '.' && c != '+' && c != '-' {
			return true
		}
	}
	return false
}

// scoreRange is a score interval with open or closed ends (zrangespec).
type scoreRange struct {
	min, max     float64
	minex, maxex bool
}

// parseScoreRange parses min and max as zslParseRange: "(" makes an end
// exclusive; the rest goes through strtod, NaN refused.
func parseScoreRange(min, max []byte) (scoreRange, error) {
	var r scoreRange
	var ok1, ok2 bool
	r.min, r.minex, ok1 = parseScoreBound(min)
	r.max, r.maxex, ok2 = parseScoreBound(max)
	if !ok1 || !ok2 {
		return r, errZsetMinMax
	}
	return r, nil
}

func parseScoreBound(b []byte) (float64, bool, bool) {
	ex := len(b) > 0 && b[0] == '('
	if ex {
		b = b[1:]
	}
	f, ok := strtod(string(b), true)
	return f, ex, ok && !math.IsNaN(f)
}

func (r scoreRange) gteMin(s float64) bool {
	if r.minex {
		return s > r.min
	}
	return s >= r.min
}

func (r scoreRange) lteMax(s float64) bool {
	if r.maxex {
		return s < r.max
	}
	return s <= r.max
}

// ranks returns the ranks [start, stop) of the members in r.
func (r scoreRange) ranks(z *ZSet) (int, int) {
	if r.min > r.max || (r.min == r.max && (r.minex || r.maxex)) {
		return 0, 0
	}
	start := z.Search(func(_ []byte, s float64) bool { return r.gteMin(s) })
	stop := z.Search(func(_ []byte, s float64) bool { return !r.lteMax(s) })
	return start, max(start, stop)
}

// lexBound is one end of a lex range: "-" (below everything), "+" (above
// everything), or a member, inclusive ("[") or exclusive ("(").
type lexBound struct {
	inf   int // -1 for "-", +1 for "+", 0 for a member
	value string
	ex    bool
}

type lexRange struct{ min, max lexBound }

// parseLexRange parses min and max as zslParseLexRange.
func parseLexRange(min, max []byte) (lexRange, error) {
	lo, ok1 := parseLexBound(min)
	hi, ok2 := parseLexBound(max)
	if !ok1 || !ok2 {
		return lexRange{}, errZsetLexRange
	}
	return lexRange{lo, hi}, nil
}

func parseLexBound(b []byte) (lexBound, bool) {
	if len(b) == 0 {
		return lexBound{}, false
	}
	switch b[0] {
	case '+':
		return lexBound{inf: 1}, len(b) == 1
	case '-':
		return lexBound{inf: -1}, len(b) == 1
	case '(':
		return lexBound{value: string(b[1:]), ex: true}, true
	case '[':
		return lexBound{value: string(b[1:])}, true
	}
	return lexBound{}, false
}

func (r lexRange) gteMin(m []byte) bool {
	switch r.min.inf {
	case -1:
		return true
	case 1:
		return false
	}
	if r.min.ex {
		return string(m) > r.min.value
	}
	return string(m) >= r.min.value
}

func (r lexRange) lteMax(m []byte) bool {
	switch r.max.inf {
	case -1:
		return false
	case 1:
		return true
	}
	if r.max.ex {
		return string(m) < r.max.value
	}
	return string(m) <= r.max.value
}

// empty reports a range that can hold nothing (zslLexRangeIsEmpty's
// first checks).
func (r lexRange) empty() bool {
	if r.min.inf == 1 || r.max.inf == -1 {
		return true
	}
	if r.min.inf == 0 && r.max.inf == 0 {
		return r.min.value > r.max.value || (r.min.value == r.max.value && (r.min.ex || r.max.ex))
	}
	return false
}

// ranks returns the ranks [start, stop) of the members in r. Lex ranges
// assume all members share one score, as Redis documents (ZRANGEBYLEX);
// with mixed scores the answer is as arbitrary as Redis's.
func (r lexRange) ranks(z *ZSet) (int, int) {
	if r.empty() {
		return 0, 0
	}
	start := z.Search(func(m []byte, _ float64) bool { return r.gteMin(m) })
	stop := z.Search(func(m []byte, _ float64) bool { return !r.lteMax(m) })
	return start, max(start, stop)
}
