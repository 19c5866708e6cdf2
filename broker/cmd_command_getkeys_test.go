package broker_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// getKeysCases is a typical call of every registered command and what
// COMMAND GETKEYS answers for it. The replies were compared by hand with
// redis-server 7.0.15's; Redis 7.2 differs from 7.0 only in accepting a
// command with no arguments (COMMAND GETKEYS's arity is -3, not -4) and
// in having CLIENT NO-TOUCH and CLIENT SETINFO.
var getKeysCases = []adminCase{
	{"COMMAND GETKEYS append k v", `["k"]`},
	{"COMMAND GETKEYS auth pass", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS bgrewriteaof", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS bgsave", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS blmove src dst left right 0", `["src" "dst"]`},
	{"COMMAND GETKEYS blmpop 0 2 a b left count 2", `["a" "b"]`},
	{"COMMAND GETKEYS blpop a b 0", `["a" "b"]`},
	{"COMMAND GETKEYS brpop a b 0", `["a" "b"]`},
	{"COMMAND GETKEYS brpoplpush src dst 0", `["src" "dst"]`},
	{"COMMAND GETKEYS client id", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client getname", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client info", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client kill id 1", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client list", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client no-evict on", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client no-touch on", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client setinfo lib-name x", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS client setname n", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS command count", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS command docs get", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS command getkeys get k", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS command getkeysandflags get k", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS command help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS command info get", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS command list", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS config get maxmemory", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS config help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS config resetstat", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS config set maxmemory 0", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS copy src dst replace", `["src" "dst"]`},
	{"COMMAND GETKEYS dbsize", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS decr k", `["k"]`},
	{"COMMAND GETKEYS decrby k 2", `["k"]`},
	{"COMMAND GETKEYS del a b c", `["a" "b" "c"]`},
	{"COMMAND GETKEYS discard", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS echo hi", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS exec", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS exists a b", `["a" "b"]`},
	{"COMMAND GETKEYS expire k 10", `["k"]`},
	{"COMMAND GETKEYS expireat k 10", `["k"]`},
	{"COMMAND GETKEYS expiretime k", `["k"]`},
	{"COMMAND GETKEYS flushall", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS flushdb", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS get k", `["k"]`},
	{"COMMAND GETKEYS getdel k", `["k"]`},
	{"COMMAND GETKEYS getex k ex 10", `["k"]`},
	{"COMMAND GETKEYS getrange k 0 1", `["k"]`},
	{"COMMAND GETKEYS substr k 0 1", `["k"]`},
	{"COMMAND GETKEYS getset k v", `["k"]`},
	{"COMMAND GETKEYS hello 3", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS hdel k f", `["k"]`},
	{"COMMAND GETKEYS hexists k f", `["k"]`},
	{"COMMAND GETKEYS hget k f", `["k"]`},
	{"COMMAND GETKEYS hgetall k", `["k"]`},
	{"COMMAND GETKEYS hincrby k f 1", `["k"]`},
	{"COMMAND GETKEYS hincrbyfloat k f 1.5", `["k"]`},
	{"COMMAND GETKEYS hkeys k", `["k"]`},
	{"COMMAND GETKEYS hlen k", `["k"]`},
	{"COMMAND GETKEYS hmget k a b", `["k"]`},
	{"COMMAND GETKEYS hmset k f v", `["k"]`},
	{"COMMAND GETKEYS hrandfield k 2 withvalues", `["k"]`},
	{"COMMAND GETKEYS hscan k 0 match * count 10", `["k"]`},
	{"COMMAND GETKEYS hset k f v", `["k"]`},
	{"COMMAND GETKEYS hsetnx k f v", `["k"]`},
	{"COMMAND GETKEYS hstrlen k f", `["k"]`},
	{"COMMAND GETKEYS hvals k", `["k"]`},
	{"COMMAND GETKEYS incr k", `["k"]`},
	{"COMMAND GETKEYS incrby k 2", `["k"]`},
	{"COMMAND GETKEYS incrbyfloat k 1.5", `["k"]`},
	{"COMMAND GETKEYS info", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS keys *", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS lastsave", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS lindex l 0", `["l"]`},
	{"COMMAND GETKEYS linsert l before p v", `["l"]`},
	{"COMMAND GETKEYS llen l", `["l"]`},
	{"COMMAND GETKEYS lmove src dst left right", `["src" "dst"]`},
	{"COMMAND GETKEYS lmpop 2 a b left count 2", `["a" "b"]`},
	{"COMMAND GETKEYS lpop l 2", `["l"]`},
	{"COMMAND GETKEYS lpos l v rank 1", `["l"]`},
	{"COMMAND GETKEYS lpush l a b", `["l"]`},
	{"COMMAND GETKEYS lpushx l a", `["l"]`},
	{"COMMAND GETKEYS lrange l 0 -1", `["l"]`},
	{"COMMAND GETKEYS lrem l 0 v", `["l"]`},
	{"COMMAND GETKEYS lset l 0 v", `["l"]`},
	{"COMMAND GETKEYS ltrim l 0 1", `["l"]`},
	{"COMMAND GETKEYS mget a b c", `["a" "b" "c"]`},
	{"COMMAND GETKEYS move k 1", `["k"]`},
	{"COMMAND GETKEYS mset a 1 b 2", `["a" "b"]`},
	{"COMMAND GETKEYS msetnx a 1 b 2", `["a" "b"]`},
	{"COMMAND GETKEYS multi", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS object encoding k", `["k"]`},
	{"COMMAND GETKEYS object freq k", `["k"]`},
	{"COMMAND GETKEYS object help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS object idletime k", `["k"]`},
	{"COMMAND GETKEYS object refcount k", `["k"]`},
	{"COMMAND GETKEYS persist k", `["k"]`},
	{"COMMAND GETKEYS pexpire k 10", `["k"]`},
	{"COMMAND GETKEYS pexpireat k 10", `["k"]`},
	{"COMMAND GETKEYS pexpiretime k", `["k"]`},
	{"COMMAND GETKEYS ping", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS psetex k 10 v", `["k"]`},
	{"COMMAND GETKEYS psubscribe p*", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS pttl k", `["k"]`},
	{"COMMAND GETKEYS publish ch m", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS pubsub channels", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS pubsub help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS pubsub numpat", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS pubsub numsub ch", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS pubsub shardchannels", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS pubsub shardnumsub ch", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS punsubscribe", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS quit", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS randomkey", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS rename src dst", `["src" "dst"]`},
	{"COMMAND GETKEYS renamenx src dst", `["src" "dst"]`},
	{"COMMAND GETKEYS reset", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS rpop l", `["l"]`},
	{"COMMAND GETKEYS rpoplpush src dst", `["src" "dst"]`},
	{"COMMAND GETKEYS rpush l a b", `["l"]`},
	{"COMMAND GETKEYS rpushx l a", `["l"]`},
	{"COMMAND GETKEYS save", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS scan 0", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS select 1", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS set k v", `["k"]`},
	{"COMMAND GETKEYS set k v get", `["k"]`},
	{"COMMAND GETKEYS setex k 10 v", `["k"]`},
	{"COMMAND GETKEYS setnx k v", `["k"]`},
	{"COMMAND GETKEYS setrange k 0 v", `["k"]`},
	{"COMMAND GETKEYS monitor", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS shutdown", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS slowlog get 1", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS slowlog help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS slowlog len", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS slowlog reset", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS spublish ch m", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS ssubscribe ch", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS strlen k", `["k"]`},
	{"COMMAND GETKEYS subscribe ch", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS sunsubscribe ch", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS swapdb 0 1", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS time", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS touch a b", `["a" "b"]`},
	{"COMMAND GETKEYS ttl k", `["k"]`},
	{"COMMAND GETKEYS type k", `["k"]`},
	{"COMMAND GETKEYS unlink a b", `["a" "b"]`},
	{"COMMAND GETKEYS unsubscribe", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS unwatch", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS watch a b", `["a" "b"]`},
	{"COMMAND GETKEYS xack s g 0-1", `["s"]`},
	{"COMMAND GETKEYS xadd s * f v", `["s"]`},
	{"COMMAND GETKEYS xautoclaim s g c 0 0", `["s"]`},
	{"COMMAND GETKEYS xclaim s g c 0 0-1", `["s"]`},
	{"COMMAND GETKEYS xdel s 0-1", `["s"]`},
	{"COMMAND GETKEYS xgroup create s g $ mkstream", `["s"]`},
	{"COMMAND GETKEYS xgroup createconsumer s g c", `["s"]`},
	{"COMMAND GETKEYS xgroup delconsumer s g c", `["s"]`},
	{"COMMAND GETKEYS xgroup destroy s g", `["s"]`},
	{"COMMAND GETKEYS xgroup help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS xgroup setid s g $", `["s"]`},
	{"COMMAND GETKEYS xinfo consumers s g", `["s"]`},
	{"COMMAND GETKEYS xinfo groups s", `["s"]`},
	{"COMMAND GETKEYS xinfo help", `ERR The command has no key arguments`},
	{"COMMAND GETKEYS xinfo stream s full", `["s"]`},
	{"COMMAND GETKEYS xlen s", `["s"]`},
	{"COMMAND GETKEYS xpending s g - + 10", `["s"]`},
	{"COMMAND GETKEYS xrange s - +", `["s"]`},
	{"COMMAND GETKEYS xread count 2 streams a b 0 0", `["a" "b"]`},
	{"COMMAND GETKEYS xread block 0 streams a b c $ $ $", `["a" "b" "c"]`},
	{"COMMAND GETKEYS xreadgroup group g c count 1 streams a b > >", `["a" "b"]`},
	{"COMMAND GETKEYS xreadgroup group g c noack streams a b c > > >", `["a" "b" "c"]`},
	{"COMMAND GETKEYS xrevrange s + -", `["s"]`},
	{"COMMAND GETKEYS xsetid s 0-1", `["s"]`},
	{"COMMAND GETKEYS xtrim s maxlen 10", `["s"]`},
	// Containers called bare are commands without keys.
	{"COMMAND GETKEYS client", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS command", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS config", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS object", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS pubsub", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS slowlog", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS xgroup", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS xinfo", "ERR The command has no key arguments"},
}

// TestCommandGetKeysEveryCommand runs getKeysCases and the families'
// tables kept with their tests, and checks that together they cover every
// command and subcommand COMMAND LIST names.
func TestCommandGetKeysEveryCommand(t *testing.T) {
	s := brokertest.Start(t)
	names, err := s.Client().CommandList(brokertest.Ctx(), nil).Result()
	if err != nil {
		t.Fatal(err)
	}
	every := slices.Concat(getKeysCases, scriptGetKeysCases, setGetKeysCases, zsetGetKeysCases, zsetAlgebraGetKeysCases)
	adminExpect(t, s.Dial(), every)
	covered := map[string]bool{}
	for _, tc := range every {
		words := strings.Fields(strings.ToLower(tc.cmd))[2:]
		name := words[0]
		if len(words) > 1 && slices.Contains(names, name+"|"+words[1]) {
			name += "|" + words[1]
		}
		covered[name] = true
	}
	for _, name := range names {
		if !covered[name] {
			t.Errorf("no COMMAND GETKEYS case for %s in getKeysCases", name)
		}
	}
}

// TestCommandGetKeysMovable covers the commands whose keys Redis finds by
// a keyword or a key count, including the arguments on which their key
// spec gives up and Redis's getkeys function (xreadGetKeys, lmpopGetKeys)
// answers instead. Replies as redis-server 7.0.15 gave them.
func TestCommandGetKeysMovable(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, s.Dial(), []adminCase{
		{"COMMAND GETKEYS xread count 2 streams a b 0 0", `["a" "b"]`},
		{"COMMAND GETKEYS xread block 0 count 5 STREAMS a b c d $ $ $ $", `["a" "b" "c" "d"]`},
		{"COMMAND GETKEYS xread streams a b 0", `["a"]`}, // odd: half rounded down
		{"COMMAND GETKEYS xread COUNT streams STREAMS a b 0", `["STREAMS" "a"]`},
		{"COMMAND GETKEYS xread count 1 streams a", "ERR Invalid arguments specified for command"},
		{"COMMAND GETKEYS xread count 1 block 2 x", "ERR Invalid arguments specified for command"},
		{"COMMAND GETKEYS xreadgroup group g c count 1 streams a b > >", `["a" "b"]`},
		{"COMMAND GETKEYS xreadgroup group g c noack streams a b c > > >", `["a" "b" "c"]`},
		{"COMMAND GETKEYS xreadgroup group g c x y z", "ERR Invalid arguments specified for command"},
		{"COMMAND GETKEYS xreadgroup streams a b c d e", "ERR Invalid arguments specified for command"},
		// The spec's STREAMS (searched from the 4th argument) has one
		// argument after it; xreadGetKeys finds the first STREAMS.
		{"COMMAND GETKEYS xreadgroup NOACK STREAMS a b c d STREAMS y", `["a" "b" "c"]`},
		{"COMMAND GETKEYS xreadgroup COUNT 1 STREAMS a b STREAMS y", `["a" "b"]`},
		{"COMMAND GETKEYS lmpop 3 a b c left count 2", `["a" "b" "c"]`},
		{"COMMAND GETKEYS lmpop 2 a b", `["a" "b"]`},
		{"COMMAND GETKEYS lmpop 0 a left", "ERR Invalid arguments specified for command"},
		{"COMMAND GETKEYS lmpop 3 a left", "ERR Invalid arguments specified for command"},
		{"COMMAND GETKEYS lmpop -1 a b", "ERR Invalid arguments specified for command"},
		{"COMMAND GETKEYS lmpop x a left", "ERR Invalid arguments specified for command"},
		// The spec wants a plain integer; lmpopGetKeys reads it with atoi.
		{"COMMAND GETKEYS lmpop 2abc a b left", `["a" "b"]`},
		{"COMMAND GETKEYS lmpop +2 a b left", `["a" "b"]`},
		{"COMMAND GETKEYS lmpop 02 a b left", `["a" "b"]`},
		{"COMMAND GETKEYS blmpop 0 3 a b c right", `["a" "b" "c"]`},
		{"COMMAND GETKEYS blmpop 0 x a b left", "ERR Invalid arguments specified for command"},
		{"COMMAND GETKEYS blmpop 0 1 a", "ERR Invalid number of arguments specified for command"},
		{"COMMAND GETKEYS blpop a b c 0", `["a" "b" "c"]`},
		{"COMMAND GETKEYS mset a 1 b", `["a" "b"]`},
		{"COMMAND GETKEYS set get get", `["get"]`},
	})
}

func TestCommandGetKeysErrors(t *testing.T) {
	s := brokertest.Start(t)
	for _, sub := range []string{"GETKEYS", "GETKEYSANDFLAGS"} {
		t.Run(sub, func(t *testing.T) {
			adminExpect(t, s.Dial(), []adminCase{
				{"COMMAND " + sub, "ERR wrong number of arguments for 'command|" + strings.ToLower(sub) + "' command"},
				{"COMMAND " + sub + " nosuch a", "ERR Invalid command specified"},
				{"COMMAND " + sub + " client nosuch", "ERR Invalid command specified"},
				{"COMMAND " + sub + " ping", "ERR The command has no key arguments"},
				{"COMMAND " + sub + " spublish ch msg", "ERR The command has no key arguments"},
				{"COMMAND " + sub + " command getkeys get k", "ERR The command has no key arguments"},
				{"COMMAND " + sub + " get", "ERR Invalid number of arguments specified for command"},
				{"COMMAND " + sub + " get a b", "ERR Invalid number of arguments specified for command"},
				{"COMMAND " + sub + " set k", "ERR Invalid number of arguments specified for command"},
				{"COMMAND " + sub + " object encoding", "ERR Invalid number of arguments specified for command"},
				{"COMMAND " + sub + " xreadgroup group g c streams a", "ERR Invalid number of arguments specified for command"},
				{"COMMAND " + sub + " lmpop 0 a left", "ERR Invalid arguments specified for command"},
			})
		})
	}
}

// TestCommandGetKeysAndFlags checks the reply shape, [key, flags] pairs
// with the flags a set in RESP3, and the flags of the key specs, of SET's
// getkeys function (they depend on GET) and of LMPOP's (none, as in
// Redis, when the key spec cannot read the count).
func TestCommandGetKeysAndFlags(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, adminDial(t, s, 3), []adminCase{
		{"COMMAND GETKEYSANDFLAGS set k v", `[["k" set[OW update]]]`},
		{"COMMAND GETKEYSANDFLAGS set k v ex 10 get", `[["k" set[RW access update]]]`},
		{"COMMAND GETKEYSANDFLAGS xreadgroup group g c streams a b > >", `[["a" set[RO access]] ["b" set[RO access]]]`},
		{"COMMAND GETKEYSANDFLAGS lmove src dst left right", `[["src" set[RW access delete]] ["dst" set[RW insert]]]`},
		{"COMMAND GETKEYSANDFLAGS blmpop 0 2 a b left", `[["a" set[RW access delete]] ["b" set[RW access delete]]]`},
		{"COMMAND GETKEYSANDFLAGS lmpop +2 a b left", `[["a" set[]] ["b" set[]]]`},
		{"COMMAND GETKEYSANDFLAGS del a b", `[["a" set[RM delete]] ["b" set[RM delete]]]`},
		{"COMMAND GETKEYSANDFLAGS xgroup create s g $", `[["s" set[RW insert]]]`},
	})
	adminExpect(t, adminDial(t, s, 2), []adminCase{
		{"COMMAND GETKEYSANDFLAGS set k v", `[["k" [OW update]]]`},
		{"COMMAND GETKEYSANDFLAGS rename a b", `[["a" [RW access delete]] ["b" [OW update]]]`},
	})
}

// TestCommandInfoMovableKeySpecs checks COMMAND INFO for the commands
// whose keys are found by keyword or count: no key range, the movablekeys
// flag, and the key spec GETKEYS applies; and a spec's notes (SET).
func TestCommandInfoMovableKeySpecs(t *testing.T) {
	s := brokertest.Start(t)
	r := adminDial(t, s, 3)
	adminExpect(t, r, []adminCase{
		{"COMMAND INFO xread", `[["xread" (int) -4 set[readonly blocking movablekeys] (int) 0 (int) 0 (int) 0 set[@read @stream @slow @blocking] set[] ` +
			`set[{"flags":set[RO access] "begin_search":{"type":"keyword" "spec":{"keyword":"STREAMS" "startfrom":(int) 1}} ` +
			`"find_keys":{"type":"range" "spec":{"lastkey":(int) -1 "keystep":(int) 1 "limit":(int) 2}}}] set[]]]`},
	})
	for _, tc := range []struct{ name, want string }{
		{"lmpop", `set[write movablekeys] (int) 0 (int) 0 (int) 0`},
		{"lmpop", `set[{"flags":set[RW access delete] "begin_search":{"type":"index" "spec":{"index":(int) 1}} ` +
			`"find_keys":{"type":"keynum" "spec":{"keynumidx":(int) 0 "firstkey":(int) 1 "keystep":(int) 1}}}]`},
		{"blmpop", `"begin_search":{"type":"index" "spec":{"index":(int) 2}}`},
		{"xreadgroup", `set[write blocking movablekeys]`},
		{"xreadgroup", `"spec":{"keyword":"STREAMS" "startfrom":(int) 4}`},
		{"set", `set[{"notes":"RW and ACCESS due to the optional ` + "`GET`" + ` argument" "flags":set[RW access update variable_flags] `},
		{"lmove", `set[{"flags":set[RW access delete] "begin_search":{"type":"index" "spec":{"index":(int) 1}} ` +
			`"find_keys":{"type":"range" "spec":{"lastkey":(int) 0 "keystep":(int) 1 "limit":(int) 0}}} ` +
			`{"flags":set[RW insert] "begin_search":{"type":"index" "spec":{"index":(int) 2}}`},
	} {
		if got := r.Do("COMMAND INFO " + tc.name); !strings.Contains(got, tc.want) {
			t.Errorf("COMMAND INFO %s lacks %s:\n%s", tc.name, tc.want, got)
		}
	}
}

func TestCommandHelpAndDocsListGetKeysAndFlags(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	help := r.Do("COMMAND HELP")
	want := "GETKEYS <full-command>     Return the keys from a full Redis command. " +
		"GETKEYSANDFLAGS <full-command>     Return the keys and the access flags from a full Redis command. HELP"
	if !strings.Contains(help, want) {
		t.Errorf("COMMAND HELP lacks GETKEYSANDFLAGS: %s", help)
	}
	if docs := r.Do("COMMAND DOCS command|getkeysandflags"); !strings.HasPrefix(docs, `["command|getkeysandflags" ["summary" "Extracts the key names and access flags for an arbitrary command."`) {
		t.Errorf("COMMAND DOCS command|getkeysandflags = %.300s", docs)
	}
}
