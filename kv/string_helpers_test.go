package kv

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// listStub is a non-string value, so string tests can check WRONGTYPE
// without depending on the list type.
type listStub struct{ items []string }

func (l *listStub) Type() string         { return "list" }
func (l *listStub) Encoding() string     { return "listpack" }
func (l *listStub) Clone() command.Value { return &listStub{items: append([]string(nil), l.items...)} }

// newStringTester is newTester plus a test-only MKLIST command that
// stores a listStub through a logged command, so checkReplay still holds:
//
//	MKLIST key item
func newStringTester(t *testing.T) *tester {
	return newTester(t, command.Spec{Name: "MKLIST", Arity: 3, Flags: command.Write, Keys: command.FirstKey,
		Run: func(c *command.Ctx) error {
			database(c).Put(c.Args[1], &listStub{items: []string{string(c.Args[2])}})
			c.EmitArgs()
			c.Out.OK()
			return nil
		}})
}

// wantEffects runs line, checks its reply, and checks the effects it
// emitted, each written as its arguments joined by spaces ("SET k v PXAT
// 1700000010000"); no effects means it must emit none.
func (x *tester) wantEffects(line, reply string, effects ...string) {
	x.t.Helper()
	before := len(x.effects)
	x.want(line, reply)
	var got []string
	for _, e := range x.effects[before:] {
		args := make([]string, len(e.args))
		for i, a := range e.args {
			args[i] = string(a)
		}
		got = append(got, strings.Join(args, " "))
	}
	if strings.Join(got, " | ") != strings.Join(effects, " | ") {
		x.t.Errorf("%s\n effects: %q\n    want: %q", line, got, effects)
	}
}

// wantExpireAt fails unless key exists in the current database with the
// given expiry (Unix ms, 0 = none).
func (x *tester) wantExpireAt(key string, at int64) {
	x.t.Helper()
	got, ok := x.store.Database(x.db).ExpireAt([]byte(key))
	if !ok || got != at {
		x.t.Errorf("expiry of %q = %d (exists %v), want %d", key, got, ok, at)
	}
}

// wantEncoding fails unless key holds a value with the given encoding.
func (x *tester) wantEncoding(key, enc string) {
	x.t.Helper()
	v := x.store.Database(x.db).Lookup([]byte(key))
	if v == nil || v.Encoding() != enc {
		x.t.Errorf("encoding of %q = %v, want %s", key, v, enc)
	}
}
