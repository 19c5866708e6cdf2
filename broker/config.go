package broker

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/brokerd/brokerd/pubsub"
	"github.com/brokerd/brokerd/wal"
)

// Config is everything the server is started with. cmd/brokerd fills it
// from flags, environment variables and a redis.conf-style file; tests
// fill it directly.
type Config struct {
	// Bind is the address to listen on (default 127.0.0.1).
	Bind string
	// Port is the TCP port (default 6379; 0 picks a free one).
	Port int
	// Dir holds the data: the WAL in Dir/wal (default ./data).
	Dir string
	// AppendFsync is the WAL sync policy (default everysec).
	AppendFsync wal.Policy
	// RequirePass, when set, makes clients AUTH first.
	RequirePass string
	// Databases is the number of numbered databases (default 16).
	Databases int
	// MaxClients caps concurrent connections (default 10000).
	MaxClients int
	// Timeout closes a connection idle for that long; 0 never does.
	Timeout time.Duration
	// SegmentSize is the WAL segment size in bytes (0 = wal's default).
	SegmentSize int
	// NATS configures the NATS bridge (pubsub.Bridge); off unless
	// NATS.URL is set.
	NATS pubsub.BridgeConfig
	// Logger receives the server's log; nil means slog.Default().
	Logger *slog.Logger
	// SnapshotLogBytes starts a background snapshot (then truncates the
	// log) once this many bytes of log were written since the last one;
	// 0 disables automatic snapshots (default 64 MiB). Durability engine.
	SnapshotLogBytes int64
	// ConnGoroutines serves every connection from its own goroutine, as
	// redcon does, instead of the event loop (eventloop_linux.go); for
	// comparing the two.
	ConnGoroutines bool
	// LoopIOURing has the event loop read and write its sockets in
	// io_uring batches, one system call for all the sockets of a pass
	// (uring_linux.go); off, or where the kernel refuses io_uring, it
	// makes a read(2) and a write(2) per socket, as Redis does.
	LoopIOURing bool
	// WALFaults injects write and fsync failures into the log, for tests
	// of the failure path; nil in production. Durability engine.
	WALFaults *wal.Faults
}

// DefaultConfig returns the embedded defaults `make run` starts with.
func DefaultConfig() Config {
	return Config{
		Bind:        "127.0.0.1",
		Port:        6379,
		Dir:         "./data",
		AppendFsync: wal.EverySec,
		Databases:   16,
		MaxClients:  10000,
		LoopIOURing: true,

		SnapshotLogBytes: 64 << 20,
	}
}

// Validate reports the first setting that cannot work, naming it.
func (c *Config) Validate() error {
	if c.Bind == "" || (net.ParseIP(c.Bind) == nil && c.Bind != "localhost") {
		return fmt.Errorf("bind: %q is not an IP address", c.Bind)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("port: %d is out of range 0-65535", c.Port)
	}
	if c.Dir == "" {
		return fmt.Errorf("dir: must not be empty")
	}
	if c.Databases < 1 || c.Databases > 1<<20 {
		return fmt.Errorf("databases: %d is out of range 1-1048576", c.Databases)
	}
	if c.MaxClients < 1 {
		return fmt.Errorf("maxclients: %d must be at least 1", c.MaxClients)
	}
	if c.SnapshotLogBytes < 0 {
		return fmt.Errorf("snapshot-log-bytes: %d must not be negative", c.SnapshotLogBytes)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("timeout: %v must not be negative", c.Timeout)
	}
	if err := c.NATS.Validate(); err != nil {
		return err
	}
	return nil
}

// Addr is host:port to listen on.
func (c *Config) Addr() string { return net.JoinHostPort(c.Bind, strconv.Itoa(c.Port)) }

func (c *Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}
