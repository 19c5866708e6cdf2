package glob

import (
	"strings"
	"testing"
)

// The rows follow Redis 7.2's stringmatchlen, quirks included (see the
// package doc); the comment on a row says which rule it pins.
var matchTests = []struct {
	pattern, s string
	nocase     bool
	want       bool
}{
	// literals and the empty cases
	{"", "", false, true},
	{"", "a", false, false},
	{"a", "", false, false},
	{"hello", "hello", false, true},
	{"hello", "hellO", false, false},
	{"hello", "HeLLo", true, true},
	{"hello", "hell", false, false},
	{"hell", "hello", false, false},
	// '*'
	{"*", "", false, false}, // quirk: no byte to start the loop on
	{"**", "", false, false},
	{"*", "anything", false, true},
	{"h*llo", "hllo", false, true},
	{"h*llo", "heeeello", false, true},
	{"h*llo", "heeeelo", false, false},
	{"a*", "a", false, true}, // trailing stars match nothing
	{"a**", "a", false, true},
	{"a*b", "ab", false, true},
	{"a*b", "acb", false, true},
	{"a*b", "acbd", false, false},
	{"*a*", "bab", false, true},
	{"*a*", "bbb", false, false},
	{"a*b*c", "aXbYc", false, true},
	{"a*b*c", "aXcYb", false, false},
	{"foo*", "foo_a", false, true},
	{"*.txt", "notes.txt", false, true},
	{"*.TXT", "notes.txt", true, true},
	// '?'
	{"h?llo", "hello", false, true},
	{"h?llo", "hallo", false, true},
	{"h?llo", "hllo", false, false},
	{"?", "", false, false},
	{"a?", "a", false, false},
	{"??", "ab", false, true},
	// classes
	{"h[ae]llo", "hello", false, true},
	{"h[ae]llo", "hallo", false, true},
	{"h[ae]llo", "hillo", false, false},
	{"h[^e]llo", "hallo", false, true},
	{"h[^e]llo", "hello", false, false},
	{"h[a-b]llo", "hbllo", false, true},
	{"h[a-b]llo", "hcllo", false, false},
	{"h[b-a]llo", "hallo", false, true}, // reversed range
	{"[A-Z]", "q", true, true},
	{"[a-z]", "Q", true, true},
	{"[a-z]", "Q", false, false},
	{"[ABC]", "b", true, true},
	{"[\\]]", "]", false, true},
	{"[\\-]", "-", false, true},
	{"[\\A]", "a", true, false}, // escaped byte compares case-sensitively
	{"[a-]", "-", false, false}, // "a-]" is the range ']'..'a'
	{"[a-]", "^", false, true},
	{"[]]", "]", false, false},  // "[]" is an empty class
	{"[]a]", "a", false, false}, //  ... that matches nothing
	{"[", "[", false, false},    // unterminated: matches nothing
	{"[", "a", false, false},
	{"[a", "a", false, true}, // unterminated class still matches
	{"[ab", "b", false, true},
	{"[^", "x", false, true},
	{"[^", "", false, false},
	{"[a-c", "b", false, true},
	{"[\\", "\\", false, true}, // a lone backslash at the end is a plain byte
	{"x[\\", "x\\", false, true},
	{"[a-\xff]", "\xff", false, true}, // signed chars: 0xff is -1
	{"[a-\xff]", "\x80", false, false},
	{"[a-\xff]", "0", false, true},
	{"[\x80-\xff]", "\x90", false, true},
	{"[\x80-\xff]", "a", false, false},
	// escapes
	{"h\\*llo", "h*llo", false, true},
	{"h\\*llo", "hello", false, false},
	{"\\?", "?", false, true},
	{"\\?", "a", false, false},
	{"a\\", "a\\", false, true}, // trailing backslash is literal
	{"\\\\", "\\", false, true},
	{"\\A", "a", true, true},
	// bytes that are not text
	{"a\x00*", "a\x00bc", false, true},
	{"*\x00", "abc\x00", false, true},
}

func TestMatchTable(t *testing.T) {
	for _, tt := range matchTests {
		if got := Match([]byte(tt.pattern), []byte(tt.s), tt.nocase); got != tt.want {
			t.Errorf("Match(%q, %q, nocase=%v) = %v, want %v", tt.pattern, tt.s, tt.nocase, got, tt.want)
		}
		if got := MatchString(tt.pattern, tt.s, tt.nocase); got != tt.want {
			t.Errorf("MatchString(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestMatchAgreesWithReference(t *testing.T) {
	for _, tt := range matchTests {
		want := reference([]byte(tt.pattern), []byte(tt.s), tt.nocase)
		if got := Match([]byte(tt.pattern), []byte(tt.s), tt.nocase); got != want {
			t.Errorf("Match(%q, %q) = %v, reference says %v", tt.pattern, tt.s, got, want)
		}
	}
}

// The two regressions from Redis's tests/unit/keyspace.tcl: both must
// answer quickly (no exponential backtracking) and match nothing.
func TestMatchPathologicalPatternsTerminate(t *testing.T) {
	t.Run("long nested loops", func(t *testing.T) {
		s := strings.Repeat("a", 140)
		pattern := strings.Repeat("a*", 32) + "b"
		if MatchString(pattern, s, false) {
			t.Fatal("matched")
		}
	})
	t.Run("very long nested loops", func(t *testing.T) {
		s := strings.Repeat("a", 50000)
		pattern := strings.Repeat("*?", 50000)
		if MatchString(pattern, s, false) {
			t.Fatal("matched") // the nesting limit stops it
		}
	})
	t.Run("many stars against a long miss", func(t *testing.T) {
		s := strings.Repeat("ab", 20000)
		pattern := strings.Repeat("*a", 500) + "*c"
		if MatchString(pattern, s, false) {
			t.Fatal("matched")
		}
	})
}

func TestMatchNestingLimit(t *testing.T) {
	// Each "a*" opens one level of recursion.
	within := strings.Repeat("a*", maxNesting) // 1000 levels: allowed
	beyond := strings.Repeat("a*", maxNesting+2)
	if !MatchString(within, strings.Repeat("a", maxNesting), false) {
		t.Error("pattern within the nesting limit should match")
	}
	if MatchString(beyond, strings.Repeat("a", maxNesting+2), false) {
		t.Error("pattern beyond the nesting limit should not match (Redis's guard)")
	}
}

// reference is Redis's matcher before the skipLongerMatches optimisation
// and the nesting limit: plain backtracking, exponential in the number of
// stars, so only for short inputs. Match must agree with it wherever the
// nesting limit is not reached.
func reference(pattern, s []byte, nocase bool) bool {
	p, i := 0, 0
	for p < len(pattern) && i < len(s) {
		switch c := pattern[p]; {
		case c == '*':
			for at(pattern, p+1) == '*' {
				p++
			}
			if len(pattern)-p == 1 {
				return true
			}
			for j := i; j < len(s); j++ {
				if reference(pattern[p+1:], s[j:], nocase) {
					return true
				}
			}
			return false
		case c == '?':
		case c == '[':
			if !matchClass(pattern, &p, s[i], nocase) {
				return false
			}
		default:
			if c == '\\' && len(pattern)-p >= 2 {
				p++
			}
			if !equal(pattern[p], s[i], nocase) {
				return false
			}
		}
		p++
		i++
		if i == len(s) {
			for at(pattern, p) == '*' {
				p++
			}
		}
	}
	return p == len(pattern) && i == len(s)
}
