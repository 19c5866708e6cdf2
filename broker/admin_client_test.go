package broker_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// clientListFields is Redis 7.2's CLIENT LIST field order.
var clientListFields = []string{"id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db",
	"sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp",
	"obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp", "lib-name", "lib-ver"}

func TestClientGoRedis(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := brokertest.Ctx()
		id, err := rdb.ClientID(ctx).Result()
		if err != nil || id <= 0 {
			t.Fatalf("CLIENT ID = %d, %v", id, err)
		}
		if _, err := rdb.ClientGetName(ctx).Result(); err != redis.Nil {
			t.Errorf("CLIENT GETNAME before SETNAME: %v, want nil", err)
		}
		if err := rdb.Do(ctx, "CLIENT", "SETNAME", "worker-1").Err(); err != nil {
			t.Fatal(err)
		}
		if name, err := rdb.ClientGetName(ctx).Result(); err != nil || name != "worker-1" {
			t.Errorf("CLIENT GETNAME = %q, %v", name, err)
		}
		info, err := rdb.ClientInfo(ctx).Result()
		if err != nil {
			t.Fatalf("CLIENT INFO: %v", err)
		}
		if info.ID != id || info.Name != "worker-1" || info.DB != 0 || info.Resp != rdb.Options().Protocol ||
			info.LastCmd != "client|info" || info.User != "default" || info.Multi != -1 || info.FD <= 0 {
			t.Errorf("CLIENT INFO parsed as %+v", info)
		}
		list, err := rdb.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(list, fmt.Sprintf("id=%d ", id)) || !strings.HasSuffix(list, "\n") {
			t.Errorf("CLIENT LIST lacks this client: %q", list)
		}
	})
}

func TestClientListFieldsInRedisOrder(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"CLIENT SETNAME conn-a", "OK"},
		{"SELECT 3", "OK"},
		{"CLIENT SETINFO LIB-NAME mylib", "OK"},
		{"CLIENT SETINFO lib-ver 1.2.3", "OK"},
	})
	r.Do("HELLO 3") // switch protocol; HELLO's reply is tested elsewhere
	line := adminUnquote(t, r.Do("CLIENT INFO"))
	if !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
		t.Fatalf("CLIENT INFO is not one line: %q", line)
	}
	keys, v := adminFields(line)
	if !slices.Equal(keys, clientListFields) {
		t.Fatalf("fields\n got %v\nwant %v", keys, clientListFields)
	}
	want := map[string]string{"name": "conn-a", "db": "3", "flags": "N", "multi": "-1", "cmd": "client|info",
		"user": "default", "redir": "-1", "resp": "3", "lib-name": "mylib", "lib-ver": "1.2.3",
		"laddr": s.Addr, "addr": r.Conn.LocalAddr().String(), "events": "r"}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s=%s, want %s", k, v[k], w)
		}
	}
	if age, err := strconv.Atoi(v["age"]); err != nil || age < 0 {
		t.Errorf("age=%s", v["age"])
	}
	if fd, err := strconv.Atoi(v["fd"]); err != nil || fd <= 0 {
		t.Errorf("fd=%s", v["fd"])
	}
}

func TestClientInfoIsVerbatimInRESP3(t *testing.T) {
	s := brokertest.Start(t)
	for proto, wantType := range map[int]byte{2: '$', 3: '='} {
		r := adminDial(t, s, proto)
		header, payload := adminRawReply(t, r, "CLIENT", "INFO")
		if header[0] != wantType {
			t.Errorf("RESP%d: CLIENT INFO header %q", proto, header)
		}
		if proto == 3 && !strings.HasPrefix(payload, "txt:id=") {
			t.Errorf("RESP3: payload %q", payload)
		}
	}
}

func TestClientSetInfoFromGoRedisIdentity(t *testing.T) {
	s := brokertest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr}) // sends CLIENT SETINFO on connect
	t.Cleanup(func() { rdb.Close() })
	info, err := rdb.ClientInfo(brokertest.Ctx()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(info.LibName, "go-redis") || info.LibVer == "" {
		t.Errorf("lib-name=%q lib-ver=%q", info.LibName, info.LibVer)
	}
}

func TestClientSubcommandErrors(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"CLIENT", "ERR wrong number of arguments for 'client' command"},
		{"CLIENT SETNAME", "ERR wrong number of arguments for 'client|setname' command"},
		{"CLIENT NOSUCH", "ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP."},
		{`CLIENT SETNAME "a b"`, "ERR Client names cannot contain spaces, newlines or special characters."},
		{"CLIENT SETNAME x", "OK"},
		{`CLIENT SETNAME ""`, "OK"},
		{"CLIENT GETNAME", "(nil)"},
		{"CLIENT SETINFO LIB-NAME \"a\\nb\"", "ERR LIB-NAME cannot contain spaces, newlines or special characters."},
		{"CLIENT SETINFO lib-foo x", "ERR Unrecognized option 'lib-foo'"},
		{"CLIENT NO-EVICT maybe", "ERR syntax error"},
		{"CLIENT NO-TOUCH", "ERR wrong number of arguments for 'client|no-touch' command"},
		{"CLIENT LIST TYPE nosuch", "ERR Unknown client type 'nosuch'"},
		{"CLIENT LIST ID x", "ERR Invalid client ID"},
		{"CLIENT LIST TYPE", "ERR syntax error"},
		{"CLIENT LIST FOO bar", "ERR syntax error"},
		{"CLIENT LIST TYPE pubsub", `""`},
		{"CLIENT LIST TYPE master", `""`},
		{"CLIENT KILL ID 0", "ERR client-id should be greater than 0"},
		{"CLIENT KILL ID x", "ERR client-id should be greater than 0"},
		{"CLIENT KILL TYPE nosuch", "ERR Unknown client type 'nosuch'"},
		{"CLIENT KILL USER bob", "ERR No such user 'bob'"},
		{"CLIENT KILL SKIPME maybe", "ERR syntax error"},
		{"CLIENT KILL ADDR 1.2.3.4:5 LADDR", "ERR syntax error"},
		{"CLIENT KILL FOO bar", "ERR syntax error"},
		{"CLIENT KILL MAXAGE x", "ERR maxage is not an integer or out of range"},
		{"CLIENT KILL MAXAGE 0", "ERR maxage should be greater than 0"},
		{"CLIENT KILL MAXAGE 100000", "(int) 0"},
		{"CLIENT KILL 1.2.3.4:5", "ERR No such client"},
		{"CLIENT KILL ID 999999", "(int) 0"},
	})
	help := r.Do("CLIENT HELP")
	if !strings.HasPrefix(help, "[CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are: ") ||
		!strings.HasSuffix(help, " HELP     Prints this help.]") {
		t.Errorf("CLIENT HELP = %s", help)
	}
}

func TestClientNoEvictNoTouchFlags(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{{"CLIENT NO-EVICT on", "OK"}, {"CLIENT NO-TOUCH ON", "OK"}})
	_, v := adminFields(adminUnquote(t, r.Do("CLIENT INFO")))
	if v["flags"] != "eT" {
		t.Errorf("flags=%s, want eT", v["flags"])
	}
	adminExpect(t, r, []adminCase{{"CLIENT NO-EVICT off", "OK"}, {"CLIENT NO-TOUCH off", "OK"}})
	_, v = adminFields(adminUnquote(t, r.Do("CLIENT INFO")))
	if v["flags"] != "N" {
		t.Errorf("flags=%s, want N", v["flags"])
	}
	// RESET turns both off, as Redis's clearClientConnectionState does.
	adminExpect(t, r, []adminCase{{"CLIENT NO-EVICT on", "OK"}, {"CLIENT NO-TOUCH on", "OK"}, {"RESET", "RESET"}})
	_, v = adminFields(adminUnquote(t, r.Do("CLIENT INFO")))
	if v["flags"] != "N" {
		t.Errorf("after RESET flags=%s, want N", v["flags"])
	}
}

// listedIDs returns the ids in a CLIENT LIST reply.
func listedIDs(t *testing.T, r *brokertest.Raw, args string) []string {
	t.Helper()
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(adminUnquote(t, r.Do("CLIENT LIST"+args))), "\n") {
		if _, v := adminFields(line); v["id"] != "" {
			ids = append(ids, v["id"])
		}
	}
	return ids
}

func TestClientListFilters(t *testing.T) {
	s := brokertest.Start(t)
	a, b := s.Dial(), s.Dial()
	idA, idB := strings.TrimPrefix(a.Do("CLIENT ID"), "(int) "), strings.TrimPrefix(b.Do("CLIENT ID"), "(int) ")
	if got := listedIDs(t, a, ""); !slices.Equal(got, []string{idA, idB}) {
		t.Errorf("CLIENT LIST ids %v, want [%s %s]", got, idA, idB)
	}
	if got := listedIDs(t, a, " TYPE normal"); !slices.Equal(got, []string{idA, idB}) {
		t.Errorf("CLIENT LIST TYPE normal ids %v", got)
	}
	if got := listedIDs(t, a, " ID "+idB+" 424242"); !slices.Equal(got, []string{idB}) {
		t.Errorf("CLIENT LIST ID ids %v, want [%s]", got, idB)
	}
}

func TestClientKillClosesOtherConnection(t *testing.T) {
	s := brokertest.Start(t)
	killer, victim := s.Dial(), s.Dial()
	id := strings.TrimPrefix(victim.Do("CLIENT ID"), "(int) ")
	adminExpect(t, killer, []adminCase{{"CLIENT KILL ID " + id, "(int) 1"}})
	if !victim.Closed() {
		t.Fatal("victim connection still open after CLIENT KILL")
	}
	brokertest.Eventually(t, 5*time.Second, func() error {
		if ids := listedIDs(t, killer, ""); slices.Contains(ids, id) {
			return fmt.Errorf("CLIENT LIST still shows %s: %v", id, ids)
		}
		return nil
	})
	adminExpect(t, killer, []adminCase{{"CLIENT KILL ID " + id, "(int) 0"}, {"PING", "PONG"}})
}

func TestClientKillOldFormByAddress(t *testing.T) {
	s := brokertest.Start(t)
	killer, victim := s.Dial(), s.Dial()
	adminExpect(t, victim, []adminCase{{"PING", "PONG"}}) // registered before the kill
	addr := victim.Conn.LocalAddr().String()
	adminExpect(t, killer, []adminCase{{"CLIENT KILL " + addr, "OK"}})
	if !victim.Closed() {
		t.Fatal("victim connection still open")
	}
	brokertest.Eventually(t, 5*time.Second, func() error {
		if got := killer.Do("CLIENT KILL " + addr); got != "ERR No such client" {
			return fmt.Errorf("second kill: %s", got)
		}
		return nil
	})
	// The old form kills the caller too, after its reply.
	self := s.Dial()
	adminExpect(t, self, []adminCase{{"CLIENT KILL " + self.Conn.LocalAddr().String(), "OK"}})
	if !self.Closed() {
		t.Fatal("CLIENT KILL of oneself left the connection open")
	}
}

func TestClientKillFiltersSkipMe(t *testing.T) {
	s := brokertest.Start(t)
	me, other1, other2 := s.Dial(), s.Dial(), s.Dial()
	for _, r := range []*brokertest.Raw{me, other1, other2} {
		adminExpect(t, r, []adminCase{{"PING", "PONG"}}) // registered before the kills
	}
	adminExpect(t, me, []adminCase{
		{"CLIENT KILL LADDR 127.0.0.1:1", "(int) 0"},
		{"CLIENT KILL ADDR " + other1.Conn.LocalAddr().String() + " SKIPME yes", "(int) 1"},
		{"CLIENT KILL USER default", "(int) 1"}, // other2; SKIPME defaults to yes
		{"PING", "PONG"},
	})
	for i, r := range []*brokertest.Raw{other1, other2} {
		if !r.Closed() {
			t.Errorf("other%d still open", i+1)
		}
	}
	adminExpect(t, me, []adminCase{{"CLIENT KILL LADDR " + s.Addr + " SKIPME no", "(int) 1"}})
	if !me.Closed() {
		t.Error("SKIPME no did not close the caller")
	}
}
