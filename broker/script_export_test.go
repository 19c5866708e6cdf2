package broker

import (
	"time"

	lua "github.com/yuin/gopher-lua"
)

// SetScriptBusyThreshold sets the time after which a running script makes
// other clients get BUSY (5 s by default), so the busy tests need not wait.
func (s *Server) SetScriptBusyThreshold(d time.Duration) {
	s.scripts.busy.threshold.Store(int64(d))
}

// ScriptRunning reports whether a script is running on s.
func (s *Server) ScriptRunning() bool { return s.scripts.busy.running.Load() != nil }

// Sha1hex is the script cache's digest, for tests that name scripts.
func Sha1hex(s string) string { return sha1hex(s) }

// AddScriptKillSelf gives scripts killself(), which does what SCRIPT KILL
// does to the script that calls it, so a test can kill a script after its
// last instruction check (the race a real SCRIPT KILL may lose).
func (s *Server) AddScriptKillSelf() {
	s.addScriptFunc("killself", func(L *lua.LState) int {
		if r := s.scripts.busy.running.Load(); r != nil {
			_ = r.kill()
		}
		return 0
	})
}

// addScriptFunc gives scripts a global function name.
func (s *Server) addScriptFunc(name string, fn lua.LGFunction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.scripts
	if e.vm == nil {
		e.vm = e.newScriptVM()
	}
	e.vm.globals.RawSetString(name, e.vm.L.NewFunction(fn))
}

// AddScriptHold gives scripts hold(), which signals entered and then waits,
// with the keyspace lock held, until release is closed: a test can then
// act while every serve is held up behind the script.
func (s *Server) AddScriptHold(entered chan<- struct{}, release <-chan struct{}) {
	s.addScriptFunc("hold", func(L *lua.LState) int {
		entered <- struct{}{}
		<-release
		return 0
	})
}

// ClientHungUp reports whether the connection of client id closed while
// it waited in a blocking command (or it is gone from the registry).
func (s *Server) ClientHungUp(id int64) bool {
	s.clients.mu.Lock()
	cl := s.clients.clients[id]
	s.clients.mu.Unlock()
	return cl == nil || cl.hungUp.Load()
}
