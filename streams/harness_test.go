package streams

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
)

// tester runs stream commands without a server, as kv's tester does: it
// checks arity as the broker does, runs the handler, records emitted
// effects and can replay them onto an empty keyspace. The keyspace is the
// small fake below, so these tests do not depend on kv; the generic key
// commands on streams are tested through the broker.
type tester struct {
	t         *testing.T
	store     *fakeStore
	table     *command.Table
	now       int64
	db        int
	proto     int
	blockable bool
	effects   []effect
	lastBlock *command.BlockRequest
}

type effect struct {
	db   int
	args [][]byte
}

func (x *tester) Emit(db int, args [][]byte) {
	cp := make([][]byte, len(args))
	for i, a := range args {
		cp[i] = append([]byte(nil), a...)
	}
	x.effects = append(x.effects, effect{db, cp})
}

func newTester(t *testing.T) *tester {
	x := &tester{t: t, now: 1_700_000_000_000, proto: 2}
	x.store = newFakeStore(func() int64 { return x.now })
	table, err := command.NewTable(Specs(), fakeSpecs())
	if err != nil {
		t.Fatal(err)
	}
	x.table = table
	return x
}

// lookup resolves args as the broker does (command.Table), subcommands
// and arity included.
func (x *tester) lookup(args [][]byte) (*command.Spec, error) { return x.table.Resolve(args) }

// exec runs args against store and returns the raw reply.
func (x *tester) exec(store *fakeStore, db int, args [][]byte, loading, retrying bool) []byte {
	out := command.NewReply(x.proto)
	s, err := x.lookup(args)
	if err != nil {
		out.Error(command.Translate(err))
		return out.Bytes()
	}
	c := command.NewCtx(out, x)
	c.Args, c.DB, c.Keyspace, c.Loading, c.Retrying = args, store.DB(db), store, loading, retrying
	c.SetBlockable(x.blockable && !loading)
	if err := s.Run(c); err != nil {
		if out.Len() != 0 {
			x.t.Fatalf("%s wrote a reply and returned %v", args[0], err)
		}
		out.Error(command.Translate(err))
	}
	x.lastBlock = c.TakeBlock()
	if x.lastBlock != nil && out.Len() != 0 {
		x.t.Fatalf("%s blocked and replied %q", args[0], out.Bytes())
	}
	return out.Bytes()
}

func (x *tester) do(line string) string {
	return resptest.Format(x.exec(x.store, x.db, resptest.Split(line), false, false))
}

// want runs a command line and fails unless the formatted reply is want.
func (x *tester) want(line, want string) {
	x.t.Helper()
	if got := x.do(line); got != want {
		x.t.Errorf("%s\n got: %s\nwant: %s", line, got, want)
	}
}

// wants runs each {line, want} pair in order.
func (x *tester) wants(pairs ...string) {
	x.t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		x.want(pairs[i], pairs[i+1])
	}
}

// checkReplay replays every effect emitted so far onto an empty store
// and fails unless both keyspaces hold the same streams, down to block
// layout, counters and IDs.
func (x *tester) checkReplay() {
	x.t.Helper()
	replica := newFakeStore(func() int64 { return math.MaxInt32 }) // replay must not read the clock
	for _, e := range x.effects {
		raw := x.exec(replica, e.db, e.args, true, false)
		if len(raw) > 0 && raw[0] == '-' {
			x.t.Errorf("replaying %q failed: %s", e.args, raw)
		}
	}
	if got, want := dumpStore(replica), dumpStore(x.store); !reflect.DeepEqual(got, want) {
		x.t.Errorf("replayed keyspace differs\n replayed: %v\n     live: %v", got, want)
	}
}

// dumpStore describes every key: its type, and for a stream its state.
func dumpStore(s *fakeStore) map[string]string {
	out := map[string]string{}
	for i, db := range s.dbs {
		for key, v := range db.keys {
			desc := v.Type()
			if st, ok := v.(*Stream); ok {
				desc = dumpStream(st)
			}
			out[fmt.Sprintf("%d/%s", i, key)] = desc
		}
	}
	return out
}

// dumpStream renders a stream's state and layout.
func dumpStream(s *Stream) string {
	var b strings.Builder
	fmt.Fprintf(&b, "len=%d last=%v first=%v maxdel=%v added=%d blocks=[", s.length, s.lastID, s.firstID,
		s.maxDeletedID, s.entriesAdded)
	s.index.Scan(func(n node) bool {
		fmt.Fprintf(&b, "{%v..%v live=%d dead=%d %x}", n.first, n.b.last, n.b.live, n.b.dead, n.b.buf)
		return true
	})
	b.WriteString("] entries=[")
	it := s.Range(ID{}, MaxID, false)
	for e, ok := it.Next(); ok; e, ok = it.Next() {
		fmt.Fprintf(&b, "%v%q ", e.ID, e.Pairs())
	}
	b.WriteString("]")
	return b.String()
}

// advance moves the clock forward by ms milliseconds.
func (x *tester) advance(ms int64) { x.now += ms }

func fmtReply(raw []byte) string { return resptest.Format(raw) }
