package kv

import (
	"fmt"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// imageOf describes captured entries by database and key: the commands
// Rewrite emits for the value, then the TTL. It is what a snapshot file
// holds, so two images are equal when their snapshots would be.
func imageOf(t *testing.T, dbs [][]Entry) map[string]string {
	t.Helper()
	out := map[string]string{}
	for db, ents := range dbs {
		for _, e := range ents {
			id := fmt.Sprintf("%d/%s", db, e.Key)
			if _, dup := out[id]; dup {
				t.Errorf("key %s captured twice", id)
			}
			var b strings.Builder
			e.Value.(command.Rewriter).Rewrite([]byte(e.Key), func(args ...[]byte) {
				fmt.Fprintf(&b, "%q;", args)
			})
			out[id] = b.String() + " ttl=" + strconv.FormatInt(e.ExpireAt, 10)
		}
	}
	return out
}

// liveImage is the image of x's keyspace now, taken all at once.
func liveImage(x *tester) map[string]string {
	dbs := make([][]Entry, x.store.Len())
	for i := range dbs {
		dbs[i] = x.store.Database(i).AppendEntries(nil)
	}
	return imageOf(x.t, dbs)
}

// run runs lines on x; "@n" selects database n. A line must not fail.
func (x *tester) run(lines []string) {
	x.t.Helper()
	for _, l := range lines {
		if db, ok := strings.CutPrefix(l, "@"); ok {
			x.db, _ = strconv.Atoi(db)
			continue
		}
		if got := x.do(l); strings.HasPrefix(got, "(error)") {
			x.t.Fatalf("%s: %s", l, got)
		}
	}
}

// captureSetup is the keyspace the copy-before-write cases start from:
// every kv type, TTLs, several databases.
var captureSetup = []string{
	"SET s1 one", "SET s2 two PX 100000", "SET n 10", "SET big " + strings.Repeat("b", 300),
	"RPUSH l1 a b c d e", "RPUSH l2 x y", "SET t1 ttl EX 1000", "SET t2 ttl2 EX 1000",
	"SET gone soon PX 5",
	"@1", "SET s1 db1", "RPUSH l1 p q",
	"@2", "SET a db2",
	"@3", "SET b db3", "RPUSH q j1 j2",
	"@0",
}

// captureCases are writes made while a capture runs, each a case of
// copy-before-write.
var captureCases = []struct {
	name  string
	lines []string
}{
	{"overwrite", []string{"SET s1 new", "SET s2 new KEEPTTL", "SET l1 nowastring", "MSET n 1 s1 again"}},
	{"string in place", []string{"APPEND s1 more", "SETRANGE big 3 xyz", "INCR n", "INCRBYFLOAT n 1.5", "APPEND s2 x"}},
	{"list in place", []string{"LPUSH l1 z", "RPOP l1", "LSET l1 0 w", "LINSERT l1 BEFORE c cc", "LREM l1 1 d",
		"LTRIM l2 1 -1", "LMOVE l1 l2 LEFT RIGHT", "RPOPLPUSH l2 l2"}},
	{"delete", []string{"DEL s1 l1", "UNLINK s2", "GETDEL n", "RPOP l2 2"}},
	{"expire", []string{"EXPIRE s1 100", "PERSIST s2", "PEXPIRE t1 1", "PEXPIREAT t2 1", "GETEX big PX 777"}},
	{"expired by a write", []string{"+10", "SET gone again"}},
	{"rename", []string{"RENAME s1 s3", "RENAME l1 l2", "RENAMENX n big", "RENAMENX n n2", "COPY s2 s4", "COPY big s2 REPLACE", "MOVE t1 2", "MOVE t2 3"}},
	{"flush", []string{"@1", "FLUSHDB", "SET s1 after", "@0", "SET s1 changed", "FLUSHALL", "SET s1 last"}},
	{"swap", []string{"SWAPDB 2 3", "@2", "SET b changed", "RPUSH q j3", "@3", "DEL a", "SET new x", "SWAPDB 0 3", "@0", "SET fresh y", "DEL a"}},
	{"created during capture", []string{"SET c1 new", "RPUSH c2 x", "DEL c1", "SET c1 again", "APPEND c3 x", "DEL s1", "SET s1 reborn", "APPEND s1 x"}},
}

// TestCaptureIsStateAtStart: whatever is written while a capture runs,
// and wherever the copy is when it happens, the capture holds the
// keyspace as it was when it began.
func TestCaptureIsStateAtStart(t *testing.T) {
	for _, tc := range captureCases {
		t.Run(tc.name, func(t *testing.T) {
			n := newTester(t)
			n.run(captureSetup)
			keys := 0
			for i := 0; i < n.store.Len(); i++ {
				keys += n.store.Database(i).Size()
			}
			// Each position of the copy when the writes happen, and the
			// copy stepping one key between writes.
			for first := 0; first <= keys+1; first++ {
				for _, interleave := range []bool{false, true} {
					x := newTester(t)
					x.run(captureSetup)
					want := liveImage(x)
					c := x.store.BeginCapture()
					out := make([][]Entry, x.store.Len())
					done := first > 0 && c.Next(out, first)
					for _, l := range tc.lines {
						if ms, ok := strings.CutPrefix(l, "+"); ok {
							d, _ := strconv.Atoi(ms)
							x.advance(int64(d))
							continue
						}
						x.run([]string{l})
						if interleave && !done {
							done = c.Next(out, 1)
						}
					}
					for !done {
						done = c.Next(out, 3)
					}
					if got := imageOf(t, out); !reflect.DeepEqual(got, want) {
						t.Fatalf("first %d, interleave %v: captured\n%v\nwant the state at the start\n%v", first, interleave, got, want)
					}
					for i := 0; i < x.store.Len(); i++ {
						if x.store.Database(i).capture != nil {
							t.Fatalf("db %d still has a capture attached", i)
						}
					}
				}
			}
		})
	}
}

// TestCaptureRandomWrites: random writes over a set of keys and
// databases, interleaved at random with the copy's steps: few keys and
// small steps, and more keys than a step with steps of up to hundreds of
// keys, so that one step passes many keys saved, created, or created and
// removed again since the start.
func TestCaptureRandomWrites(t *testing.T) {
	cases := []struct {
		name                      string
		seeds, keys, fill         int
		maxStep, maxWritesBetween int
	}{
		{"small steps", 40, 30, 80, 5, 3},
		{"large steps", 10, 2000, 3000, 300, 60},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for seed := int64(1); seed <= int64(tc.seeds); seed++ {
				captureRandomWrites(t, seed, tc.keys, tc.fill, tc.maxStep, tc.maxWritesBetween)
			}
		})
	}
}

// captureRandomWrites runs fill random writes over keys keys, then a
// capture whose steps of 1 to maxStep keys have up to maxWritesBetween
// random writes before each, and checks it holds the keyspace as it was
// at its start.
func captureRandomWrites(t *testing.T, seed int64, keys, fill, maxStep, maxWritesBetween int) {
	ops := []string{
		"SET %s v%d", "APPEND %s x%d", "INCR %s", "DEL %s", "LPUSH %s e%d", "RPOP %s", "EXPIRE %s %d",
		"PERSIST %s", "RENAME %s %s", "COPY %s %s REPLACE", "MOVE %s 1", "SWAPDB 0 1", "FLUSHDB", "GETDEL %s",
		"SETRANGE %s 2 yy", "LMOVE %s %s LEFT RIGHT",
	}
	rng := rand.New(rand.NewSource(seed))
	x := newTester(t)
	key := func() string { return "k" + strconv.Itoa(rng.Intn(keys)) }
	exec := func() {
		x.db = rng.Intn(2)
		op := ops[rng.Intn(len(ops))]
		if (op == "FLUSHDB" || op == "SWAPDB 0 1") && keys > 30 && rng.Intn(keys) > 30 {
			op = ops[0] // as often per key as with 30 keys
		}
		var line string
		switch strings.Count(op, "%") {
		case 0:
			line = op
		case 1:
			line = fmt.Sprintf(op, key())
		default:
			if strings.Contains(op, "%d") {
				line = fmt.Sprintf(op, key(), 1+rng.Intn(1000))
			} else {
				line = fmt.Sprintf(op, key(), key())
			}
		}
		x.do(line) // WRONGTYPE and the like are fine
	}
	for i := 0; i < fill; i++ {
		exec()
	}
	want := liveImage(x)
	c := x.store.BeginCapture()
	out := make([][]Entry, x.store.Len())
	for done := false; !done; {
		for i := rng.Intn(maxWritesBetween + 1); i > 0; i-- {
			exec()
		}
		done = c.Next(out, 1+rng.Intn(maxStep))
	}
	if got := imageOf(t, out); !reflect.DeepEqual(got, want) {
		t.Fatalf("seed %d: captured %d keys, want %d\n%v\nwant\n%v", seed, len(got), len(want), got, want)
	}
}

// TestCaptureAbortDetaches: an aborted capture leaves no hook behind.
func TestCaptureAbortDetaches(t *testing.T) {
	x := newTester(t)
	x.run(captureSetup)
	c := x.store.BeginCapture()
	c.Next(make([][]Entry, x.store.Len()), 2)
	x.run([]string{"SWAPDB 0 1", "SET s1 x"})
	c.Abort()
	for i := 0; i < x.store.Len(); i++ {
		if x.store.Database(i).capture != nil {
			t.Fatalf("db %d still has a capture attached", i)
		}
	}
	x.run([]string{"SET s1 y", "DEL l1"})
}

// TestCaptureKeysSortedOnce: a capture with no writes copies every key
// once, whatever the step.
func TestCaptureKeysSortedOnce(t *testing.T) {
	x := newTester(t)
	for i := 0; i < 500; i++ {
		x.run([]string{fmt.Sprintf("SET k%d %d", i, i)})
	}
	want := liveImage(x)
	c := x.store.BeginCapture()
	if c.Keys() != 500 {
		t.Errorf("Keys = %d", c.Keys())
	}
	out := make([][]Entry, x.store.Len())
	for !c.Next(out, 7) {
	}
	if got := imageOf(t, out); !reflect.DeepEqual(got, want) {
		t.Fatalf("captured %d keys, want %d", len(got), len(want))
	}
}
