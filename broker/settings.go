package broker

import (
	"sync"
	"time"
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

	// clients holds what CLIENT SETINFO, NO-EVICT and NO-TOUCH set per
	// connection. It has its own lock.
	//
	// TODO(lead): these belong in client.info; they live here only because
	// client.go is owned elsewhere (see the admin commands' report).
	clients clientAttrTable
}

func (st *settings) init(cfg Config) {
	st.requirepass = cfg.RequirePass
	st.maxclients = cfg.MaxClients
	st.timeout = cfg.Timeout
	st.clients.m = make(map[int64]clientAttrs)
}

func (st *settings) maxClients() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.maxclients
}

func (s *Server) requirePass() string {
	s.settings.mu.RLock()
	defer s.settings.mu.RUnlock()
	return s.settings.requirepass
}
