package kv

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// Redis 7.2's COMMAND INFO for the key commands: name, arity, flags, the
// (first, last, step) key triple and ACL categories.
var keyCommandInfo = []struct {
	name                string
	arity               int
	flags               string
	first, last, step   int
	categories          string
	group, since, words string // words: a phrase the summary must contain
}{
	{"DEL", -2, "write", 1, -1, 1, "@keyspace @write @slow", "generic", "1.0.0", "Deletes"},
	{"UNLINK", -2, "write fast", 1, -1, 1, "@keyspace @write @fast", "generic", "4.0.0", "Asynchronously"},
	{"EXISTS", -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", "generic", "1.0.0", "exist"},
	{"TOUCH", -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", "generic", "3.2.1", "last accessed"},
	{"TYPE", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "1.0.0", "type"},
	{"EXPIRE", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "1.0.0", "in seconds"},
	{"PEXPIRE", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "2.6.0", "in milliseconds"},
	{"EXPIREAT", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "1.2.0", "Unix timestamp"},
	{"PEXPIREAT", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "2.6.0", "milliseconds timestamp"},
	{"TTL", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "1.0.0", "in seconds"},
	{"PTTL", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "2.6.0", "in milliseconds"},
	{"EXPIRETIME", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "7.0.0", "Unix timestamp"},
	{"PEXPIRETIME", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "generic", "7.0.0", "milliseconds timestamp"},
	{"PERSIST", 2, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "2.2.0", "Removes"},
	{"RENAME", 3, "write", 1, 2, 1, "@keyspace @write @slow", "generic", "1.0.0", "overwrites"},
	{"RENAMENX", 3, "write fast", 1, 2, 1, "@keyspace @write @fast", "generic", "1.0.0", "doesn't exist"},
	{"COPY", -3, "write denyoom", 1, 2, 1, "@keyspace @write @slow", "generic", "6.2.0", "Copies"},
	{"MOVE", 3, "write fast", 1, 1, 1, "@keyspace @write @fast", "generic", "1.0.0", "another database"},
	{"KEYS", 2, "readonly", 0, 0, 0, "@keyspace @read @slow @dangerous", "generic", "1.0.0", "pattern"},
	{"SCAN", -2, "readonly", 0, 0, 0, "@keyspace @read @slow", "generic", "2.8.0", "Iterates"},
	{"RANDOMKEY", 1, "readonly", 0, 0, 0, "@keyspace @read @slow", "generic", "1.0.0", "random"},
	{"OBJECT", -2, "", 0, 0, 0, "@slow", "generic", "2.2.3", "container"},
	{"OBJECT|ENCODING", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", "encoding"},
	{"OBJECT|FREQ", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "4.0.0", "frequency"},
	{"OBJECT|IDLETIME", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", "last access"},
	{"OBJECT|REFCOUNT", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", "reference count"},
	{"OBJECT|HELP", 2, "loading stale", 0, 0, 0, "@keyspace @slow", "generic", "6.2.0", "helpful text"},
	{"DBSIZE", 1, "readonly fast", 0, 0, 0, "@keyspace @read @fast", "server", "1.0.0", "number of keys"},
	{"FLUSHDB", -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", "server", "1.0.0", "current database"},
	{"FLUSHALL", -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", "server", "1.0.0", "all databases"},
	{"SWAPDB", 3, "write fast", 0, 0, 0, "@keyspace @write @fast @dangerous", "server", "4.0.0", "Swaps"},
}

func TestKeySpecsMatchRedis(t *testing.T) {
	specs := map[string]command.Spec{}
	for _, s := range keySpecs() {
		if _, dup := specs[s.Name]; dup {
			t.Errorf("duplicate spec %s", s.Name)
		}
		specs[s.Name] = s
		for _, sub := range s.Subcommands {
			specs[sub.Name] = sub
		}
	}
	if len(specs) != len(keyCommandInfo) {
		t.Errorf("%d specs, want %d", len(specs), len(keyCommandInfo))
	}
	for _, want := range keyCommandInfo {
		s, ok := specs[want.name]
		if !ok {
			t.Errorf("no spec for %s", want.name)
			continue
		}
		got := []any{s.Arity, strings.Join(s.Flags.Names(), " "), s.Keys.First, s.Keys.Last, s.Keys.Step,
			strings.Join(s.ACLCategories, " "), s.Group, s.Since}
		exp := []any{want.arity, want.flags, want.first, want.last, want.step, want.categories, want.group, want.since}
		for i := range got {
			if got[i] != exp[i] {
				t.Errorf("%s: got %v, want %v", want.name, got, exp)
				break
			}
		}
		if !strings.Contains(s.Summary, want.words) {
			t.Errorf("%s: summary %q", want.name, s.Summary)
		}
		if (s.Run == nil) != (len(s.Subcommands) > 0) {
			t.Errorf("%s: a spec needs exactly one of Run and Subcommands", want.name)
		}
	}
}

// Write specs are the ones that log; read specs must not, and must not
// change the keyspace. Running every read command against a populated
// store logs nothing.
func TestReadCommandsLogNothing(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.want("PEXPIRE b 10", "(int) 1")
	x.advance(10) // b is expired but present: reads must leave it there
	before, size := len(x.effects), x.store.Database(0).Size()
	for _, line := range []string{
		"EXISTS a b", "TOUCH a b", "TYPE b", "TTL b", "PTTL b", "EXPIRETIME b", "PEXPIRETIME b",
		"KEYS *", "SCAN 0", "RANDOMKEY", "OBJECT ENCODING b", "OBJECT IDLETIME b", "OBJECT REFCOUNT b",
		"OBJECT FREQ b", "OBJECT HELP", "DBSIZE",
	} {
		args := keyArgs(line)
		s, err := x.lookup(args)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Has(command.ReadOnly) && line != "OBJECT HELP" {
			t.Errorf("%s is not read-only", line)
		}
		x.do(line)
	}
	if len(x.effects) != before || x.store.Database(0).Size() != size {
		t.Errorf("read commands changed the keyspace or logged effects")
	}
	x.checkReplay()
}
