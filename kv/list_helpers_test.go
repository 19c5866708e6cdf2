package kv

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
)

func itoa(i int) string { return strconv.Itoa(i) }

// cmdReply is a command line and its formatted reply.
type cmdReply struct{ cmd, want string }

// wantUnchanged runs each command, checks its reply and that it logged
// nothing (errors, reads, no-ops).
func (x *tester) wantUnchanged(cases []cmdReply) {
	x.t.Helper()
	for _, c := range cases {
		x.wantEffects(c.cmd, c.want)
	}
}

// fmtElem is a 100-byte job body numbered i.
func fmtElem(i int) string { return fmt.Sprintf("job-%08d-%087d", i, i) }

// contents returns the list's elements head to tail.
func contents(l *List) []string {
	var out []string
	l.Range(0, false, func(e []byte) bool {
		out = append(out, string(e))
		return true
	})
	return out
}

// checkList fails unless l holds want and its bookkeeping is consistent:
// counts and listpack sizes per node, no empty node, a single node while
// it says listpack.
func checkList(t *testing.T, l *List, want []string) {
	t.Helper()
	got := contents(l)
	if !slices.Equal(got, want) || l.Len() != len(want) {
		t.Fatalf("list = %q (len %d), want %q", got, l.Len(), want)
	}
	var rev []string
	l.Range(l.Len()-1, true, func(e []byte) bool {
		rev = append(rev, string(e))
		return true
	})
	slices.Reverse(rev)
	if !slices.Equal(rev, want) {
		t.Fatalf("reverse walk = %q, want %q", rev, want)
	}
	total := 0
	for ci := 0; ci < l.chunks.n; ci++ {
		c := l.chunks.at(ci)
		n, lp := 0, lpEmpty
		for p := int(c.lo); p < int(c.hi); n++ {
			var e []byte
			e, p = c.elemAt(p)
			lp += lpEntrySize(e)
		}
		if n != int(c.count) || lp != int(c.lpsz) || n == 0 {
			t.Fatalf("node %d: count %d (has %d), lpsz %d (is %d)", ci, c.count, n, c.lpsz, lp)
		}
		total += n
	}
	if total != l.Len() {
		t.Fatalf("nodes hold %d elements, Len %d", total, l.Len())
	}
	if !l.quick && l.chunks.n > 1 {
		t.Fatalf("listpack list with %d nodes", l.chunks.n)
	}
}
