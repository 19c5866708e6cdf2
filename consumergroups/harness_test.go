package consumergroups

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/streams"
)

// tester runs commands without a server on a kv keyspace with a settable
// clock, with the stream and consumer-group commands registered as the
// broker registers them. It records emitted effects and can replay them
// onto a fresh keyspace whose clock is far away, so a replay that reads
// the clock instead of the logged times shows up as a difference.
type tester struct {
	t         *testing.T
	store     *kv.Store
	table     *command.Table
	now       int64
	proto     int
	blockable bool
	retrying  bool
	effects   [][][]byte
	lastBlock *command.BlockRequest
}

func (x *tester) Emit(db int, args [][]byte) {
	cp := make([][]byte, len(args))
	for i, a := range args {
		cp[i] = append([]byte(nil), a...)
	}
	x.effects = append(x.effects, cp)
}

func newTester(t *testing.T) *tester {
	x := &tester{t: t, now: 1_700_000_000_000, proto: 2}
	x.store = x.newStore(func() int64 { return x.now })
	table, err := command.NewTable(kv.Specs(), streams.Specs(XInfoSpecs()...), Specs())
	if err != nil {
		t.Fatal(err)
	}
	x.table = table
	return x
}

func (x *tester) newStore(now func() int64) *kv.Store {
	s := kv.NewStore(16, kv.Hooks{})
	s.SetClock(now)
	return s
}

// lookup resolves args as the broker does (command.Table), subcommands
// and arity included.
func (x *tester) lookup(args [][]byte) (*command.Spec, error) { return x.table.Resolve(args) }

func (x *tester) exec(store *kv.Store, args [][]byte, loading bool) []byte {
	out := command.NewReply(x.proto)
	s, err := x.lookup(args)
	if err != nil {
		out.Error(command.Translate(err))
		return out.Bytes()
	}
	c := command.NewCtx(out, x)
	c.Args, c.DB, c.Keyspace, c.Loading, c.Retrying = args, store.DB(0), store, loading, x.retrying && !loading
	c.SetBlockable(x.blockable && !loading)
	mark := out.Len()
	if err := s.Run(c); err != nil {
		out.Truncate(mark)
		out.Error(command.Translate(err))
	}
	x.lastBlock = c.TakeBlock()
	if x.lastBlock != nil && out.Len() != 0 {
		x.t.Fatalf("%s blocked and replied %q", args[0], out.Bytes())
	}
	return out.Bytes()
}

func (x *tester) do(line string) string {
	return resptest.Format(x.exec(x.store, resptest.Split(line), false))
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

// advance moves the clock forward by ms milliseconds.
func (x *tester) advance(ms int64) { x.now += ms }

// checkReplay replays every effect emitted so far onto an empty keyspace
// and fails unless every stream reads the same in XINFO STREAM FULL:
// entries, groups, PELs with delivery times and counts, consumers with
// their seen and active times.
func (x *tester) checkReplay() {
	x.t.Helper()
	replica := x.newStore(func() int64 { return 4_000_000_000_000 })
	for _, e := range x.effects {
		if raw := x.exec(replica, e, true); len(raw) > 0 && raw[0] == '-' {
			x.t.Errorf("replaying %q failed: %s", e, raw)
		}
	}
	if got, want := x.dump(replica), x.dump(x.store); got != want {
		x.t.Errorf("replayed keyspace differs\n replayed: %s\n     live: %s", got, want)
	}
}

func (x *tester) dump(store *kv.Store) string {
	var keys []string
	for _, k := range strings.Fields(strings.Trim(resptest.Format(x.exec(store, [][]byte{[]byte("KEYS"), []byte("*")}, true)), "[]")) {
		keys = append(keys, strings.Trim(k, `"`))
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, resptest.Format(x.exec(store, [][]byte{[]byte("XINFO"), []byte("STREAM"), []byte(k), []byte("FULL"), []byte("COUNT"), []byte("0")}, true)))
	}
	return b.String()
}
