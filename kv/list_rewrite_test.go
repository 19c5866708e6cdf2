package kv

import (
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/resptest"
)

func TestListRewriteRebuildsElementsAndTTL(t *testing.T) {
	x := newTester(t)
	big := strings.Repeat("j", 300)
	for i := range 2500 { // several RPUSH records and quicklist nodes
		x.do("RPUSH long " + big + strconv.Itoa(i))
	}
	for _, l := range []string{
		"RPUSH small a b c", "LPUSH small z", "LINSERT small BEFORE b mid", "LSET small 0 first",
		"RPUSH ttl x y", "PEXPIRE ttl 100000",
		`RPUSH bin "\x00\xff" "" "\r\n"`,
		"SELECT 4", "RPUSH other 1 2 3",
	} {
		x.do(l)
	}
	replica := rewriteStore(x)
	for _, k := range []struct {
		db  int
		key string
	}{{0, "long"}, {0, "small"}, {0, "ttl"}, {0, "bin"}, {4, "other"}} {
		for _, cmd := range []string{"LRANGE " + k.key + " 0 -1", "PTTL " + k.key, "OBJECT ENCODING " + k.key} {
			args := resptest.Split(cmd)
			live := resptest.Format(x.exec(x.store, k.db, args, false))
			rebuilt := resptest.Format(x.exec(replica, k.db, args, false))
			if live != rebuilt {
				t.Errorf("db %d %s: rebuilt %.200s, live %.200s", k.db, cmd, rebuilt, live)
			}
		}
	}
}
