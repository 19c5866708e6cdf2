package broker_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisAdmin drives every connection and server command through
// go-redis v9, once per protocol version, as the foundation issue asks:
// the raw-wire tests in admin_*_test.go pin the bytes, these pin what a Go
// user's client makes of them (typed parsers, connection state, errors).
func TestGoRedisAdmin(t *testing.T) {
	parts := []struct {
		name string
		run  func(t *testing.T, s *brokertest.Server, proto int)
	}{
		{"PingEcho", goRedisAdminPingEcho},
		{"Hello", goRedisAdminHello},
		{"AuthNoPassword", goRedisAdminAuthNoPassword},
		{"AuthRequirePass", goRedisAdminAuthRequirePass},
		{"Select", goRedisAdminSelect},
		{"QuitReset", goRedisAdminQuitReset},
		{"Client", goRedisAdminClient},
		{"ClientKill", goRedisAdminClientKill},
		{"Command", goRedisAdminCommand},
		{"Info", goRedisAdminInfo},
		{"Config", goRedisAdminConfig},
		{"TimeDBSizeFlush", goRedisAdminKeyspace},
		{"Shutdown", goRedisAdminShutdown},
	}
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			for _, p := range parts {
				t.Run(p.name, func(t *testing.T) { p.run(t, brokertest.Start(t), proto) })
			}
		})
	}
}

// goRedisClient is s's go-redis client for proto.
func goRedisClient(s *brokertest.Server, proto int) *redis.Client {
	if proto == 3 {
		return s.Client3()
	}
	return s.Client()
}

// goRedisConn is one pinned connection, for commands that change
// connection state (SELECT, HELLO, AUTH, RESET, CLIENT SETNAME).
func goRedisConn(t *testing.T, s *brokertest.Server, proto int) *redis.Conn {
	t.Helper()
	c := goRedisClient(s, proto).Conn()
	t.Cleanup(func() { c.Close() })
	return c
}

func goRedisAdminPingEcho(t *testing.T, s *brokertest.Server, proto int) {
	ctx, rdb := brokertest.Ctx(), goRedisClient(s, proto)
	r, err := rdb.Ping(ctx).Result()
	check(t, "PING", r, err, "PONG")
	r, err = rdb.Do(ctx, "PING", "hello world").Text()
	check(t, "PING msg", r, err, "hello world")
	r, err = rdb.Echo(ctx, "a b\r\n\x00c").Result()
	check(t, "ECHO", r, err, "a b\r\n\x00c")
	r, err = rdb.Echo(ctx, "").Result()
	check(t, "ECHO empty", r, err, "")
	checkErr(t, "PING a b", rdb.Do(ctx, "PING", "a", "b").Err(), "ERR wrong number of arguments for 'ping' command")
	checkErr(t, "ECHO", rdb.Do(ctx, "ECHO").Err(), "ERR wrong number of arguments for 'echo' command")
}

// checkGoRedisHello checks a HELLO reply as go-redis's Hello parses it.
func checkGoRedisHello(t *testing.T, what string, m map[string]any, err error, proto int, id int64) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	want := map[string]any{"server": "redis", "version": broker.RedisVersion, "proto": int64(proto),
		"id": id, "mode": "standalone", "role": "master"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s: %s = %#v, want %#v", what, k, m[k], v)
		}
	}
	if mods, ok := m["modules"].([]any); !ok || len(mods) != 0 || len(m) != len(want)+1 {
		t.Errorf("%s: modules %#v in %v", what, m["modules"], m)
	}
}

func goRedisAdminHello(t *testing.T, s *brokertest.Server, proto int) {
	ctx, conn := brokertest.Ctx(), goRedisConn(t, s, proto)
	id := conn.ClientID(ctx).Val()
	for _, p := range []int{3, 2, proto} {
		name := fmt.Sprintf("hello-%d", p)
		m, err := conn.Hello(ctx, p, "", "", name).Result()
		checkGoRedisHello(t, "HELLO "+strconv.Itoa(p)+" SETNAME", m, err, p, id)
		info, err := conn.ClientInfo(ctx).Result()
		if err != nil || info.Resp != p || info.Name != name {
			t.Errorf("after HELLO %d: CLIENT INFO %+v, %v", p, info, err)
		}
	}
	// The default user has nopass, so any password authenticates.
	m, err := conn.Hello(ctx, proto, "default", "anything", "").Result()
	checkGoRedisHello(t, "HELLO AUTH default", m, err, proto, id)
	bare, err := conn.Do(ctx, "HELLO").Result()
	if err != nil || bare == nil {
		t.Errorf("bare HELLO: %v, %v", bare, err)
	}
	checkErr(t, "HELLO 4", conn.Do(ctx, "HELLO", 4).Err(), "NOPROTO unsupported protocol version")
	checkErr(t, "HELLO 1", conn.Do(ctx, "HELLO", 1).Err(), "NOPROTO unsupported protocol version")
	checkErr(t, "HELLO AUTH nobody", conn.Hello(ctx, proto, "nobody", "x", "").Err(),
		"WRONGPASS invalid username-password pair or user is disabled.")
	checkErr(t, "HELLO SETNAME bad", conn.Hello(ctx, proto, "", "", "a b").Err(),
		"ERR Client names cannot contain spaces, newlines or special characters.")
	r, err := conn.Ping(ctx).Result()
	check(t, "PING after HELLO errors", r, err, "PONG")
}

const goRedisWrongPass = "WRONGPASS invalid username-password pair or user is disabled."

func goRedisAdminAuthNoPassword(t *testing.T, s *brokertest.Server, proto int) {
	ctx, conn := brokertest.Ctx(), goRedisConn(t, s, proto)
	checkErr(t, "AUTH pass", conn.Auth(ctx, "pass").Err(),
		"ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
	r, err := conn.AuthACL(ctx, "default", "anything").Result()
	check(t, "AUTH default anything", r, err, "OK")
	checkErr(t, "AUTH nobody", conn.AuthACL(ctx, "nobody", "pass").Err(), goRedisWrongPass)
	checkErr(t, "AUTH a b c", conn.Do(ctx, "AUTH", "a", "b", "c").Err(), "ERR syntax error")
}

func goRedisAdminAuthRequirePass(t *testing.T, _ *brokertest.Server, proto int) {
	ctx := brokertest.Ctx()
	s := brokertest.Start(t, brokertest.WithPassword("s3cret"))
	r, err := goRedisClient(s, proto).Ping(ctx).Result() // authenticates with HELLO AUTH
	check(t, "PING with password", r, err, "PONG")

	bad := redis.NewClient(&redis.Options{Addr: s.Addr, Password: "wrong", Protocol: proto, DisableIdentity: true, MaxRetries: -1})
	t.Cleanup(func() { bad.Close() })
	if err := bad.Ping(ctx).Err(); err == nil || !strings.HasSuffix(err.Error(), goRedisWrongPass) {
		t.Errorf("client with a wrong password: %v", err)
	}

	// Without a password go-redis's HELLO gets NOAUTH and it connects
	// unauthenticated (in RESP2), so each AUTH form can be tried by hand.
	anon := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: proto, DisableIdentity: true, MaxRetries: -1})
	t.Cleanup(func() { anon.Close() })
	conn := anon.Conn()
	t.Cleanup(func() { conn.Close() })
	const noauth = "NOAUTH Authentication required."
	checkErr(t, "PING unauthenticated", conn.Ping(ctx).Err(), noauth)
	checkErr(t, "AUTH wrong", conn.Auth(ctx, "wrong").Err(), goRedisWrongPass)
	checkErr(t, "AUTH default wrong", conn.AuthACL(ctx, "default", "wrong").Err(), goRedisWrongPass)
	checkErr(t, "AUTH nobody s3cret", conn.AuthACL(ctx, "nobody", "s3cret").Err(), goRedisWrongPass)
	checkErr(t, "HELLO unauthenticated", conn.Hello(ctx, 3, "", "", "").Err(),
		"NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
	r, err = conn.Auth(ctx, "s3cret").Result()
	check(t, "AUTH s3cret", r, err, "OK")
	r, err = conn.Ping(ctx).Result()
	check(t, "PING after AUTH", r, err, "PONG")
	r, err = conn.Do(ctx, "RESET").Text()
	check(t, "RESET", r, err, "RESET")
	checkErr(t, "PING after RESET", conn.Ping(ctx).Err(), noauth)
	r, err = conn.AuthACL(ctx, "default", "s3cret").Result()
	check(t, "AUTH default s3cret", r, err, "OK")
	conn.Do(ctx, "RESET")
	checkErr(t, "HELLO AUTH wrong", conn.Hello(ctx, proto, "default", "wrong", "").Err(), goRedisWrongPass)
	m, err := conn.Hello(ctx, proto, "default", "s3cret", "authed").Result()
	checkGoRedisHello(t, "HELLO AUTH SETNAME", m, err, proto, conn.ClientID(ctx).Val())
	name, err := conn.ClientGetName(ctx).Result()
	check(t, "CLIENT GETNAME after HELLO", name, err, "authed")
}

func goRedisAdminSelect(t *testing.T, s *brokertest.Server, proto int) {
	ctx, conn := brokertest.Ctx(), goRedisConn(t, s, proto)
	for db := 0; db < 16; db++ {
		r, err := conn.Select(ctx, db).Result()
		check(t, fmt.Sprintf("SELECT %d", db), r, err, "OK")
		conn.Set(ctx, "k", db, 0)
	}
	for db := 0; db < 16; db++ {
		conn.Select(ctx, db)
		v, err := conn.Get(ctx, "k").Result()
		check(t, fmt.Sprintf("GET k in db %d", db), v, err, strconv.Itoa(db))
	}
	for _, db := range []int{16, -1, 1<<31 - 1} {
		checkErr(t, fmt.Sprintf("SELECT %d", db), conn.Select(ctx, db).Err(), "ERR DB index is out of range")
	}
	checkErr(t, "SELECT x", conn.Do(ctx, "SELECT", "x").Err(), "ERR value is not an integer or out of range")
	t.Run("beyond32bits", func(t *testing.T) {
		for _, db := range []int{1 << 31, 1 << 40, -1<<31 - 1} {
			checkErr(t, fmt.Sprintf("SELECT %d", db), conn.Select(ctx, db).Err(),
				"ERR value is out of range, value must between -2147483648 and 2147483647")
		}
	})
	if info, err := conn.ClientInfo(ctx).Result(); err != nil || info.DB != 15 {
		t.Errorf("a failed SELECT changed the db: %+v, %v", info, err)
	}
	// go-redis's Options.DB selects on connect.
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, DB: 9, Protocol: proto, DisableIdentity: true, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	v, err := rdb.Get(ctx, "k").Result()
	check(t, "GET k with Options.DB 9", v, err, "9")
}

func goRedisAdminQuitReset(t *testing.T, s *brokertest.Server, proto int) {
	ctx, conn := brokertest.Ctx(), goRedisConn(t, s, proto)
	id := conn.ClientID(ctx).Val()
	ok, err := conn.ClientSetName(ctx, "before-reset").Result()
	check(t, "CLIENT SETNAME", ok, err, true)
	conn.Select(ctx, 7)
	conn.Hello(ctx, 3, "", "", "")
	r, err := conn.Do(ctx, "RESET").Text()
	check(t, "RESET", r, err, "RESET")
	// RESET keeps the connection (same id) but back to RESP2, db 0, no name.
	info, err := conn.ClientInfo(ctx).Result()
	if err != nil || info.ID != id || info.Resp != 2 || info.DB != 0 || info.Name != "" {
		t.Errorf("CLIENT INFO after RESET: %+v, %v", info, err)
	}
	if _, err := conn.ClientGetName(ctx).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("CLIENT GETNAME after RESET: %v, want nil", err)
	}

	q := goRedisConn(t, s, proto)
	r, err = q.Do(ctx, "QUIT").Text()
	check(t, "QUIT", r, err, "OK")
	if err := q.Ping(ctx).Err(); err == nil {
		t.Error("PING on a connection after QUIT succeeded")
	}
	r, err = conn.Ping(ctx).Result()
	check(t, "PING on another connection", r, err, "PONG")
}

func goRedisAdminClient(t *testing.T, s *brokertest.Server, proto int) {
	ctx, conn := brokertest.Ctx(), goRedisConn(t, s, proto)
	id, err := conn.ClientID(ctx).Result()
	if err != nil || id <= 0 {
		t.Fatalf("CLIENT ID = %d, %v", id, err)
	}
	if _, err := conn.ClientGetName(ctx).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("CLIENT GETNAME unnamed: %v, want nil", err)
	}
	ok, err := conn.ClientSetName(ctx, "admin").Result()
	check(t, "CLIENT SETNAME", ok, err, true)
	name, err := conn.ClientGetName(ctx).Result()
	check(t, "CLIENT GETNAME", name, err, "admin")
	checkErr(t, "CLIENT SETNAME a b", conn.ClientSetName(ctx, "a b").Err(),
		"ERR Client names cannot contain spaces, newlines or special characters.")
	info, err := conn.ClientInfo(ctx).Result()
	if err != nil || info.ID != id || info.Name != "admin" || info.LAddr != s.Addr || info.Addr == "" ||
		info.Resp != proto || info.DB != 0 || info.User != "default" || info.LastCmd != "client|info" {
		t.Errorf("CLIENT INFO %+v, %v", info, err)
	}
	other := goRedisConn(t, s, proto)
	otherID := other.ClientID(ctx).Val()
	list, err := conn.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(list, "\n"), "\n") {
		_, f := adminFields(line)
		seen[f["id"]] = f["name"]
	}
	if n, ok := seen[strconv.FormatInt(id, 10)]; !ok || n != "admin" {
		t.Errorf("CLIENT LIST lacks this client: %q", list)
	}
	if _, ok := seen[strconv.FormatInt(otherID, 10)]; !ok {
		t.Errorf("CLIENT LIST lacks the other client %d: %q", otherID, list)
	}
	one, err := conn.Do(ctx, "CLIENT", "LIST", "ID", otherID).Text()
	if _, f := adminFields(one); err != nil || f["id"] != strconv.FormatInt(otherID, 10) || strings.Count(one, "\n") != 1 {
		t.Errorf("CLIENT LIST ID %d = %q, %v", otherID, one, err)
	}
}

// goRedisVictim opens another go-redis connection and returns it with
// its id and address as the server sees them.
func goRedisVictim(t *testing.T, s *brokertest.Server, proto int) (*redis.Conn, string, string) {
	t.Helper()
	c := goRedisConn(t, s, proto)
	info, err := c.ClientInfo(brokertest.Ctx()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return c, strconv.FormatInt(info.ID, 10), info.Addr
}

func goRedisAdminClientKill(t *testing.T, s *brokertest.Server, proto int) {
	ctx, rdb := brokertest.Ctx(), goRedisClient(s, proto)
	dead := func(what string, c *redis.Conn) {
		t.Helper()
		if err := c.Ping(ctx).Err(); err == nil {
			t.Errorf("%s: the killed connection still answers PING", what)
		}
	}
	v, id, _ := goRedisVictim(t, s, proto)
	n, err := rdb.ClientKillByFilter(ctx, "ID", id).Result()
	check(t, "CLIENT KILL ID", n, err, 1)
	dead("CLIENT KILL ID", v)
	n, err = rdb.ClientKillByFilter(ctx, "ID", id).Result()
	check(t, "CLIENT KILL ID again", n, err, 0)

	v, _, addr := goRedisVictim(t, s, proto)
	n, err = rdb.ClientKillByFilter(ctx, "ADDR", addr, "SKIPME", "yes").Result()
	check(t, "CLIENT KILL ADDR", n, err, 1)
	dead("CLIENT KILL ADDR", v)

	v, _, addr = goRedisVictim(t, s, proto)
	r, err := rdb.ClientKill(ctx, addr).Result()
	check(t, "CLIENT KILL addr (old form)", r, err, "OK")
	dead("CLIENT KILL addr", v)
	checkErr(t, "CLIENT KILL addr again", rdb.ClientKill(ctx, addr).Err(), "ERR No such client")
	checkErr(t, "CLIENT KILL ID 0", rdb.ClientKillByFilter(ctx, "ID", "0").Err(), "ERR client-id should be greater than 0")
	checkErr(t, "CLIENT KILL FOO", rdb.ClientKillByFilter(ctx, "FOO", "bar").Err(), "ERR syntax error")
}

func goRedisAdminCommand(t *testing.T, s *brokertest.Server, proto int) {
	ctx, rdb := brokertest.Ctx(), goRedisClient(s, proto)
	all, err := rdb.Command(ctx).Result()
	if err != nil {
		t.Fatalf("COMMAND: %v", err)
	}
	count, err := rdb.Do(ctx, "COMMAND", "COUNT").Int()
	if err != nil || count != len(all) {
		t.Errorf("COMMAND COUNT = %d, %v; COMMAND has %d", count, err, len(all))
	}
	for _, want := range []redis.CommandInfo{
		{Name: "get", Arity: 2, Flags: []string{"readonly", "fast"}, ACLFlags: []string{"@read", "@string", "@fast"},
			FirstKeyPos: 1, LastKeyPos: 1, StepCount: 1, ReadOnly: true},
		{Name: "set", Arity: -3, Flags: []string{"write", "denyoom"}, ACLFlags: []string{"@write", "@string", "@slow"},
			FirstKeyPos: 1, LastKeyPos: 1, StepCount: 1},
		{Name: "ping", Arity: -1, Flags: []string{"fast"}, ACLFlags: []string{"@fast", "@connection"}},
		{Name: "config", Arity: -2, Flags: []string{}, ACLFlags: []string{"@slow"}},
	} {
		got := all[want.Name]
		if got == nil || got.Name != want.Name || got.Arity != want.Arity || !slices.Equal(got.Flags, want.Flags) ||
			!slices.Equal(got.ACLFlags, want.ACLFlags) || got.FirstKeyPos != want.FirstKeyPos ||
			got.LastKeyPos != want.LastKeyPos || got.StepCount != want.StepCount || got.ReadOnly != want.ReadOnly {
			t.Errorf("COMMAND %s = %+v, want %+v", want.Name, got, want)
		}
	}
	infos, err := rdb.Do(ctx, "COMMAND", "INFO", "get", "nosuch").Slice()
	if err != nil || len(infos) != 2 || infos[1] != nil {
		t.Fatalf("COMMAND INFO get nosuch = %v, %v", infos, err)
	}
	if get, _ := infos[0].([]any); len(get) != 10 || get[0] != "get" || get[1] != int64(2) || get[3] != int64(1) {
		t.Errorf("COMMAND INFO get = %#v", infos[0])
	}
	names, err := rdb.CommandList(ctx, nil).Result()
	if err != nil || !slices.Contains(names, "get") || !slices.Contains(names, "client|kill") {
		t.Errorf("COMMAND LIST = %v, %v", names, err)
	}
	keys, err := rdb.CommandGetKeys(ctx, "get", "k").Result()
	if err != nil || !slices.Equal(keys, []string{"k"}) {
		t.Errorf("COMMAND GETKEYS get k = %v, %v", keys, err)
	}
	docs, err := rdb.Do(ctx, "COMMAND", "DOCS", "get").Result()
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if proto == 3 { // a map of maps
		m, _ := docs.(map[any]any)
		if len(m) == 1 {
			doc = m["get"]
		}
	} else if a, _ := docs.([]any); len(a) == 2 && a[0] == "get" { // name, flat pairs
		doc = a[1]
	}
	fields := map[any]any{}
	switch d := doc.(type) {
	case map[any]any:
		fields = d
	case []any:
		for i := 0; i+1 < len(d); i += 2 {
			fields[d[i]] = d[i+1]
		}
	}
	if fields["summary"] != "Returns the string value of a key." || fields["since"] != "1.0.0" || fields["group"] != "string" {
		t.Errorf("RESP%d COMMAND DOCS get = %#v", proto, docs)
	}
	t.Run("docsComplexityArguments", func(t *testing.T) {
		if fields["complexity"] != "O(1)" || fields["arguments"] == nil {
			t.Errorf("COMMAND DOCS get = %#v", docs)
		}
	})
}

// goRedisInfoFields are, per INFO section, fields Redis 7.2 reports
// under these names, with the value expected on a fresh test server
// ("" = any).
func goRedisInfoFields(port string) map[string]map[string]string {
	return map[string]map[string]string{
		"server": {"redis_version": broker.RedisVersion, "redis_mode": "standalone", "os": "", "arch_bits": "", "process_id": "",
			"run_id": "", "tcp_port": port, "uptime_in_seconds": "", "uptime_in_days": "", "hz": "10", "executable": ""},
		"clients":     {"connected_clients": "1", "maxclients": "10000", "blocked_clients": "0"},
		"memory":      {"used_memory": "", "used_memory_human": "", "used_memory_rss": "", "used_memory_peak": "", "maxmemory": "0", "maxmemory_policy": "noeviction"},
		"persistence": {"loading": "0", "aof_enabled": "1", "aof_rewrite_in_progress": "0", "aof_last_write_status": "ok"},
		"stats": {"total_connections_received": "1", "total_commands_processed": "", "total_net_input_bytes": "",
			"total_net_output_bytes": "", "rejected_connections": "0", "expired_keys": "0", "evicted_keys": "0",
			"instantaneous_ops_per_sec": "", "instantaneous_input_kbps": "", "instantaneous_output_kbps": ""},
		"keyspace": {"db0": "keys=2,expires=0,avg_ttl=0", "db3": "keys=1,expires=0,avg_ttl=0"},
	}
}

func goRedisAdminInfo(t *testing.T, s *brokertest.Server, proto int) {
	ctx, conn := brokertest.Ctx(), goRedisConn(t, s, proto)
	conn.Set(ctx, "a", "1", 0)
	conn.Set(ctx, "b", "2", 0)
	conn.Select(ctx, 3)
	conn.Set(ctx, "c", "3", 0)
	for sec, want := range goRedisInfoFields(s.Addr[strings.LastIndex(s.Addr, ":")+1:]) {
		info, err := conn.Info(ctx, sec).Result()
		if err != nil {
			t.Fatalf("INFO %s: %v", sec, err)
		}
		title := "# " + strings.ToUpper(sec[:1]) + sec[1:] + "\r\n"
		if !strings.HasPrefix(info, title) || strings.Count(info, "# ") != 1 {
			t.Errorf("INFO %s = %q", sec, info)
		}
		got := adminInfoFields(info)
		for k, v := range want {
			if g, ok := got[k]; !ok || v != "" && g != v {
				t.Errorf("INFO %s: %s = %q (present %v), want %q", sec, k, g, ok, v)
			}
		}
	}
	m, err := conn.InfoMap(ctx, "server", "clients", "memory", "persistence", "stats", "keyspace").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 6 || m["Server"]["redis_version"] != broker.RedisVersion || m["Clients"]["maxclients"] != "10000" ||
		m["Keyspace"]["db3"] != "keys=1,expires=0,avg_ttl=0" || m["Persistence"]["aof_enabled"] != "1" {
		t.Errorf("InfoMap = %v", m)
	}
}

const goRedisImmutableConfig = "ERR CONFIG SET failed (possibly related to argument '%s') - can't set immutable config"

func goRedisAdminConfig(t *testing.T, s *brokertest.Server, proto int) {
	ctx, rdb := brokertest.Ctx(), goRedisClient(s, proto)
	dir, _ := filepath.Abs(s.Dir)
	port := s.Addr[strings.LastIndex(s.Addr, ":")+1:]
	for k, v := range map[string]string{"bind": "127.0.0.1", "port": port, "dir": dir, "appendfsync": "always",
		"requirepass": "", "databases": "16", "maxclients": "10000", "timeout": "0"} {
		got, err := rdb.ConfigGet(ctx, k).Result()
		if err != nil || len(got) != 1 || got[k] != v {
			t.Errorf("CONFIG GET %s = %v, %v; want %q", k, got, err, v)
		}
	}
	for _, kv := range [][2]string{{"appendfsync", "everysec"}, {"appendfsync", "no"}, {"appendfsync", "always"},
		{"maxclients", "500"}, {"timeout", "3600"}, {"timeout", "0"}} {
		r, err := rdb.ConfigSet(ctx, kv[0], kv[1]).Result()
		check(t, "CONFIG SET "+kv[0]+" "+kv[1], r, err, "OK")
		got, err := rdb.ConfigGet(ctx, kv[0]).Result()
		check(t, "CONFIG GET "+kv[0], got[kv[0]], err, kv[1])
	}
	// bind and port are mutable in Redis; brokerd keeps its listener (see
	// configParams) and refuses them as Redis refuses databases.
	for _, kv := range [][2]string{{"databases", "4"}, {"bind", "0.0.0.0"}, {"port", "1"}} {
		checkErr(t, "CONFIG SET "+kv[0], rdb.ConfigSet(ctx, kv[0], kv[1]).Err(), fmt.Sprintf(goRedisImmutableConfig, kv[0]))
	}
	checkErr(t, "CONFIG SET maxclients abc", rdb.ConfigSet(ctx, "maxclients", "abc").Err(),
		"ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer")
	checkErr(t, "CONFIG SET nosuch", rdb.ConfigSet(ctx, "nosuch", "1").Err(),
		"ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'")

	// requirepass: the connections already open stay authenticated, new
	// ones must authenticate.
	pinned := goRedisConn(t, s, proto)
	pinned.Ping(ctx)
	r, err := rdb.ConfigSet(ctx, "requirepass", "pw").Result()
	check(t, "CONFIG SET requirepass", r, err, "OK")
	got, err := rdb.ConfigGet(ctx, "requirepass").Result()
	check(t, "CONFIG GET requirepass", got["requirepass"], err, "pw")
	r, err = pinned.Ping(ctx).Result()
	check(t, "PING on a connection made before requirepass", r, err, "PONG")
	checkErr(t, "PING on a new connection", goRedisConn(t, s, proto).Ping(ctx).Err(), "NOAUTH Authentication required.")
	pinned.ConfigSet(ctx, "requirepass", "")

	t.Run("dir", func(t *testing.T) {
		checkErr(t, "CONFIG SET dir", rdb.ConfigSet(ctx, "dir", "/tmp").Err(),
			"ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config")
	})
}

func goRedisAdminKeyspace(t *testing.T, s *brokertest.Server, proto int) {
	ctx, conn := brokertest.Ctx(), goRedisConn(t, s, proto)
	now, err := conn.Time(ctx).Result()
	if d := time.Since(now); err != nil || d < -time.Minute || d > time.Minute {
		t.Errorf("TIME = %v, %v; local clock %v", now, err, time.Now())
	}
	dbsize := func(db int, want int64) {
		t.Helper()
		conn.Select(ctx, db)
		n, err := conn.DBSize(ctx).Result()
		check(t, fmt.Sprintf("DBSIZE of db %d", db), n, err, want)
	}
	fill := func() {
		conn.Select(ctx, 0)
		conn.MSet(ctx, "a", "1", "b", "2")
		conn.Select(ctx, 1)
		conn.Set(ctx, "c", "3", 0)
	}
	fill()
	dbsize(0, 2)
	dbsize(1, 1)
	conn.Select(ctx, 0)
	r, err := conn.FlushDB(ctx).Result()
	check(t, "FLUSHDB", r, err, "OK")
	dbsize(0, 0)
	dbsize(1, 1)
	r, err = conn.FlushDBAsync(ctx).Result()
	check(t, "FLUSHDB ASYNC", r, err, "OK")
	dbsize(1, 0)
	fill()
	r, err = conn.FlushAll(ctx).Result()
	check(t, "FLUSHALL", r, err, "OK")
	dbsize(0, 0)
	dbsize(1, 0)
	fill()
	r, err = conn.Do(ctx, "FLUSHALL", "SYNC").Text()
	check(t, "FLUSHALL SYNC", r, err, "OK")
	dbsize(1, 0)
	checkErr(t, "FLUSHDB bogus", conn.Do(ctx, "FLUSHDB", "bogus").Err(), "ERR syntax error")
	checkErr(t, "FLUSHALL bogus", conn.Do(ctx, "FLUSHALL", "bogus").Err(), "ERR syntax error")
	checkErr(t, "DBSIZE x", conn.Do(ctx, "DBSIZE", "x").Err(), "ERR wrong number of arguments for 'dbsize' command")

	// The flushes are logged: after a restart db 0 is still empty and
	// only what was written after FLUSHALL is back.
	fill()
	conn.Select(ctx, 0)
	conn.FlushDB(ctx)
	s.Restart()
	conn = goRedisConn(t, s, proto)
	dbsize(0, 0)
	dbsize(1, 1)
}

func goRedisAdminShutdown(t *testing.T, s *brokertest.Server, proto int) {
	ctx, rdb := brokertest.Ctx(), goRedisClient(s, proto)
	checkErr(t, "SHUTDOWN ABORT", rdb.Do(ctx, "SHUTDOWN", "ABORT").Err(), "ERR No shutdown in progress.")
	checkErr(t, "SHUTDOWN LATER", rdb.Do(ctx, "SHUTDOWN", "LATER").Err(), "ERR syntax error")
	other := goRedisConn(t, s, proto)
	r, err := other.Ping(ctx).Result()
	check(t, "PING before SHUTDOWN", r, err, "PONG")
	// SHUTDOWN does not reply: go-redis sees the connection close.
	if err := rdb.Do(ctx, "SHUTDOWN", "NOSAVE").Err(); err == nil {
		t.Error("SHUTDOWN NOSAVE returned no error")
	}
	if err := s.Wait(); err != nil {
		t.Fatalf("Serve returned %v after SHUTDOWN", err)
	}
	if err := other.Ping(ctx).Err(); err == nil {
		t.Error("another connection still answers after SHUTDOWN")
	}
}
