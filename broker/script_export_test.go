package broker

import "time"

// SetScriptBusyThreshold sets the time after which a running script makes
// other clients get BUSY (5 s by default), so the busy tests need not wait.
func (s *Server) SetScriptBusyThreshold(d time.Duration) {
	s.scripts.busy.threshold.Store(int64(d))
}

// ScriptRunning reports whether a script is running on s.
func (s *Server) ScriptRunning() bool { return s.scripts.busy.running.Load() != nil }

// Sha1hex is the script cache's digest, for tests that name scripts.
func Sha1hex(s string) string { return sha1hex(s) }
