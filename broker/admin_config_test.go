package broker_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

func TestConfigGetGoRedis(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := brokertest.Ctx()
		all, err := rdb.ConfigGet(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		dir, _ := filepath.Abs(s.Dir)
		_, port, _ := strings.Cut(s.Addr, ":")
		want := map[string]string{"bind": "127.0.0.1", "port": port, "dir": dir, "databases": "16",
			"appendonly": "yes", "appendfsync": "always", "save": "", "requirepass": "",
			"maxclients": "10000", "timeout": "0", "busy-reply-threshold": "5000", "lua-time-limit": "5000",
			"stream-node-max-bytes": "4096", "stream-node-max-entries": "100",
			"slowlog-log-slower-than": "10000", "slowlog-max-len": "128",
			"hash-max-listpack-entries": "512", "hash-max-ziplist-entries": "512",
			"hash-max-listpack-value": "64", "hash-max-ziplist-value": "64",
			"list-max-listpack-size": "-2", "list-max-ziplist-size": "-2", "set-max-intset-entries": "512",
			"set-max-listpack-entries": "128", "set-max-listpack-value": "64",
			"zset-max-listpack-entries": "128", "zset-max-ziplist-entries": "128",
			"zset-max-listpack-value": "64", "zset-max-ziplist-value": "64",
			"client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
			"notify-keyspace-events":     ""}
		if len(all) != len(want) {
			t.Errorf("CONFIG GET * = %v", all)
		}
		for k, v := range want {
			if all[k] != v {
				t.Errorf("%s = %q, want %q", k, all[k], v)
			}
		}
		got, err := rdb.ConfigGet(ctx, "MAX*").Result()
		if err != nil || len(got) != 1 || got["maxclients"] != "10000" {
			t.Errorf("CONFIG GET MAX* = %v, %v", got, err)
		}
		if err := rdb.ConfigSet(ctx, "timeout", "30").Err(); err != nil {
			t.Fatal(err)
		}
		if got := rdb.ConfigGet(ctx, "timeout").Val(); got["timeout"] != "30" {
			t.Errorf("timeout after CONFIG SET = %v", got)
		}
	})
}

func TestConfigGetReplyShape(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, adminDial(t, s, 2), []adminCase{
		{"CONFIG GET maxclients", `["maxclients" "10000"]`},
		{"CONFIG GET maxclients max* MAXCLIENTS", `["maxclients" "10000"]`},
		// An exact name is echoed as given, as redis-server 7.0.15 does
		// (configGetCommand keeps argv's spelling; found by /tmp/diff-admin).
		{"CONFIG GET MAXCLIENTS", `["MAXCLIENTS" "10000"]`},
		{"CONFIG GET MaxClients maxclients", `["MaxClients" "10000"]`},
		{"CONFIG GET nosuch", `[]`},
		{"CONFIG GET appendonly save", `["appendonly" "yes" "save" ""]`},
	})
	adminExpect(t, adminDial(t, s, 3), []adminCase{
		{"CONFIG GET maxclients", `{"maxclients":"10000"}`},
		{"CONFIG GET nosuch", `{}`},
	})
}

func TestConfigSetErrors(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, s.Dial(), []adminCase{
		{"CONFIG SET foo bar", "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{"CONFIG SET databases 4", "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		{"CONFIG SET PORT 1", "ERR CONFIG SET failed (possibly related to argument 'PORT') - can't set immutable config"},
		{"CONFIG SET appendonly no", "ERR CONFIG SET failed (possibly related to argument 'appendonly') - can't set immutable config"},
		{"CONFIG SET maxclients abc", "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"},
		{"CONFIG SET maxclients 0", "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"},
		{"CONFIG SET timeout -1", "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive"},
		{"CONFIG SET stream-node-max-bytes abc", "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-bytes') - argument must be a memory value"},
		{"CONFIG SET stream-node-max-bytes -1", "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-bytes') - argument must be a memory value"},
		{"CONFIG SET stream-node-max-bytes 99999999999999999999", "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-bytes') - argument must be between 0 and 9223372036854775807 inclusive"},
		{"CONFIG SET stream-node-max-entries 1k", "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-entries') - argument couldn't be parsed into an integer"},
		{"CONFIG SET stream-node-max-entries -1", "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-entries') - argument must be between 0 and 9223372036854775807 inclusive"},
		// The packed encodings' limits are Redis's defaults, fixed.
		{"CONFIG SET hash-max-listpack-entries 512", "OK"},
		{"CONFIG SET zset-max-ziplist-entries 129", "ERR CONFIG SET failed (possibly related to argument 'zset-max-ziplist-entries') - brokerd keeps Redis's default 128: its packed encodings are built for it"},
		{"CONFIG SET set-max-intset-entries x", "ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - argument couldn't be parsed into an integer"},
		{"CONFIG SET appendfsync sometimes", "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no"},
		{"CONFIG SET timeout 1 timeout 2", "ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter"},
		{"CONFIG SET timeout 1 maxclients", "ERR syntax error"},
		{"CONFIG SET timeout", "ERR wrong number of arguments for 'config|set' command"},
		{"CONFIG SET save 3600", "ERR CONFIG SET failed (possibly related to argument 'save') - brokerd has no RDB save points; it persists through its write-ahead log"},
		{`CONFIG SET save ""`, "OK"},
		{"CONFIG REWRITE", "ERR unknown subcommand 'REWRITE'. Try CONFIG HELP."},
		{"CONFIG GET", "ERR wrong number of arguments for 'config|get' command"},
	})
}

func TestConfigSetIsAtomic(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, s.Dial(), []adminCase{
		{"CONFIG SET timeout 5 maxclients abc", "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"},
		{"CONFIG SET timeout 5 nosuch 1", "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
		{"CONFIG GET timeout", `["timeout" "0"]`},
		{"CONFIG SET timeout 5 maxclients 50", "OK"},
		{"CONFIG GET timeout maxclients", `["timeout" "5" "maxclients" "50"]`},
	})
}

func TestConfigSetAppendFsync(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for _, p := range []string{"everysec", "no", "ALWAYS"} {
		adminExpect(t, r, []adminCase{
			{"CONFIG SET appendfsync " + p, "OK"},
			{"CONFIG GET appendfsync", `["appendfsync" "` + strings.ToLower(p) + `"]`},
		})
		if got := adminInfoFields(adminUnquote(t, r.Do("INFO persistence")))["appendfsync"]; got != strings.ToLower(p) {
			t.Errorf("INFO appendfsync = %s after setting %s", got, p)
		}
	}
}

func TestConfigSetRequirePass(t *testing.T) {
	s := brokertest.Start(t)
	admin := s.Dial()
	adminExpect(t, admin, []adminCase{
		{"CONFIG SET requirepass s3cret", "OK"},
		// Connections made before the password stay authenticated, as in Redis.
		{"PING", "PONG"},
		{"CONFIG GET requirepass", `["requirepass" "s3cret"]`},
	})
	adminExpect(t, s.Dial(), []adminCase{
		{"PING", "NOAUTH Authentication required."},
		{"CLIENT ID", "NOAUTH Authentication required."},
		{"AUTH wrong", "WRONGPASS invalid username-password pair or user is disabled."},
		{"AUTH s3cret", "OK"},
		{"PING", "PONG"},
	})
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, Password: "s3cret", DisableIdentity: true})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(brokertest.Ctx()).Err(); err != nil {
		t.Errorf("go-redis with password: %v", err)
	}
	adminExpect(t, admin, []adminCase{{`CONFIG SET requirepass ""`, "OK"}})
	adminExpect(t, s.Dial(), []adminCase{{"PING", "PONG"}})
}

func TestConfigSetMaxClients(t *testing.T) {
	s := brokertest.Start(t)
	admin := s.Dial()
	adminExpect(t, admin, []adminCase{{"CONFIG SET maxclients 1", "OK"}})
	rejected := s.Dial()
	if got := rejected.Read(); got != "ERR max number of clients reached" {
		t.Errorf("connection over maxclients got %s", got)
	}
	if !rejected.Closed() {
		t.Error("connection over maxclients left open")
	}
	stats := adminInfoFields(adminUnquote(t, admin.Do("INFO stats")))
	if n, _ := strconv.Atoi(stats["rejected_connections"]); n < 1 {
		t.Errorf("rejected_connections = %s", stats["rejected_connections"])
	}
	adminExpect(t, admin, []adminCase{{"CONFIG SET maxclients 10", "OK"}})
	adminExpect(t, s.Dial(), []adminCase{{"PING", "PONG"}})
}

func TestConfigSetTimeoutClosesNewIdleConnections(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, s.Dial(), []adminCase{{"CONFIG SET timeout 1", "OK"}})
	idle := s.Dial()
	adminExpect(t, idle, []adminCase{{"PING", "PONG"}})
	if !idle.Closed() { // Closed waits up to 10s for the server to hang up
		t.Error("idle connection not closed after timeout")
	}
}

func TestConfigResetStatAndHelp(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for i := 0; i < 5; i++ {
		r.Do("PING")
	}
	adminExpect(t, r, []adminCase{{"CONFIG RESETSTAT", "OK"}})
	stats := adminInfoFields(adminUnquote(t, r.Do("INFO stats")))
	// INFO itself is the only command since the reset.
	if stats["total_commands_processed"] != "1" || stats["total_connections_received"] != "0" {
		t.Errorf("after RESETSTAT: %v", stats)
	}
	if help := r.Do("CONFIG HELP"); !strings.HasPrefix(help, "[CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are: GET <pattern> ") {
		t.Errorf("CONFIG HELP = %s", help)
	}
}

// TestConfigStreamNodeLimits: stream-node-max-entries and -bytes decide
// where XADD starts a new block, which XINFO STREAM's radix-tree-keys
// shows (figures from redis-server 7.0.15 for the same commands).
func TestConfigStreamNodeLimits(t *testing.T) {
	s := brokertest.Start(t)
	c := s.Dial()
	t.Cleanup(func() { c.Do("CONFIG SET stream-node-max-bytes 4096 stream-node-max-entries 100") })
	keys := func(key string) string {
		t.Helper()
		info := c.Do("XINFO STREAM " + key)
		_, rest, ok := strings.Cut(info, `"radix-tree-keys" (int) `)
		if !ok {
			t.Fatalf("XINFO STREAM %s = %s", key, info)
		}
		n, _, _ := strings.Cut(rest, " ")
		return n
	}
	for _, tc := range []struct {
		set, get string // CONFIG SET arguments, CONFIG GET stream-node-max-* reply
		key      string
		n        int    // XADDs of the fields below
		fields   string // each entry's field and value
		blocks   string // radix-tree-keys
	}{
		{"stream-node-max-entries 2", `["stream-node-max-bytes" "4096" "stream-node-max-entries" "2"]`, "e", 5, "f v", "3"},
		{"stream-node-max-entries 0 stream-node-max-bytes 4kb", `["stream-node-max-bytes" "4096" "stream-node-max-entries" "0"]`, "n", 300, "f v", "1"},
		{"stream-node-max-bytes 40", `["stream-node-max-bytes" "40" "stream-node-max-entries" "0"]`, "b", 4, "field value-0123456789", "4"},
	} {
		adminExpect(t, c, []adminCase{{"CONFIG SET " + tc.set, "OK"}, {"CONFIG GET stream-node-max-*", tc.get}})
		for i := 1; i <= tc.n; i++ {
			c.Do("XADD " + tc.key + " " + strconv.Itoa(i) + " " + tc.fields)
		}
		if got := keys(tc.key); got != tc.blocks {
			t.Errorf("after CONFIG SET %s, %d XADDs of %q: radix-tree-keys %s, want %s", tc.set, tc.n, tc.fields, got, tc.blocks)
		}
	}
}
