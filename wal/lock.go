//go:build unix

package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockFile is the name of the lock file inside a log directory.
const lockFile = "LOCK"

// dirLock is an exclusive flock(2) on dir/LOCK. flock locks belong to the
// open file description, so a second lock attempt conflicts even from the
// same process, which is what makes a second Open on one directory fail.
// The kernel drops the lock when the process dies, so a crash leaves no
// stale lock behind.
type dirLock struct {
	f *os.File
}

// lockDir takes the lock of dir, which must exist, without waiting. It
// fails with an error wrapping ErrLocked when another Log (or tool) holds
// it.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, filePerm)
	if err != nil {
		return nil, fmt.Errorf("wal: open lock file: %w", err)
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := lockHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s%s", ErrLocked, path, holder)
		}
		return nil, fmt.Errorf("wal: lock %s: %w", path, err)
	}
	// The pid is only for the error message of whoever comes next; failing
	// to write it is not worth refusing to start.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// lockHolder describes the pid recorded in the lock file, if any.
func lockHolder(f *os.File) string {
	var b [32]byte
	n, _ := f.ReadAt(b[:], 0)
	pid := strings.TrimSpace(string(b[:n]))
	if _, err := strconv.Atoi(pid); err != nil {
		return ""
	}
	return " (held by pid " + pid + ")"
}

// unlock releases the lock. The file stays: removing it would race with a
// process that has just opened it and is about to lock it.
func (l *dirLock) unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := flock(l.f, syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
