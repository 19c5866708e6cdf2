// Command brokerbench is brokerd's load generator: it runs the bench
// suite against brokerd and, when redis-server is installed, against
// Redis side by side, and writes a markdown report and a chart to
// bench/results. `make bench` runs it; `make bench QUICK=1` runs the
// short version.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/brokerd/brokerd/bench"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "brokerbench:", err)
		os.Exit(1)
	}
}

type options struct {
	quick       bool
	brokerd     string
	redisServer string
	noRedis     bool
	target      string
	redis       string
	out         string
	workloads   string
	only        map[string]*bool
	rawPipes    string
	rawCmds     string
	commit      string
}

func run(args []string) error {
	fs := flag.NewFlagSet("brokerbench", flag.ContinueOnError)
	def := bench.DefaultConfig()
	var o options
	cfg := def // fields without a flag keep their default
	fs.BoolVar(&o.quick, "quick", false, "short run (QUICK=1): 0.25 s per run, 100,000 events, memory items and start-up keys")
	fs.StringVar(&o.brokerd, "brokerd", "bin/brokerd", "brokerd binary to start")
	fs.StringVar(&o.redisServer, "redis-server", "", "redis-server binary (default: redis-server on PATH)")
	fs.BoolVar(&o.noRedis, "no-redis", false, "do not compare with redis-server")
	fs.StringVar(&o.target, "target", "", "bench an already running server at host:port instead of starting brokerd")
	fs.StringVar(&o.redis, "redis", "", "with --target: a running Redis at host:port to compare with")
	fs.StringVar(&o.out, "out", "bench/results", "directory for the markdown report and the chart")
	fs.StringVar(&o.commit, "commit", "", "commit to name the report after (default: git rev-parse --short HEAD)")
	fs.StringVar(&o.workloads, "workloads", "", "comma-separated workloads to run ("+strings.Join(bench.Groups, ",")+"); default all")
	o.only = map[string]*bool{}
	for _, g := range bench.Groups {
		o.only[g] = fs.Bool(g, false, "run the "+g+" workload (several may be given; none means all)")
	}
	fs.DurationVar(&cfg.Duration, "duration", def.Duration, "measured time of each timed run")
	fs.DurationVar(&cfg.Warmup, "warmup", def.Warmup, "unmeasured warm-up before each timed run")
	fs.IntVar(&cfg.Rounds, "rounds", def.Rounds, "alternating rounds per server (medians are reported; at least 3 for a comparison)")
	fs.IntVar(&cfg.Clients, "clients", def.Clients, "connections for raw, celery and event appends")
	fs.IntVar(&cfg.Pipeline, "pipeline", def.Pipeline, "pipeline depth of queue producers, the publisher and the celery mix")
	fs.StringVar(&o.rawPipes, "raw-pipelines", "1,16", "pipeline depths of the raw throughput rows")
	fs.StringVar(&o.rawCmds, "raw-commands", strings.Join(bench.RawCommands, ","), "commands of the raw throughput rows")
	fs.IntVar(&cfg.Payload, "payload", def.Payload, "value size in bytes")
	fs.StringVar(&cfg.Fsync, "appendfsync", def.Fsync, "fsync policy of both servers: always, everysec or no")
	fs.IntVar(&cfg.Producers, "producers", def.Producers, "queue producers")
	fs.IntVar(&cfg.Workers, "workers", def.Workers, "queue workers")
	fs.IntVar(&cfg.Count, "count", def.Count, "XREADGROUP COUNT of stream workers")
	fs.IntVar(&cfg.Backlog, "backlog", def.Backlog, "queued messages above which producers wait")
	fs.IntVar(&cfg.HandoverRate, "handover-rate", def.HandoverRate, "jobs per second of the one producer of the handover rows (XADD or LPUSH to workers already blocked)")
	fs.IntVar(&cfg.Subscribers, "subscribers", def.Subscribers, "subscribers of the multi-channel pub/sub row (the one-channel rows have 1 and 100)")
	fs.IntVar(&cfg.Channels, "channels", def.Channels, "channels of the multi-channel pub/sub row")
	fs.IntVar(&cfg.Events, "event-entries", def.Events, "entries appended and replayed by event sourcing")
	fs.IntVar(&cfg.ReplayPage, "replay-page", def.ReplayPage, "XRANGE COUNT of the replay")
	fs.IntVar(&cfg.MemEntries, "mem-entries", def.MemEntries, "items per memory measurement (scaled to 1,000,000)")
	fs.IntVar(&cfg.StartupRecords, "startup-records", def.StartupRecords, "keys written before timing start-up and snapshots (workload startup; --quick: 100,000)")
	fs.DurationVar(&cfg.CountCap, "count-cap", def.CountCap, "time limit of each count-bound load (event appends, memory loads)")
	fs.StringVar(&cfg.Driver, "client", def.Driver, "client of the raw rows: resp (bench's own, a goroutine per connection), epoll (one thread driving every connection, as redis-benchmark does; Linux) or goredis (go-redis v9)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.quick {
		// QUICK changes the defaults; flags given explicitly still win.
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		q := bench.QuickConfig()
		if !set["duration"] {
			cfg.Duration = q.Duration
		}
		if !set["warmup"] {
			cfg.Warmup = q.Warmup
		}
		if !set["event-entries"] {
			cfg.Events = q.Events
		}
		if !set["mem-entries"] {
			cfg.MemEntries = q.MemEntries
		}
		if !set["count-cap"] {
			cfg.CountCap = q.CountCap
		}
		if !set["startup-records"] {
			cfg.StartupRecords = q.StartupRecords
		}
		cfg.Settle = q.Settle
	}
	var err error
	if cfg.RawPipelines, err = parseInts(o.rawPipes); err != nil {
		return fmt.Errorf("--raw-pipelines: %w", err)
	}
	cfg.RawCommands = strings.Split(strings.ToUpper(o.rawCmds), ",")
	if cfg.StartupRecords < 1 {
		return fmt.Errorf("--startup-records must be positive")
	}
	if cfg.Driver != "resp" && cfg.Driver != "epoll" && cfg.Driver != "goredis" {
		return fmt.Errorf("--client must be resp, epoll or goredis")
	}
	groups, err := selectGroups(o)
	if err != nil {
		return err
	}
	sides, note, err := chooseSides(o, cfg.Fsync)
	if err != nil {
		return err
	}

	suite := &bench.Suite{Cfg: cfg, Sides: sides, Groups: groups}
	if isTerminal(os.Stderr) {
		suite.Progress = func(line string) { fmt.Fprintf(os.Stderr, "\r\033[K%s", line) }
	}
	cpu, cores := cpuInfo()
	commit := o.commit
	if commit == "" {
		commit = gitCommit()
	}
	meta := bench.Meta{
		Date: time.Now(), Commit: commit, CPU: cpu, Cores: cores,
		Command: "brokerbench " + strings.Join(args, " "), Config: cfg, Sides: sides, Note: note,
	}
	fmt.Printf("brokerbench: %s, %d cores; %s\n", cpu, cores, bench.Describe(sides, cfg))
	if note != "" {
		fmt.Println(note)
	}
	res := suite.Run()
	if suite.Progress != nil {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	meta.Elapsed = res.Elapsed
	fmt.Println()
	bench.WriteText(os.Stdout, res)

	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s", meta.Date.Format("2006-01-02"), commit)
	if o.quick {
		name += "-quick"
	}
	mdPath, pngPath := filepath.Join(o.out, name+".md"), filepath.Join(o.out, name+".png")
	meta.Chart = filepath.Base(pngPath)
	if err := writeFile(mdPath, func(w io.Writer) error { bench.WriteMarkdown(w, res, meta); return nil }); err != nil {
		return err
	}
	if err := writeFile(pngPath, func(w io.Writer) error { return bench.WriteChart(w, res) }); err != nil {
		return err
	}
	fmt.Printf("report: %s\nchart:  %s\ntook %s\n", mdPath, pngPath, res.Elapsed.Round(time.Second))
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", p)
		}
		out = append(out, n)
	}
	return out, nil
}

func selectGroups(o options) (map[string]bool, error) {
	sel := map[string]bool{}
	for g, on := range o.only {
		if *on {
			sel[g] = true
		}
	}
	if o.workloads != "" {
		for _, g := range strings.Split(o.workloads, ",") {
			g = strings.TrimSpace(g)
			if _, ok := o.only[g]; !ok {
				return nil, fmt.Errorf("unknown workload %q (have %s)", g, strings.Join(bench.Groups, ", "))
			}
			sel[g] = true
		}
	}
	if len(sel) == 0 {
		for _, g := range bench.Groups {
			sel[g] = true
		}
	}
	return sel, nil
}

// chooseSides returns the servers to compare and a note for the report
// when Redis is left out.
func chooseSides(o options, fsync string) ([]bench.ServerSpec, string, error) {
	if o.target != "" {
		sides := []bench.ServerSpec{{Name: "target", Addr: o.target}}
		if o.redis != "" {
			return append(sides, bench.ServerSpec{Name: "redis", Addr: o.redis}), "", nil
		}
		return sides, "No --redis given: the target is measured alone.", nil
	}
	if o.redis != "" {
		return nil, "", fmt.Errorf("--redis needs --target")
	}
	if _, err := os.Stat(o.brokerd); err != nil {
		return nil, "", fmt.Errorf("brokerd binary: %w (run `make build` or pass --brokerd)", err)
	}
	sides := []bench.ServerSpec{{Name: "brokerd", Kind: "brokerd", Binary: o.brokerd, Fsync: fsync}}
	if o.noRedis {
		return sides, "Redis comparison switched off (--no-redis).", nil
	}
	path := o.redisServer
	if path == "" {
		p, err := exec.LookPath("redis-server")
		if err != nil {
			return sides, "redis-server is not on PATH: brokerd is measured alone (apt-get install redis-server for the comparison).", nil
		}
		path = p
	}
	return append(sides, bench.ServerSpec{Name: "redis", Kind: "redis", Binary: path, Fsync: fsync}), "", nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// cpuInfo returns the CPU model and the number of logical CPUs from
// /proc/cpuinfo.
func cpuInfo() (string, int) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU", 0
	}
	model, n := "unknown CPU", 0
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "processor":
			n++
		case "model name":
			model = strings.TrimSpace(v)
		}
	}
	return model, n
}

func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "nogit"
	}
	return strings.TrimSpace(string(out))
}
