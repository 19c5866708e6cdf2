package kv

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// TestListEncoding follows Redis 7.2 with list-max-listpack-size -2: a
// list is a listpack until it would pass 8 KB, then a quicklist of 8 KB
// nodes, and a listpack again once it is one node of at most 4 KB.
func TestListEncoding(t *testing.T) {
	x := newStringTester(t)
	e := strings.Repeat("x", 100) // a listpack entry of 103 bytes
	// 7 + 79*103 = 8144 bytes: 100 more would pass 8192.
	for i := 0; i < 79; i++ {
		x.want("RPUSH l "+e, "(int) "+strconv.Itoa(i+1))
	}
	x.wantEncoding("l", "listpack")
	x.want("RPUSH l "+e, "(int) 80")
	x.wantEncoding("l", "quicklist")
	// Shrinking converts back only at one node of at most 4096 bytes:
	// 7 + 39*103 = 4024.
	x.want("RPOP l 40", "["+strings.TrimSuffix(strings.Repeat(`"`+e+`" `, 40), " ")+"]")
	x.wantEncoding("l", "quicklist")
	x.want("RPOP l", `"`+e+`"`)
	x.wantEncoding("l", "listpack")

	x.want("RPUSH big "+strings.Repeat("b", 8200), "(int) 1")
	x.wantEncoding("big", "quicklist")
	x.want("LSET big 0 small", "OK")
	x.wantEncoding("big", "listpack")

	// Integers count as their listpack size (1 to 9 bytes), strings as
	// their length.
	x.want("RPUSH n "+strings.Repeat("12345 ", 2000), "(int) 2000")
	x.wantEncoding("n", "quicklist")
	x.want("RPUSH m "+strings.Repeat("1 ", 4000), "(int) 4000")
	x.wantEncoding("m", "listpack")

	x.want("RPUSH s "+strings.Repeat("y", 8000), "(int) 1")
	x.wantEncoding("s", "listpack")
	x.want("LSET s 0 "+strings.Repeat("z", 8190), "OK")
	x.wantEncoding("s", "quicklist")
	x.want("LINSERT s BEFORE nope "+strings.Repeat("z", 500), "(int) -1")
	x.want("RPUSH t "+strings.Repeat("y", 8000), "(int) 1")
	x.want("LINSERT t BEFORE "+strings.Repeat("y", 8000)+" "+strings.Repeat("z", 500), "(int) 2")
	x.wantEncoding("t", "quicklist")
	x.want("RPUSH u a", "(int) 1")
	x.want("LMOVE t u LEFT RIGHT", `"`+strings.Repeat("z", 500)+`"`)
	x.wantEncoding("u", "listpack")
	x.checkReplay()
}

func TestLpEntrySize(t *testing.T) {
	for _, tt := range []struct {
		e    string
		want int
	}{
		{"0", 2}, {"127", 2}, {"128", 3}, {"-1", 3}, {"4095", 3}, {"-4096", 3},
		{"4096", 4}, {"32767", 4}, {"32768", 5}, {"8388607", 5}, {"8388608", 6},
		{"2147483647", 6}, {"2147483648", 10}, {"-9223372036854775808", 10},
		{"", 2}, {"a", 3}, {"01", 4}, {"-0", 4}, {"+1", 4}, {"1.5", 5},
		{strings.Repeat("a", 63), 65}, {strings.Repeat("a", 64), 67},
		{strings.Repeat("a", 125), 128}, {strings.Repeat("a", 126), 130},
		{strings.Repeat("a", 4095), 4099}, {strings.Repeat("a", 4096), 4103},
	} {
		if got := lpEntrySize([]byte(tt.e)); got != tt.want {
			t.Errorf("lpEntrySize(%.10q, len %d) = %d, want %d", tt.e, len(tt.e), got, tt.want)
		}
	}
}

// TestListMatchesModel runs random list commands against a slice and
// checks contents and node bookkeeping after each, then that the log
// replays to the same nodes.
func TestListMatchesModel(t *testing.T) {
	for seed := int64(1); seed <= 4; seed++ {
		t.Run("seed "+strconv.FormatInt(seed, 10), func(t *testing.T) {
			testListModel(t, rand.New(rand.NewSource(seed)), 3000)
		})
	}
}

func testListModel(t *testing.T, rnd *rand.Rand, steps int) {
	x := newTester(t)
	var model []string
	elem := func() string {
		switch r := rnd.Intn(20); {
		case r < 4:
			return strconv.Itoa(rnd.Intn(100000) - 50000)
		case r < 6:
			return strconv.Itoa(rnd.Intn(5)) // repeats, for LREM, LPOS, LINSERT
		case r == 6:
			return strings.Repeat("B", 4000+rnd.Intn(6000))
		default:
			return strings.Repeat(string(rune('a'+rnd.Intn(26))), rnd.Intn(300))
		}
	}
	pick := func() string {
		if len(model) == 0 || rnd.Intn(4) == 0 {
			return elem()
		}
		return model[rnd.Intn(len(model))]
	}
	q := argQuote
	for i := 0; i < steps; i++ {
		n := len(model)
		switch op := rnd.Intn(10); op {
		case 0, 1:
			var es []string
			for k := rnd.Intn(4) + 1; k > 0; k-- {
				es = append(es, elem())
			}
			cmd := "RPUSH l"
			for _, e := range es {
				cmd += " " + q(e)
			}
			if op == 1 {
				cmd = "L" + cmd[1:]
				for _, e := range es {
					model = append([]string{e}, model...)
				}
			} else {
				model = append(model, es...)
			}
			x.want(cmd, "(int) "+strconv.Itoa(len(model)))
		case 2:
			k := rnd.Intn(5)
			x.do("LPOP l " + strconv.Itoa(k))
			model = model[min(k, n):]
		case 3:
			k := rnd.Intn(5)
			x.do("RPOP l " + strconv.Itoa(k))
			model = model[:n-min(k, n)]
		case 4:
			pivot, e := pick(), elem()
			after := rnd.Intn(2) == 0
			where := map[bool]string{true: "AFTER", false: "BEFORE"}[after]
			x.do("LINSERT l " + where + " " + q(pivot) + " " + q(e))
			for j, m := range model {
				if m == pivot {
					if after {
						j++
					}
					model = append(model[:j], append([]string{e}, model[j:]...)...)
					break
				}
			}
		case 5:
			if n > 0 {
				j, e := rnd.Intn(n), elem()
				x.want("LSET l "+strconv.Itoa(j)+" "+q(e), "OK")
				model[j] = e
			}
		case 6:
			e, count := pick(), rnd.Intn(5)-2
			x.do("LREM l " + strconv.Itoa(count) + " " + q(e))
			model = modelRem(model, count, e)
		case 7:
			if rnd.Intn(4) == 0 {
				start, end := rnd.Intn(n+2)-1, rnd.Intn(n+2)-1
				x.want("LTRIM l "+strconv.Itoa(start)+" "+strconv.Itoa(end), "OK")
				lo, hi, ok := listRange(int64(start), int64(end), n)
				if ok {
					model = model[lo : hi+1]
				} else {
					model = nil
				}
			}
		case 8:
			if n == 0 {
				break
			}
			switch rnd.Intn(3) {
			case 0:
				x.want("LMOVE l l LEFT RIGHT", strconv.Quote(model[0]))
				model = append(model[1:], model[0])
			case 1:
				x.want("LMOVE l l RIGHT LEFT", strconv.Quote(model[n-1]))
				model = append([]string{model[n-1]}, model[:n-1]...)
			default:
				x.want("LMOVE l l LEFT LEFT", strconv.Quote(model[0]))
			}
		case 9:
			if n > 0 {
				j := rnd.Intn(n)
				if got := x.do("LINDEX l " + strconv.Itoa(j)); got != strconv.Quote(model[j]) {
					t.Fatalf("LINDEX %d = %.40s, want %.40q", j, got, model[j])
				}
			}
		}
		v := x.store.Database(0).Lookup([]byte("l"))
		if len(model) == 0 {
			if v != nil {
				t.Fatalf("step %d: empty list kept", i)
			}
			continue
		}
		checkList(t, v.(*List), model)
	}
	x.checkReplay()
}

func modelRem(model []string, count int, e string) []string {
	var out []string
	limit := count
	if limit < 0 {
		limit = -limit
	}
	removed := 0
	if count >= 0 {
		for _, m := range model {
			if m == e && (limit == 0 || removed < limit) {
				removed++
				continue
			}
			out = append(out, m)
		}
		return out
	}
	for j := len(model) - 1; j >= 0; j-- {
		if model[j] == e && removed < limit {
			removed++
			continue
		}
		out = append([]string{model[j]}, out...)
	}
	return out
}

// TestListCarvedNodes: nodes cut from a shared slab at both ends keep
// their contents apart when they are edited, grown and split later.
func TestListCarvedNodes(t *testing.T) {
	x := newTester(t)
	rnd := rand.New(rand.NewSource(7))
	var model []string
	for i := 0; i < 3000; i++ {
		e := fmtElem(i)
		if i%2 == 0 {
			x.want("RPUSH l "+e, "(int) "+strconv.Itoa(len(model)+1))
			model = append(model, e)
		} else {
			x.want("LPUSH l "+e, "(int) "+strconv.Itoa(len(model)+1))
			model = append([]string{e}, model...)
		}
	}
	for i := 0; i < 300; i++ {
		j := rnd.Intn(len(model))
		switch rnd.Intn(3) {
		case 0:
			e := "set-" + strconv.Itoa(i) + strings.Repeat("g", rnd.Intn(400))
			x.want("LSET l "+strconv.Itoa(j)+" "+argQuote(e), "OK")
			model[j] = e
		case 1:
			e := "ins-" + strconv.Itoa(i)
			x.do("LINSERT l AFTER " + model[j] + " " + e)
			model = append(model[:j+1], append([]string{e}, model[j+1:]...)...)
		case 2:
			x.want("RPUSH l tail-"+strconv.Itoa(i), "(int) "+strconv.Itoa(len(model)+1))
			x.want("LPUSH l head-"+strconv.Itoa(i), "(int) "+strconv.Itoa(len(model)+2))
			model = append([]string{"head-" + strconv.Itoa(i)}, append(model, "tail-"+strconv.Itoa(i))...)
		}
		if i%10 == 0 {
			checkList(t, x.store.Database(0).Lookup([]byte("l")).(*List), model)
		}
	}
	checkList(t, x.store.Database(0).Lookup([]byte("l")).(*List), model)
	x.checkReplay()
}
