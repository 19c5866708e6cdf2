package kv

import (
	"math/rand"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// listModels holds the expected contents of each list key, and applies a
// list command line (elements without spaces) as Redis would.
type listModels map[string][]string

func (m listModels) pop(key string, front bool) string {
	l := m[key]
	var e string
	if front {
		e, m[key] = l[0], l[1:]
	} else {
		e, m[key] = l[len(l)-1], l[:len(l)-1]
	}
	if len(m[key]) == 0 {
		delete(m, key)
	}
	return e
}

func (m listModels) push(key string, front bool, e string) {
	if front {
		m[key] = append([]string{e}, m[key]...)
	} else {
		m[key] = append(slices.Clip(m[key]), e)
	}
}

// apply changes the models as the command line does. Commands on a
// missing key are not applied (the tests never send them).
func (m listModels) apply(line string) {
	a := strings.Fields(line)
	cmd, key := strings.TrimPrefix(a[0], "B"), a[1]
	if a[0] == "BLMPOP" {
		a = a[1:] // the timeout
	}
	if cmd == "LMPOP" {
		// LMPOP 1 key LEFT|RIGHT COUNT n
		a = append([]string{cmd, a[2], a[3]}, a[4:]...)
		key = a[1]
	}
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if _, ok := m[key]; !ok && cmd != "LPUSH" && cmd != "RPUSH" {
		return
	}
	switch cmd {
	case "LPUSH", "RPUSH":
		for _, e := range a[2:] {
			m.push(key, cmd == "LPUSH", e)
		}
	case "LPOP", "RPOP":
		n := 1
		if len(a) > 2 && cmd == a[0] {
			n = num(a[2])
		}
		for ; n > 0 && len(m[key]) > 0; n-- {
			m.pop(key, cmd == "LPOP")
		}
	case "LMPOP":
		n := num(a[4])
		for ; n > 0 && len(m[key]) > 0; n-- {
			m.pop(key, a[2] == "LEFT")
		}
	case "LSET":
		i := num(a[2])
		if i < 0 {
			i += len(m[key])
		}
		m[key][i] = a[3]
	case "LINSERT":
		l := m[key]
		if j := slices.Index(l, a[3]); j >= 0 {
			if a[2] == "AFTER" {
				j++
			}
			m[key] = slices.Insert(slices.Clip(l), j, a[4])
		}
	case "LREM":
		m[key] = modelRem(m[key], num(a[2]), a[3])
	case "LTRIM":
		l := m[key]
		if lo, hi, ok := listRange(int64(num(a[2])), int64(num(a[3])), len(l)); ok {
			m[key] = l[lo : hi+1]
		} else {
			m[key] = nil
		}
	case "LMOVE":
		m.push(a[2], a[4] == "LEFT", m.pop(key, a[3] == "LEFT"))
	case "RPOPLPUSH":
		m.push(a[2], true, m.pop(key, false))
	case "COPY":
		m[a[2]] = slices.Clone(m[key])
	}
	if len(m[key]) == 0 {
		delete(m, key)
	}
}

// run sends line to the tester (blocking pops as a parked command being
// served) and to the models.
func (m listModels) run(x *tester, line string) {
	x.t.Helper()
	if strings.HasPrefix(line, "B") {
		if _, req := x.doBlocking(line, true, true); req != nil {
			x.t.Fatalf("%s blocked", line)
		}
	} else if got := x.do(line); strings.HasPrefix(got, "ERR") || strings.HasPrefix(got, "WRONGTYPE") {
		x.t.Fatalf("%s: %s", line, got)
	}
	m.apply(line)
}

// check fails unless every key in keys holds its model's contents, with
// consistent node bookkeeping, or is missing when its model is empty.
func (m listModels) check(x *tester, keys ...string) {
	x.t.Helper()
	for _, k := range keys {
		v := x.store.Database(0).Lookup([]byte(k))
		if len(m[k]) == 0 {
			if v != nil {
				x.t.Fatalf("%s: empty list kept", k)
			}
			continue
		}
		if v == nil {
			x.t.Fatalf("%s: missing, want %d elements", k, len(m[k]))
		}
		checkList(x.t, v.(*List), m[k])
	}
}

// listShapes builds the lists the clone tests start from: one listpack
// node, and many quicklist nodes cut from slabs at both ends. "x"
// elements are pivots for LINSERT and LREM.
var listShapes = []struct {
	name  string
	build func(x *tester, m listModels)
}{
	{"one node", func(x *tester, m listModels) {
		m.run(x, "RPUSH a e0 x e1 e2 x e3 12345")
	}},
	{"one full node", func(x *tester, m listModels) {
		for i := 0; i < 78; i++ {
			m.run(x, "RPUSH a "+fmtElem(i))
		}
		m.run(x, "LSET a 39 x")
	}},
	{"many nodes", func(x *tester, m listModels) {
		for i := 0; i < 800; i++ {
			e := fmtElem(i)
			if i%97 == 0 {
				e = "x"
			}
			if i%2 == 0 {
				m.run(x, "RPUSH a "+e)
			} else {
				m.run(x, "LPUSH a "+e)
			}
		}
	}},
}

// TestListCloneIndependent clones a list (COPY a b) and changes one side
// with each kind of list change: both sides must hold what they should,
// the other side unchanged, and the log must replay to the same state.
func TestListCloneIndependent(t *testing.T) {
	big := strings.Repeat("G", 300)
	var fill []string
	for i := 0; i < 100; i++ {
		fill = append(fill, "f"+strconv.Itoa(i))
	}
	ops := []struct {
		name  string
		lines []string // K is the changed key, O the other one
	}{
		{"lpush", []string{"LPUSH K new"}},
		{"rpush", []string{"RPUSH K new"}},
		{"lpush many", []string{"LPUSH K " + strings.Join(fill, " ")}},
		{"rpush many", []string{"RPUSH K " + strings.Join(fill, " ")}},
		{"lpop", []string{"LPOP K"}},
		{"rpop", []string{"RPOP K"}},
		{"lpop count", []string{"LPOP K 3"}},
		{"pop then push", []string{"RPOP K 2", "RPUSH K n1 n2 n3", "LPOP K 2", "LPUSH K m1 m2 m3"}},
		{"pop all then push", []string{"RPOP K 100000", "RPUSH K again"}},
		{"lset head", []string{"LSET K 0 v"}},
		{"lset tail longer", []string{"LSET K -1 " + big}},
		{"lset middle shorter", []string{"LSET K 3 s"}},
		{"lset same size", []string{"LSET K 1 e9"}},
		{"linsert before", []string{"LINSERT K BEFORE x y"}},
		{"linsert after big", []string{"LINSERT K AFTER x " + big}},
		{"linsert splits", []string{"LINSERT K AFTER x " + strings.Repeat("S", 4000)}},
		{"lrem all", []string{"LREM K 0 x"}},
		{"lrem head", []string{"LREM K 1 x"}},
		{"lrem tail", []string{"LREM K -1 x"}},
		{"ltrim edges", []string{"LTRIM K 1 -2"}},
		{"ltrim middle", []string{"LTRIM K 2 4"}},
		{"ltrim then push", []string{"LTRIM K 1 -2", "RPUSH K t1", "LPUSH K t0"}},
		{"lmove rotate", []string{"LMOVE K K LEFT RIGHT", "LMOVE K K RIGHT LEFT", "LMOVE K K LEFT LEFT"}},
		{"lmove to other", []string{"LMOVE K O LEFT RIGHT", "LMOVE K O RIGHT LEFT"}},
		{"rpoplpush to other", []string{"RPOPLPUSH K O"}},
		{"lmpop", []string{"LMPOP 1 K RIGHT COUNT 2"}},
		{"served blpop", []string{"BLPOP K 0", "BRPOP K 0"}},
		{"served blmove", []string{"BLMOVE K O RIGHT LEFT 0", "BRPOPLPUSH K K 0"}},
		{"served blmpop", []string{"BLMPOP 0 1 K LEFT COUNT 2"}},
		{"shrink to listpack", []string{"LTRIM K 0 9", "LSET K 0 w", "RPUSH K z"}},
	}
	for _, shape := range listShapes {
		for _, op := range ops {
			for _, side := range []string{"a", "b"} {
				name := shape.name + "/" + op.name + "/change " + map[string]string{"a": "original", "b": "clone"}[side]
				t.Run(name, func(t *testing.T) {
					x, m := newTester(t), listModels{}
					shape.build(x, m)
					m.run(x, "COPY a b")
					m.check(x, "a", "b")
					other := map[string]string{"a": "b", "b": "a"}[side]
					for _, line := range op.lines {
						f := strings.Fields(line)
						for i := range f {
							switch f[i] {
							case "K":
								f[i] = side
							case "O":
								f[i] = other
							}
						}
						m.run(x, strings.Join(f, " "))
						m.check(x, "a", "b")
					}
					// The untouched side can still change independently.
					m.run(x, "RPUSH "+other+" last")
					m.run(x, "LSET "+other+" 0 first")
					m.check(x, "a", "b")
					x.checkReplay()
				})
			}
		}
	}
}

// TestListCloneMatchesModel runs random list commands on a list and its
// copies (COPY, and copies of copies) against plain slices, checking every
// key after each step.
func TestListCloneMatchesModel(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run("seed "+strconv.FormatInt(seed, 10), func(t *testing.T) {
			testListCloneModel(t, rand.New(rand.NewSource(seed)), 1500)
		})
	}
}

func testListCloneModel(t *testing.T, rnd *rand.Rand, steps int) {
	x, m := newTester(t), listModels{}
	keys := []string{"a", "b", "c"}
	elem := func() string {
		switch r := rnd.Intn(20); {
		case r < 3:
			return strconv.Itoa(rnd.Intn(5)) // repeats, for LREM and LINSERT
		case r == 3:
			return strings.Repeat("B", 2000+rnd.Intn(7000))
		default:
			return fmtElem(rnd.Intn(1000))[:rnd.Intn(100)+1]
		}
	}
	pick := func(k string) string {
		if l := m[k]; len(l) > 0 && rnd.Intn(4) != 0 {
			return l[rnd.Intn(len(l))]
		}
		return elem()
	}
	for i := 0; i < 400; i++ {
		m.run(x, "RPUSH a "+elem())
	}
	m.run(x, "COPY a b")
	for i := 0; i < steps; i++ {
		k, o := keys[rnd.Intn(len(keys))], keys[rnd.Intn(len(keys))]
		n := len(m[k])
		var line string
		switch op := rnd.Intn(14); {
		case op == 0:
			if k != o && n > 0 {
				line = "COPY " + k + " " + o + " REPLACE"
			}
		case op <= 2:
			var es []string
			for j := rnd.Intn(30) + 1; j > 0; j-- {
				es = append(es, elem())
			}
			line = []string{"LPUSH ", "RPUSH "}[op-1] + k + " " + strings.Join(es, " ")
		case op == 3:
			line = "LPOP " + k + " " + strconv.Itoa(rnd.Intn(40))
		case op == 4:
			line = "RPOP " + k + " " + strconv.Itoa(rnd.Intn(40))
		case op == 5 && n > 0:
			line = "LSET " + k + " " + strconv.Itoa(rnd.Intn(2*n)-n) + " " + elem()
		case op == 6 && n > 0:
			line = "LINSERT " + k + " " + []string{"BEFORE", "AFTER"}[rnd.Intn(2)] + " " + pick(k) + " " + elem()
		case op == 7 && n > 0:
			line = "LREM " + k + " " + strconv.Itoa(rnd.Intn(5)-2) + " " + pick(k)
		case op == 8 && n > 0 && rnd.Intn(3) == 0:
			line = "LTRIM " + k + " " + strconv.Itoa(rnd.Intn(n/4+2)) + " " + strconv.Itoa(-1-rnd.Intn(n/4+2))
		case op == 9 && n > 0:
			ends := []string{"LEFT", "RIGHT"}
			line = "LMOVE " + k + " " + o + " " + ends[rnd.Intn(2)] + " " + ends[rnd.Intn(2)]
		case op == 10 && n > 0:
			line = "BLMPOP 0 1 " + k + " " + []string{"LEFT", "RIGHT"}[rnd.Intn(2)] + " COUNT " + strconv.Itoa(rnd.Intn(5)+1)
		case op == 11 && n > 0:
			line = []string{"BLPOP ", "BRPOP "}[rnd.Intn(2)] + k + " 0"
		case op >= 12 && n > 0:
			j := rnd.Intn(n)
			if got, want := x.do("LINDEX "+k+" "+strconv.Itoa(j)), strconv.Quote(m[k][j]); got != want {
				t.Fatalf("step %d: LINDEX %s %d = %.40s, want %.40s", i, k, j, got, want)
			}
		}
		if line == "" {
			continue
		}
		m.run(x, line)
		m.check(x, keys...)
		if t.Failed() {
			t.Fatalf("step %d: %.200s", i, line)
		}
	}
	x.checkReplay()
}

// TestListCloneSharesNodes: a clone copies no element, and pushing onto
// either end of the original afterwards copies no node either: the pushes
// fill the free space beside the shared bytes.
func TestListCloneSharesNodes(t *testing.T) {
	l := &List{}
	for i := 0; i < 30_000; i++ {
		e := []byte(fmtElem(i))
		l.grow(len(e))
		if i%2 == 0 {
			l.PushBack(e)
		} else {
			l.PushFront(e)
		}
	}
	want := contents(l)
	nodes := l.chunks.n
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := l.Clone().(*List)
	runtime.ReadMemStats(&after)
	// The clone's ring of nodes (48 bytes each, rounded up to a power of
	// two) and the List itself: nothing per element.
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(2*48*nodes+1024); got > limit {
		t.Errorf("Clone of %d nodes allocated %d bytes, want <= %d", nodes, got, limit)
	}
	for i := 0; i < 1000; i++ {
		e := []byte("pushed-" + strconv.Itoa(i))
		l.grow(len(e))
		l.PushFront(e)
		l.PushBack(e)
	}
	// Each of the clone's nodes is still the shared part of one of l's.
	shared := map[*byte]bool{}
	for ci := 0; ci < l.chunks.n; ci++ {
		if n := l.chunks.at(ci); n.shared() {
			shared[&n.buf[n.shLo]] = true
		}
	}
	copied := 0
	for ci := 0; ci < c.chunks.n; ci++ {
		if n := c.chunks.at(ci); !shared[&n.buf[0]] {
			copied++
		}
	}
	if copied > 0 {
		t.Errorf("%d of %d nodes copied by pushes at both ends, want 0", copied, nodes)
	}
	checkList(t, c, want)
	var wantL []string
	for i := 999; i >= 0; i-- {
		wantL = append(wantL, "pushed-"+strconv.Itoa(i))
	}
	wantL = append(wantL, want...)
	for i := 0; i < 1000; i++ {
		wantL = append(wantL, "pushed-"+strconv.Itoa(i))
	}
	checkList(t, l, wantL)
}

// TestListCloneSlabEnds: the end node of a list cut from a slab has the
// rest of the slab after (or before) it, which the next node would be
// carved from. After a clone and a pop there, that space holds the popped
// element, which the clone still reads: a push that needs a new node must
// not be carved from it.
// pushEnd pushes e at the front or back of l and of its model want.
func pushEnd(l *List, want []string, e string, front bool) []string {
	l.grow(len(e))
	if front {
		l.PushFront([]byte(e))
		return append([]string{e}, want...)
	}
	l.PushBack([]byte(e))
	return append(want, e)
}

func TestListCloneSlabEnds(t *testing.T) {
	for _, front := range []bool{false, true} {
		t.Run(map[bool]string{false: "back", true: "front"}[front], func(t *testing.T) {
			l := &List{}
			var want []string
			for i := 0; ; i++ {
				if i == 200_000 {
					t.Fatal("the end node never had a slab's room beside it")
				}
				e := fmtElem(i)
				want = pushEnd(l, want, e, front)
				end := l.chunks.at(l.chunks.n - 1)
				spare := len(end.buf) - int(end.hi)
				if front {
					end = l.chunks.at(0)
					spare = int(end.lo)
				}
				if l.quick && !l.fits(end, len(e)) && spare >= maxChunkCap {
					break
				}
			}
			c := l.Clone().(*List)
			// Too big for the end node, small enough for a carved one.
			big := []byte(strings.Repeat("B", 4000))
			l.grow(len(big))
			if front {
				l.PopFront()
				l.PushFront(big)
			} else {
				l.PopBack()
				l.PushBack(big)
			}
			checkList(t, c, want)
		})
	}
}

// TestChunkShareDelete: deleting inside a shared node leaves the other
// side's bytes alone.
func TestChunkShareDelete(t *testing.T) {
	var c chunk
	c.lpsz = lpEmpty
	for _, e := range []string{"a", "bb", "ccc", "dddd", "eeeee"} {
		c.pushBack([]byte(e), lpEntrySize([]byte(e)))
	}
	d := c.share()
	c.deleteRange(1, 2)
	e := d.share()
	e.deleteRange(2, 2)
	for _, tt := range []struct {
		c    *chunk
		want []string
	}{
		{&c, []string{"a", "dddd", "eeeee"}},
		{&d, []string{"a", "bb", "ccc", "dddd", "eeeee"}},
		{&e, []string{"a", "bb", "eeeee"}},
	} {
		var got []string
		for p := int(tt.c.lo); p < int(tt.c.hi); {
			var x []byte
			x, p = tt.c.elemAt(p)
			got = append(got, string(x))
		}
		if !slices.Equal(got, tt.want) || int(tt.c.count) != len(tt.want) {
			t.Errorf("got %q (count %d), want %q", got, tt.c.count, tt.want)
		}
	}
}

// TestListCloneConcurrentRead: a snapshot reads its clone with no lock
// while writers change the original, so no change to the original may
// write a byte the clone reads (go test -race checks it).
func TestListCloneConcurrentRead(t *testing.T) {
	x, m := newTester(t), listModels{}
	listShapes[2].build(x, m)
	c := x.store.Database(0).Lookup([]byte("a")).(*List).Clone().(*List)
	want := slices.Clone(m["a"])
	done := make(chan []string)
	go func() {
		var got []string
		for i := 0; i < 20; i++ {
			got = contents(c)
		}
		done <- got
	}()
	for i, line := range []string{"LSET a 5 s", "LSET a -3 " + strings.Repeat("L", 500),
		"LINSERT a AFTER x y", "LREM a 0 x", "LPOP a 3", "RPOP a 3", "LPUSH a p q",
		"RPUSH a p q", "LTRIM a 1 -2", "LMOVE a a LEFT RIGHT", "RPUSH a " + strings.Repeat("R", 4000)} {
		m.run(x, line)
		if i%3 == 0 {
			m.check(x, "a")
		}
	}
	if got := <-done; !slices.Equal(got, want) {
		t.Fatalf("clone changed: %d elements, want %d", len(got), len(want))
	}
	m.check(x, "a")
}

// TestListCloneTwice: a second clone taken after pops must keep the bytes
// the first clone reads shared as well.
func TestListCloneTwice(t *testing.T) {
	for _, size := range []int{5, 300} {
		for _, front := range []bool{false, true} {
			t.Run(strconv.Itoa(size)+map[bool]string{false: " back", true: " front"}[front], func(t *testing.T) {
				l := &List{}
				for i := 0; i < size; i++ {
					e := []byte(fmtElem(i))
					l.grow(len(e))
					l.PushBack(e)
				}
				want1 := contents(l)
				c1 := l.Clone().(*List)
				for i := 0; i < 3; i++ {
					if front {
						l.PopFront()
					} else {
						l.PopBack()
					}
				}
				want2 := contents(l)
				c2 := l.Clone().(*List)
				want := slices.Clone(want2)
				for i := 0; i < 3; i++ {
					want = pushEnd(l, want, "again-"+strconv.Itoa(i), front)
				}
				checkList(t, c1, want1)
				checkList(t, c2, want2)
				checkList(t, l, want)
			})
		}
	}
}
