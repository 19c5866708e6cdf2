package broker

import "time"

// Active expiry removes keys whose TTL passed even if nobody reads them,
// so their memory comes back. Like Redis's activeExpireCycle it runs ten
// times a second and bounds each pass, so it never holds the keyspace lock
// for long.
const (
	activeExpireInterval = 100 * time.Millisecond
	activeExpireBatch    = 20 // keys removed per database per round
	activeExpireBudget   = 5 * time.Millisecond
)

func (s *Server) startActiveExpiry() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(activeExpireInterval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.activeExpireCycle()
			}
		}
	}()
}

// activeExpireCycle sweeps every database, repeating on a database while
// its batches come back full, until the time budget is spent.
func (s *Server) activeExpireCycle() {
	deadline := time.Now().Add(activeExpireBudget)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return
	}
	for i := 0; i < s.store.Len(); i++ {
		db := s.store.Database(i)
		for db.ActiveExpire(activeExpireBatch) == activeExpireBatch && time.Now().Before(deadline) {
		}
	}
	s.commitEffects()
	s.serveReady()
}
