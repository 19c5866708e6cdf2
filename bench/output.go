package bench

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Meta describes a run for the markdown report.
type Meta struct {
	Date    time.Time
	Commit  string
	CPU     string
	Cores   int
	Command string
	Config  Config
	Sides   []ServerSpec
	Note    string // e.g. "redis-server is not on PATH"
	Chart   string // file name of the chart, beside the report
	Elapsed time.Duration
}

// Describe says in one line what is compared and how.
func Describe(sides []ServerSpec, cfg Config) string {
	var names []string
	for _, s := range sides {
		if s.External() {
			names = append(names, fmt.Sprintf("%s at %s", s.Name, s.Addr))
		} else {
			names = append(names, fmt.Sprintf("%s (appendfsync %s)", s.Name, s.Fsync))
		}
	}
	return fmt.Sprintf("%s; %d rounds, %s per run after %s warm-up, %d clients, pipeline %d, %d-byte values",
		strings.Join(names, " vs "), cfg.Rounds, cfg.Duration, cfg.Warmup, cfg.Clients, cfg.Pipeline, cfg.Payload)
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " and ")
}

// WriteText writes the tables and notes for a terminal.
func WriteText(w io.Writer, r *Result) {
	for _, t := range Tables(r) {
		t.Text(w)
	}
	if notes := Notes(r); len(notes) > 0 {
		fmt.Fprintln(w, "Notes:")
		for _, n := range notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
		fmt.Fprintln(w)
	}
}

// WriteMarkdown writes the full report: machine, settings, tables,
// notes and how to read them.
func WriteMarkdown(w io.Writer, r *Result, m Meta) {
	fmt.Fprintf(w, "# brokerbench %s (commit %s)\n\n", m.Date.Format("2006-01-02 15:04 MST"), m.Commit)
	fmt.Fprintf(w, "- Machine: %s, %d logical CPUs (load generator and servers share them)\n", m.CPU, m.Cores)
	fmt.Fprintf(w, "- Run: %s\n", Describe(m.Sides, m.Config))
	c := m.Config
	fmt.Fprintf(w, "- Queues: %d producers, %d workers, XREADGROUP COUNT %d, backlog %d; pub/sub: 1 channel to %s subscribers, and %d subscribers on %d channels; event sourcing: %d entries, XRANGE COUNT %d; memory: %d items per figure; raw client: %s\n",
		c.Producers, c.Workers, c.Count, c.Backlog, fanOutList(), c.Subscribers, c.Channels, c.Events, c.ReplayPage, c.MemEntries, c.Driver)
	fmt.Fprintf(w, "- Durability: XADD and LPUSH at pipeline %s also under appendfsync %s; start-up and snapshot pause: %s keys (one SET of %d bytes each, pipelined), snapshots only on command (brokerd --snapshot-log-bytes 0, Redis --auto-aof-rewrite-percentage 0)\n",
		joinInts(c.RawPipelines), durablePolicy, FormatCount(c.StartupRecords), c.Payload)
	fmt.Fprintf(w, "- Command: `%s` (took %s)\n", m.Command, m.Elapsed.Round(time.Second))
	if m.Note != "" {
		fmt.Fprintf(w, "- Note: %s\n", m.Note)
	}
	fmt.Fprintln(w)
	if len(m.Sides) == 2 {
		fmt.Fprintf(w, "Every figure is the median of the rounds; the ratio column is %s/%s (above 1 is better for ops/s, below 1 is better for latency, RSS and CPU). Differences under ~15%% are noise on a shared machine.\n\n",
			m.Sides[0].Name, m.Sides[1].Name)
	}
	for _, t := range Tables(r) {
		t.Markdown(w)
	}
	if notes := Notes(r); len(notes) > 0 {
		fmt.Fprintln(w, "### Notes")
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Pub/sub rows count messages published per second (each publisher's PUBLISH sent in the window); the deliveries table counts what all subscribers received. The cross-node row (workload pubsub-nats) needs a nats-server on PATH: it starts one and two brokerd nodes bridged through it, publishes on one and subscribes on the other; Redis has no counterpart.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Durability rows start both servers with appendfsync %s and run as the raw rows do; the durability table sets them beside the raw rows, which ran under the suite's policy. Start-up: a fresh server gets the keys, is stopped with SHUTDOWN NOSAVE and restarted on its data directory, timed from the process's start to its first PONG (Redis answers LOADING until then, brokerd listens once loaded); \"log only\" loads the log of every SET, \"snapshot + log\" the snapshot the pause row took and the SET load written during and after it. Snapshot pause: the same clients and keys, a SET load measured alone and then with a BGREWRITEAOF started as the window opens; the window lasts until the snapshot ends (\"snapshot took\"). The server pause is what the server itself reports: brokerd's snapshot_last_pause_usec (the capture, during which writes wait), Redis's latest_fork_usec (the fork). The max column is the slowest operation a client saw. These rows need binaries to start and are skipped with --target.\n\n", durablePolicy)
	fmt.Fprintln(w, "Latency is per operation: from a queue message's send to its delivery (queues, pub/sub: the send time travels in the payload), from a pipeline's write to each reply (raw, celery, appends), per page for the replay. Server CPU µs/op is the server process's utime+stime over the measured window divided by the operations counted; it still compares two servers when the load generator caps throughput.")
	if m.Chart != "" {
		fmt.Fprintf(w, "\n![throughput and p99 latency](%s)\n", m.Chart)
	}
}
