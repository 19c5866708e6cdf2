package kv

import (
	"reflect"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
)

// tester runs kv commands without a server: it looks the command up in
// Specs(), checks arity as the broker does, runs the handler and records
// the effects it emits, so a test can check the reply and then that
// replaying the effects rebuilds the same keyspace.
type tester struct {
	t       *testing.T
	store   *Store
	table   *command.Table
	now     int64
	db      int
	proto   int
	effects []effect
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

// newTester returns a tester over every kv command, plus extra test-only
// commands.
func newTester(t *testing.T, extra ...command.Spec) *tester {
	x := &tester{t: t, now: 1_700_000_000_000, proto: 2}
	x.store = NewStore(16, Hooks{Expired: func(db int, key []byte) {
		x.Emit(db, [][]byte{[]byte("DEL"), key})
	}})
	x.store.SetClock(func() int64 { return x.now })
	table, err := command.NewTable(Specs(), extra)
	if err != nil {
		t.Fatal(err)
	}
	x.table = table
	return x
}

// advance moves the clock forward by ms milliseconds.
func (x *tester) advance(ms int64) { x.now += ms }

// lookup resolves args as the broker does (command.Table), subcommands
// and arity included.
func (x *tester) lookup(args [][]byte) (*command.Spec, error) { return x.table.Resolve(args) }

// exec runs args against store on database db and returns the raw reply.
func (x *tester) exec(store *Store, db int, args [][]byte, loading bool) []byte {
	out := command.NewReply(x.proto)
	s, err := x.lookup(args)
	if err != nil {
		out.Error(command.Translate(err))
		return out.Bytes()
	}
	c := command.NewCtx(out, x)
	c.Args, c.DB, c.Keyspace, c.Loading = args, store.DB(db), store, loading
	if err := s.Run(c); err != nil {
		if out.Len() != 0 {
			x.t.Fatalf("%s wrote a reply and returned %v", args[0], err)
		}
		out.Error(command.Translate(err))
	}
	return out.Bytes()
}

// do runs a command line (see resptest.Split) and returns the formatted
// reply (see resptest.Format).
func (x *tester) do(line string) string {
	return resptest.Format(x.exec(x.store, x.db, resptest.Split(line), false))
}

// want runs a command line and fails unless the formatted reply is want.
func (x *tester) want(line, want string) {
	x.t.Helper()
	if got := x.do(line); got != want {
		x.t.Errorf("%s\n got: %s\nwant: %s", line, got, want)
	}
}

// checkReplay replays every effect emitted so far onto an empty store, as
// start-up replays the log, and fails unless both keyspaces are equal.
func (x *tester) checkReplay() {
	x.t.Helper()
	replica := NewStore(16, Hooks{})
	replica.SetClock(func() int64 { return x.now })
	replica.SetLoading(true)
	for _, e := range x.effects {
		raw := x.exec(replica, e.db, e.args, true)
		if len(raw) > 0 && raw[0] == '-' {
			x.t.Errorf("replaying %q failed: %s", e.args, raw)
		}
	}
	replica.SetLoading(false)
	if got, want := dumpStore(replica), dumpStore(x.store); !reflect.DeepEqual(got, want) {
		x.t.Errorf("replayed keyspace differs\n replayed: %v\n     live: %v", got, want)
	}
}

type dumpedKey struct {
	Value    command.Value
	ExpireAt int64
}

func dumpStore(s *Store) map[int]map[string]dumpedKey {
	out := map[int]map[string]dumpedKey{}
	for i, db := range s.dbs {
		if len(db.keys) == 0 {
			continue
		}
		m := map[string]dumpedKey{}
		for k, e := range db.keys {
			m[k] = dumpedKey{e.value, e.expireAt}
		}
		out[i] = m
	}
	return out
}
