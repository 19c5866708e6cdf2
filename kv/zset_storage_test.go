package kv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// zsetModel is the sorted set as a plain slice, for checking both
// encodings against.
type zsetEntry struct {
	m string
	s float64
}

func modelOrder(es []zsetEntry) {
	slices.SortFunc(es, func(a, b zsetEntry) int {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
		return strings.Compare(a.m, b.m)
	})
}

// checkZset fails unless z holds want (in order) through every accessor.
func checkZset(t *testing.T, z *ZSet, want []zsetEntry) {
	t.Helper()
	if z.Len() != len(want) {
		t.Fatalf("Len = %d, want %d", z.Len(), len(want))
	}
	var got []zsetEntry
	z.Each(0, false, func(m []byte, s float64) bool {
		got = append(got, zsetEntry{string(m), s})
		return true
	})
	if !slices.Equal(got, want) {
		t.Fatalf("forward walk = %v\nwant %v", got, want)
	}
	var rev []zsetEntry
	z.Each(len(want)-1, true, func(m []byte, s float64) bool {
		rev = append(rev, zsetEntry{string(m), s})
		return true
	})
	slices.Reverse(rev)
	if !slices.Equal(rev, want) && len(want) > 0 {
		t.Fatalf("reverse walk differs")
	}
	for i, e := range want {
		m, s := z.At(i)
		r, rs, ok := z.Rank([]byte(e.m))
		if string(m) != e.m || s != e.s || !ok || r != i || rs != e.s {
			t.Fatalf("rank %d: At = %q %v, Rank = %d %v %v, want %v", i, m, s, r, rs, ok, e)
		}
	}
}

// TestZsetEncodings runs random changes on a set through the listpack and
// skiplist encodings and checks it against a model after each one.
func TestZsetEncodings(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	z := newZSet(1, 1)
	model := map[string]float64{}
	for step := 0; step < 3000; step++ {
		m := fmt.Sprintf("m%d", r.IntN(300))
		switch op := r.IntN(10); {
		case op < 6:
			s := float64(r.IntN(50))
			z.Set([]byte(m), s)
			model[m] = s
		case op < 8:
			_, in := model[m]
			if z.Remove([]byte(m)) != in {
				t.Fatalf("Remove(%s) disagrees with the model", m)
			}
			delete(model, m)
		default:
			if z.Len() > 2 {
				start := r.IntN(z.Len() - 1)
				stop := start + r.IntN(3)
				var es []zsetEntry
				for k, v := range model {
					es = append(es, zsetEntry{k, v})
				}
				modelOrder(es)
				for _, e := range es[start:min(stop, len(es))] {
					delete(model, e.m)
				}
				z.DeleteRange(start, min(stop, z.Len()))
			}
		}
		var want []zsetEntry
		for k, v := range model {
			want = append(want, zsetEntry{k, v})
		}
		modelOrder(want)
		if step%50 == 0 || step == 2999 {
			checkZset(t, z, want)
		}
	}
	if z.Encoding() != "skiplist" {
		t.Errorf("encoding %s after 300 members, want skiplist", z.Encoding())
	}
}

func TestZsetEncodingLimits(t *testing.T) {
	x := newTester(t)
	var args []string
	for i := 0; i < 128; i++ {
		args = append(args, itoa(i), "m"+itoa(i))
	}
	x.want("ZADD z "+strings.Join(args, " "), "(int) 128")
	x.wantEncoding("z", "listpack")
	x.want("ZADD z 1 m0", "(int) 0")
	x.wantEncoding("z", "listpack")
	x.want("ZADD z 1 new", "(int) 1")
	x.wantEncoding("z", "skiplist")
	x.want("ZREMRANGEBYRANK z 0 -3", "(int) 127")
	x.wantEncoding("z", "skiplist") // never back
	x.want("ZADD long 1 "+strings.Repeat("x", 64), "(int) 1")
	x.wantEncoding("long", "listpack")
	x.want("ZADD long 1 "+strings.Repeat("x", 65), "(int) 1")
	x.wantEncoding("long", "skiplist")
	x.want("ZADD fresh 1 "+strings.Repeat("y", 65), "(int) 1")
	x.wantEncoding("fresh", "skiplist")
	// zsetTypeCreate sizes a new key by the number of pairs, repeats
	// included.
	x.want("ZADD pairs "+strings.Repeat("1 same ", 129), "(int) 1")
	x.wantEncoding("pairs", "skiplist")
	x.want("OBJECT ENCODING pairs", `"skiplist"`)
	x.checkReplay()
}

// TestZsetLarge runs the commands on a skiplist set of 1000 members.
func TestZsetLarge(t *testing.T) {
	x := newTester(t)
	for i := 0; i < 1000; i += 100 {
		var args []string
		for j := i; j < i+100; j++ {
			args = append(args, itoa(j), fmt.Sprintf("m%04d", j))
		}
		x.want("ZADD z "+strings.Join(args, " "), "(int) 100")
	}
	x.wantEncoding("z", "skiplist")
	x.want("ZRANGE z 0 2", `["m0000" "m0001" "m0002"]`)
	x.want("ZRANGE z -2 -1 WITHSCORES", `["m0998" "998" "m0999" "999"]`)
	x.want("ZRANGE z 0 1 REV", `["m0999" "m0998"]`)
	x.want("ZRANGEBYSCORE z (500 +inf LIMIT 10 2", `["m0511" "m0512"]`)
	x.want("ZREVRANGEBYSCORE z 500 -inf LIMIT 10 2", `["m0490" "m0489"]`)
	x.want("ZCOUNT z 100 (200", "(int) 100")
	x.want("ZRANK z m0700", "(int) 700")
	x.want("ZREVRANK z m0700 WITHSCORE", `[(int) 299 "700"]`)
	x.want("ZPOPMIN z 2", `["m0000" "0" "m0001" "1"]`)
	x.want("ZPOPMAX z", `["m0999" "999"]`)
	x.want("ZREMRANGEBYSCORE z 100 199", "(int) 100")
	x.want("ZREMRANGEBYRANK z 0 9", "(int) 10")
	x.want("ZCARD z", "(int) 887")
	x.want("ZINCRBY z 1000 m0500", `"1500"`)
	x.want("ZRANGE z -1 -1", `["m0500"]`)
	x.want("ZREM z m0500 m0501", "(int) 2")
	x.want("ZSCORE z m0502", `"502"`)
	x.want("ZADD lex 0 b 0 a 0 c", "(int) 3")
	// a full scan returns every member exactly once
	seen := map[string]int{}
	cursor := "0"
	for {
		got := x.do("ZSCAN z " + cursor + " COUNT 37")
		parts := strings.SplitN(strings.TrimPrefix(got, `["`), `" [`, 2)
		cursor = parts[0]
		for i, f := range strings.Fields(strings.Trim(parts[1], "[]")) {
			if i%2 == 0 {
				seen[strings.Trim(f, `"`)]++
			}
		}
		if cursor == "0" {
			break
		}
	}
	if len(seen) != 885 {
		t.Errorf("ZSCAN returned %d members, want 885", len(seen))
	}
	for m, n := range seen {
		if n != 1 {
			t.Errorf("ZSCAN returned %s %d times", m, n)
		}
	}
	x.checkReplay()
}

func TestZsetRewrite(t *testing.T) {
	for _, n := range []int{3, 2500} {
		z := newZSet(n, 0)
		for i := 0; i < n; i++ {
			z.Set([]byte(fmt.Sprintf("m%d", i)), float64(i)/10)
		}
		z.Set([]byte("inf"), posInf)
		var cmds [][]string
		z.Rewrite([]byte("k"), func(args ...[]byte) {
			var s []string
			for _, a := range args {
				s = append(s, string(a))
			}
			cmds = append(cmds, s)
		})
		x := newTester(t)
		for _, c := range cmds {
			if c[0] != "ZADD" || len(c) > 2+2*rewritePushElems {
				t.Fatalf("rewrite command %q...", c[:3])
			}
			x.exec(x.store, 0, toArgs(c), false)
		}
		got, _ := zsetAt(x.store.DB(0).Lookup([]byte("k")))
		var want []zsetEntry
		z.Each(0, false, func(m []byte, s float64) bool {
			want = append(want, zsetEntry{string(m), s})
			return true
		})
		checkZset(t, got, want)
		if got.Encoding() != z.Encoding() {
			t.Errorf("%d members: encoding %s after rewrite, was %s", n, got.Encoding(), z.Encoding())
		}
	}
}

var posInf = func() float64 { f, _ := parseScore([]byte("inf")); return f }()

func toArgs(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestZsetClone(t *testing.T) {
	for _, n := range []int{5, 500} {
		z := newZSet(n, 0)
		for i := 0; i < n; i++ {
			z.Set([]byte(itoa(i)), float64(i))
		}
		c := z.Clone().(*ZSet)
		z.Set([]byte("0"), 1000)
		z.Remove([]byte("1"))
		if c.Len() != n {
			t.Fatalf("clone has %d members, want %d", c.Len(), n)
		}
		if s, _ := c.Score([]byte("0")); s != 0 {
			t.Errorf("clone saw the original's change: score %v", s)
		}
		if m, _ := c.At(1); string(m) != "1" {
			t.Errorf("clone lost member 1")
		}
	}
}
