package glob

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzGlob checks that Match never panics, agrees with the plain
// backtracking reference on inputs small enough for it, and that the
// trivial identities hold: a pattern without special bytes matches exactly
// itself, and nocase matching is invariant under ASCII case changes of the
// subject. The seeds include pathological patterns, so a blowup would show
// as a hung fuzz run.
func FuzzGlob(f *testing.F) {
	for _, tt := range matchTests {
		f.Add([]byte(tt.pattern), []byte(tt.s), tt.nocase)
	}
	f.Add([]byte(strings.Repeat("*?", 300)), []byte(strings.Repeat("a", 400)), false)
	f.Add([]byte(strings.Repeat("a*", 40)+"b"), []byte(strings.Repeat("a", 200)), true)
	f.Fuzz(func(t *testing.T, pattern, s []byte, nocase bool) {
		got := Match(pattern, s, nocase)
		if len(pattern) <= 12 && len(s) <= 12 {
			if want := reference(pattern, s, nocase); got != want {
				t.Fatalf("Match(%q, %q, %v) = %v, reference %v", pattern, s, nocase, got, want)
			}
		}
		if !bytes.ContainsAny(pattern, "*?[\\") && len(pattern) > 0 {
			if want := bytes.Equal(pattern, s); !nocase && got != want {
				t.Fatalf("literal %q vs %q: got %v", pattern, s, got)
			}
		}
		// NB: an escaped byte inside brackets compares case-sensitively
		// even with nocase (a Redis quirk), so such patterns are exempt.
		if nocase && !(bytes.IndexByte(pattern, '[') >= 0 && bytes.IndexByte(pattern, '\\') >= 0) {
			if up := Match(pattern, bytes.ToUpper(asciiOnly(s)), true); Match(pattern, asciiOnly(s), true) != up {
				t.Fatalf("nocase differs on case of %q for %q", s, pattern)
			}
		}
	})
}

// asciiOnly drops non-ASCII bytes, so bytes.ToUpper changes only letters.
func asciiOnly(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c < 0x80 {
			out = append(out, c)
		}
	}
	return out
}
