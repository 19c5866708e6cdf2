package bench

import (
	"fmt"
	"sync/atomic"
	"time"
)

// Suite runs the selected workloads against every side, in alternating
// rounds: for each workload, round 1 on side A, round 1 on side B, round
// 2 on A, and so on, each run on a freshly started server, so that the
// machine's drift falls on both sides alike.
type Suite struct {
	Cfg    Config
	Sides  []ServerSpec
	Groups map[string]bool // selected workload groups (see Groups)
	// Progress, when set, is called about four times a second with a
	// one-line status of the run in progress.
	Progress func(line string)
}

// Result holds every sample of a suite run.
type Result struct {
	Sides   []string
	Rows    []RowResult
	Elapsed time.Duration
}

// RowResult is one report row: Samples[side][round].
type RowResult struct {
	Name    string
	Kind    string // which table the row goes to: KindPerf, KindMem, KindStartup or KindSnapshot
	Samples [][]Sample
}

// Row kinds.
const (
	KindPerf     = ""         // throughput and latency
	KindMem      = "memory"   // memory growth
	KindStartup  = "startup"  // start-up time
	KindSnapshot = "snapshot" // latency during a snapshot
)

// Run runs the suite. Failures of a workload are recorded in its rows
// (Sample.Status) and never stop the run.
func (s *Suite) Run() *Result {
	started := time.Now()
	ws := workloads(&s.Cfg, s.Groups)
	res := &Result{}
	for _, side := range s.Sides {
		res.Sides = append(res.Sides, side.Name)
	}
	var progress atomic.Int64
	var status atomic.Value
	status.Store("starting")
	stopTicker := s.startProgress(&progress, &status)
	defer stopTicker()
	total := len(ws) * s.Cfg.Rounds * len(s.Sides)
	done := 0
	for _, w := range ws {
		rows := make([]RowResult, len(w.rows))
		for i, name := range w.rows {
			rows[i] = RowResult{Name: name, Kind: w.kind(name), Samples: make([][]Sample, len(s.Sides))}
		}
		for round := 1; round <= s.Cfg.Rounds; round++ {
			for si, side := range s.Sides {
				done++
				status.Store(fmt.Sprintf("[%d/%d] %s · %s · round %d/%d", done, total, w.rows[0], side.Name, round, s.Cfg.Rounds))
				progress.Store(0)
				samples := s.runOne(w, side, &progress)
				for i := range rows {
					rows[i].Samples[si] = append(rows[i].Samples[si], samples[i])
				}
			}
		}
		res.Rows = append(res.Rows, rows...)
	}
	res.Elapsed = time.Since(started)
	return res
}

// runOne runs workload w once against a fresh server of side, and
// returns one sample per row whatever happens.
func (s *Suite) runOne(w workload, side ServerSpec, progress *atomic.Int64) []Sample {
	out := make([]Sample, len(w.rows))
	fail := func(err error) []Sample {
		for i, row := range w.rows {
			out[i] = Sample{Row: row, Status: statusOf(err)}
		}
		return out
	}
	if w.local && side.External() {
		return fail(skipError("needs binaries to start"))
	}
	if w.fsync != "" {
		side.Fsync = w.fsync
	}
	rc := &runCtx{cfg: &s.Cfg, side: side, progress: progress}
	if w.own {
		samples, err := w.run(rc)
		if err != nil {
			return fail(err)
		}
		return pick(w.rows, samples, out)
	}
	srv, err := side.Start()
	if err != nil {
		return fail(err)
	}
	defer srv.Stop()
	rc.srv = srv
	if side.External() {
		// Leave a shared server as it was found: only bench's keys go.
		deleteBenchKeys(srv.Addr)
		defer deleteBenchKeys(srv.Addr)
	}
	if len(w.probe) > 0 {
		if err := probe(srv.Addr, w.probe); err != nil {
			return fail(err)
		}
	}
	samples, err := w.run(rc)
	if err != nil {
		return fail(err)
	}
	return pick(w.rows, samples, out)
}

// pick puts each row's sample in out, in row order.
func pick(rows []string, samples, out []Sample) []Sample {
	for i, row := range rows {
		out[i] = Sample{Row: row, Status: "error: no sample"}
		for _, smp := range samples {
			if smp.Row == row {
				out[i] = smp
			}
		}
	}
	return out
}

// startProgress calls s.Progress with the status and the current rate
// until the returned function is called.
func (s *Suite) startProgress(progress *atomic.Int64, status *atomic.Value) func() {
	if s.Progress == nil {
		return func() {}
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		last := progress.Load()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				cur := progress.Load()
				rate := max(cur-last, 0) * 4
				last = cur
				s.Progress(fmt.Sprintf("%s · %s ops/s", status.Load(), FormatOps(float64(rate))))
			}
		}
	}()
	return func() { close(stop); <-stopped }
}

// deleteBenchKeys removes every key bench may have written to a server
// it did not start (SCAN MATCH brokerbench:*). Failures are ignored: the
// next run's setup would report them.
func deleteBenchKeys(addr string) {
	c, err := Dial(addr)
	if err != nil {
		return
	}
	defer c.Close()
	cursor := "0"
	for {
		v, err := c.Do("SCAN", cursor, "MATCH", keyPrefix+"*", "COUNT", "1000")
		if err != nil || len(v.Array) != 2 {
			return
		}
		if keys := v.Array[1].Array; len(keys) > 0 {
			args := []string{"DEL"}
			for _, k := range keys {
				args = append(args, string(k.Str))
			}
			if _, err := c.Do(args...); err != nil {
				return
			}
		}
		cursor = string(v.Array[0].Str)
		if cursor == "0" {
			return
		}
	}
}
