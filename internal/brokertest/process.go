package brokertest

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/wal"
)

// The test binary doubles as a brokerd server: a test package whose
// TestMain calls RunChildIfRequested can start copies of itself as server
// processes and kill them with SIGKILL, without building another binary.
const (
	childDirEnv   = "BROKERTEST_CHILD_DIR"
	childFsyncEnv = "BROKERTEST_CHILD_FSYNC"
	readyPrefix   = "BROKERTEST_READY "
)

// RunChildIfRequested turns this process into a server when it was
// started by StartProcess; otherwise it returns at once. Call it first in
// TestMain.
func RunChildIfRequested() {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		return
	}
	cfg := broker.DefaultConfig()
	cfg.Port = 0
	cfg.Dir = dir
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	p, err := wal.ParsePolicy(os.Getenv(childFsyncEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cfg.AppendFsync = p
	srv, err := broker.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(readyPrefix + ln.Addr().String())
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Process is a brokerd server running as a child process.
type Process struct {
	Addr string
	Dir  string
	cmd  *exec.Cmd
	t    testing.TB
}

// StartProcess starts a server process on dir with the given appendfsync
// policy and waits until it accepts connections. It is killed by
// t.Cleanup if still running.
func StartProcess(t testing.TB, dir, fsync string) *Process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childFsyncEnv+"="+fsync)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("brokertest: start child: %v", err)
	}
	p := &Process{Dir: dir, cmd: cmd, t: t}
	t.Cleanup(p.Kill)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, readyPrefix) {
				addr <- strings.TrimPrefix(line, readyPrefix)
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case p.Addr = <-addr:
	case <-time.After(60 * time.Second):
		t.Fatal("brokertest: child server did not start")
	}
	return p
}

// Kill sends SIGKILL and waits for the process to exit.
func (p *Process) Kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}
