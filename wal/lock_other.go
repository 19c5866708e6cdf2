//go:build !unix

package wal

import "errors"

type dirLock struct{}

// lockDir fails where flock(2) is missing: running two servers on one
// directory would interleave their writes, so no lock means no log.
func lockDir(dir string) (*dirLock, error) {
	return nil, errors.New("wal: directory locking is not supported on this platform")
}

func (l *dirLock) unlock() error { return nil }
