package broker

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"sync/atomic"
)

// stats are the server-wide counters INFO reports. CONFIG RESETSTAT zeroes
// the counters (not the run ID).
type stats struct {
	totalConns    atomic.Int64
	rejectedConns atomic.Int64
	totalCommands atomic.Int64
	expiredKeys   atomic.Int64
	// outputLimitDisconnections counts subscribers dropped for passing
	// client-output-buffer-limit pubsub.
	outputLimitDisconnections atomic.Int64
	// netInput and netOutput count socket bytes (guardedConn).
	netInput  atomic.Int64
	netOutput atomic.Int64

	runIDOnce sync.Once
	runID     string

	instant instantRates // stats_instant.go

	mem memSampler
}

// reset zeroes the counters, as CONFIG RESETSTAT does in Redis
// (resetServerStats), including the memory peak.
func (st *stats) reset() {
	for _, c := range []*atomic.Int64{&st.totalConns, &st.rejectedConns, &st.totalCommands,
		&st.expiredKeys, &st.netInput, &st.netOutput, &st.outputLimitDisconnections} {
		c.Store(0)
	}
	st.instant.reset()
	st.mem.resetPeak()
}

// serverRunID is INFO's run_id: 40 random hex characters, fixed for the
// life of the server.
func (st *stats) serverRunID() string {
	st.runIDOnce.Do(func() {
		var b [20]byte
		rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
		st.runID = hex.EncodeToString(b[:])
	})
	return st.runID
}
