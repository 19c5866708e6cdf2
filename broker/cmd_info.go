package broker

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/pubsub"
)

// infoSection is one "# Title" block of INFO. The names, field names and
// order follow Redis 7.2's genRedisInfoString, keeping only fields brokerd
// can fill truthfully.
type infoSection struct {
	name   string // as INFO takes it
	title  string
	fields func(s *Server, w *infoWriter)
	// notDefault sections are left out of INFO and INFO default, and
	// printed for INFO all, everything or their name, as Redis's
	// commandstats.
	notDefault bool
}

var infoSections = []infoSection{
	{name: "server", title: "Server", fields: (*Server).infoServer},
	{name: "clients", title: "Clients", fields: (*Server).infoClients},
	{name: "memory", title: "Memory", fields: (*Server).infoMemory},
	{name: "persistence", title: "Persistence", fields: (*Server).infoPersistence},
	{name: "stats", title: "Stats", fields: (*Server).infoStats},
	{name: "replication", title: "Replication", fields: (*Server).infoReplication},
	{name: "commandstats", title: "Commandstats", fields: (*Server).infoCommandStats, notDefault: true}, // cmdstats.go
	{name: "errorstats", title: "Errorstats", fields: (*Server).infoErrorStats},
	{name: "keyspace", title: "Keyspace", fields: (*Server).infoKeyspace},
	{name: "nats", title: "Nats", fields: (*Server).infoNats}, // bridge.go
}

// infoWriter accumulates "field:value\r\n" lines.
type infoWriter struct{ b []byte }

func (w *infoWriter) add(field string, value any) {
	w.b = fmt.Appendf(w.b, "%s:%v\r\n", field, value)
}

// info implements INFO [section ...]. No argument and "default" select
// the default sections, "all" and "everything" every section; unknown
// names select nothing, so INFO with only unknown sections replies an
// empty string, as Redis does. Called with the keyspace read lock held
// (for the keyspace section).
func (s *Server) info(c *command.Ctx) error {
	want := map[string]bool{}
	all, defaults := false, len(c.Args) == 1
	for _, a := range c.Args[1:] {
		name := strings.ToLower(string(a))
		switch name {
		case "default":
			defaults = true
		case "all", "everything":
			all = true
		default:
			want[name] = true
		}
	}
	var w infoWriter
	n := 0
	for _, sec := range infoSections {
		if !all && !want[sec.name] && !(defaults && !sec.notDefault) {
			continue
		}
		if n > 0 {
			w.b = append(w.b, "\r\n"...)
		}
		n++
		w.b = append(w.b, "# "+sec.title+"\r\n"...)
		sec.fields(s, &w)
	}
	c.Out.Verbatim(string(w.b))
	return nil
}

// infoServer: lru_clock, gcc_version, multiplexing_api and the build ids
// are left out (no counterpart in a Go binary); config_file is empty
// because Config does not record the file cmd/brokerd read, if any.
func (s *Server) infoServer(w *infoWriter) {
	now := timeNow()
	up := now.Sub(s.started)
	exe, _ := os.Executable()
	w.add("redis_version", RedisVersion)
	w.add("redis_git_sha1", "00000000")
	w.add("redis_git_dirty", 0)
	w.add("redis_mode", "standalone")
	w.add("os", osName())
	w.add("arch_bits", strconv.IntSize)
	w.add("process_id", os.Getpid())
	w.add("process_supervised", "no")
	w.add("run_id", s.stats.serverRunID())
	w.add("tcp_port", s.listenPort())
	w.add("server_time_usec", now.UnixMicro())
	w.add("uptime_in_seconds", int64(up/time.Second))
	w.add("uptime_in_days", int64(up/(24*time.Hour)))
	w.add("hz", 10) // active expiry runs ten times a second (expire.go)
	w.add("configured_hz", 10)
	w.add("executable", exe)
	w.add("config_file", "")
	w.add("io_threads_active", 0)
}

func (s *Server) infoClients(w *infoWriter) {
	w.add("connected_clients", s.clients.count())
	w.add("cluster_connections", 0)
	w.add("maxclients", s.settings.maxClients())
	w.add("blocked_clients", s.blocking.blocked.Load())
	w.add("tracking_clients", 0)
}

func (s *Server) infoMemory(w *infoWriter) {
	m := s.stats.mem.read()
	w.add("used_memory", m.used)
	w.add("used_memory_human", bytesToHuman(m.used))
	w.add("used_memory_rss", m.rss)
	w.add("used_memory_rss_human", bytesToHuman(m.rss))
	w.add("used_memory_peak", m.peak)
	w.add("used_memory_peak_human", bytesToHuman(m.peak))
	w.add("maxmemory", 0)
	w.add("maxmemory_human", "0B")
	w.add("maxmemory_policy", "noeviction")
}

// infoPersistence reports the WAL (Redis's AOF here, always on) and the
// snapshots (persistence_commands.go), in Redis's field order.
func (s *Server) infoPersistence(w *infoWriter) {
	status := "ok"
	if s.log.Err() != nil {
		status = "err" // back to ok by itself once the log can write again
	}
	w.add("loading", 0) // the log is replayed before Serve accepts clients
	w.add("async_loading", 0)
	s.infoSnapshots(w)
	w.add("aof_last_write_status", status)
	w.add("appendfsync", s.log.Policy().String())
	s.infoWAL(w)
	st := s.log.Stats()
	w.add("wal_size", st.Size)
	w.add("wal_first_index", s.log.FirstIndex())
	w.add("wal_write_errors", st.WriteErrors)
}

// infoStats: evicted_keys is 0 because nothing is evicted.
func (s *Server) infoStats(w *infoWriter) {
	w.add("total_connections_received", s.stats.totalConns.Load())
	w.add("total_commands_processed", s.stats.totalCommands.Load())
	w.add("instantaneous_ops_per_sec", s.stats.instant.ops.rate())
	w.add("total_net_input_bytes", s.stats.netInput.Load())
	w.add("total_net_output_bytes", s.stats.netOutput.Load())
	w.add("instantaneous_input_kbps", kbps(s.stats.instant.input.rate()))
	w.add("instantaneous_output_kbps", kbps(s.stats.instant.output.rate()))
	w.add("rejected_connections", s.stats.rejectedConns.Load())
	w.add("expired_keys", s.stats.expiredKeys.Load())
	w.add("evicted_keys", 0)
	w.add("pubsub_channels", len(s.pubsub.Names(pubsub.Channels, nil)))
	w.add("pubsub_patterns", s.pubsub.NumPatterns())
	w.add("pubsubshard_channels", len(s.pubsub.Names(pubsub.ShardChannels, nil)))
	w.add("unexpected_error_replies", 0)
	w.add("total_error_replies", s.cmdstats.totalErrors.Load())
	w.add("client_output_buffer_limit_disconnections", s.stats.outputLimitDisconnections.Load())
}

// infoReplication: brokerd has no replicas; it is always a master.
func (s *Server) infoReplication(w *infoWriter) {
	w.add("role", "master")
	w.add("connected_slaves", 0)
}

// infoKeyspace lists the non-empty databases. avg_ttl is 0, Redis's value
// when it has not sampled any TTL. Caller holds the keyspace read lock.
func (s *Server) infoKeyspace(w *infoWriter) {
	for i := 0; i < s.store.Len(); i++ {
		db := s.store.Database(i)
		if keys := db.Size(); keys > 0 {
			w.add("db"+strconv.Itoa(i), fmt.Sprintf("keys=%d,expires=%d,avg_ttl=0", keys, db.ExpiresCount()))
		}
	}
}

// bytesToHuman formats n as Redis's bytesToHuman does: bytes as "123B",
// then K, M, G, T or P with two decimals ("1.50M").
func bytesToHuman(n uint64) string {
	if n < 1024 {
		return strconv.FormatUint(n, 10) + "B"
	}
	const units = "KMGTP"
	f, i := float64(n)/1024, 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return strconv.FormatFloat(f, 'f', 2, 64) + units[i:i+1]
}

var osNameOnce = sync.OnceValue(func() string {
	kernel, release := runtime.GOOS, ""
	if b, err := os.ReadFile("/proc/sys/kernel/ostype"); err == nil {
		kernel = string(bytes.TrimSpace(b))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		release = string(bytes.TrimSpace(b))
	}
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	}
	return strings.Join(strings.Fields(kernel+" "+release+" "+arch), " ")
})

// osName is INFO's os field, like uname's "Linux 6.1.0 x86_64".
func osName() string { return osNameOnce() }

// memSampler reads the process's memory use for INFO memory. Samples are
// cached for memSampleTTL so INFO polled in a loop does not keep reading
// the runtime's metrics; the peak is the largest sample seen since start
// or CONFIG RESETSTAT, not a continuous high-water mark.
type memSampler struct {
	mu   sync.Mutex
	at   time.Time
	last memSample
	peak uint64
}

type memSample struct{ used, rss, peak uint64 }

const memSampleTTL = 100 * time.Millisecond

func (m *memSampler) read() memSample {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now := time.Now(); now.Sub(m.at) >= memSampleTTL {
		m.at, m.last = now, sampleMemory()
	}
	m.peak = max(m.peak, m.last.used)
	m.last.peak = m.peak
	return m.last
}

func (m *memSampler) resetPeak() {
	m.mu.Lock()
	m.peak, m.at = 0, time.Time{}
	m.mu.Unlock()
}

// sampleMemory reads runtime/metrics, which does not stop the world (as
// runtime.ReadMemStats does). used is the heap held by objects, Redis's
// used_memory counterpart; rss is the resident set from /proc where it
// exists, else what the Go runtime has mapped and not returned to the OS.
func sampleMemory() memSample {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(samples)
	val := func(i int) uint64 {
		if samples[i].Value.Kind() == metrics.KindUint64 {
			return samples[i].Value.Uint64()
		}
		return 0
	}
	m := memSample{used: val(0), rss: val(1) - min(val(1), val(2))}
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				m.rss = pages * uint64(os.Getpagesize())
			}
		}
	}
	return m
}
