package bench

import (
	"strconv"
	"time"
)

// workload is one selectable benchmark. A run against one server gives
// one Sample per row; rows are listed up front so that a target that
// lacks a command can still be reported row by row.
type workload struct {
	group string     // selection name: one of Groups
	rows  []string   // report rows, in order
	probe [][]string // commands the target must know; run once before each run
	mem   bool       // rows report memory growth, not latency
	// kinds gives the kind of rows that are not throughput rows (KindPerf)
	// or memory rows (mem).
	kinds map[string]string
	// fsync, when set, is the appendfsync policy of the servers started
	// for this workload, whatever the suite's.
	fsync string
	// local marks a workload that must start the servers itself (a policy
	// of its own, restarts): against --target its rows are skipped.
	local bool
	// own marks a workload that starts its own servers from rc.side (a
	// cluster): the suite starts none and probes nothing, and rc.srv is
	// nil until the workload sets it.
	own bool
	run func(rc *runCtx) ([]Sample, error)
}

// kind is the kind of the workload's row named row.
func (w workload) kind(row string) string {
	if w.mem {
		return KindMem
	}
	return w.kinds[row]
}

// single adapts a one-row workload's run function.
func single(run func(rc *runCtx) (Sample, error)) func(rc *runCtx) ([]Sample, error) {
	return func(rc *runCtx) ([]Sample, error) {
		s, err := run(rc)
		return []Sample{s}, err
	}
}

// Groups lists the workload groups in report order.
var Groups = []string{"stream", "list", "pubsub", "pubsub-nats", "events", "celery", "raw", "durability", "startup", "memory"}

// keyPrefix starts every key bench writes, so that a run against an
// existing server can delete exactly what it wrote.
const keyPrefix = "brokerbench:"

// probeKey is the scratch key of the probes.
const probeKey = keyPrefix + "probe"

// workloads returns the selected workloads in report order.
func workloads(cfg *Config, selected map[string]bool) []workload {
	var all []workload
	add := func(w ...workload) {
		for _, x := range w {
			if selected[x.group] {
				all = append(all, x)
			}
		}
	}
	add(streamQueueWorkload(cfg), listQueueWorkload(cfg))
	add(pubsubWorkloads(cfg)...)
	add(natsWorkload(), eventsWorkload(cfg), celeryWorkload(cfg))
	add(rawWorkloads(cfg)...)
	add(durabilityWorkloads(cfg)...)
	add(startupWorkload(cfg))
	add(memoryWorkload(cfg))
	return all
}

// stampLen is the size of the send time carried at the start of queue
// and pub/sub payloads: nanoseconds since the epoch, zero-padded.
const stampLen = 19

// newPayload returns a payload of size bytes (at least stampLen when
// stamped).
func newPayload(size int, stamped bool) []byte {
	if stamped {
		size = max(size, stampLen+1)
	}
	p := make([]byte, size)
	for i := range p {
		p[i] = 'x'
	}
	return p
}

// stamp writes now into the first stampLen bytes of p.
func stamp(p []byte, now time.Time) {
	n := now.UnixNano()
	for i := stampLen - 1; i >= 0; i-- {
		p[i] = byte('0' + n%10)
		n /= 10
	}
}

// stampTime reads the send time back; the zero time if p carries none.
func stampTime(p []byte) time.Time {
	if len(p) < stampLen {
		return time.Time{}
	}
	n, err := parseInt(p[:stampLen])
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func itoa(n int) string { return strconv.Itoa(n) }
