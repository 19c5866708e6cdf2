package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// rawKeyspace is the number of distinct keys SET and GET touch
// (redis-benchmark's -r 100000).
const rawKeyspace = 100_000

// RawCommands are the commands of the raw throughput rows.
var RawCommands = []string{"SET", "GET", "XADD", "LPUSH", "RPOP", "PUBLISH"}

func rawRow(cmd string, pipe int) string { return fmt.Sprintf("raw %s, pipeline %d", cmd, pipe) }

// rawWorkloads returns one workload per command and pipeline depth, each
// run on a fresh server: GET finds its keyspace filled, RPOP a list long
// enough not to run dry, PUBLISH one subscriber draining the channel.
func rawWorkloads(cfg *Config) []workload {
	var out []workload
	for _, cmd := range cfg.RawCommands {
		if !slices.Contains(RawCommands, cmd) {
			continue
		}
		for _, pipe := range cfg.RawPipelines {
			probe := map[string][]string{
				"SET": {"SET", probeKey, "v"}, "GET": {"GET", probeKey}, "XADD": {"XADD", probeKey, "*", "f", "v"},
				"LPUSH": {"LPUSH", probeKey, "v"}, "RPOP": {"RPOP", probeKey}, "PUBLISH": {"PUBLISH", probeKey, "v"},
			}[cmd]
			out = append(out, workload{
				group: "raw",
				rows:  []string{rawRow(cmd, pipe)},
				probe: [][]string{probe},
				run:   single(func(rc *runCtx) (Sample, error) { return runRaw(rc, cmd, pipe) }),
			})
		}
	}
	return out
}

func rawKey(buf []byte, n int) []byte {
	return strconv.AppendInt(append(buf[:0], keyPrefix+"key:"...), int64(n), 10)
}

// rawPrefill is the number of elements RPOP starts with: enough for the
// fastest rate seen on the 2-core machine (~800k/s at pipeline 16) with
// half again as margin.
func rawPrefill(cfg *Config, pipe int) int {
	rate := 120_000.0
	if pipe > 1 {
		rate = 1_200_000
	}
	return int(rate * (cfg.Warmup + cfg.Duration).Seconds())
}

func runRaw(rc *runCtx, cmd string, pipe int) (Sample, error) {
	return rawLoad{row: rawRow(cmd, pipe), cmd: cmd, pipe: pipe, keys: rawKeyspace}.run(rc)
}

// rawLoad is one raw throughput run: cfg.Clients connections sending cmd
// in pipelines of pipe.
type rawLoad struct {
	row, cmd string
	pipe     int
	keys     int          // SET and GET pick their keys among the first keys of rawKey
	during   func() error // see runTimedDuring; nil for none
}

func (l rawLoad) run(rc *runCtx) (Sample, error) {
	cfg := rc.cfg
	row, cmd, pipe, keys := l.row, l.cmd, l.pipe, l.keys
	list, stream, channel := keyPrefix+"rawlist", keyPrefix+"rawstream", keyPrefix+"rawchan"
	if err := rawSetup(rc, cmd, pipe, list); err != nil {
		return Sample{}, err
	}
	var empty atomic.Int64
	n := cfg.Clients
	if cmd == "PUBLISH" {
		n++ // the subscriber, last
	}
	val := newPayload(cfg.Payload, false)
	requests := func(id int) func() [][]byte {
		return rawRequests(cmd, rand.New(rand.NewPCG(uint64(id), 7)), keys, val, list, stream, channel)
	}
	if cfg.Driver == "epoll" {
		n = 1 // one thread drives every connection
		if cmd == "PUBLISH" {
			n++
		}
	}
	subscriber := n - 1
	s, err := runTimedDuring(rc, row, n, func(w *worker) error {
		if cmd == "PUBLISH" && w.id == subscriber {
			return drain(w, channel)
		}
		switch cfg.Driver {
		case "goredis":
			return rawGoRedis(w, cmd, pipe, keys, list, stream, channel, &empty)
		case "epoll":
			nulls, err := rawEpoll(w, cfg.Clients, pipe, func(i int) func([]byte) []byte {
				next := requests(i)
				return func(out []byte) []byte { return appendCommand(out, next()) }
			})
			empty.Add(nulls)
			return err
		}
		c, err := w.dial()
		if err != nil {
			return err
		}
		next := requests(w.id)
		for !w.stopped() {
			start := time.Now()
			for range pipe {
				c.AppendArgs(next())
			}
			if err := c.Flush(); err != nil {
				return err
			}
			for range pipe {
				null, err := c.Discard()
				if err != nil {
					return err
				}
				if null && cmd == "RPOP" {
					empty.Add(1)
				}
				w.record(start, time.Now())
			}
		}
		return nil
	}, l.during)
	if err == nil && empty.Load() > 0 {
		s.Note = fmt.Sprintf("list ran empty: %d RPOPs found nothing", empty.Load())
	}
	return s, err
}

// rawRequests returns the arguments of one client's successive requests
// of cmd: SET and GET pick their keys with rng among the first keys. The
// slices are reused by the next call.
func rawRequests(cmd string, rng *rand.Rand, keys int, val []byte, list, stream, channel string) func() [][]byte {
	var key []byte
	var args [][]byte
	return func() [][]byte {
		switch cmd {
		case "SET":
			key = rawKey(key, rng.IntN(keys))
			args = append(args[:0], []byte("SET"), key, val)
		case "GET":
			key = rawKey(key, rng.IntN(keys))
			args = append(args[:0], []byte("GET"), key)
		case "XADD":
			args = append(args[:0], []byte("XADD"), []byte(stream), []byte("*"), []byte("f"), val)
		case "LPUSH":
			args = append(args[:0], []byte("LPUSH"), []byte(list), val)
		case "RPOP":
			args = append(args[:0], []byte("RPOP"), []byte(list))
		case "PUBLISH":
			args = append(args[:0], []byte("PUBLISH"), []byte(channel), val)
		}
		return args
	}
}

// rawSetup fills what GET and RPOP need, over one connection, with
// multi-key commands so that it takes a fraction of a second.
func rawSetup(rc *runCtx, cmd string, pipe int, list string) error {
	if cmd != "GET" && cmd != "RPOP" {
		return nil
	}
	c, err := Dial(rc.srv.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	val := string(newPayload(rc.cfg.Payload, false))
	const batch = 1000
	total := rawKeyspace
	if cmd == "RPOP" {
		total = rawPrefill(rc.cfg, pipe)
	}
	sent := 0
	for i := 0; i < total; i += batch {
		args := []string{"MSET"}
		if cmd == "RPOP" {
			args = []string{"LPUSH", list}
		}
		for j := i; j < min(i+batch, total); j++ {
			if cmd == "GET" {
				args = append(args, string(rawKey(nil, j)))
			}
			args = append(args, val)
		}
		c.Append(args...)
		sent++
		if sent%16 == 0 {
			if err := flushDiscard(c, 16); err != nil {
				return err
			}
			sent = 0
		}
	}
	return flushDiscard(c, sent)
}

// flushDiscard sends what is buffered and reads n replies.
func flushDiscard(c *Conn, n int) error {
	if err := c.Flush(); err != nil {
		return err
	}
	for range n {
		if _, err := c.Discard(); err != nil {
			return err
		}
	}
	return nil
}

// drain subscribes to channel and reads messages until stopped (the one
// subscriber of the PUBLISH rows).
func drain(w *worker, channel string) error {
	c, err := w.dial()
	if err != nil {
		return err
	}
	if _, err := c.Do("SUBSCRIBE", channel); err != nil {
		return err
	}
	for !w.stopped() {
		if _, err := c.Discard(); err != nil {
			return err
		}
	}
	return nil
}

// rawGoRedis is the raw loop through go-redis v9 (one single-connection
// client per worker, RESP2), kept to measure whether the client library
// is the bottleneck (--client goredis).
// quietGoRedis silences go-redis's logger, which reports every
// connection bench closes at the end of a run as unexpected.
var quietGoRedis sync.Once

type nopLogger struct{}

func (nopLogger) Printf(context.Context, string, ...any) {}

func rawGoRedis(w *worker, cmd string, pipe, keys int, list, stream, channel string, empty *atomic.Int64) error {
	quietGoRedis.Do(func() { redis.SetLogger(nopLogger{}) })
	rdb := redis.NewClient(&redis.Options{Addr: w.t.rc.srv.Addr, PoolSize: 1, Protocol: 2,
		DisableIdentity: true, ReadTimeout: -1, WriteTimeout: -1})
	w.onStop(func() { rdb.Close() })
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(w.id), 7))
	val := string(newPayload(w.t.rc.cfg.Payload, false))
	issue := func(p redis.Cmdable) redis.Cmder {
		switch cmd {
		case "SET":
			return p.Set(ctx, string(rawKey(nil, rng.IntN(keys))), val, 0)
		case "GET":
			return p.Get(ctx, string(rawKey(nil, rng.IntN(keys))))
		case "XADD":
			return p.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"f", val}})
		case "LPUSH":
			return p.LPush(ctx, list, val)
		case "RPOP":
			return p.RPop(ctx, list)
		default:
			return p.Publish(ctx, channel, val)
		}
	}
	for !w.stopped() {
		start := time.Now()
		if pipe == 1 {
			if err := issue(rdb).Err(); err != nil && err != redis.Nil {
				return err
			}
			w.record(start, time.Now())
			continue
		}
		p := rdb.Pipeline()
		for range pipe {
			issue(p)
		}
		if _, err := p.Exec(ctx); err != nil && err != redis.Nil {
			return err
		}
		now := time.Now()
		for range pipe {
			w.record(start, now)
		}
	}
	return nil
}
