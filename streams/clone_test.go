package streams

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
)

// cloneBuild is a stream shape the clone tests start from: the command
// lines that build key "s".
type cloneBuild struct {
	name  string
	lines []string
}

// buildLines adds n entries with IDs 1-0..n-0, mostly with the block's
// master fields and every fifth with others, so blocks hold both kinds.
func buildLines(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		if i%5 == 0 {
			out = append(out, fmt.Sprintf("XADD s %d-0 other %d x y", i, i))
		} else {
			out = append(out, fmt.Sprintf("XADD s %d-0 f v%d g %d", i, i, 1000+i))
		}
	}
	return out
}

func cloneBuilds() []cloneBuild {
	tomb := append(buildLines(300), "XDEL s 7-0 150-0 151-0 152-0")
	return []cloneBuild{
		{"one entry", buildLines(1)},
		{"one block", buildLines(10)},
		{"one full block", buildLines(nodeMaxEntries)},
		{"many blocks", buildLines(1000)},
		{"tombstones", tomb},
	}
}

// cloneMutations are changes through every path that writes a block or a
// stream field; K is the key they apply to.
var cloneMutations = []struct{ name, lines string }{
	{"xadd", "XADD K * f vnew g 1"},
	{"xadd other fields", "XADD K * h 1"},
	{"xadd many", "XADD K * f a g 1|XADD K * f b g 2|XADD K * z 3|XADD K * f c g 4"},
	{"xadd maxlen exact", "XADD K MAXLEN 5 * f v g 1"},
	{"xadd maxlen approx", "XADD K MAXLEN ~ 150 * f v g 1"},
	{"xadd minid", "XADD K MINID 8 * f v g 1"},
	{"xadd nomkstream", "XADD K NOMKSTREAM * f v g 1"},
	{"xdel first", "XDEL K 1-0"},
	{"xdel last", "XDEL K 10-0 100-0 300-0 1000-0"},
	{"xdel compacts", "XDEL K 2-0 3-0 4-0 5-0 6-0 8-0 9-0 11-0 12-0 13-0 14-0 15-0 16-0 17-0 18-0 19-0 20-0 21-0 22-0 23-0 24-0 25-0 26-0 27-0 28-0 29-0 30-0 31-0 32-0 33-0 34-0 35-0 36-0 37-0 38-0 39-0 40-0 41-0 42-0 43-0 44-0 45-0 46-0 47-0 48-0 49-0 50-0 51-0 52-0 53-0 54-0 55-0 56-0 57-0 58-0 59-0 60-0"},
	{"xdel middle block whole", "XDEL " + "K" + idList(101, 200)},
	{"xtrim maxlen exact", "XTRIM K MAXLEN 3"},
	{"xtrim maxlen mid block", "XTRIM K MAXLEN 955"},
	{"xtrim maxlen approx", "XTRIM K MAXLEN ~ 3"},
	{"xtrim maxlen zero", "XTRIM K MAXLEN 0"},
	{"xtrim minid exact", "XTRIM K MINID 150"},
	{"xtrim minid approx", "XTRIM K MINID ~ 250"},
	{"xtrim limit", "XTRIM K MAXLEN ~ 0 LIMIT 100"},
	{"xsetid", "XSETID K 5000-0 ENTRIESADDED 9000 MAXDELETEDID 4000-0"},
	{"xdel top then xsetid back then xadd", "XDEL K 1-0 10-0 100-0 300-0 1000-0|XSETID K 1000-0|XADD K 1000-1 f v g 1"},
	{"delete then append", "XTRIM K MAXLEN 0|XADD K * f v g 1"},
}

func idList(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, " %d-0", i)
	}
	return b.String()
}

// cloneState renders everything a reader can see of a stream, layout
// included.
func cloneState(s *Stream) string {
	var b strings.Builder
	b.WriteString(dumpStream(s))
	if e, ok := s.First(); ok {
		fmt.Fprintf(&b, " first-entry=%v%q", e.ID, e.Pairs())
	}
	if e, ok := s.Last(); ok {
		fmt.Fprintf(&b, " last-entry=%v%q", e.ID, e.Pairs())
	}
	var rev []ID
	it := s.Range(ID{}, MaxID, true)
	for e, ok := it.Next(); ok; e, ok = it.Next() {
		rev = append(rev, e.ID)
	}
	fmt.Fprintf(&b, " len=%d blocks=%d rev=%v", s.Len(), s.Blocks(), rev)
	return b.String()
}

// run executes the |-separated lines with K replaced by key.
func (x *tester) run(lines, key string) {
	for _, l := range strings.Split(lines, "|") {
		x.do(strings.ReplaceAll(l, "K", key))
	}
}

func (x *tester) stream(key string) *Stream {
	s, _ := x.store.dbs[0].keys[key].(*Stream)
	return s
}

// expected returns the state of a stream built by b and then changed by
// lines, with no clone ever taken.
func expectedState(t *testing.T, b cloneBuild, lines string) string {
	key := b.name + "\x00" + lines
	if st, ok := expectedCache[key]; ok && b.name != "" {
		return st
	}
	x := newTester(t)
	x.run(strings.Join(b.lines, "|"), "s")
	x.run(lines, "s")
	st := cloneState(x.stream("s"))
	expectedCache[key] = st
	return st
}

// expectedCache keeps expectedState's answers by build and lines, which
// the subtests of TestStreamCloneIsolation ask for several times.
var expectedCache = map[string]string{}

// TestStreamCloneIsolation clones a stream, changes the original, the
// clone or both in every way, and checks that each side reads exactly as
// a stream never cloned and changed the same way, and that the side left
// alone did not change at all.
func TestStreamCloneIsolation(t *testing.T) {
	for _, b := range cloneBuilds() {
		for i, m := range cloneMutations {
			other := cloneMutations[(i+7)%len(cloneMutations)]
			for _, side := range []string{"original", "clone", "both"} {
				t.Run(b.name+"/"+m.name+"/"+side, func(t *testing.T) {
					x := newTester(t)
					x.run(strings.Join(b.lines, "|"), "s")
					before := cloneState(x.stream("s"))
					x.store.dbs[0].keys["c"] = x.stream("s").Clone()
					if got := cloneState(x.stream("c")); got != before {
						t.Fatalf("clone differs from the original\n got: %s\nwant: %s", got, before)
					}
					wantS, wantC := before, before
					switch side {
					case "original":
						x.run(m.lines, "s")
						wantS = expectedState(t, b, m.lines)
					case "clone":
						x.run(m.lines, "c")
						wantC = expectedState(t, b, m.lines)
					case "both":
						x.run(m.lines, "s")
						x.run(other.lines, "c")
						x.run(m.lines, "s") // a second change to blocks s owns now
						wantS = expectedState(t, b, m.lines+"|"+m.lines)
						wantC = expectedState(t, b, other.lines)
					}
					if got := cloneState(x.stream("s")); got != wantS {
						t.Errorf("original\n got: %s\nwant: %s", got, wantS)
					}
					if got := cloneState(x.stream("c")); got != wantC {
						t.Errorf("clone\n got: %s\nwant: %s", got, wantC)
					}
				})
			}
		}
	}
}

// TestStreamCloneOfClone changes a stream, a clone and a clone of the
// clone in turn: generations must keep each one's blocks its own.
func TestStreamCloneOfClone(t *testing.T) {
	x := newTester(t)
	x.run(strings.Join(buildLines(250), "|"), "s")
	x.store.dbs[0].keys["c"] = x.stream("s").Clone()
	x.run("XADD K * f a g 1|XDEL K 120-0", "s")
	x.store.dbs[0].keys["d"] = x.stream("c").Clone()
	x.run("XADD K * f b g 2|XDEL K 121-0|XTRIM K MAXLEN 200", "c")
	x.run("XADD K * f c g 3|XDEL K 122-0|XTRIM K MINID 30", "d")
	x.store.dbs[0].keys["e"] = x.stream("s").Clone()
	x.run("XADD K * f d g 4", "e")
	b := cloneBuild{lines: buildLines(250)}
	for key, lines := range map[string]string{
		"s": "XADD K * f a g 1|XDEL K 120-0",
		"c": "XADD K * f b g 2|XDEL K 121-0|XTRIM K MAXLEN 200",
		"d": "XADD K * f c g 3|XDEL K 122-0|XTRIM K MINID 30",
		"e": "XADD K * f a g 1|XDEL K 120-0|XADD K * f d g 4",
	} {
		if got, want := cloneState(x.stream(key)), expectedState(t, b, strings.ReplaceAll(lines, "K", "s")); got != want {
			t.Errorf("%s\n got: %s\nwant: %s", key, got, want)
		}
	}
}

// TestStreamCloneRandom runs random changes on three keys, cloning a
// random key onto another every so often, and compares every key with
// a stream never cloned: one rebuilt from the commands that made it.
func TestStreamCloneRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	x := newTester(t)
	keys := []string{"a", "b", "c"}
	history := map[string][]string{}
	check := func() {
		t.Helper()
		for _, k := range keys {
			s := x.stream(k)
			y := newTester(t)
			y.run(strings.Join(append([]string{"XADD K 0-1 seed 1"}, history[k]...), "|"), "K2")
			want := "none"
			if w := y.stream("K2"); w != nil {
				want = cloneState(w)
			}
			got := "none"
			if s != nil {
				got = cloneState(s)
			}
			if got != want {
				t.Fatalf("key %s after %d changes\n got: %s\nwant: %s", k, len(history[k]), got, want)
			}
		}
	}
	for _, k := range keys {
		x.run("XADD K 0-1 seed 1", k)
	}
	for step := 0; step < 3000; step++ {
		k := keys[rng.Intn(len(keys))]
		var line string
		s := x.stream(k)
		last := s.LastID()
		switch r := rng.Intn(100); {
		case r < 2:
			to := keys[rng.Intn(len(keys))]
			if to != k {
				x.store.dbs[0].keys[to] = s.Clone()
				history[to] = append([]string(nil), history[k]...)
			}
			continue
		case r < 55:
			// Explicit IDs: the model replays without this clock.
			id, err := s.NextID(uint64(x.now), true, ID{}, false)
			if err != nil {
				t.Fatal(err)
			}
			if rng.Intn(4) == 0 {
				line = fmt.Sprintf("XADD K %v x%d %d", id, rng.Intn(3), rng.Intn(1000))
			} else {
				line = fmt.Sprintf("XADD K %v f %d g v%d", id, rng.Intn(1000), step)
			}
		case r < 75:
			var ids []string
			for range 1 + rng.Intn(20) {
				ids = append(ids, fmt.Sprintf("%d-%d", last.Ms-uint64(rng.Intn(int(min(last.Ms, 400))+1)), rng.Intn(3)))
			}
			line = "XDEL K " + strings.Join(ids, " ")
		case r < 82:
			line = fmt.Sprintf("XTRIM K MAXLEN %d", s.Len()-int64(rng.Intn(30)))
		case r < 88:
			line = fmt.Sprintf("XTRIM K MAXLEN ~ %d LIMIT %d", s.Len()/2, 1+rng.Intn(300))
		case r < 93:
			if e, ok := s.First(); ok {
				line = fmt.Sprintf("XTRIM K MINID %s %d-0", []string{"=", "~"}[rng.Intn(2)], e.ID.Ms+uint64(rng.Intn(50)))
			} else {
				continue
			}
		default:
			line = fmt.Sprintf("XSETID K %d-0", last.Ms+uint64(rng.Intn(5)))
		}
		if strings.HasPrefix(line, "XTRIM K MAXLEN") && s.Len() < 40 {
			continue
		}
		if x.stream(k).Len() > 0 || strings.HasPrefix(line, "XADD") {
			x.run(line, k)
			history[k] = append(history[k], line)
		}
		x.now += int64(rng.Intn(2))
		if step%500 == 499 {
			check()
		}
	}
	check()
}

// TestStreamCloneConcurrentRead reads a clone from another goroutine
// while the original changes in every way (go test -race), as a snapshot
// writes its copy without the keyspace lock.
func TestStreamCloneConcurrentRead(t *testing.T) {
	x := newTester(t)
	x.run(strings.Join(buildLines(1000), "|"), "s")
	want := cloneState(x.stream("s"))
	clone := x.stream("s").Clone().(*Stream)
	var wg sync.WaitGroup
	wg.Add(1)
	errc := make(chan string, 1)
	go func() {
		defer wg.Done()
		for range 20 {
			if got := cloneState(clone); got != want {
				errc <- got
				return
			}
		}
	}()
	for _, m := range cloneMutations {
		x.run(m.lines, "s")
		x.run(strings.Join(buildLines(5), "|"), "s") // (mostly rejected: IDs too small)
		x.run("XADD K * f v g 1", "s")
	}
	wg.Wait()
	select {
	case got := <-errc:
		t.Fatalf("clone changed while read\n got: %s\nwant: %s", got, want)
	default:
	}
}
