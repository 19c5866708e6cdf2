package broker_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

var infoDefaultHeaders = []string{"# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# Errorstats", "# Keyspace", "# Nats"}

// infoAllHeaders adds what INFO leaves out unless asked: commandstats.
var infoAllHeaders = []string{"# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# Commandstats", "# Errorstats", "# Keyspace", "# Nats"}

func TestInfoSectionsGoRedis(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := brokertest.Ctx()
		for _, args := range [][]string{nil, {"default"}, {"all"}, {"everything"}} {
			want := infoDefaultHeaders
			if len(args) > 0 && args[0] != "default" {
				want = infoAllHeaders
			}
			info, err := rdb.Info(ctx, args...).Result()
			if err != nil {
				t.Fatal(err)
			}
			var headers []string
			for _, line := range strings.Split(info, "\r\n") {
				if strings.HasPrefix(line, "# ") {
					headers = append(headers, line)
				}
			}
			if strings.Join(headers, ",") != strings.Join(want, ",") {
				t.Errorf("INFO %v sections %v", args, headers)
			}
			if strings.Contains(strings.ReplaceAll(info, "\r\n", ""), "\n") {
				t.Errorf("INFO %v has a bare \\n", args)
			}
		}
		m, err := rdb.InfoMap(ctx, "server", "clients").Result()
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := strings.Cut(s.Addr, ":")
		if m["Server"]["redis_version"] != "7.2.4" || m["Server"]["redis_mode"] != "standalone" ||
			m["Server"]["tcp_port"] != port || m["Server"]["process_id"] != fmt.Sprint(os.Getpid()) ||
			m["Clients"]["maxclients"] != "10000" || len(m) != 2 {
			t.Errorf("INFO server clients = %v", m)
		}
	})
}

func TestInfoRawFormat(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"INFO nosuch", `""`},
		{"INFO replication", `"# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"`},
	})
	two := adminUnquote(t, r.Do("INFO CLIENTS server"))
	if !strings.HasPrefix(two, "# Server\r\nredis_version:7.2.4\r\n") || !strings.Contains(two, "\r\n\r\n# Clients\r\nconnected_clients:1\r\n") ||
		!strings.HasSuffix(two, "\r\n") || strings.HasSuffix(two, "\r\n\r\n") {
		t.Errorf("INFO clients server = %q", two)
	}
	r3 := adminDial(t, s, 3)
	if header, payload := adminRawReply(t, r3, "INFO", "server"); header[0] != '=' || !strings.HasPrefix(payload, "txt:# Server\r\n") {
		t.Errorf("RESP3 INFO: %q %q", header, payload)
	}
}

func TestInfoServerFields(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	f := adminInfoFields(adminUnquote(t, r.Do("INFO server")))
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(f["run_id"]) {
		t.Errorf("run_id %q", f["run_id"])
	}
	if again := adminInfoFields(adminUnquote(t, r.Do("INFO server")))["run_id"]; again != f["run_id"] {
		t.Errorf("run_id changed: %s then %s", f["run_id"], again)
	}
	for _, k := range []string{"os", "arch_bits", "server_time_usec", "uptime_in_seconds", "uptime_in_days", "executable"} {
		if f[k] == "" {
			t.Errorf("INFO server lacks %s", k)
		}
	}
	if f["hz"] != "10" || f["config_file"] != "" {
		t.Errorf("hz=%s config_file=%s", f["hz"], f["config_file"])
	}
	mem := adminInfoFields(adminUnquote(t, r.Do("INFO memory")))
	if mem["used_memory"] == "0" || !regexp.MustCompile(`^\d+(\.\d\d[KMGTP]|B)$`).MatchString(mem["used_memory_human"]) ||
		mem["used_memory_rss"] == "0" || mem["maxmemory"] != "0" {
		t.Errorf("INFO memory = %v", mem)
	}
	per := adminInfoFields(adminUnquote(t, r.Do("INFO persistence")))
	if per["loading"] != "0" || per["aof_enabled"] != "1" || per["aof_last_write_status"] != "ok" || per["appendfsync"] != "always" ||
		per["wal_records"] == "" || per["wal_torn_tails_truncated"] != "0" {
		t.Errorf("INFO persistence = %v", per)
	}
	st := adminInfoFields(adminUnquote(t, r.Do("INFO stats")))
	if st["total_connections_received"] != "1" || st["total_commands_processed"] == "0" || st["expired_keys"] != "0" ||
		st["total_net_input_bytes"] == "0" || st["total_net_output_bytes"] == "0" {
		t.Errorf("INFO stats = %v", st)
	}
}

func TestInfoKeyspaceCountsKeys(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	if !adminHas(t, r, "set") {
		t.Skip("SET is not registered yet (kv strings): cannot create keys to count")
	}
	adminExpect(t, r, []adminCase{
		{"INFO keyspace", `"# Keyspace\r\n"`},
		{"SET a 1", "OK"},
		{"SET b 2 EX 100", "OK"},
		{"SELECT 5", "OK"},
		{"SET c 3", "OK"},
		{"INFO keyspace", `"# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n"`},
	})
}
