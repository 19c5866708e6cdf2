package consumergroups

import (
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/brokerd/brokerd/streams"
)

// groupBuild makes stream s with 600 entries (5 blocks and more), two
// groups, three consumers with pending entries spread over many PEL
// chunks, some acknowledged.
func groupBuild(x *tester) {
	for i := 1; i <= 600; i++ {
		x.do(fmt.Sprintf("XADD s %d-0 f v%d", i, i))
	}
	x.do("XGROUP CREATE s g 0")
	x.do("XGROUP CREATE s h 300")
	x.do("XREADGROUP GROUP g alice COUNT 300 STREAMS s >")
	x.advance(1000)
	x.do("XREADGROUP GROUP g bob COUNT 200 STREAMS s >")
	x.do("XREADGROUP GROUP h carol COUNT 150 STREAMS s >")
	x.advance(1000)
	x.do("XACK s g 1-0 2-0 3-0 150-0 151-0 400-0")
	x.advance(5000)
}

// keyState renders everything of one key that XINFO STREAM FULL and
// XPENDING show: entries, groups, both PELs with times and counts, and
// consumers.
func (x *tester) keyState(key string) string {
	var b strings.Builder
	b.WriteString(x.do("XINFO STREAM " + key + " FULL COUNT 0"))
	for _, g := range []string{"g", "h"} {
		b.WriteString(x.do("XPENDING " + key + " " + g))
		b.WriteString(x.do("XPENDING " + key + " " + g + " - + 100000"))
		for _, c := range []string{"alice", "bob", "carol", "dave"} {
			b.WriteString(x.do("XPENDING " + key + " " + g + " - + 100000 " + c))
		}
	}
	return strings.ReplaceAll(b.String(), "'"+key+"'", "'KEY'")
}

// groupMutations change the PELs in every way; K is the key.
var groupMutations = []struct{ name, lines string }{
	{"deliver new", "XREADGROUP GROUP g alice COUNT 50 STREAMS K >"},
	{"deliver new to a new consumer", "XREADGROUP GROUP h dave COUNT 200 STREAMS K >"},
	{"redeliver history", "XREADGROUP GROUP g alice COUNT 500 STREAMS K 0"},
	{"ack", "XACK K g" + ids(4, 140) + " 500-0"},
	{"ack one", "XACK K h 301-0"},
	{"claim", "XCLAIM K g bob 0 5-0 6-0 7-0 250-0"},
	{"claim justid", "XCLAIM K g carol 0 8-0 9-0 JUSTID"},
	{"claim force", "XCLAIM K g dave 0 550-0 551-0 FORCE RETRYCOUNT 7"},
	{"autoclaim", "XAUTOCLAIM K g bob 0 0-0 COUNT 100"},
	{"autoclaim justid", "XAUTOCLAIM K g dave 0 0-0 COUNT 1000 JUSTID"},
	{"delconsumer", "XGROUP DELCONSUMER K g alice"},
	{"createconsumer", "XGROUP CREATECONSUMER K g dave"},
	{"setid and redeliver", "XGROUP SETID K g 100|XREADGROUP GROUP g carol COUNT 300 STREAMS K >"},
	{"destroy", "XGROUP DESTROY K g"},
	{"create", "XGROUP CREATE K new 0"},
	{"xdel then claim", "XDEL K 10-0 11-0 12-0|XCLAIM K g bob 0 10-0 11-0 12-0 13-0"},
	{"trim then autoclaim", "XTRIM K MAXLEN 100|XAUTOCLAIM K g bob 0 0-0 COUNT 1000"},
	{"xadd", "XADD K 601-0 f new|XREADGROUP GROUP h carol STREAMS K >"},
}

func ids(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, " %d-0", i)
	}
	return b.String()
}

func (x *tester) runOn(lines, key string) {
	for _, l := range strings.Split(lines, "|") {
		x.do(strings.ReplaceAll(l, "K", key))
	}
}

// expectedGroups is the state of s built by groupBuild and changed by
// lines, never cloned.
func expectedGroups(t *testing.T, lines string) string {
	if st, ok := expectedCache[lines]; ok {
		return st
	}
	y := newTester(t)
	groupBuild(y)
	y.runOn(lines, "s")
	st := y.keyState("s")
	expectedCache[lines] = st
	return st
}

// expectedCache keeps expectedGroups's answers, which the subtests of
// TestGroupsCloneIsolation ask for several times.
var expectedCache = map[string]string{}

// TestGroupsCloneIsolation copies a stream with groups (COPY, which
// clones), changes the PELs of the original, the copy or both in every
// way, and checks each side against a stream never copied and changed
// the same way, and the side left alone against itself before.
func TestGroupsCloneIsolation(t *testing.T) {
	for i, m := range groupMutations {
		other := groupMutations[(i+5)%len(groupMutations)]
		for _, side := range []string{"original", "copy", "both"} {
			t.Run(m.name+"/"+side, func(t *testing.T) {
				x := newTester(t)
				groupBuild(x)
				before := x.keyState("s")
				x.want("COPY s c", "(int) 1")
				if got := x.keyState("c"); got != before {
					t.Fatalf("copy differs\n got: %s\nwant: %s", got, before)
				}
				wantS, wantC := before, before
				switch side {
				case "original":
					x.runOn(m.lines, "s")
					wantS = expectedGroups(t, m.lines)
				case "copy":
					x.runOn(m.lines, "c")
					wantC = expectedGroups(t, m.lines)
				case "both":
					x.runOn(m.lines, "s")
					x.runOn(other.lines, "c")
					x.runOn(m.lines, "s")
					wantS = expectedGroups(t, m.lines+"|"+m.lines)
					wantC = expectedGroups(t, other.lines)
				}
				if got := x.keyState("s"); got != wantS {
					t.Errorf("original %s", firstDiff(got, wantS))
				}
				if got := x.keyState("c"); got != wantC {
					t.Errorf("copy %s", firstDiff(got, wantC))
				}
			})
		}
	}
}

// pelModel is a set's expected contents.
type pelModel map[streams.ID]pendingEntry

func checkPEL(t *testing.T, name string, s *idSet[pendingEntry], m pelModel) {
	t.Helper()
	var got []pendingEntry
	s.Ascend(streams.ID{}, func(p *pendingEntry) bool { got = append(got, *p); return true })
	want := slices.SortedFunc(maps.Values(m), func(a, b pendingEntry) int { return a.id.Compare(b.id) })
	if s.Len() != len(m) || !slices.Equal(got, want) {
		t.Fatalf("%s: Len %d, model %d; contents equal: %v", name, s.Len(), len(m), slices.Equal(got, want))
	}
	if len(want) > 0 {
		if last, _ := s.Last(); last != want[len(want)-1] {
			t.Fatalf("%s: Last = %v, want %v", name, last, want[len(want)-1])
		}
		mid := want[len(want)/2]
		if p := s.Get(mid.id); p == nil || *p != mid {
			t.Fatalf("%s: Get(%v) = %v", name, mid.id, p)
		}
	}
}

// TestIDSetCloneRandom changes four sets at random (inserts in and out
// of order, deletes, replacements, changes through Get), cloning one
// onto another every so often, against maps.
func TestIDSetCloneRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	sets := make([]*idSet[pendingEntry], 4)
	models := make([]pelModel, 4)
	next := make([]uint64, 4)
	for i := range sets {
		sets[i], models[i] = newIDSet[pendingEntry](), pelModel{}
	}
	for step := 0; step < 40000; step++ {
		i := rng.Intn(len(sets))
		s, m := sets[i], models[i]
		var id streams.ID
		switch r := rng.Intn(100); {
		case r < 1:
			j := rng.Intn(len(sets))
			sets[j], models[j], next[j] = s.Clone(), maps.Clone(m), next[i]
		case r < 40:
			next[i]++
			id = streams.ID{Ms: next[i] * 4}
			p := pendingEntry{id: id, deliveryTime: int64(step), deliveries: 1, consumer: uint32(rng.Intn(5))}
			s.Insert(p)
			m[id] = p
		case r < 55:
			id = streams.ID{Ms: uint64(rng.Intn(int(next[i]*4 + 1)))}
			p := pendingEntry{id: id, deliveryTime: int64(step), deliveries: 9, consumer: 7}
			s.Insert(p)
			m[id] = p
		case r < 80:
			id = streams.ID{Ms: uint64(rng.Intn(int(next[i]*4 + 1)))}
			if rng.Intn(2) == 0 {
				if f, ok := s.First(id); ok {
					id = f.id
				}
			}
			got, ok := s.Delete(id)
			want, found := m[id]
			if ok != found || got != want {
				t.Fatalf("step %d: Delete(%v) = %v %v, want %v %v", step, id, got, ok, want, found)
			}
			delete(m, id)
		default:
			id = streams.ID{Ms: uint64(rng.Intn(int(next[i]*4 + 1)))}
			if f, ok := s.First(id); ok {
				id = f.id
			}
			p := s.Get(id)
			if _, found := m[id]; (p != nil) != found {
				t.Fatalf("step %d: Get(%v) = %v, model has it: %v", step, id, p, found)
			}
			if p != nil {
				p.deliveries++
				p.deliveryTime = int64(step)
				m[id] = *p
			}
		}
		if step%1000 == 999 {
			for j := range sets {
				checkPEL(t, fmt.Sprintf("step %d set %d", step, j), sets[j], models[j])
			}
		}
	}
}

func fillPEL(n int) (*idSet[pendingEntry], pelModel) {
	s, m := newIDSet[pendingEntry](), pelModel{}
	for i := 1; i <= n; i++ {
		p := pendingEntry{id: streams.ID{Ms: uint64(i)}, deliveryTime: int64(i), deliveries: 1}
		s.Insert(p)
		m[p.id] = p
	}
	return s, m
}

// TestIDSetCloneConcurrent reads a clone from another goroutine while the
// original changes (as a snapshot writes its copy without the lock), and
// runs Clone and Gets of the original from several goroutines at once
// (as the snapshot's copy and read commands do under the read lock).
// Run with go test -race.
func TestIDSetCloneConcurrent(t *testing.T) {
	t.Run("read clone while original changes", func(t *testing.T) {
		s, m := fillPEL(5000)
		clone := s.Clone()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				checkPEL(t, "clone", clone, m)
			}
		}()
		for i := 1; i <= 5000; i += 3 {
			if p := s.Get(streams.ID{Ms: uint64(i)}); p != nil {
				p.deliveries += 10
			}
			s.Delete(streams.ID{Ms: uint64(i + 1)})
			s.Insert(pendingEntry{id: streams.ID{Ms: uint64(10000 + i)}})
		}
		wg.Wait()
	})
	t.Run("clone and gets under the read lock", func(t *testing.T) {
		s, m := fillPEL(5000)
		_ = s.Clone() // every chunk shared: Gets below copy them
		var wg sync.WaitGroup
		var clone *idSet[pendingEntry]
		wg.Add(3)
		for range 2 {
			go func() {
				defer wg.Done()
				for i := 1; i <= 5000; i += 7 {
					if p := s.Get(streams.ID{Ms: uint64(i)}); p == nil || *p != m[p.id] {
						t.Errorf("Get(%d) = %v", i, p)
						return
					}
				}
			}()
		}
		go func() {
			defer wg.Done()
			clone = s.Clone()
		}()
		wg.Wait()
		// The writer comes back: its changes must not reach the clone.
		for i := 1; i <= 5000; i++ {
			s.Get(streams.ID{Ms: uint64(i)}).deliveries = 99
		}
		s.Delete(streams.ID{Ms: 77})
		checkPEL(t, "clone", clone, m)
	})
}

// TestGroupsCloneReadCopy checks a copy's XINFO while the original's
// PEL changes, through the commands.
func TestGroupsCloneReadCopy(t *testing.T) {
	x := newTester(t)
	groupBuild(x)
	before := x.keyState("s")
	x.want("COPY s c", "(int) 1")
	for _, m := range groupMutations {
		x.runOn(m.lines, "s")
	}
	if got := x.keyState("c"); got != before {
		t.Errorf("copy changed\n got: %s\nwant: %s", got, before)
	}
}

// firstDiff shows where two renderings part.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(i-300, 0)
	return fmt.Sprintf("at %d:\n got: ...%s\nwant: ...%s", i, got[lo:min(i+300, len(got))], want[lo:min(i+300, len(want))])
}

// TestAppendPendingUpTo checks the bounded form against AppendPending
// filtered, for bounds below, inside and above the pending IDs.
func TestAppendPendingUpTo(t *testing.T) {
	x := newTester(t)
	groupBuild(x)
	set := of(x.store.DB(0).Lookup([]byte("s")).(*streams.Stream))
	all := set.AppendPending(nil)
	for _, upTo := range []streams.ID{{}, {Ms: 1}, {Ms: 4}, {Ms: 151}, {Ms: 300, Seq: 1}, {Ms: 450}, {Ms: 10000}, streams.MaxID} {
		var want []streams.ID
		for _, id := range all {
			if !upTo.Less(id) {
				want = append(want, id)
			}
		}
		got := set.AppendPendingUpTo(nil, upTo)
		slices.SortFunc(got, streams.ID.Compare)
		slices.SortFunc(want, streams.ID.Compare)
		if !slices.Equal(got, want) {
			t.Errorf("AppendPendingUpTo(%v): %d IDs, want %d", upTo, len(got), len(want))
		}
	}
}
