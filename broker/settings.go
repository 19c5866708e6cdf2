package broker

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/pubsub"
)

// settings are the configuration values CONFIG SET may change while the
// server runs (appendfsync lives in the log itself). Everything else in
// Config is fixed at start. The fields are guarded by mu; CONFIG SET
// changes several of them under one write lock, so a concurrent CONFIG GET
// sees all of a multi-parameter SET or none.
type settings struct {
	mu          sync.RWMutex
	requirepass string
	maxclients  int
	timeout     time.Duration

	// pubsubLimits is client-output-buffer-limit pubsub; atomic because
	// every delivery reads it.
	pubsubLimits atomic.Pointer[pubsub.Limits]
}

func (st *settings) init(cfg Config) {
	st.requirepass = cfg.RequirePass
	st.maxclients = cfg.MaxClients
	st.timeout = cfg.Timeout
	limits := pubsub.DefaultLimits
	st.pubsubLimits.Store(&limits)
}

func (st *settings) maxClients() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.maxclients
}

// idleTimeout is CONFIG SET timeout's; see client.idleTimeout for whom it
// applies to.
func (st *settings) idleTimeout() time.Duration {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.timeout
}

func (s *Server) requirePass() string {
	s.settings.mu.RLock()
	defer s.settings.mu.RUnlock()
	return s.settings.requirepass
}
