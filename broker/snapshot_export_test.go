package broker

import (
	"sync"
)

// SnapshotStepper holds a background snapshot's copy between its steps,
// so that a test can write while the copy is part way (copy-before-write).
type SnapshotStepper struct {
	s        *Server
	stepped  chan struct{}
	proceed  chan struct{}
	released chan struct{}
	once     sync.Once
}

// StepSnapshots makes the background snapshots started from now on copy
// keys keys per step and wait after each step until Next (or Release).
func (s *Server) StepSnapshots(keys int) *SnapshotStepper {
	p := &SnapshotStepper{s: s, stepped: make(chan struct{}), proceed: make(chan struct{}, 1),
		released: make(chan struct{})}
	s.snap.mu.Lock()
	s.snap.stepKeys = keys
	s.snap.afterStep = func() {
		select {
		case p.stepped <- struct{}{}:
		case <-p.released:
			return
		}
		select {
		case <-p.proceed:
		case <-p.released:
		}
	}
	s.snap.mu.Unlock()
	return p
}

// Wait waits until the running snapshot's copy stopped between two steps
// (true) or the snapshot ended (false).
func (p *SnapshotStepper) Wait() bool {
	p.s.snap.mu.Lock()
	running, done := p.s.snap.running, p.s.snap.done
	p.s.snap.mu.Unlock()
	if running == "" {
		return false
	}
	select {
	case <-p.stepped:
		return true
	case <-done:
		return false
	}
}

// Next lets the copy take its next step.
func (p *SnapshotStepper) Next() { p.proceed <- struct{}{} }

// Release lets every copy run to its end without stopping.
func (p *SnapshotStepper) Release() { p.once.Do(func() { close(p.released) }) }

// LoadSnapshotFile replaces the keyspace by the snapshot file at path
// alone, as start-up loads it, without logging anything: for tests that
// check what a snapshot holds.
func (s *Server) LoadSnapshotFile(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < s.store.Len(); i++ {
		s.store.Database(i).Flush()
	}
	s.store.SetLoading(true)
	defer s.store.SetLoading(false)
	ld := snapshotLoad{s: s, name: path, r: newReplayer(s), l: s.store.NewLoader()}
	_, err := ld.read(path)
	return err
}
