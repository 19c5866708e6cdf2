package main

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/pubsub"
	"github.com/brokerd/brokerd/wal"
	"github.com/urfave/cli/v2"
)

// envPrefix starts the name of every environment variable brokerd reads.
const envPrefix = "BROKERD_"

// configFlag names the config file; its env var is BROKERD_CONFIG.
const configFlag = "config"

// options is everything start-up settings produce: the server's Config
// and the log level, which is brokerd's own.
type options struct {
	cfg      broker.Config
	logLevel slog.Level
}

func defaultOptions() options {
	return options{cfg: broker.DefaultConfig(), logLevel: slog.LevelInfo}
}

// setting is one start-up setting under all the names it goes by: a
// config-file directive, a flag and an environment variable. set parses
// the value(s) and returns only the problem ("\"abc\" is not a number");
// the caller adds where the value came from.
type setting struct {
	directive string // config-file directive (lower case)
	flag      string // flag name, without dashes
	env       string // environment variable
	def       string // default, for --help
	usage     string
	// words makes a flag or env value split at spaces like a config-file
	// line, so `--bind "a b"` is reported as several addresses.
	words bool
	set   func(o *options, vals []string) error
}

// settings lists every setting, in --help order.
var settings = []setting{
	{directive: "bind", flag: "bind", env: "BROKERD_BIND", def: "127.0.0.1",
		usage: "IP address to listen on (one address; * means all IPv4 interfaces)", words: true, set: setBind},
	{directive: "port", flag: "port", env: "BROKERD_PORT", def: "6379",
		usage: "TCP port (0 picks a free one)", set: one(setPort)},
	{directive: "dir", flag: "dir", env: "BROKERD_DIR", def: "./data",
		usage: "data directory; the log is kept in <dir>/wal", set: one(setDir)},
	{directive: "appendfsync", flag: "appendfsync", env: "BROKERD_APPENDFSYNC", def: "everysec",
		usage: "when the log is synced to disk: always, everysec or no", set: one(setAppendFsync)},
	{directive: "requirepass", flag: "requirepass", env: "BROKERD_REQUIREPASS", def: "",
		usage: "password clients must AUTH with (empty: none)", set: one(setRequirePass)},
	{directive: "databases", flag: "databases", env: "BROKERD_DATABASES", def: "16",
		usage: "number of databases (SELECT 0..n-1)", set: one(setDatabases)},
	{directive: "maxclients", flag: "maxclients", env: "BROKERD_MAXCLIENTS", def: "10000",
		usage: "maximum number of connected clients", set: one(setMaxClients)},
	{directive: "timeout", flag: "timeout", env: "BROKERD_TIMEOUT", def: "0",
		usage: "close a connection idle for this many seconds (0: never)", set: one(setTimeout)},
	{directive: "snapshot-log-bytes", flag: "snapshot-log-bytes", env: "BROKERD_SNAPSHOT_LOG_BYTES", def: "64mb",
		usage: "take a snapshot and truncate the log once this much log was written since the last one (0: only on SAVE/BGSAVE/BGREWRITEAOF; units b, k, kb, m, mb, g, gb)",
		set:   one(setSnapshotLogBytes)},
	{directive: "conn-goroutines", flag: "conn-goroutines", env: "BROKERD_CONN_GOROUTINES", def: "no",
		usage: "yes: serve every connection from its own goroutine instead of the event loop (for comparison; replies are the same)",
		set:   one(yesNo(func(o *options) *bool { return &o.cfg.ConnGoroutines }))},
	{directive: "io-uring", flag: "io-uring", env: "BROKERD_IO_URING", def: "yes",
		usage: "yes: the event loop reads and writes all ready sockets of a pass in one io_uring system call; no: a read(2) and a write(2) per socket",
		set:   one(yesNo(func(o *options) *bool { return &o.cfg.LoopIOURing }))},
	{directive: "loglevel", flag: "log-level", env: "BROKERD_LOG_LEVEL", def: "info",
		usage: "log level: debug, info, warn or error", set: one(setLogLevel)},
	// The NATS bridge (pubsub/bridge.go); off unless nats-url is set.
	// List values are comma-separated (several words in a config file).
	{directive: "nats-url", flag: "nats-url", env: "BROKERD_NATS_URL", def: "",
		usage: "NATS server URL(s), comma-separated; turns the NATS bridge on (empty: off)", set: one(setNATSURL)},
	{directive: "nats-prefix", flag: "nats-prefix", env: "BROKERD_NATS_PREFIX", def: "brokerd",
		usage: "first tokens of every NATS subject the bridge uses", set: one(setNATSPrefix)},
	{directive: "nats-export", flag: "nats-export", env: "BROKERD_NATS_EXPORT", def: "",
		usage: "stream keys (globs, comma-separated, database 0) whose new entries are published to <prefix>.stream.<key>", set: list(setNATSExport)},
	{directive: "nats-export-jetstream", flag: "nats-export-jetstream", env: "BROKERD_NATS_EXPORT_JETSTREAM", def: "no",
		usage: "yes: every export waits for a JetStream ack (no: detected per subject)", set: one(setNATSExportJetStream)},
	{directive: "nats-import", flag: "nats-import", env: "BROKERD_NATS_IMPORT", def: "",
		usage: "subject=key,...: append messages on a NATS subject to a local stream (at most once)", set: list(setNATSImport)},
	{directive: "nats-import-jetstream", flag: "nats-import-jetstream", env: "BROKERD_NATS_IMPORT_JETSTREAM", def: "",
		usage: "stream:consumer=key,...: append a JetStream durable consumer to a local stream (at least once, no duplicates)", set: list(setNATSImportJetStream)},
}

func lookupDirective(name string) (setting, bool) {
	for _, s := range settings {
		if s.directive == name {
			return s, true
		}
	}
	return setting{}, false
}

// setValue sets s from a flag or environment variable.
func (s setting) setValue(o *options, v string) error {
	if s.words {
		return s.set(o, strings.Fields(v))
	}
	return s.set(o, []string{v})
}

// serveFlags returns fresh flag definitions for the root and serve
// commands (urfave flags hold state, so each command gets its own). All
// are string flags so that one parser per setting checks flags, env vars
// and the config file alike, and reports errors in one style. They have
// no EnvVars: the environment is read by buildOptions, below the flags
// and above the config file.
func serveFlags() []cli.Flag {
	flags := []cli.Flag{&cli.StringFlag{
		Name:  configFlag,
		Usage: "redis.conf-style config file [$BROKERD_CONFIG]",
	}}
	for _, s := range settings {
		f := &cli.StringFlag{
			Name:  s.flag,
			Value: s.def,
			Usage: fmt.Sprintf("%s [$%s]", s.usage, s.env),
		}
		if s.def == "" {
			f.DefaultText = `""`
		}
		flags = append(flags, f)
	}
	return flags
}

// flagsSet returns the flags given on the command line, by flag name,
// across the command and its parents (`brokerd --port 1 serve` counts;
// the innermost wins).
func flagsSet(c *cli.Context) map[string]string {
	set := make(map[string]string)
	lineage := c.Lineage()
	for i := len(lineage) - 1; i >= 0; i-- {
		ctx := lineage[i]
		for _, name := range ctx.LocalFlagNames() {
			set[name] = ctx.String(name)
		}
	}
	return set
}

// one adapts a single-value setter, rejecting any other number of values.
func one(f func(o *options, v string) error) func(*options, []string) error {
	return func(o *options, vals []string) error {
		switch {
		case len(vals) == 0:
			return fmt.Errorf("missing value")
		case len(vals) > 1:
			err := fmt.Errorf("takes one value, got %d", len(vals))
			for _, v := range vals[1:] {
				if strings.HasPrefix(v, "#") {
					return fmt.Errorf("%w (a comment must be on a line of its own)", err)
				}
			}
			return err
		}
		return f(o, vals[0])
	}
}

func setBind(o *options, vals []string) error {
	switch {
	case len(vals) == 0:
		return fmt.Errorf("missing address")
	case len(vals) > 1:
		return fmt.Errorf("several addresses given (%s); brokerd listens on one address only", strings.Join(vals, " "))
	}
	addr := vals[0]
	switch addr {
	case "*":
		addr = "0.0.0.0"
	case "::*":
		addr = "::"
	}
	if addr != "localhost" && net.ParseIP(addr) == nil {
		return fmt.Errorf("%q is not an IP address", vals[0])
	}
	o.cfg.Bind = addr
	return nil
}

func setPort(o *options, v string) error {
	n, err := parseInt(v, 0, 65535)
	if err != nil {
		return err
	}
	o.cfg.Port = n
	return nil
}

func setDir(o *options, v string) error {
	if v == "" {
		return fmt.Errorf("must not be empty")
	}
	o.cfg.Dir = v
	return nil
}

func setAppendFsync(o *options, v string) error {
	p, err := wal.ParsePolicy(strings.ToLower(v))
	if err != nil {
		return fmt.Errorf("%q is not one of always, everysec, no", v)
	}
	o.cfg.AppendFsync = p
	return nil
}

func setRequirePass(o *options, v string) error {
	o.cfg.RequirePass = v
	return nil
}

func setDatabases(o *options, v string) error {
	n, err := parseInt(v, 1, 1<<20)
	if err != nil {
		return err
	}
	o.cfg.Databases = n
	return nil
}

func setMaxClients(o *options, v string) error {
	n, err := parseInt(v, 1, math.MaxInt32)
	if err != nil {
		return err
	}
	o.cfg.MaxClients = n
	return nil
}

func setTimeout(o *options, v string) error {
	n, err := parseInt(v, 0, int(math.MaxInt64/int64(time.Second)))
	if err != nil {
		return err
	}
	o.cfg.Timeout = time.Duration(n) * time.Second
	return nil
}

// setSnapshotLogBytes takes a byte count with Redis's memory units
// (memtoull: k is 1000, kb is 1024, and so on), "64mb" by default.
func setSnapshotLogBytes(o *options, v string) error {
	n, err := parseMemory(v)
	if err != nil {
		return err
	}
	o.cfg.SnapshotLogBytes = n
	return nil
}

// parseMemory reads a size with Redis's units (broker.ParseMemory).
func parseMemory(v string) (int64, error) {
	n, ok := broker.ParseMemory(v)
	if !ok {
		return 0, fmt.Errorf("%q is not a memory size (a number, optionally with b, k, kb, m, mb, g or gb)", v)
	}
	return n, nil
}

// setLogLevel takes slog's names and, so that a redis.conf works, Redis's
// (verbose, notice, warning).
func setLogLevel(o *options, v string) error {
	switch strings.ToLower(v) {
	case "debug", "verbose":
		o.logLevel = slog.LevelDebug
	case "info", "notice":
		o.logLevel = slog.LevelInfo
	case "warn", "warning":
		o.logLevel = slog.LevelWarn
	case "error":
		o.logLevel = slog.LevelError
	default:
		return fmt.Errorf("%q is not one of debug, info, warn, error", v)
	}
	return nil
}

// parseInt parses a decimal integer in [lo, hi].
func parseInt(v string, lo, hi int) (int, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%s is out of range %d-%d", v, lo, hi)
		}
		return 0, fmt.Errorf("%q is not a number", v)
	}
	if n < int64(lo) || n > int64(hi) {
		return 0, fmt.Errorf("%d is out of range %d-%d", n, lo, hi)
	}
	return int(n), nil
}

// list adapts a setter of a comma-separated list: each value (a config
// file line may hold several) is split at commas, empty items dropped.
func list(f func(o *options, items []string) error) func(*options, []string) error {
	return func(o *options, vals []string) error {
		var items []string
		for _, v := range vals {
			for _, it := range strings.Split(v, ",") {
				if it = strings.TrimSpace(it); it != "" {
					items = append(items, it)
				}
			}
		}
		return f(o, items)
	}
}

func setNATSURL(o *options, v string) error {
	o.cfg.NATS.URL = v
	return nil
}

func setNATSPrefix(o *options, v string) error {
	o.cfg.NATS.Prefix = v
	return nil
}

func setNATSExport(o *options, globs []string) error {
	o.cfg.NATS.Export = globs
	return nil
}

var setNATSExportJetStream = yesNo(func(o *options) *bool { return &o.cfg.NATS.ExportJetStream })

// yesNo is the setter of a yes/no setting, the option field returns.
func yesNo(field func(o *options) *bool) func(o *options, v string) error {
	return func(o *options, v string) error {
		switch strings.ToLower(v) {
		case "yes", "true", "1":
			*field(o) = true
		case "no", "false", "0":
			*field(o) = false
		default:
			return fmt.Errorf("%q is not yes or no", v)
		}
		return nil
	}
}

func setNATSImport(o *options, items []string) (err error) {
	o.cfg.NATS.Imports, err = parseEach(items, pubsub.ParseBridgeImport)
	return err
}

func setNATSImportJetStream(o *options, items []string) (err error) {
	o.cfg.NATS.JetStreamImports, err = parseEach(items, pubsub.ParseBridgeJSImport)
	return err
}

// parseEach parses every item, stopping at the first error.
func parseEach[T any](items []string, parse func(string) (T, error)) ([]T, error) {
	out := make([]T, 0, len(items))
	for _, it := range items {
		v, err := parse(it)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
