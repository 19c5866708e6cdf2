// Package glob matches Redis glob-style patterns, byte for byte as Redis
// 7.2's stringmatchlen (util.c) does for KEYS, SCAN MATCH and PSUBSCRIBE:
//
//	h?llo    '?' is exactly one byte
//	h*llo    '*' is any run of bytes (but see the quirks below)
//	h[ae]    one byte of the set; h[^e] one byte not in it
//	h[a-z]   one byte in the range; the ends may be given in either order
//	h\*      a backslash makes the next byte literal, also inside brackets
//
// Redis's quirks are kept on purpose, because clients see them:
//   - a pattern never matches the empty string unless it is empty too
//     ("*" does not match ""; KEYS and SCAN special-case the pattern "*");
//   - an unterminated class still matches: "[a" matches "a", "[^" matches
//     any single byte, "[" matches nothing;
//   - "[]" is an empty class that matches nothing, so "[]a]" never matches;
//   - a backslash inside brackets compares case-sensitively even with nocase;
//   - range ends are compared as signed chars, as on x86 builds, so a range
//     such as [a-\xff] is really [\xff-a] and matches bytes 0x00-0x61 and 0xff;
//   - a trailing lone backslash matches a backslash;
//   - more than 1000 nested '*' never match (Redis's guard against abusive
//     patterns, CVE-2022-36021).
//
// Cost: a failed '*' tells every enclosing '*' to stop trying longer
// matches (Redis's skipLongerMatches), so a match is O(len(pattern) *
// len(s)) in the worst case instead of exponential. Recursion depth is
// bounded by the nesting limit. Safe for concurrent use.
package glob

// maxNesting is Redis's limit on nested '*' recursion.
const maxNesting = 1000

// Match reports whether s matches pattern; nocase folds ASCII letters.
func Match(pattern, s []byte, nocase bool) bool {
	skipLonger := false
	return match(pattern, s, nocase, &skipLonger, 0)
}

// MatchString is Match for strings, without converting them.
func MatchString(pattern, s string, nocase bool) bool {
	skipLonger := false
	return match(pattern, s, nocase, &skipLonger, 0)
}

// text is what the matcher reads: both spellings index to bytes.
type text interface{ ~string | ~[]byte }

// at returns pattern[i], or 0 past the end: C's stringmatchlen reads the
// sds terminator there, and the logic below depends on it.
func at[T text](pattern T, i int) byte {
	if i < len(pattern) {
		return pattern[i]
	}
	return 0
}

// lower is C's tolower in the C locale, applied to a char that may be
// negative (signed char): only ASCII capitals change.
func lower(c int) int {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func equal(a, b byte, nocase bool) bool {
	if nocase {
		return lower(int(a)) == lower(int(b))
	}
	return a == b
}

// match is stringmatchlen_impl. p and i index pattern and s; Redis's
// patternLen and stringLen are len(pattern)-p and len(s)-i throughout.
func match[T text](pattern, s T, nocase bool, skipLonger *bool, nesting int) bool {
	if nesting > maxNesting {
		return false
	}
	p, i := 0, 0
	for p < len(pattern) && i < len(s) {
		switch pattern[p] {
		case '*':
			for p < len(pattern) && at(pattern, p+1) == '*' {
				p++
			}
			if len(pattern)-p == 1 {
				return true
			}
			for ; i < len(s); i++ {
				if match(pattern[p+1:], s[i:], nocase, skipLonger, nesting+1) {
					return true
				}
				if *skipLonger {
					return false
				}
			}
			// NB: the rest of the pattern matches nowhere in the rest of s,
			// so no enclosing '*' can succeed by consuming more: starting
			// later only leaves less of s.
			*skipLonger = true
			return false
		case '?':
			i++
		case '[':
			if !matchClass(pattern, &p, s[i], nocase) {
				return false
			}
			i++
		case '\\':
			if len(pattern)-p >= 2 {
				p++
			}
			if !equal(pattern[p], s[i], nocase) {
				return false
			}
			i++
		default:
			if !equal(pattern[p], s[i], nocase) {
				return false
			}
			i++
		}
		p++
		if i == len(s) {
			for at(pattern, p) == '*' {
				p++
			}
			break
		}
	}
	return p == len(pattern) && i == len(s)
}

// matchClass matches c against the class opening at pattern[*p] ('['),
// leaving *p on the class's closing ']' (or its last byte when the class
// is unterminated), as Redis does.
func matchClass[T text](pattern T, p *int, c byte, nocase bool) bool {
	q := *p + 1
	not := at(pattern, q) == '^'
	if not {
		q++
	}
	matched := false
	for {
		switch {
		case at(pattern, q) == '\\' && len(pattern)-q >= 2:
			q++
			if pattern[q] == c { // case-sensitive even with nocase, as Redis
				matched = true
			}
		case at(pattern, q) == ']':
			*p = q
			return matched != not
		case q == len(pattern):
			*p = q - 1
			return matched != not
		case len(pattern)-q >= 3 && pattern[q+1] == '-':
			// Redis reads the bytes as (signed) char.
			start, end, ch := int(int8(pattern[q])), int(int8(pattern[q+2])), int(int8(c))
			if start > end {
				start, end = end, start
			}
			if nocase {
				start, end, ch = lower(start), lower(end), lower(ch)
			}
			q += 2
			if ch >= start && ch <= end {
				matched = true
			}
		default:
			if equal(pattern[q], c, nocase) {
				matched = true
			}
		}
		q++
	}
}
