package lualib

import (
	"math"
	"strconv"
	"strings"
)

// formatG formats f as C's printf("%.<prec>g") does on glibc, which is how
// Lua 5.1 turns numbers into strings (prec 14) and how lua-cjson writes them.
// strconv's 'g' agrees with C's %g for finite numbers, exponent digits
// included; only the spelling of infinities and NaN differs.
func formatG(f float64, prec int) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		// glibc prints the sign bit of a NaN; 0/0 on x86 has it set.
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', prec, 64)
}

// toInteger converts f to an integer as a C cast to a 64-bit integer does on
// x86-64: truncation toward zero, and the "integer indefinite" value
// math.MinInt64 for NaN and for numbers out of range.
func toInteger(f float64) int64 {
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return math.MinInt64
	}
	return int64(f)
}

// toInt32 converts f as a C cast to a 32-bit int does on x86-64.
func toInt32(f float64) int32 {
	if math.IsNaN(f) || f >= 1<<31 || f <= -(1<<31)-1 {
		return math.MinInt32
	}
	return int32(f)
}

// stringToNumber reads s as Lua 5.1's luaO_str2d does: strtod syntax (so
// hexadecimal, "inf" and "nan" too), with white space allowed around it.
func stringToNumber(s string) (float64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	f, n := strtod(t)
	if n == 0 {
		return 0, false
	}
	if strings.TrimRight(t[n:], " \t\n\v\f\r") != "" {
		return 0, false
	}
	return f, true
}

// strtod reads the longest prefix of s that glibc's strtod accepts (without
// leading white space) and returns its value and length; length 0 means no
// number. Out-of-range values become ±Inf or 0, as strtod's do.
func strtod(s string) (float64, int) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return sign(math.Inf(1)), i + 8
	case hasPrefixFold(rest, "inf"):
		return sign(math.Inf(1)), i + 3
	case hasPrefixFold(rest, "nan"):
		n := i + 3
		if n < len(s) && s[n] == '(' {
			j := n + 1
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				n = j + 1
			}
		}
		return sign(math.NaN()), n
	case len(rest) >= 2 && rest[0] == '0' && (rest[1]|0x20) == 'x':
		if f, n := strtodHex(rest[2:]); n > 0 {
			return sign(f), i + 2 + n
		}
		return sign(0), i + 1 // just the "0"
	}
	start := i
	n, digits := scanMantissa(s[i:], isDigit)
	if digits == 0 {
		return 0, 0
	}
	i += n
	i += scanExponent(s[i:], 'e')
	// ParseFloat returns ±Inf or 0 with ErrRange where strtod returns
	// HUGE_VAL or 0 with ERANGE; the value is what matters here.
	f, _ := strconv.ParseFloat(s[start:i], 64)
	return sign(f), i
}

// strtodHex reads the hexadecimal mantissa and optional binary exponent that
// follow "0x", returning the value and the bytes read (0: no hex digit).
func strtodHex(s string) (float64, int) {
	i, digits := scanMantissa(s, isHex)
	if digits == 0 {
		return 0, 0
	}
	mant := s[:i]
	exp := "p0"
	if n := scanExponent(s[i:], 'p'); n > 0 {
		exp = s[i : i+n]
		i += n
	}
	f, _ := strconv.ParseFloat("0x"+mant+exp, 64)
	return f, i
}

// scanMantissa reads digits, then optionally '.' and more digits, from
// the start of s, where digit says what a digit is (decimal or hex); it
// returns the bytes read and how many of them are digits.
func scanMantissa(s string, digit func(byte) bool) (n, digits int) {
	for n < len(s) && digit(s[n]) {
		n++
		digits++
	}
	if n < len(s) && s[n] == '.' {
		n++
		for n < len(s) && digit(s[n]) {
			n++
			digits++
		}
	}
	return n, digits
}

// scanExponent returns the length of the exponent at the start of s:
// marker ('e' or 'p', any case), an optional sign and at least one
// decimal digit. It is 0 when there is no whole exponent, which strtod
// then leaves unread ("1e" reads as 1).
func scanExponent(s string, marker byte) int {
	if len(s) == 0 || s[0]|0x20 != marker {
		return 0
	}
	j := 1
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	if j == len(s) || !isDigit(s[j]) {
		return 0
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f') }
func isAlnum(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'z') }
