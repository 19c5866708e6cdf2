package bench

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ServerSpec says how to reach one side of a comparison: a binary that
// bench starts fresh for every run, or the address of a server that is
// already running.
type ServerSpec struct {
	Name   string   // column name in the report: "brokerd", "redis"
	Kind   string   // "brokerd" or "redis": how to start Binary
	Binary string   // path of the server binary; empty with Addr
	Addr   string   // host:port of a running server; empty with Binary
	Fsync  string   // appendfsync policy: always, everysec or no
	Extra  []string // more command-line arguments of a started server
}

// External reports whether bench only connects to the server.
func (s ServerSpec) External() bool { return s.Addr != "" }

// Server is a server under test. For a server bench started it knows the
// process, so it reads RSS and CPU time from /proc; otherwise it reads
// RSS from INFO memory and has no CPU figure.
type Server struct {
	Spec ServerSpec
	Addr string
	cmd  *exec.Cmd // nil when not running (external, or halted)
	dir  string
	args []string // of a started server, to restart it the same way
	exit chan error
}

// Start starts a fresh server with an empty data directory on a free
// loopback port (or returns the external one), and waits until it
// answers PING.
func (s ServerSpec) Start() (*Server, error) {
	if s.External() {
		srv := &Server{Spec: s, Addr: s.Addr}
		return srv, srv.waitReady(nil, 10*time.Second, 20*time.Millisecond)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "brokerbench-"+s.Name+"-")
	if err != nil {
		return nil, err
	}
	var args []string
	switch s.Kind {
	case "brokerd":
		args = []string{"--port", strconv.Itoa(port), "--dir", dir, "--appendfsync", s.Fsync, "--log-level", "warn"}
	case "redis":
		// The same durability as brokerd's always-on log: AOF with the
		// chosen policy, no RDB snapshots.
		args = []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--appendonly", "yes", "--appendfsync", s.Fsync, "--save", "", "--daemonize", "no",
			"--logfile", "", "--loglevel", "warning"}
	default:
		os.RemoveAll(dir)
		return nil, fmt.Errorf("bench: unknown server kind %q", s.Kind)
	}
	srv := &Server{Spec: s, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), dir: dir, args: append(args, s.Extra...)}
	if err := srv.launch(10*time.Second, 20*time.Millisecond); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return srv, nil
}

// launch starts the process on the server's directory and waits until
// it answers PING, polling every poll for up to limit.
func (s *Server) launch(limit, poll time.Duration) error {
	cmd := exec.Command(s.Spec.Binary, s.args...)
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.exit = cmd, make(chan error, 1)
	go func() { s.exit <- cmd.Wait() }()
	if err := s.waitReady(s.exit, limit, poll); err != nil {
		terminate(cmd, s.exit, 10*time.Second)
		s.cmd = nil
		return fmt.Errorf("%s did not start: %w %s", s.Spec.Name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// waitReady polls PING every poll for up to limit. A server still
// loading its data answers an error (Redis's LOADING) or nothing
// (brokerd listens once loaded): both count as not ready.
func (s *Server) waitReady(exited <-chan error, limit, poll time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := Dial(s.Addr)
		if err == nil {
			_, err = c.Do("PING")
			c.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case e := <-exited:
			return fmt.Errorf("exited (%v)", e)
		case <-time.After(poll):
		}
	}
}

// Stop shuts a started server down (SIGTERM, then SIGKILL after 10 s)
// and removes its data directory, also after Halt. It does nothing for
// an external one.
func (s *Server) Stop() {
	if s.cmd != nil {
		terminate(s.cmd, s.exit, 10*time.Second)
		s.cmd = nil
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
		s.dir = ""
	}
}

// terminate sends cmd SIGTERM, then SIGKILL if it has not exited (a
// value on exit) within grace, and waits for the exit.
func terminate(cmd *exec.Cmd, exit <-chan error, grace time.Duration) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exit:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-exit
	}
}

// Pid is the server's process id, 0 for an external server.
func (s *Server) Pid() int {
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// RSS returns the server's resident set size in bytes: VmRSS from
// /proc/<pid>/status for a server bench started, INFO memory's
// used_memory_rss otherwise.
func (s *Server) RSS() (int64, error) {
	if pid := s.Pid(); pid != 0 {
		return procRSS(pid)
	}
	c, err := Dial(s.Addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	v, err := c.Do("INFO", "memory")
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(infoField(v.Str, "used_memory_rss"), 10, 64)
}

// CPU returns the server's user+system CPU time so far; ok is false when
// it is unknown (an external server).
func (s *Server) CPU() (d time.Duration, ok bool) {
	pid := s.Pid()
	if pid == 0 {
		return 0, false
	}
	d, err := procCPU(pid)
	return d, err == nil
}

func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest) // "123456 kB"
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, errors.New("bench: no VmRSS in /proc status")
}

// clockTick is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports (the kernel's
// exported value, independent of CONFIG_HZ).
const clockTick = 10 * time.Millisecond

func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseProcStatCPU(string(b))
}

// parseProcStatCPU returns utime+stime from a /proc/<pid>/stat line. The
// command name in parentheses may hold spaces, so fields are counted
// after its closing parenthesis: state is field 3, utime 14, stime 15.
func parseProcStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("bench: malformed /proc stat")
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, errors.New("bench: short /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(u+s) * clockTick, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// limitedWriter keeps the first n bytes of a server's stderr for error
// messages and drops the rest.
type limitedWriter struct {
	w interface{ WriteString(string) (int, error) }
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.WriteString(string(p[:k]))
		l.n -= k
	}
	return len(p), nil
}
