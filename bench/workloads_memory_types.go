package bench

import (
	"strconv"
	"sync/atomic"
	"time"
)

// The memory rows of hashes and sorted sets, shaped like what job queues
// keep in them: a scheduled set of job ids (Sidekiq's "schedule",
// BullMQ's "delayed") and one hash per job (RQ's "rq:job:<id>", asynq's
// task hashes).

const (
	rowMemScheduled = "memory: scheduled job (sorted-set member)"
	rowMemJobRecord = "memory: job record (hash of 6 fields)"
)

// jobIDLen is the length of a job id: a UUID in its text form.
const jobIDLen = 36

// jobDataLen is the size of a job record's data field.
const jobDataLen = 40

// mix64 is SplitMix64's finalizer: a bijection on uint64 that spreads
// the bits of a counter, for ids and jitter that look random but repeat
// from run to run.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// appendJobID appends the id of job n to dst: 36 characters shaped like a
// version 4 UUID (8-4-4-4-12 hex digits). The last group is n itself, so
// ids are unique for n < 16^12; the rest is a hash of n.
func appendJobID(dst []byte, n int64) []byte {
	const hex = "0123456789abcdef"
	h := mix64(uint64(n))
	put := func(v uint64, digits int) {
		for i := digits - 1; i >= 0; i-- {
			dst = append(dst, hex[v>>(4*i)&0xf])
		}
	}
	put(h>>32, 8)
	dst = append(dst, '-')
	put(h>>16, 4)
	dst = append(dst, '-', '4')
	put(h>>4, 3)
	dst = append(dst, '-', hex[8|h&3])
	put(h>>40, 3)
	dst = append(dst, '-')
	put(uint64(n), 12)
	return dst
}

// scheduledAt is the score of scheduled job n: a Unix time in
// milliseconds, base plus one millisecond per job plus 0 to 4 ms of
// jitter, so scores mostly increase, as those of jobs scheduled one after
// another do, and about a quarter come before the one added just before.
func scheduledAt(base, n int64) int64 {
	return base + n + int64(mix64(uint64(n))%5)
}

// loadBatches runs cfg.Clients connections that each take batch items
// at a time from [0, n) until all are taken or cfg.CountCap passes. fill
// buffers the commands that store items [first, end) on c and returns
// how many it buffered; their replies are read and discarded, and the
// items are counted in loaded.
func loadBatches(rc *runCtx, row string, n, batch int64, loaded *atomic.Int64,
	fill func(c *Conn, first, end int64, now time.Time) int) (Sample, error) {
	var next atomic.Int64
	deadline := time.Now().Add(rc.cfg.CountCap)
	return runCounted(rc, row, rc.cfg.Clients, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		for {
			first := next.Add(batch) - batch
			if first >= n || time.Now().After(deadline) {
				return nil
			}
			end := min(first+batch, n)
			start := time.Now()
			if err := flushDiscard(c, fill(c, first, end, start)); err != nil {
				return err
			}
			loaded.Add(end - first)
			w.recordN(start, time.Now(), int(end-first))
		}
	})
}

// loadScheduled adds n jobs to the sorted set key, job id as member and
// scheduledAt as score: 100 members per ZADD, 16 ZADDs per write.
func loadScheduled(rc *runCtx, key string, n int, loaded *atomic.Int64) (Sample, error) {
	const perCmd, pipe = 100, 16
	base := time.Now().Add(time.Hour).UnixMilli()
	return loadBatches(rc, rowMemScheduled, int64(n), perCmd*pipe, loaded, func(c *Conn, first, end int64, _ time.Time) int {
		// Each call has its own buffers: fill runs on many connections.
		args := make([][]byte, 2, 2+2*perCmd)
		args[0], args[1] = []byte("ZADD"), []byte(key)
		buf := make([]byte, 0, perCmd*(13+jobIDLen))
		cmds := 0
		for k := first; k < end; k += perCmd {
			args, buf = args[:2], buf[:0]
			for j := k; j < min(k+perCmd, end); j++ {
				at := len(buf)
				buf = strconv.AppendInt(buf, scheduledAt(base, j), 10)
				score := buf[at:]
				at = len(buf)
				buf = appendJobID(buf, j)
				args = append(args, score, buf[at:])
			}
			c.AppendArgs(args)
			cmds++
		}
		return cmds
	})
}

// jobRecordArgs returns the HSET that stores the record of job n,
// created at createdMs, reusing args (which must come from an earlier
// call, or be nil); data is the payload of the data field. The fields are
// those of an RQ job hash, with values of RQ's sizes.
func jobRecordArgs(args [][]byte, n, createdMs int64, data []byte) [][]byte {
	if len(args) != 14 {
		args = [][]byte{[]byte("HSET"), nil,
			[]byte("status"), []byte("queued"), []byte("queue"), []byte("default"),
			[]byte("created_at"), nil, []byte("origin"), []byte("default"),
			[]byte("timeout"), []byte("180"), []byte("data"), nil}
	}
	args[1] = strconv.AppendInt(append(args[1][:0], keyPrefix+"job:"...), n, 10)
	args[7] = strconv.AppendInt(args[7][:0], createdMs, 10)
	args[13] = data
	return args
}

// loadJobRecords writes n job records, one hash of 6 fields per job
// (key brokerbench:job:<n>), 64 HSETs per write.
func loadJobRecords(rc *runCtx, n int, loaded *atomic.Int64) (Sample, error) {
	const pipe = 64
	data := newPayload(jobDataLen, false)
	return loadBatches(rc, rowMemJobRecord, int64(n), pipe, loaded, func(c *Conn, first, end int64, now time.Time) int {
		var args [][]byte
		for j := first; j < end; j++ {
			args = jobRecordArgs(args, j, now.UnixMilli(), data)
			c.AppendArgs(args)
		}
		return int(end - first)
	})
}
