package broker_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// The scripted writers of TestCrashMixedLoadKeepsAcknowledgedWrites. Each
// script call makes three writes, all carrying the writer's next sequence
// number: INCR of the writer's counter, LPUSH of a job onto a list no one
// pops, and XADD of an audit entry naming the job and the counter value
// INCR returned. A writer sends its next script only after the last one
// was answered, so the scripts that took effect are always 1..counter of
// that writer, and the check is exact: each restart shows, per writer,
// jobs and audit entries for exactly 1..counter, with the counter between
// the last acknowledged script and the last one sent. A script half
// applied across kill -9 shows up as a counter without its job or audit
// entry, or the reverse.
const (
	crashScriptJobs  = "script:jobs"
	crashScriptAudit = "script:audit"
	crashScriptBody  = `local n = redis.call('INCR', KEYS[2])
redis.call('LPUSH', KEYS[1], ARGV[1])
local id = redis.call('XADD', KEYS[3], '*', 'v', ARGV[1], 'tag', ARGV[2], 'n', n)
return {n, id}`
)

// crashSHABody is the script the EVALSHA writers load: the same code under
// another SHA, since EVAL caches what it runs and would spare them the
// NOSCRIPT this test wants them to handle after every restart.
const crashSHABody = "-- loaded by SCRIPT LOAD, run by EVALSHA\n" + crashScriptBody

var (
	crashScriptSHA = crashSHA1(crashSHABody)
	crashEvalSHA   = crashSHA1(crashScriptBody) // EVAL caches it under this
)

func crashSHA1(body string) string {
	sum := sha1.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// crashScripts is crashLoad's record of the scripted writers; crashLoad.mu
// guards it.
type crashScripts struct {
	scriptSent  map[string]int    // writer tag → last sequence number sent
	scriptAcked map[string]int    // writer tag → last sequence number answered
	auditAcked  map[string]string // audit entry ID an answer named → its job
	auditSeen   map[string]string // every audit entry the last restart showed
	loaded      bool              // SCRIPT LOAD answered by the running server
	noScript    int               // NOSCRIPT answers (one per server, or a few)
}

func newCrashScripts() crashScripts {
	return crashScripts{scriptSent: map[string]int{}, scriptAcked: map[string]int{},
		auditAcked: map[string]string{}, auditSeen: map[string]string{}}
}

func crashScriptCounter(tag string) string { return "script:n:" + tag }

// evalWriter sends the script with EVAL.
func (l *crashLoad) evalWriter(ctx context.Context, rdb *redis.Client, w int) {
	l.scriptWriter(ctx, rdb, "EVAL", "e"+strconv.Itoa(w), func(keys []string, args ...any) *redis.Cmd {
		return rdb.Eval(ctx, crashScriptBody, keys, args...)
	})
}

// evalSHAWriter sends the script with EVALSHA as a client that keeps the
// SHA does: the script cache is not persisted, so the first EVALSHA after a
// restart answers NOSCRIPT, which means the script did not run; the writer
// then loads it with SCRIPT LOAD and sends the same call again.
func (l *crashLoad) evalSHAWriter(ctx context.Context, rdb *redis.Client, w int) {
	l.scriptWriter(ctx, rdb, "EVALSHA", "h"+strconv.Itoa(w), func(keys []string, args ...any) *redis.Cmd {
		l.mu.Lock()
		loaded := l.loaded // before sending: another writer may load it meanwhile
		l.mu.Unlock()
		cmd := rdb.EvalSha(ctx, crashScriptSHA, keys, args...)
		if !redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
			return cmd
		}
		l.mu.Lock()
		l.noScript++
		l.mu.Unlock()
		if loaded {
			l.t.Errorf("EVALSHA: NOSCRIPT after SCRIPT LOAD was answered by the same server")
		}
		sha, err := rdb.ScriptLoad(ctx, crashSHABody).Result()
		if err != nil {
			cmd.SetErr(err)
			return cmd
		}
		if sha != crashScriptSHA {
			l.t.Errorf("SCRIPT LOAD = %s, want %s", sha, crashScriptSHA)
		}
		l.mu.Lock()
		l.loaded = true
		l.mu.Unlock()
		return rdb.EvalSha(ctx, crashScriptSHA, keys, args...)
	})
}

func (l *crashLoad) scriptWriter(ctx context.Context, rdb *redis.Client, what, tag string, call func([]string, ...any) *redis.Cmd) {
	keys := []string{crashScriptJobs, crashScriptCounter(tag), crashScriptAudit}
	for ctx.Err() == nil {
		l.mu.Lock()
		l.scriptSent[tag]++
		seq := l.scriptSent[tag]
		l.mu.Unlock()
		job := crashValue(tag, seq)
		reply, err := call(keys, job, tag).Slice()
		if l.stopped(what, err) {
			return
		}
		var id string
		if len(reply) == 2 {
			id, _ = reply[1].(string)
		}
		if len(reply) != 2 || reply[0] != int64(seq) || id == "" {
			l.t.Errorf("%s %s/%d = %v, want [%d <audit entry ID>]", what, tag, seq, reply, seq)
			return
		}
		l.ack(what, func() { l.scriptAcked[tag] = seq; l.auditAcked[id] = job })
	}
}

// checkScripts: for each writer, the counter did not go back, covers every
// answered script and no more than were sent, and the job list and the
// audit stream hold that writer's writes 1..counter, each once and whole.
// Every audit entry an answer named or the last restart showed is there
// under the same ID. The restarted server has no cached script.
func (l *crashLoad) checkScripts(rdb *redis.Client) error {
	ctx := context.Background()
	if ex, err := rdb.ScriptExists(ctx, crashScriptSHA, crashEvalSHA).Result(); err != nil || !slices.Equal(ex, []bool{false, false}) {
		return fmt.Errorf("SCRIPT EXISTS after a restart = %v, %v; want [false false]", ex, err)
	}
	l.loaded = false
	counter := map[string]int{}
	for tag, sent := range l.scriptSent {
		n, err := rdb.Get(ctx, crashScriptCounter(tag)).Int()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if n < l.scriptAcked[tag] || n > sent {
			return fmt.Errorf("counter %s = %d; scripts answered 1..%d, sent 1..%d", tag, n, l.scriptAcked[tag], sent)
		}
		counter[tag] = n
	}
	jobs, err := rdb.LRange(ctx, crashScriptJobs, 0, -1).Result()
	if err != nil {
		return err
	}
	pushed := map[string][]int{}
	for _, job := range slices.Backward(jobs) { // oldest first
		tag, seq, ok := crashParse(job)
		if !ok {
			return fmt.Errorf("job list holds %.80q: torn", job)
		}
		pushed[tag] = append(pushed[tag], seq)
	}
	entries, err := crashXRange(ctx, rdb, crashScriptAudit)
	if err != nil {
		return err
	}
	audited := map[string][]int{}
	seen := map[string]string{}
	for _, e := range entries {
		id, fields := e.id, e.fields
		if len(fields) != 6 {
			return fmt.Errorf("audit entry %s has fields %.80q", id, fields)
		}
		tag, seq, ok := crashParse(fields[1])
		if want := append(crashFields(tag, seq), "n", strconv.Itoa(seq)); !ok || !slices.Equal(fields, want) {
			return fmt.Errorf("audit entry %s is torn or its counter is not its job's: %.80q", id, fields)
		}
		audited[tag] = append(audited[tag], seq)
		seen[id] = fields[1]
	}
	for tag := range pushed {
		if _, ok := counter[tag]; !ok {
			return fmt.Errorf("job list holds jobs of %s, which never ran", tag)
		}
	}
	for tag := range audited {
		if _, ok := counter[tag]; !ok {
			return fmt.Errorf("audit stream holds entries of %s, which never ran", tag)
		}
	}
	for tag, n := range counter {
		for _, c := range []struct {
			what string
			seqs []int
		}{{"job list", pushed[tag]}, {"audit stream", audited[tag]}} {
			if len(c.seqs) != n || n > 0 && (c.seqs[0] != 1 || c.seqs[n-1] != n) || !slices.IsSorted(c.seqs) || crashHasDup(c.seqs) {
				return fmt.Errorf("counter %s = %d, but the %s holds its scripts %s", tag, n, c.what, crashSpan(c.seqs))
			}
		}
	}
	for _, want := range []map[string]string{l.auditAcked, l.auditSeen} {
		for id, v := range want {
			if seen[id] != v {
				return fmt.Errorf("audit entry %s (%.20q) lost", id, v)
			}
		}
	}
	for tag, n := range counter {
		l.scriptSent[tag], l.scriptAcked[tag] = n, n
	}
	l.auditSeen = seen
	return nil
}

func crashHasDup(sorted []int) bool {
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return true
		}
	}
	return false
}

// crashSpan describes a sorted list of sequence numbers briefly.
func crashSpan(seqs []int) string {
	if len(seqs) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d of them, %d..%d", len(seqs), seqs[0], seqs[len(seqs)-1])
}
