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

// callStats are one command's counters.
type callStats struct {
	calls, usec, rejected, failed atomic.Int64
}

// maxErrorCodes bounds errorstats' table, as Redis's ERROR_STATS_NUMBER:
// error codes first seen after it is full are counted only in the total.
const maxErrorCodes = 128

// commandStats holds every command's callStats, built once from the
// command table, and the error counts.
type commandStats struct {
	bySpec map[*command.Spec]*callStats // read-only after newCommandStats

	errMu       sync.Mutex
	errCodes    map[string]int64
	totalErrors atomic.Int64
}

func newCommandStats(t *command.Table) *commandStats {
	cs := &commandStats{bySpec: map[*command.Spec]*callStats{}, errCodes: map[string]int64{}}
	for _, spec := range t.Sorted() {
		cs.bySpec[spec] = new(callStats)
		for i := range spec.Subcommands {
			cs.bySpec[&spec.Subcommands[i]] = new(callStats)
		}
	}
	return cs
}

// of returns spec's counters; nil for a spec outside the table.
func (cs *commandStats) of(spec *command.Spec) *callStats { return cs.bySpec[spec] }

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
	for _, st := range cs.bySpec {
		st.calls.Store(0)
		st.usec.Store(0)
		st.rejected.Store(0)
		st.failed.Store(0)
	}
	cs.errMu.Lock()
	clear(cs.errCodes)
	cs.errMu.Unlock()
	cs.totalErrors.Store(0)
}

// runCounted runs spec for cl as one counted call: the command's calls, time
// and failure, INFO's total_commands_processed, and, for a command the
// client sent itself (top), the slow log.
func (s *Server) runCounted(cl *client, spec *command.Spec, c *command.Ctx, top bool) {
	written, claimed := c.Out.Errors()
	start := time.Now()
	run(spec, c)
	s.counted(cl, spec, c.Args, time.Since(start), c.Out.ClaimErrors(written, claimed), top)
}

// counted accounts for one call of spec that ran for took; see runCounted.
func (s *Server) counted(cl *client, spec *command.Spec, args [][]byte, took time.Duration, failed, top bool) {
	s.stats.totalCommands.Add(1)
	st := s.cmdstats.of(spec)
	if st == nil {
		return
	}
	st.calls.Add(1)
	st.usec.Add(took.Microseconds())
	if failed {
		st.failed.Add(1)
	}
	if top && !spec.Has(command.SkipSlowlog) {
		s.slowlog.note(cl, args, took)
	}
}

// rejected counts a refused call of the command args name, if it names
// one (an unknown command or subcommand counts only as an error).
func (s *Server) rejected(args [][]byte, spec *command.Spec) {
	if spec == nil {
		spec = s.table.Lookup(args[0])
		if spec != nil && len(spec.Subcommands) > 0 {
			parent := spec
			spec = nil
			if len(args) > 1 {
				spec = parent.Subcommand(args[1])
			}
		}
	}
	if st := s.cmdstats.of(spec); st != nil {
		st.rejected.Add(1)
	}
}

// infoCommandStats lists the commands called or refused at least once, by
// name: cmdstat_get, cmdstat_config|set.
func (s *Server) infoCommandStats(w *infoWriter) {
	type row struct {
		name string
		st   *callStats
	}
	var rows []row
	for spec, st := range s.cmdstats.bySpec {
		if st.calls.Load() > 0 || st.rejected.Load() > 0 || st.failed.Load() > 0 {
			rows = append(rows, row{spec.LowerName(), st})
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.name, b.name) })
	for _, r := range rows {
		calls, usec := r.st.calls.Load(), r.st.usec.Load()
		perCall := 0.0
		if calls > 0 {
			perCall = float64(usec) / float64(calls)
		}
		w.add("cmdstat_"+r.name, fmt.Sprintf("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
			calls, usec, perCall, r.st.rejected.Load(), r.st.failed.Load()))
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
