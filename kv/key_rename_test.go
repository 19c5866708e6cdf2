package kv

import (
	"testing"

	"github.com/brokerd/brokerd/command"
)

func TestRename(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.want("SEED l list x", "OK")
	steps := []struct{ line, want string }{
		{"RENAME nope x", "ERR no such key"},
		{"RENAMENX nope x", "ERR no such key"},
		{"RENAME a a", "OK"},
		{"RENAMENX a a", "(int) 0"},
		{"RENAMENX a b", "(int) 0"},
		{"RENAME a c", "OK"},
		{"EXISTS a", "(int) 0"},
		{"TYPE c", "string"},
		{"RENAME l b", "OK"}, // overwrites, whatever the type
		{"TYPE b", "list"},
		{"RENAMENX b fresh", "(int) 1"},
		{"TYPE fresh", "list"},
		{"RENAME x", "ERR wrong number of arguments for 'rename' command"},
	}
	for _, s := range steps {
		x.want(s.line, s.want)
	}
	x.checkReplay()
}

func TestRenameLogsOnlyChanges(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.wantLogged("RENAME a a", "OK")
	x.wantLogged("RENAMENX a b", "(int) 0")
	x.wantLogged("RENAME a b", "OK", "db0 RENAME a b")
	x.wantLogged("RENAMENX b c", "(int) 1", "db0 RENAMENX b c")
	x.checkReplay()
}

func TestRenameKeepsSourceTTL(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("src", "dst", "plain")
	x.want("PEXPIRE src 5000", "(int) 1")
	x.want("PEXPIRE dst 100", "(int) 1")
	x.want("RENAME src dst", "OK")
	x.want("PTTL dst", "(int) 5000") // the source's TTL, not the destination's
	x.want("RENAME plain dst", "OK")
	x.want("PTTL dst", "(int) -1")
	x.checkReplay()
}

func TestRenameExpiredKeys(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("src", "dst", "old")
	x.want("PEXPIRE old 10", "(int) 1")
	x.want("PEXPIRE dst 10", "(int) 1")
	x.advance(10)
	x.wantLogged("RENAME old x", "ERR no such key", "db0 DEL old")
	// The expired destination counts as absent, so RENAMENX succeeds; its
	// removal is logged before the command.
	x.wantLogged("RENAMENX src dst", "(int) 1", "db0 DEL dst", "db0 RENAMENX src dst")
	x.checkReplay()
}

func TestParseCopyArgs(t *testing.T) {
	tests := []struct {
		line string
		want copyArgs
		err  error
	}{
		{line: "COPY a b", want: copyArgs{db: 2}},
		{line: "COPY a b REPLACE", want: copyArgs{db: 2, replace: true}},
		{line: "COPY a b db 5", want: copyArgs{db: 5}},
		{line: "COPY a b DB 0 replace replace", want: copyArgs{db: 0, replace: true}},
		{line: "COPY a b DB 1 DB 3", want: copyArgs{db: 3}},
		{line: "COPY a b DB", err: command.ErrSyntax},
		{line: "COPY a b FOO", err: command.ErrSyntax},
		{line: "COPY a b DB x", err: command.ErrNotInteger},
		{line: "COPY a b DB 16", err: command.ErrDBIndex},
		{line: "COPY a b DB -1", err: command.ErrDBIndex},
		{line: "COPY a b DB 2147483648", err: command.ErrIntRange},
		// left to right: the first problem is the one reported
		{line: "COPY a b DB 99 FOO", err: command.ErrDBIndex},
		{line: "COPY a b FOO DB 99", err: command.ErrSyntax},
	}
	for _, tt := range tests {
		got, err := parseCopyArgs(keyArgs(tt.line), 2, 16)
		if err != tt.err {
			t.Errorf("%s: err %v, want %v", tt.line, err, tt.err)
			continue
		}
		if err == nil && (got.db != tt.want.db || got.replace != tt.want.replace || string(got.src) != "a" || string(got.dst) != "b") {
			t.Errorf("%s: got %+v, want %+v", tt.line, got, tt.want)
		}
	}
}

func TestCopy(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.want("SEED l list x", "OK")
	x.want("PEXPIRE a 5000", "(int) 1")
	steps := []struct{ line, want string }{
		{"COPY a a", "ERR source and destination objects are the same"},
		{"COPY a a DB 0", "ERR source and destination objects are the same"},
		{"COPY a b DB 16", "ERR DB index is out of range"},
		{"COPY a b FOO", "ERR syntax error"},
		{"COPY nope c", "(int) 0"},
		{"COPY a b", "(int) 0"}, // exists
		{"COPY a c", "(int) 1"},
		{"PTTL c", "(int) 5000"}, // TTL copied
		{"PTTL a", "(int) 5000"}, // source untouched
		{"COPY l b REPLACE", "(int) 1"},
		{"TYPE b", "list"},
		{"PTTL b", "(int) -1"},
		{"COPY a a DB 1", "(int) 1"},
		{"COPY l x DB 2", "(int) 1"},
	}
	for _, s := range steps {
		x.want(s.line, s.want)
	}
	x.db = 1
	x.want("PTTL a", "(int) 5000")
	x.db = 2
	x.want("TYPE x", "list")
	x.db = 0
	x.checkReplay()

	// The copy is deep: it shares nothing with the source.
	src := x.store.Database(0).keys["l"].value.(*otherValue)
	dst := x.store.Database(2).keys["x"].value.(*otherValue)
	if src == dst || &src.items[0] == &dst.items[0] {
		t.Error("COPY shared the value with the source")
	}
}

func TestCopyExpiredKeysAndLog(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "gone")
	x.db = 3
	x.seedKeys("b")
	x.want("PEXPIRE b 10", "(int) 1")
	x.db = 0
	x.want("PEXPIRE gone 10", "(int) 1")
	x.advance(10)
	x.wantLogged("COPY gone z", "(int) 0", "db0 DEL gone")
	// The expired destination in db 3 is removed (and logged there) first.
	x.wantLogged("COPY a b DB 3", "(int) 1", "db3 DEL b", "db0 COPY a b DB 3")
	x.wantLogged("COPY a b DB 3", "(int) 0")
	x.checkReplay()
}

func TestMove(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b", "t")
	x.want("PEXPIRE t 5000", "(int) 1")
	x.db = 1
	x.seedKeys("b")
	x.db = 0
	steps := []struct{ line, want string }{
		{"MOVE a 0", "ERR source and destination objects are the same"},
		{"MOVE a 16", "ERR DB index is out of range"},
		{"MOVE a -1", "ERR DB index is out of range"},
		{"MOVE a x", "ERR value is not an integer or out of range"},
		{"MOVE a 4294967296", "ERR value is out of range, value must between -2147483648 and 2147483647"},
		{"MOVE nope 1", "(int) 0"},
		{"MOVE b 1", "(int) 0"}, // exists there
		{"EXISTS b", "(int) 1"},
		{"MOVE a 1", "(int) 1"},
		{"EXISTS a", "(int) 0"},
		{"MOVE t 1", "(int) 1"},
	}
	for _, s := range steps {
		x.want(s.line, s.want)
	}
	x.db = 1
	x.want("EXISTS a", "(int) 1")
	x.want("PTTL t", "(int) 5000") // TTL kept
	x.wantLogged("MOVE a 0", "(int) 1", "db1 MOVE a 0")
	x.checkReplay()
}

func TestMoveExpiredKeys(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "gone")
	x.db = 2
	x.seedKeys("a")
	x.want("PEXPIRE a 10", "(int) 1")
	x.db = 0
	x.want("PEXPIRE gone 10", "(int) 1")
	x.advance(10)
	x.wantLogged("MOVE gone 2", "(int) 0", "db0 DEL gone")
	x.wantLogged("MOVE a 2", "(int) 1", "db2 DEL a", "db0 MOVE a 2")
	x.checkReplay()
}
