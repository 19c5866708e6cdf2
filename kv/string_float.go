package kv

import (
	"bytes"
	"math/big"
	"strings"
)

// INCRBYFLOAT's arithmetic. Redis computes in C long double and stores
// the result printed with "%.17Lf", trailing zeros trimmed (ld2string's
// LD_STR_HUMAN). On x86-64, where Redis 7.2 is mostly run, long double is
// the x87 extended format: a 64-bit significand and a 15-bit exponent.
// big.Float at 64 bits of precision with round-to-nearest-even rounds the
// same way, so "0.1 + 0.2" gives "0.3" (not float64's
// 0.30000000000000004) and "1000 + 0.1" gives "1000.09999999999999998",
// both as redis-server 7.0 on x86-64 replies. Each step allocates a few
// words, which is fine for a command that is not on a hot path.
//
// Not emulated: subnormal long doubles (below about 3.4e-4932) keep all 64
// bits here, where x87 loses precision. They print as "0" either way.

const (
	ldPrec = 64
	// ldMaxExp is the largest big.Float exponent (mantissa in [0.5, 1)) of
	// a finite long double, whose maximum is just under 2^16384.
	ldMaxExp = 16384
	// ldMinExp is the exponent of the smallest subnormal, 2^-16445:
	// strtold rounds anything smaller to zero and Redis rejects it.
	ldMinExp = -16444
	// ldMaxChars is Redis's MAX_LONG_DOUBLE_CHARS: longer input is
	// rejected.
	ldMaxChars = 5 * 1024
)

// parseLongDouble parses b as Redis's string2ld does with strtold: the
// whole input must be a number (no spaces around it), decimal or hex
// ("0x1.8p1"), or inf/infinity with an optional sign; NaN and values
// outside long double's range are rejected. An infinite value is returned
// as such (INCRBYFLOAT then fails with "would produce NaN or Infinity").
func parseLongDouble(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars {
		return nil, false
	}
	s := string(b)
	unsigned := strings.TrimLeft(s[:1], "+-") + s[1:]
	if strings.EqualFold(unsigned, "inf") || strings.EqualFold(unsigned, "infinity") {
		return new(big.Float).SetInf(s[0] == '-'), true
	}
	base, ok := floatSyntax(s)
	if !ok {
		return nil, false
	}
	f, _, err := big.ParseFloat(s, base, ldPrec, big.ToNearestEven)
	if err != nil {
		return nil, false // exponent overflow: strtold's ERANGE
	}
	if f.IsInf() || f.Sign() == 0 {
		return f, true
	}
	if exp := f.MantExp(nil); exp > ldMaxExp || exp < ldMinExp {
		return nil, false
	}
	return f, true
}

// floatSyntax checks a finite number s against strtold's grammar (C
// locale) and returns the base for big.ParseFloat: 10, or 0 for a "0x" hex
// float. Anything big.ParseFloat would accept but strtold would not
// (underscores, "0b", a "p" exponent on a decimal) fails here.
func floatSyntax(s string) (base int, ok bool) {
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	rest := s[i:]
	digit, expChar, base := isDecimal, byte('e'), 10
	if len(rest) > 2 && rest[0] == '0' && (rest[1]|0x20) == 'x' {
		digit, expChar, base = isHex, 'p', 0
		i += 2
	}
	digits := 0
	for ; i < len(s) && digit(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && digit(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && s[i]|0x20 == expChar {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for ; i < len(s) && isDecimal(s[i]); i++ {
		}
		if i == start {
			return 0, false
		}
	}
	return base, i == len(s)
}

func isDecimal(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool     { return isDecimal(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }

// addLongDouble returns a+b rounded to long double; ok is false when the
// result is infinite or NaN (an infinite operand, or overflow).
func addLongDouble(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	z := new(big.Float).SetPrec(ldPrec).SetMode(big.ToNearestEven).Add(a, b)
	if z.Sign() != 0 && z.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return z, true
}

// formatLongDouble prints f as Redis's ld2string(LD_STR_HUMAN) does:
// "%.17Lf" with trailing zeros (and a bare '.') trimmed, and "-0" as "0".
func formatLongDouble(f *big.Float) []byte {
	b := f.Append(nil, 'f', 17)
	if bytes.IndexByte(b, '.') >= 0 {
		b = bytes.TrimRight(b, "0")
		b = bytes.TrimSuffix(b, []byte("."))
	}
	if string(b) == "-0" {
		b = b[1:]
	}
	return b
}
