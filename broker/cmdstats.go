package broker

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
)

// INFO commandstats and errorstats, as Redis 7.2 keeps them: per command,
// the calls, the microseconds they ran, the calls refused before running
// (rejected_calls: wrong arity, NOAUTH, MISCONF, BUSY, a command not
// allowed in MULTI) and those that ran and replied an error
// (failed_calls); per error code (the reply's first word), how many error
// replies carried it.

// callStats are one command's counters in one shard.
type callStats struct {
	calls, usec, rejected, failed atomic.Int64
	_                             [32]byte // a cache line of its own
}

// statShards spreads each command's counters over shards picked by client
// id, so that two clients running the same command on two cores do not
// fight over one cache line: with one shared set of atomics, counting a
// call cost 110 ns of CPU more per command (two contended adds, measured
// with two goroutines on this 2-core machine), as much as the pipelined
// GET's whole keyspace work.
const statShards = 8

type callShards [statShards]callStats

func (cs *callShards) sum() (calls, usec, rejected, failed int64) {
	for i := range cs {
		calls += cs[i].calls.Load()
		usec += cs[i].usec.Load()
		rejected += cs[i].rejected.Load()
		failed += cs[i].failed.Load()
	}
	return
}

// maxErrorCodes bounds errorstats' table, as Redis's ERROR_STATS_NUMBER:
// error codes first seen after it is full are counted only in the total.
const maxErrorCodes = 128

// commandStats holds every command's callStats, built once from the
// command table, and the error counts.
type commandStats struct {
	bySpec map[*command.Spec]*callShards // read-only after newCommandStats

	errMu       sync.Mutex
	errCodes    map[string]int64
	totalErrors atomic.Int64
}

func newCommandStats(t *command.Table) *commandStats {
	cs := &commandStats{bySpec: map[*command.Spec]*callShards{}, errCodes: map[string]int64{}}
	for _, spec := range t.Sorted() {
		cs.bySpec[spec] = new(callShards)
		for i := range spec.Subcommands {
			cs.bySpec[&spec.Subcommands[i]] = new(callShards)
		}
	}
	return cs
}

// of returns cl's shard of spec's counters; nil for a spec outside the
// table.
func (cs *commandStats) of(spec *command.Spec, cl *client) *callStats {
	shards := cs.bySpec[spec]
	if shards == nil {
		return nil
	}
	return &shards[cl.id%statShards]
}

// noteError counts one error reply under its code: the message's first
// word if a space ends it within 32 bytes, else ERR, as Redis's
// afterErrorReply decides.
func (cs *commandStats) noteError(msg string) {
	cs.totalErrors.Add(1)
	code := "ERR"
	if i := strings.IndexByte(msg[:min(len(msg), 32)], ' '); i >= 0 {
		code = msg[:i]
	}
	cs.errMu.Lock()
	if _, ok := cs.errCodes[code]; ok || len(cs.errCodes) < maxErrorCodes {
		cs.errCodes[code]++
	}
	cs.errMu.Unlock()
}

// reset zeroes everything (CONFIG RESETSTAT).
func (cs *commandStats) reset() {
	for _, shards := range cs.bySpec {
		for i := range shards {
			st := &shards[i]
			st.calls.Store(0)
			st.usec.Store(0)
			st.rejected.Store(0)
			st.failed.Store(0)
		}
	}
	cs.errMu.Lock()
	clear(cs.errCodes)
	cs.errMu.Unlock()
	cs.totalErrors.Store(0)
}

// callSource is who sent a call runCounted makes.
type callSource int

const (
	sentByClient callSource = iota // the client's command, or one its EXEC runs
	sentByScript                   // a script's redis.call
)

// runCounted runs spec for cl as one counted call: the command's calls,
// time and failure, INFO's total_commands_processed, the slow log for
// what the client sent itself, and the monitors' feed.
func (s *Server) runCounted(cl *client, spec *command.Spec, c *command.Ctx, via callSource) {
	args := c.Args
	feedFirst := spec.Has(command.SkipMonitor) && !spec.Has(command.Admin)
	if feedFirst {
		s.feedMonitors(cl, cl.db, args, via == sentByScript)
	}
	written, claimed := c.Out.Errors()
	start := monotonic()
	run(spec, c)
	s.counted(cl, spec, args, monotonic()-start, c.Out.ClaimErrors(written, claimed), via)
	if !feedFirst && !spec.Has(command.SkipMonitor) && !spec.Has(command.Admin) {
		s.feedMonitors(cl, cl.db, args, via == sentByScript)
	}
}

// counted accounts for one call of spec that ran for took; see runCounted.
func (s *Server) counted(cl *client, spec *command.Spec, args [][]byte, took time.Duration, failed bool, via callSource) {
	s.stats.totalCommands.Add(1)
	st := s.cmdstats.of(spec, cl)
	if st == nil {
		return
	}
	st.calls.Add(1)
	st.usec.Add(took.Microseconds())
	if failed {
		st.failed.Add(1)
	}
	if via == sentByClient && !spec.Has(command.SkipSlowlog) {
		s.slowlog.note(cl, args, took)
	}
}

// monotonic reads the monotonic clock alone: time.Now reads the wall
// clock too, and each read costs about 66 ns here.
func monotonic() time.Duration { return time.Since(processStart) }

var processStart = time.Now()

// rejected counts cl's refused call of the command args name, if it names
// one (an unknown command or subcommand counts only as an error). A
// container called bare is refused as itself, as Redis's lookupCommand
// returns the container for a single argument.
func (s *Server) rejected(cl *client, args [][]byte, spec *command.Spec) {
	if spec == nil {
		spec = s.table.Lookup(args[0])
		if spec != nil && len(spec.Subcommands) > 0 && len(args) > 1 {
			spec = spec.Subcommand(args[1])
		}
	}
	if st := s.cmdstats.of(spec, cl); st != nil {
		st.rejected.Add(1)
	}
}

// infoCommandStats lists the commands called or refused at least once, by
// name: cmdstat_get, cmdstat_config|set.
func (s *Server) infoCommandStats(w *infoWriter) {
	type row struct {
		name                          string
		calls, usec, rejected, failed int64
	}
	var rows []row
	for spec, shards := range s.cmdstats.bySpec {
		r := row{name: spec.LowerName()}
		r.calls, r.usec, r.rejected, r.failed = shards.sum()
		if r.calls > 0 || r.rejected > 0 || r.failed > 0 {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.name, b.name) })
	for _, r := range rows {
		perCall := 0.0
		if r.calls > 0 {
			perCall = float64(r.usec) / float64(r.calls)
		}
		w.add("cmdstat_"+r.name, fmt.Sprintf("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
			r.calls, r.usec, perCall, r.rejected, r.failed))
	}
}

// infoErrorStats lists the error codes replied, by code.
func (s *Server) infoErrorStats(w *infoWriter) {
	cs := s.cmdstats
	cs.errMu.Lock()
	codes := make([]string, 0, len(cs.errCodes))
	for code := range cs.errCodes {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		w.add("errorstat_"+code, fmt.Sprintf("count=%d", cs.errCodes[code]))
	}
	cs.errMu.Unlock()
}
