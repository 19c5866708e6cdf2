package bench

import (
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Config holds every knob of a suite run. Zero values are not defaults:
// use DefaultConfig or QuickConfig and override.
type Config struct {
	Duration time.Duration // measured time of a timed workload
	Warmup   time.Duration // unmeasured time before it
	Rounds   int           // alternating rounds per side; medians are reported
	Clients  int           // connections for raw, celery and event appends
	Pipeline int           // commands per write for producers, publisher, celery
	Payload  int           // value size in bytes (queue payloads are at least 20: they carry a timestamp)
	Fsync    string        // appendfsync policy of started servers

	Producers    int // stream and list queue producers
	Workers      int // stream and list queue workers
	Count        int // XREADGROUP COUNT
	Backlog      int // queued messages above which producers wait
	HandoverRate int // jobs/s of the handover rows' one producer, low enough that each finds a worker blocked
	Subscribers  int // subscribers of the multi-channel pub/sub row
	Channels     int // channels of that row (every subscriber listens on all)

	RawPipelines []int    // pipeline depths of the raw throughput rows
	RawCommands  []string // commands of the raw rows (subset of SET GET XADD LPUSH RPOP PUBLISH)
	Events       int      // entries appended and replayed by event sourcing
	ReplayPage   int      // XRANGE COUNT of the replay
	MemEntries   int      // entries per memory measurement (scaled to 1,000,000)
	// StartupRecords is the number of keys the startup workload writes
	// (one SET each) before timing restarts and snapshots.
	StartupRecords int
	// CountCap bounds each load of the count-bound workloads (event
	// appends, memory loads), so a slow target cannot stretch the suite
	// past its time budget; figures then use the count actually loaded.
	CountCap time.Duration
	// Settle is the pause before each RSS reading of the memory
	// workload, so that the server has finished its own bookkeeping (a Go
	// server's GC cycle, Redis's lazy frees).
	Settle time.Duration
	Driver string
}

// DefaultConfig is the `make bench` configuration (under 10 minutes with
// redis-server on the 2-core machine).
//
// The queues run 50 workers, the pool issue 4 names for the stream queue:
// with 8 the blocking paths were never measured at the fan-out brokers
// see, and a cost per waiter (every BRPOP retried on each push) went
// unnoticed.
func DefaultConfig() Config {
	return Config{
		Duration: 2 * time.Second, Warmup: 300 * time.Millisecond, Rounds: 3,
		Clients: 50, Pipeline: 1, Payload: 16, Fsync: "everysec",
		Producers: 4, Workers: 50, Count: 10, Backlog: 1000, HandoverRate: 1000, Subscribers: 10, Channels: 4,
		RawPipelines: []int{1, 16}, RawCommands: RawCommands, Events: 1_000_000, ReplayPage: 100, MemEntries: 1_000_000, StartupRecords: 1_000_000, CountCap: 30 * time.Second, Settle: 300 * time.Millisecond,
		Driver: "resp",
	}
}

// QuickConfig is `make bench QUICK=1` (under 2 minutes).
func QuickConfig() Config {
	c := DefaultConfig()
	c.Duration, c.Warmup = 250*time.Millisecond, 50*time.Millisecond
	c.Events, c.MemEntries, c.CountCap, c.Settle = 100_000, 100_000, 5*time.Second, 100*time.Millisecond
	c.StartupRecords = 100_000
	return c
}

// Sample is what one run of one workload row against one server gives.
type Sample struct {
	Row      string
	Status   string // "" when measured, else "unsupported by target" or "error: ..."
	Ops      float64
	P50      time.Duration
	P99      time.Duration
	P999     time.Duration
	Max      time.Duration // slowest operation
	RSS      int64         // bytes at the end of the run
	CPUPerOp float64       // server CPU µs per operation; NaN when unknown
	MemPer1M float64       // memory rows: RSS growth per 1,000,000 items, bytes
	// Delivered is, for pub/sub rows, messages received per second by
	// all subscribers together (a message published to n subscribers
	// counts n times); 0 for other rows.
	Delivered float64
	// Startup rows: time from the process's start to its first PONG, and
	// the size of the data directory it loaded. Snapshot rows: how long
	// the snapshot ran, and the stop the server itself reports for it
	// (brokerd's snapshot_last_pause_usec, Redis's latest_fork_usec).
	// Zero when not measured.
	Startup, Snapshot, Pause time.Duration
	Disk                     int64
	Note                     string // something the reader should know (e.g. "list ran empty")
}

// OK reports whether s holds measurements.
func (s Sample) OK() bool { return s.Status == "" }

// runCtx is what a workload gets for one run.
type runCtx struct {
	cfg      *Config
	srv      *Server       // the server measured (CPU, RSS) and dialled by worker.dial
	peers    []*Server     // more servers of a cluster, measured with srv (summed)
	side     ServerSpec    // the side being run, for workloads that start their own servers
	progress *atomic.Int64 // operations measured so far, for the progress line
}

// worker is one goroutine of a timed workload.
type worker struct {
	id        int
	hist      *Histogram
	ops       int64
	delivered int64 // pub/sub deliveries (see Sample.Delivered)
	t         *timed
}

// timed runs a closed-loop workload: warm-up, a measured window of
// cfg.Duration, then stop. Workers record each operation's latency with
// record; only operations completed inside the window count.
type timed struct {
	rc        *runCtx
	measuring atomic.Bool
	stop      atomic.Bool
	mu        sync.Mutex
	conns     []*Conn
	closers   []func()
}

func (w *worker) stopped() bool { return w.t.stop.Load() }

// record counts one operation finished now that started at start.
func (w *worker) record(start, now time.Time) {
	w.recordN(start, now, 1)
}

// recordN counts n operations answered together (a page of entries).
func (w *worker) recordN(start, now time.Time, n int) {
	if w.t.measuring.Load() {
		w.hist.RecordDuration(now.Sub(start))
		w.ops += int64(n)
		w.t.rc.progress.Add(int64(n))
	}
}

// count counts n operations whose latency is recorded elsewhere (a
// publisher's messages, whose latency its subscribers record).
func (w *worker) count(n int) {
	if w.t.measuring.Load() {
		w.ops += int64(n)
		w.t.rc.progress.Add(int64(n))
	}
}

// deliver records the latency of one pub/sub delivery, sent at start;
// deliveries are counted apart from operations.
func (w *worker) deliver(start, now time.Time) {
	if w.t.measuring.Load() {
		w.hist.RecordDuration(now.Sub(start))
		w.delivered++
	}
}

// dial opens a connection to the measured server (see dialAddr).
func (w *worker) dial() (*Conn, error) { return w.dialAddr(w.t.rc.srv.Addr) }

// dialAddr opens a connection that is closed when the run stops, which
// also frees a worker blocked reading it.
func (w *worker) dialAddr(addr string) (*Conn, error) {
	c, err := Dial(addr)
	if err != nil {
		return nil, err
	}
	if err := w.adopt(c); err != nil {
		return nil, err
	}
	return c, nil
}

// adopt has c closed when the run stops, like a connection of dial (or
// closes it now when the run has already stopped).
func (w *worker) adopt(c *Conn) error {
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	if w.t.stop.Load() {
		c.Close()
		return errStopped
	}
	w.t.conns = append(w.t.conns, c)
	return nil
}

// onStop registers f to run when the run stops.
func (w *worker) onStop(f func()) {
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	w.t.closers = append(w.t.closers, f)
}

var errStopped = errors.New("bench: stopped")

// runTimed runs n workers through body and measures them. A worker
// error before the stop ends the run with that error.
func runTimed(rc *runCtx, row string, n int, body func(w *worker) error) (Sample, error) {
	return runTimedDuring(rc, row, n, body, nil)
}

// runTimedDuring is runTimed with an event in the measured window:
// during, when not nil, starts as the window opens, and the window lasts
// until it returns, and at least cfg.Duration.
func runTimedDuring(rc *runCtx, row string, n int, body func(w *worker) error, during func() error) (Sample, error) {
	t := &timed{rc: rc}
	workers, errc, wg := t.start(n, body)
	wait := func(d time.Duration) error {
		select {
		case err := <-errc:
			return err
		case <-time.After(d):
			return nil
		}
	}
	err := wait(rc.cfg.Warmup)
	var m window
	if err == nil {
		m.begin(rc.measured())
		t.measuring.Store(true)
		end := time.Now().Add(rc.cfg.Duration)
		if during != nil {
			done := make(chan error, 1)
			go func() { done <- during() }()
			select {
			case err = <-errc:
				defer func() { <-done }() // bounded by during's own limit
			case err = <-done:
			}
		}
		if err == nil {
			err = wait(time.Until(end))
		}
		t.measuring.Store(false)
		m.end(rc.measured())
	}
	t.stopAll()
	wg.Wait()
	return t.result(row, workers, m, err)
}

// runCounted runs n workers until each returns, measuring every
// operation: for workloads bounded by a count rather than a duration.
func runCounted(rc *runCtx, row string, n int, body func(w *worker) error) (Sample, error) {
	t := &timed{rc: rc}
	t.measuring.Store(true)
	var m window
	m.begin(rc.measured())
	workers, errc, wg := t.start(n, body)
	wg.Wait()
	m.end(rc.measured())
	t.stopAll()
	var err error
	select {
	case err = <-errc:
	default:
	}
	return t.result(row, workers, m, err)
}

// window is a measured interval: wall time and server CPU time.
type window struct {
	start      time.Time
	elapsed    time.Duration
	cpu0, cpu1 time.Duration
	cpuOK      bool
	rss        int64
	rssErr     error
}

// measured lists the servers whose CPU time and RSS a run reports.
func (rc *runCtx) measured() []*Server { return append([]*Server{rc.srv}, rc.peers...) }

// begin and end measure srvs together: CPU time and RSS are summed.
func (m *window) begin(srvs []*Server) {
	m.cpu0, m.cpuOK = cpuOf(srvs)
	m.start = time.Now()
}

func (m *window) end(srvs []*Server) {
	m.elapsed = time.Since(m.start)
	m.cpu1, _ = cpuOf(srvs)
	for _, s := range srvs {
		rss, err := s.RSS()
		m.rss += rss
		m.rssErr = errors.Join(m.rssErr, err)
	}
}

func cpuOf(srvs []*Server) (total time.Duration, ok bool) {
	ok = true
	for _, s := range srvs {
		d, known := s.CPU()
		total += d
		ok = ok && known
	}
	return total, ok
}

func (t *timed) start(n int, body func(w *worker) error) ([]*worker, chan error, *sync.WaitGroup) {
	errc := make(chan error, n)
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{id: i, hist: NewHistogram(), t: t}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := body(w); err != nil && !t.stop.Load() {
				errc <- err
			}
		}()
	}
	return workers, errc, &wg
}

// stopAll tells workers to stop and closes their connections, which
// frees those blocked in a read.
func (t *timed) stopAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stop.Store(true)
	for _, c := range t.conns {
		c.Close()
	}
	for _, f := range t.closers {
		f()
	}
}

func (t *timed) result(row string, workers []*worker, m window, err error) (Sample, error) {
	if err == nil {
		err = m.rssErr
	}
	if err != nil {
		return Sample{}, err
	}
	h := NewHistogram()
	var ops, delivered int64
	for _, w := range workers {
		h.Merge(w.hist)
		ops += w.ops
		delivered += w.delivered
	}
	s := summarize(row, h, ops, m.elapsed, m.cpu1-m.cpu0, m.cpuOK, m.rss)
	if m.elapsed > 0 {
		s.Delivered = float64(delivered) / m.elapsed.Seconds()
	}
	return s, nil
}

// summarize turns counts into a Sample.
func summarize(row string, h *Histogram, ops int64, elapsed, cpu time.Duration, cpuOK bool, rss int64) Sample {
	s := Sample{Row: row, RSS: rss, CPUPerOp: math.NaN(),
		P50: h.QuantileDuration(0.5), P99: h.QuantileDuration(0.99), P999: h.QuantileDuration(0.999)}
	s.Max = time.Duration(h.Max())
	if elapsed > 0 {
		s.Ops = float64(ops) / elapsed.Seconds()
	}
	if cpuOK && ops > 0 {
		s.CPUPerOp = float64(cpu.Microseconds()) / float64(ops)
	}
	return s
}

// probe sends each command once on a fresh connection and reports
// errUnsupported if the target answers one of them "unknown command".
// Other error replies are real errors: the command exists but misbehaves.
// The scratch key is deleted before and after, over a connection of its
// own (the probe may end subscribed), so a probe that stopped half way
// leaves no key of the wrong type behind.
func probe(addr string, cmds [][]string) error {
	if err := deleteProbeKey(addr); err != nil {
		return err
	}
	defer deleteProbeKey(addr)
	c, err := Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	// A target whose blocking is unfinished might never answer.
	_ = c.nc.SetDeadline(time.Now().Add(5 * time.Second))
	for _, cmd := range cmds {
		if _, err := c.Do(cmd...); err != nil {
			if isUnknownCommand(err) {
				return errUnsupported
			}
			return err
		}
	}
	return nil
}

func deleteProbeKey(addr string) error {
	c, err := Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Do("DEL", probeKey)
	return err
}
