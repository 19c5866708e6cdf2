package broker_test

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
	"github.com/redis/go-redis/v9"
)

// restartScenarios exercise every write command; after each, the keyspace
// must be the same once the server restarts from its log.
var restartScenarios = map[string][]string{
	"SET":            {"SET a 1", "SET b 2 EX 1000", "SET c 3 PX 100000", "SET d 4 EXAT 4000000000", "SET e 5 PXAT 4000000000000", "SET b 22 KEEPTTL", "SET a 9 NX", "SET z 9 XX", "SET a 10 XX GET"},
	"SETNX":          {"SETNX a 1", "SETNX a 2"},
	"SETEX":          {"SETEX a 100 v"},
	"PSETEX":         {"PSETEX a 100000 v"},
	"MSET":           {"MSET a 1 b 2 c 3"},
	"MSETNX":         {"MSETNX a 1 b 2", "MSETNX b 3 c 4"},
	"GETSET":         {"SET a 1 EX 100", "GETSET a 2"},
	"GETDEL":         {"SET a 1", "SET b 2", "GETDEL a"},
	"GETEX":          {"SET a 1", "SET b 2 EX 100", "GETEX a EX 100", "GETEX b PERSIST", "SET c 3", "GETEX c PXAT 4000000000000"},
	"APPEND":         {"APPEND a hello", "APPEND a world", "SET b 1 EX 100", "APPEND b 2"},
	"SETRANGE":       {"SETRANGE a 5 x", "SET b hello", "SETRANGE b 1 EE"},
	"INCR/DECR":      {"INCR a", "INCR a", "DECR b", "INCRBY c 10", "DECRBY c 3", "SET d 5 EX 100", "INCR d"},
	"INCRBYFLOAT":    {"INCRBYFLOAT a 1.5", "INCRBYFLOAT a 0.1", "SET b 3 EX 100", "INCRBYFLOAT b 1e2"},
	"DEL/UNLINK":     {"MSET a 1 b 2 c 3 d 4", "DEL a b nosuch", "UNLINK c"},
	"EXPIRE":         {"MSET a 1 b 2 c 3 d 4", "EXPIRE a 100", "PEXPIRE b 100000", "EXPIREAT c 4000000000", "PEXPIREAT d 4000000000000", "EXPIRE a 200 GT", "EXPIRE b 1 NX"},
	"EXPIRE in past": {"SET a 1", "EXPIRE a -1", "SET b 2", "PEXPIREAT b 1"},
	"PERSIST":        {"SET a 1 EX 100", "PERSIST a"},
	"RENAME":         {"SET a 1 EX 100", "RENAME a b", "SET c 1", "SET d 2", "RENAMENX c d", "RENAMENX c e"},
	"COPY":           {"SET a 1 EX 100", "COPY a b", "COPY a c DB 3", "SET d 4", "COPY a d REPLACE"},
	"MOVE":           {"SET a 1 EX 100", "MOVE a 5", "SET b 1", "SELECT 5", "SET b 2", "SELECT 0", "MOVE b 5"},
	"FLUSHDB":        {"SET a 1", "SELECT 1", "SET b 1", "FLUSHDB"},
	"FLUSHALL":       {"SET a 1", "SELECT 1", "SET b 1", "FLUSHALL", "SET c 1"},
	"SWAPDB":         {"SET a 1", "SELECT 1", "SET b 1", "SWAPDB 0 1"},
	// A plain SET replays through the loader: it must replace a value of
	// any type and drop its TTL, in any letter case.
	"plain SET":     {"SET a 1 EX 100", "set a 2", "RPUSH l x y", "SET l s", "XADD st * f v", "sEt st v", "SET b 1", "DEL b", "SET b 2"},
	"binary values": {"SET \"k\\x00\\xff\" \"v\\r\\n\\x00\"", "APPEND \"k\\x00\\xff\" \"\\xfe\""},
}

func TestRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.EverySec, wal.No}, restartScenarios, dumpKeyspace, nil)
}

// checkRestarts runs each scenario (doLines) on a fresh server per fsync
// policy, then after, if set, restarts the server on the same directory
// and fails unless dump reads the same before and after.
func checkRestarts(t *testing.T, policies []wal.Policy, scenarios map[string][]string,
	dump func(*testing.T, *brokertest.Raw) map[string]string, after func(name string, r *brokertest.Raw)) {
	for _, policy := range policies {
		for name, lines := range scenarios {
			t.Run(policy.String()+"/"+name, func(t *testing.T) {
				s := brokertest.Start(t, brokertest.WithFsync(policy))
				r := s.Dial()
				doLines(t, r, lines)
				if after != nil {
					after(name, r)
				}
				before := dump(t, s.Dial())
				s.Restart()
				if got := dump(t, s.Dial()); !reflect.DeepEqual(before, got) {
					t.Fatalf("changed across restart\nbefore: %.2000v\n after: %.2000v", before, got)
				}
			})
		}
	}
}

// TestRestartAfterLazyExpiry: a key that expired and was then written again
// must come back as the new value, not as the old one with its TTL.
func TestRestartAfterLazyExpiry(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Do("SET k old PX 20")
	r.Do("SET n 5 PX 20")
	brokertest.Eventually(t, 10*time.Second, func() error {
		for _, k := range []string{"k", "n"} {
			if got := r.Do("PTTL " + k); got != "(int) -2" {
				return fmt.Errorf("PTTL %s = %s", k, got)
			}
		}
		return nil
	})
	r.Do("APPEND k new")
	r.Do("INCR n")
	s.Restart()
	r = s.Dial()
	for _, tt := range []struct{ cmd, want string }{
		{"GET k", `"new"`}, {"PTTL k", "(int) -1"}, {"GET n", `"1"`}, {"PTTL n", "(int) -1"},
	} {
		if got := r.Do(tt.cmd); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.cmd, got, tt.want)
		}
	}
}

func scanKeys(t *testing.T, r *brokertest.Raw) []string {
	t.Helper()
	reply := r.Do("KEYS *")
	if reply == "[]" {
		return nil
	}
	var keys []string
	for _, q := range splitQuoted(strings.TrimSuffix(strings.TrimPrefix(reply, "["), "]")) {
		k, err := strconv.Unquote(q)
		if err != nil {
			t.Fatalf("KEYS reply %s: %v", reply, err)
		}
		keys = append(keys, k)
	}
	return keys
}

// splitQuoted splits `"a" "b c"` into its Go-quoted parts.
func splitQuoted(s string) []string {
	var parts []string
	for len(s) > 0 {
		end := 1
		for end < len(s) && s[end] != '"' {
			if s[end] == '\\' {
				end++
			}
			end++
		}
		parts = append(parts, s[:end+1])
		s = strings.TrimPrefix(s[end+1:], " ")
	}
	return parts
}

// TestCrashKeepsAcknowledgedWrites kills a server process with SIGKILL
// while clients write with appendfsync always; after each restart every
// acknowledged write must be there.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	rounds := 3
	if brokertest.Soak() {
		rounds = 20
	}
	dir := t.TempDir()
	const writers = 8
	acked := make([]map[string]string, writers) // key → value, per writer
	counters := make([]int64, writers)          // acknowledged INCRs
	attempts := make([]int64, writers)          // INCRs sent
	for w := range acked {
		acked[w] = map[string]string{}
	}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for round := 0; round < rounds; round++ {
		p := brokertest.StartProcess(t, dir, "always")
		verifyAcked(t, p.Addr, acked, counters, attempts)
		killAfter := int64(500 + rng.Intn(3000))
		var total atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				rdb := redis.NewClient(&redis.Options{Addr: p.Addr, MaxRetries: -1, DisableIdentity: true})
				defer rdb.Close()
				ctx := context.Background()
				for i := 0; ; i++ {
					key := fmt.Sprintf("w%d:r%d:%d", w, round, i)
					val := strconv.Itoa(rand.Int())
					if err := rdb.Set(ctx, key, val, 0).Err(); err != nil {
						return
					}
					acked[w][key] = val
					atomic.AddInt64(&attempts[w], 1)
					if err := rdb.Incr(ctx, fmt.Sprintf("counter:%d", w)).Err(); err != nil {
						return
					}
					atomic.AddInt64(&counters[w], 1)
					if total.Add(1) == killAfter {
						p.Kill()
					}
				}
			}(w)
		}
		wg.Wait()
		p.Kill()
	}
	p := brokertest.StartProcess(t, dir, "always")
	verifyAcked(t, p.Addr, acked, counters, attempts)
}

func verifyAcked(t *testing.T, addr string, acked []map[string]string, counters, attempts []int64) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	defer rdb.Close()
	ctx := context.Background()
	for w, keys := range acked {
		for k, v := range keys {
			got, err := rdb.Get(ctx, k).Result()
			if err != nil || got != v {
				t.Fatalf("acknowledged SET %s=%s lost after kill -9: got %q, %v", k, v, got, err)
			}
		}
		n, err := rdb.Get(ctx, fmt.Sprintf("counter:%d", w)).Int64()
		if err != nil && err != redis.Nil {
			t.Fatal(err)
		}
		if n < counters[w] || n > attempts[w] {
			t.Fatalf("counter %d = %d after kill -9: acknowledged %d, sent at most %d", w, n, counters[w], attempts[w])
		}
	}
}

// dumpKeyspace describes every key of every database by its type, expiry
// and whole value: strings by GET, lists by encoding and LRANGE, streams
// by XINFO STREAM FULL (entries, groups, consumers and pending entries),
// hashes, sets and sorted sets by encoding and members.
func dumpKeyspace(t *testing.T, r *brokertest.Raw) map[string]string {
	t.Helper()
	out := map[string]string{}
	for db := 0; db < 16; db++ {
		r.Do("SELECT " + strconv.Itoa(db))
		for _, key := range scanKeys(t, r) {
			q := strconv.Quote(key)
			typ := r.Do("TYPE " + q)
			desc := typ + " " + r.Do("PEXPIRETIME "+q) + " "
			switch typ {
			case "string":
				desc += r.Do("GET " + q)
			case "list":
				desc += r.Do("OBJECT ENCODING "+q) + " " + r.Do("LRANGE "+q+" 0 -1")
			case "stream":
				desc += r.Do("XINFO STREAM " + q + " FULL COUNT 0")
			case "hash":
				// A listpack keeps insertion order; a hashtable's order is
				// the map's, so its pairs are sorted.
				enc := r.Do("OBJECT ENCODING " + q)
				pairs := r.Do("HGETALL " + q)
				if enc == `"hashtable"` {
					items := splitQuoted(strings.Trim(pairs, "[]"))
					var ps []string
					for i := 0; i+1 < len(items); i += 2 {
						ps = append(ps, items[i]+"="+items[i+1])
					}
					slices.Sort(ps)
					pairs = strings.Join(ps, " ")
				}
				desc += enc + " " + pairs
			case "set":
				members := splitQuoted(strings.Trim(r.Do("SMEMBERS "+q), "[]"))
				slices.Sort(members)
				desc += r.Do("OBJECT ENCODING "+q) + " " + strings.Join(members, " ")
			case "zset":
				desc += r.Do("OBJECT ENCODING "+q) + " " + r.Do("ZRANGE "+q+" 0 -1 WITHSCORES")
			}
			out[strconv.Itoa(db)+"/"+key] = desc
		}
	}
	r.Do("SELECT 0")
	return out
}
