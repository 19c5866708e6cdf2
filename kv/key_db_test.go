package kv

import (
	"fmt"
	"testing"

	"github.com/brokerd/brokerd/command"
)

func TestDBSize(t *testing.T) {
	x := newKeyTester(t)
	x.want("DBSIZE", "(int) 0")
	x.seedKeys("a", "b", "c")
	x.want("DBSIZE", "(int) 3")
	x.want("PEXPIRE c 10", "(int) 1")
	x.advance(10)
	x.want("DBSIZE", "(int) 3") // expired but not yet removed, as Redis counts
	x.want("DEL c", "(int) 0")
	x.want("DBSIZE", "(int) 2")
	x.db = 1
	x.want("DBSIZE", "(int) 0")
	x.want("DBSIZE x", "ERR wrong number of arguments for 'dbsize' command")
	x.checkReplay()
}

func TestParseFlushArgs(t *testing.T) {
	tests := []struct {
		line string
		err  error
	}{
		{"FLUSHDB", nil},
		{"FLUSHDB ASYNC", nil},
		{"flushall sync", nil},
		{"FLUSHDB FOO", command.ErrSyntax},
		{"FLUSHDB ASYNC SYNC", command.ErrSyntax},
		{"FLUSHALL SYNC SYNC", command.ErrSyntax},
	}
	for _, tt := range tests {
		if err := parseFlushArgs(keyArgs(tt.line)); err != tt.err {
			t.Errorf("%s: %v, want %v", tt.line, err, tt.err)
		}
	}
}

func TestFlushDB(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.db = 1
	x.seedKeys("c")
	x.db = 0
	x.wantLogged("FLUSHDB FOO", "ERR syntax error")
	x.wantLogged("FLUSHDB ASYNC", "OK", "db0 FLUSHDB ASYNC")
	x.want("DBSIZE", "(int) 0")
	x.wantLogged("FLUSHDB", "OK") // already empty: nothing logged
	x.db = 1
	x.want("DBSIZE", "(int) 1")
	x.checkReplay()
}

func TestFlushAll(t *testing.T) {
	x := newKeyTester(t)
	x.wantLogged("FLUSHALL", "OK") // nothing to remove
	x.seedKeys("a")
	x.want("EXPIRE a 100", "(int) 1")
	x.db = 15
	x.seedKeys("b")
	x.wantLogged("FLUSHALL SYNC", "OK", "db15 FLUSHALL SYNC")
	for i := 0; i < 16; i++ {
		x.db = i
		x.want("DBSIZE", "(int) 0")
	}
	x.want("FLUSHALL ASYNC x", "ERR syntax error")
	x.checkReplay()
}

func TestParseSwapDBArgs(t *testing.T) {
	tests := []struct {
		line      string
		first, sc int
		err       error
	}{
		{"SWAPDB 0 1", 0, 1, nil},
		{"SWAPDB 15 15", 15, 15, nil},
		{"SWAPDB x 1", 0, 0, errFirstDBIndex},
		{"SWAPDB 0 x", 0, 0, errSecondDBIndex},
		{"SWAPDB x y", 0, 0, errFirstDBIndex},
		{"SWAPDB 2147483648 0", 0, 0, errFirstDBIndex}, // beyond int32: the same message
		{"SWAPDB 0 -2147483649", 0, 0, errSecondDBIndex},
		{"SWAPDB 16 x", 0, 0, errSecondDBIndex}, // both parse before the range check
		{"SWAPDB 16 0", 0, 0, command.ErrDBIndex},
		{"SWAPDB 0 -1", 0, 0, command.ErrDBIndex},
	}
	for _, tt := range tests {
		first, second, err := parseSwapDBArgs(keyArgs(tt.line), 16)
		if err != tt.err || first != tt.first || second != tt.sc {
			t.Errorf("%s: %d %d %v, want %d %d %v", tt.line, first, second, err, tt.first, tt.sc, tt.err)
		}
	}
}

func TestSwapDB(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a")
	x.want("PEXPIRE a 5000", "(int) 1")
	x.db = 1
	x.seedKeys("b", "c")
	x.wantLogged("SWAPDB 0 1", "OK", "db1 SWAPDB 0 1")
	x.want("DBSIZE", "(int) 1") // db 1 now holds what db 0 held
	x.want("PTTL a", "(int) 5000")
	x.db = 0
	x.want("DBSIZE", "(int) 2")
	x.wantLogged("SWAPDB 0 0", "OK") // no change
	x.wantLogged("SWAPDB 7 8", "OK") // both empty: no change
	x.wantLogged("SWAPDB 0 16", "ERR DB index is out of range")
	x.want("SWAPDB a 1", "ERR invalid first DB index")
	x.want("SWAPDB 0 b", "ERR invalid second DB index")
	x.wantLogged("SWAPDB 0 9", "OK", "db0 SWAPDB 0 9")
	x.want("DBSIZE", "(int) 0")
	x.checkReplay()
}

func TestActiveExpireRemovesAndLogs(t *testing.T) {
	x := newKeyTester(t)
	for i := 0; i < 50; i++ {
		k := fmt.Sprintf("k%d", i)
		x.seedKeys(k)
		if i%2 == 0 {
			x.want("PEXPIRE "+k+" 10", "(int) 1")
		}
	}
	x.want("PEXPIRE later 10", "(int) 0")
	x.seedKeys("later")
	x.want("PEXPIRE later 1000", "(int) 1")
	x.advance(10)
	db := x.store.Database(0)
	before := len(x.effects)
	removed := 0
	for i := 0; i < 100 && removed < 25; i++ {
		n := db.ActiveExpire(5)
		if n > 5 {
			t.Fatalf("ActiveExpire(5) removed %d keys", n)
		}
		removed += n
	}
	if removed != 25 || db.Size() != 26 {
		t.Fatalf("removed %d, %d keys left", removed, db.Size())
	}
	if got := len(x.effects) - before; got != 25 {
		t.Errorf("%d DELs logged for 25 expired keys", got)
	}
	if db.ActiveExpire(100) != 0 {
		t.Error("nothing more is expired yet")
	}
	x.checkReplay()
}
