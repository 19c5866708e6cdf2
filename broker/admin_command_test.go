package broker_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

func TestCommandInfoShape(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, adminDial(t, s, 2), []adminCase{
		{"COMMAND INFO ping", `[["ping" (int) -1 [fast] (int) 0 (int) 0 (int) 0 [@fast @connection] [] [] []]]`},
		{"COMMAND INFO nosuch PING", `[(nil) ["ping" (int) -1 [fast] (int) 0 (int) 0 (int) 0 [@fast @connection] [] [] []]]`},
		{"COMMAND INFO client|id", `[["client|id" (int) 2 [noscript loading stale] (int) 0 (int) 0 (int) 0 [@slow @connection] [] [] []]]`},
		{"COMMAND INFO client|nosuch", `[(nil)]`},
		// Redis's flag order puts no_multi before allow_busy.
		{"COMMAND INFO shutdown", `[["shutdown" (int) -1 [admin noscript loading stale no_multi allow_busy] (int) 0 (int) 0 (int) 0 [@admin @slow @dangerous] [] [] []]]`},
	})
	// In RESP3 the flags, categories, tips, key specs and (empty)
	// subcommands are sets, as in Redis's addReplyCommandInfo.
	adminExpect(t, adminDial(t, s, 3), []adminCase{
		{"COMMAND INFO ping", `[["ping" (int) -1 set[fast] (int) 0 (int) 0 (int) 0 set[@fast @connection] set[] set[] set[]]]`},
		{"COMMAND INFO nosuch", `[(nil)]`},
	})
}

func TestCommandInfoSubcommandsAndKeySpecs(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	got := r.Do("COMMAND INFO config")
	if !strings.HasPrefix(got, `[["config" (int) -2 [] (int) 0 (int) 0 (int) 0 [@slow] [] [] [["config|get" (int) -3 [admin noscript loading stale]`) {
		t.Errorf("COMMAND INFO config = %s", got)
	}
	if !adminHas(t, r, "object") {
		t.Skip("OBJECT is not registered yet (kv keys): no keyed command to check key specs on")
	}
	adminExpect(t, r, []adminCase{
		{"COMMAND INFO object|encoding", `[["object|encoding" (int) 3 [readonly] (int) 2 (int) 2 (int) 1 [@keyspace @read @slow] [] ` +
			`[["flags" [RO] "begin_search" ["type" "index" "spec" ["index" (int) 2]] ` +
			`"find_keys" ["type" "range" "spec" ["lastkey" (int) 0 "keystep" (int) 1 "limit" (int) 0]]]] []]]`},
	})
}

func TestCommandGoRedis(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := brokertest.Ctx()
		count, err := rdb.Do(ctx, "COMMAND", "COUNT").Int()
		if err != nil || count < 10 {
			t.Fatalf("COMMAND COUNT = %d, %v", count, err)
		}
		names, err := rdb.CommandList(ctx, nil).Result()
		if err != nil {
			t.Fatal(err)
		}
		top := 0
		for _, n := range names {
			if !strings.Contains(n, "|") {
				top++
			}
		}
		if top != count || !slices.Contains(names, "client|kill") || !slices.IsSorted(names) {
			t.Errorf("COMMAND LIST: %d top-level names (COUNT %d): %v", top, count, names)
		}
		got, err := rdb.CommandList(ctx, &redis.FilterBy{Pattern: "CONFIG*"}).Result()
		want := []string{"config", "config|get", "config|help", "config|resetstat", "config|set"}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("COMMAND LIST FILTERBY PATTERN CONFIG* = %v, %v", got, err)
		}
		got, err = rdb.CommandList(ctx, &redis.FilterBy{ACLCat: "admin"}).Result()
		if err != nil || !slices.Contains(got, "shutdown") || slices.Contains(got, "ping") {
			t.Errorf("COMMAND LIST FILTERBY ACLCAT admin = %v, %v", got, err)
		}
		got, err = rdb.CommandList(ctx, &redis.FilterBy{Module: "search"}).Result()
		if err != nil || len(got) != 0 {
			t.Errorf("COMMAND LIST FILTERBY MODULE = %v, %v", got, err)
		}
		all, err := rdb.Command(ctx).Result()
		if err != nil && strings.Contains(err.Error(), "wrong number of arguments for 'command'") {
			t.Skip("bare COMMAND needs commands.go resolve() to run a container's own handler without a subcommand")
		}
		if err != nil || len(all) != count || all["client"] == nil || all["ping"].Arity != -1 {
			t.Errorf("COMMAND: %d entries (COUNT %d), %v", len(all), count, err)
		}
	})
}

func TestCommandListAndDocsRaw(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, adminDial(t, s, 2), []adminCase{
		{"COMMAND LIST FILTERBY PATTERN time", `["time"]`},
		{"COMMAND LIST FILTERBY ACLCAT nosuchcat", `[]`},
		{"COMMAND LIST FILTERBY NOSUCH x", "ERR syntax error"},
		{"COMMAND LIST FILTERBY PATTERN", "ERR syntax error"},
		{"COMMAND LIST foo", "ERR syntax error"},
		{"COMMAND DOCS time nosuch", `["time" ["summary" "Returns the server time." "since" "2.6.0" "group" "server" "complexity" "O(1)"]]`},
		{"COMMAND DOCS client|id", `["client|id" ["summary" "Returns the unique client ID of the connection." "since" "5.0.0" "group" "connection" "complexity" "O(1)"]]`},
		{"COMMAND DOCS nosuch", `[]`},
	})
	r3 := adminDial(t, s, 3)
	adminExpect(t, r3, []adminCase{
		{"COMMAND DOCS time", `{"time":{"summary":"Returns the server time." "since":"2.6.0" "group":"server" "complexity":"O(1)"}}`},
	})
	docs := r3.Do("COMMAND DOCS config")
	if !strings.Contains(docs, `"subcommands":{"config|get":{"summary":"Returns the effective values of configuration parameters."`) {
		t.Errorf("COMMAND DOCS config = %s", docs)
	}
	all := r3.Do("COMMAND DOCS")
	count, _ := strconv.Atoi(strings.TrimPrefix(r3.Do("COMMAND COUNT"), "(int) "))
	if n := strings.Count(all, `"group":`) - strings.Count(all, `|`); n < count {
		t.Errorf("COMMAND DOCS lists %d top-level commands, COUNT is %d", n, count)
	}
}

func TestCommandGetKeys(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"COMMAND GETKEYS nosuch a", "ERR Invalid command specified"},
		{"COMMAND GETKEYS ping x", "ERR The command has no key arguments"},
		{"COMMAND GETKEYS client nosuch", "ERR Invalid command specified"},
		{"COMMAND GETKEYS", "ERR wrong number of arguments for 'command|getkeys' command"},
	})
	if !adminHas(t, r, "object") {
		t.Skip("OBJECT is not registered yet (kv keys)")
	}
	adminExpect(t, r, []adminCase{
		{"COMMAND GETKEYS object encoding mykey", `["mykey"]`},
		{"COMMAND GETKEYS object encoding", "ERR Invalid number of arguments specified for command"},
	})
	if adminHas(t, r, "del") {
		adminExpect(t, r, []adminCase{{"COMMAND GETKEYS del a b c", `["a" "b" "c"]`}})
	}
	if adminHas(t, r, "mset") {
		adminExpect(t, r, []adminCase{{"COMMAND GETKEYS mset a 1 b 2", `["a" "b"]`}})
	}
}

func TestCommandHelp(t *testing.T) {
	s := brokertest.Start(t)
	help := s.Dial().Do("COMMAND HELP")
	if !strings.HasPrefix(help, "[COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are: (no subcommand) ") {
		t.Errorf("COMMAND HELP = %s", help)
	}
}

func TestBareCommandListsEveryCommand(t *testing.T) {
	s := brokertest.Start(t)
	ctx := brokertest.Ctx()
	rdb := s.Client()
	all, err := rdb.Do(ctx, "COMMAND").Slice()
	if err != nil {
		t.Fatal(err)
	}
	count, err := rdb.Do(ctx, "COMMAND", "COUNT").Int()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != count || count == 0 {
		t.Fatalf("COMMAND gave %d entries, COMMAND COUNT %d", len(all), count)
	}
}

// TestCommandDocsCarryRedisDetails: COMMAND DOCS gives Redis's complexity,
// arguments and history, and lists only the subcommands brokerd has.
func TestCommandDocsCarryRedisDetails(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Do("HELLO 3")
	got := r.Do("COMMAND DOCS set")
	for _, want := range []string{`"complexity":"O(1)"`, `"arguments":[{`, `"history":set[`, `"name":"key"`, `"type":"key"`, `"summary":"Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."`} {
		if !strings.Contains(got, want) {
			t.Errorf("COMMAND DOCS set lacks %s: %.300s", want, got)
		}
	}
	client := r.Do("COMMAND DOCS client")
	if !strings.Contains(client, `"client|list":{`) || strings.Contains(client, `"client|tracking"`) {
		t.Errorf("COMMAND DOCS client subcommands: %.500s", client)
	}
	// Every registered command has docs, and RESP2 flattens them.
	r.Do("HELLO 2")
	if all := r.Do("COMMAND DOCS"); strings.Contains(all, "<bad RESP") || !strings.HasPrefix(all, "[") {
		t.Errorf("COMMAND DOCS in RESP2: %.200s", all)
	}
}
