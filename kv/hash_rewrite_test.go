package kv

import (
	"reflect"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// rewriteHash runs Rewrite on the hash at key and replays the commands on
// a fresh tester, returning the commands' count and the rebuilt value.
func rewriteHash(t *testing.T, x *tester, key string) (int, *Hash) {
	t.Helper()
	h := x.store.Database(0).Lookup([]byte(key)).(*Hash)
	y := newTester(t)
	n := 0
	h.Clone().(command.Rewriter).Rewrite([]byte(key), func(args ...[]byte) {
		n++
		if raw := y.exec(y.store, 0, args, true); len(raw) > 0 && raw[0] == '-' {
			t.Fatalf("replaying %q: %s", args, raw)
		}
	})
	return n, y.store.Database(0).Lookup([]byte(key)).(*Hash)
}

func TestHashRewrite(t *testing.T) {
	t.Run("packed keeps order", func(t *testing.T) {
		x := newTester(t)
		x.want(`HSET h b 2 a 1 "" "" bin "\x00\r\n"`, "(int) 4")
		x.want("HDEL h a", "(int) 1")
		n, got := rewriteHash(t, x, "h")
		if want := x.store.Database(0).Lookup([]byte("h")); n != 1 || !reflect.DeepEqual(got, want) {
			t.Errorf("rewrite gave %d commands and %+v, want 1 and %+v", n, got, want)
		}
	})
	t.Run("big hashtable in chunks", func(t *testing.T) {
		x := newTester(t)
		for i := range 2500 {
			x.do("HSET h f" + itoa(i) + " " + itoa(i))
		}
		n, got := rewriteHash(t, x, "h")
		if want := x.store.Database(0).Lookup([]byte("h")); n != 3 || !reflect.DeepEqual(got, want) {
			t.Errorf("rewrite gave %d commands, want 3, and a different hash", n)
		}
	})
	t.Run("large values bound the command size", func(t *testing.T) {
		x := newTester(t)
		v := strings.Repeat("v", 100<<10)
		for i := range 5 {
			x.do("HSET h f" + itoa(i) + " " + v)
		}
		n, got := rewriteHash(t, x, "h")
		if want := x.store.Database(0).Lookup([]byte("h")); n != 2 || !reflect.DeepEqual(got, want) {
			t.Errorf("rewrite gave %d commands, want 2, and a different hash", n)
		}
	})
	t.Run("small hashtable comes back packed", func(t *testing.T) {
		x := newTester(t)
		x.want("HSET h a 1 long "+strings.Repeat("x", 65), "(int) 2")
		x.want("HDEL h long", "(int) 1")
		x.wantEncoding("h", "hashtable")
		_, got := rewriteHash(t, x, "h")
		if got.Encoding() != "listpack" || got.Len() != 1 {
			t.Errorf("rebuilt %s hash of %d fields, want listpack of 1", got.Encoding(), got.Len())
		}
	})
}

// TestHashClone: a clone is equal and independent of the original.
func TestHashClone(t *testing.T) {
	for _, enc := range []string{"listpack", "hashtable"} {
		t.Run(enc, func(t *testing.T) {
			x := newTester(t)
			x.want("HSET h a 1 b 2", "(int) 2")
			size := 2
			if enc == "hashtable" {
				size = 3
				x.want("HSET h c "+strings.Repeat("x", 65), "(int) 1")
			}
			h := x.store.Database(0).Lookup([]byte("h")).(*Hash)
			c := h.Clone().(*Hash)
			if !reflect.DeepEqual(c, h) {
				t.Fatal("clone differs")
			}
			x.want("HSET h a 9 d 4", "(int) 1")
			x.want("HDEL h b", "(int) 1")
			if v, _ := c.Get([]byte("a")); string(v) != "1" || c.Len() != size {
				t.Errorf("clone changed: a=%s len=%d", v, c.Len())
			}
			if _, ok := c.Get([]byte("b")); !ok {
				t.Error("clone lost b")
			}
		})
	}
}
