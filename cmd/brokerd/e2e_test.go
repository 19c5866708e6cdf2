package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
	"github.com/redis/go-redis/v9"
)

// TestBinary builds brokerd once and runs it as users do.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)

	t.Run("version", func(t *testing.T) {
		out, _ := runTool(t, bin, 0, "version")
		if !strings.Contains(out, "redis compatibility 7.2.4\n") {
			t.Errorf("brokerd version printed %q", out)
		}
	})

	t.Run("wal tools", func(t *testing.T) { testWALTools(t, bin) })

	t.Run("bad flag exits 1", func(t *testing.T) {
		p := startProcess(t, bin, "--port", "abc", "--dir", t.TempDir())
		if code := p.wait(t); code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
		if got, want := p.stderr.String(), "brokerd: flag --port: \"abc\" is not a number\n"; got != want {
			t.Errorf("stderr = %q, want %q", got, want)
		}
	})

	t.Run("bad config file exits 1", func(t *testing.T) {
		conf := filepath.Join(t.TempDir(), "brokerd.conf")
		if err := os.WriteFile(conf, []byte("# test\nport abc\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		p := startProcess(t, bin, "--config", conf)
		if code := p.wait(t); code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
		want := "brokerd: config file " + conf + " line 2: port: \"abc\" is not a number\n"
		if got := p.stderr.String(); got != want {
			t.Errorf("stderr = %q, want %q", got, want)
		}
	})

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String()+" exits 0 and keeps the data", func(t *testing.T) {
			dir := t.TempDir()
			port := freePort(t)
			p := startServer(t, bin, port, "--dir", dir)
			rdb := client(t, port, "")
			if err := rdb.Set(context.Background(), "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
			p.signal(t, sig)
			if code := p.wait(t); code != 0 {
				t.Fatalf("exit code %d, want 0; stderr:\n%s", code, p.stderr)
			}

			p = startServer(t, bin, port, "--dir", dir)
			if got, err := client(t, port, "").Get(context.Background(), "k").Result(); err != nil || got != "v" {
				t.Errorf("after restart GET k = %q, %v; want v", got, err)
			}
			p.signal(t, syscall.SIGTERM)
			if code := p.wait(t); code != 0 {
				t.Fatalf("exit code %d, want 0; stderr:\n%s", code, p.stderr)
			}
		})
	}

	t.Run("second server on the same dir exits 1", func(t *testing.T) {
		dir := t.TempDir()
		first := startServer(t, bin, freePort(t), "--dir", dir)
		second := startProcess(t, bin, "--port", strconv.Itoa(freePort(t)), "--dir", dir)
		if code := second.wait(t); code != 1 {
			t.Fatalf("second server: exit code %d, want 1; stderr:\n%s", code, second.stderr)
		}
		msg := second.stderr.String()
		if !strings.Contains(msg, "brokerd: data directory "+dir+" is in use by another brokerd process") ||
			!strings.Contains(msg, wal.ErrLocked.Error()) {
			t.Errorf("second server stderr:\n%s", msg)
		}
		first.signal(t, syscall.SIGTERM)
		if code := first.wait(t); code != 0 {
			t.Errorf("first server: exit code %d, want 0; stderr:\n%s", code, first.stderr)
		}
	})

	t.Run("SHUTDOWN exits 0", func(t *testing.T) {
		port := freePort(t)
		p := startServer(t, bin, port, "--dir", t.TempDir())
		client(t, port, "").Shutdown(context.Background()) // the reply is the closed connection
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit code %d, want 0; stderr:\n%s", code, p.stderr)
		}
	})

	t.Run("config file and env", func(t *testing.T) {
		port := freePort(t)
		conf := filepath.Join(t.TempDir(), "brokerd.conf")
		data := "# test\nPort 1\nrequirepass \"s3cret pass\"\nappendfsync always\n"
		if err := os.WriteFile(conf, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		// The env var overrides the file's port.
		p := startProcessEnv(t, bin, []string{"BROKERD_PORT=" + strconv.Itoa(port), "BROKERD_CONFIG=" + conf},
			"--dir", t.TempDir())
		waitReady(t, p, port, "s3cret pass")
		if err := client(t, port, "").Ping(context.Background()).Err(); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
			t.Errorf("PING without AUTH: %v, want NOAUTH", err)
		}
		p.signal(t, syscall.SIGTERM)
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit code %d, want 0; stderr:\n%s", code, p.stderr)
		}
	})
}

// testWALTools runs the wal tools on a log written through the wal package,
// then damaged in the middle.
func testWALTools(t *testing.T, bin string) {
	dataDir := t.TempDir()
	walDir := filepath.Join(dataDir, "wal")
	l, err := wal.Open(walDir, wal.Options{Fsync: wal.Always})
	if err != nil {
		t.Fatal(err)
	}
	for _, ops := range [][]wal.Op{
		{{DB: 0, Args: argv("SET", "a", "1")}},
		{{DB: 0, Args: argv("SET", "b c", "x\x00")}},
		{{DB: 1, Args: argv("DEL", "a")}, {DB: 1, Args: argv("DEL", "b")}},
	} {
		if err := l.Append(ops).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	out, _ := runTool(t, bin, 0, "wal", "check", "--dir", dataDir)
	if !strings.Contains(out, "3 records (index 1-3)") || !strings.HasSuffix(out, "\nok\n") {
		t.Errorf("wal check:\n%s", out)
	}
	out, _ = runTool(t, bin, 0, "wal", "dump", "--dir", dataDir)
	want := "1 db=0 SET a 1\n2 db=0 SET \"b c\" \"x\\x00\"\n3 db=1 DEL a\n3 db=1 DEL b\n"
	if out != want {
		t.Errorf("wal dump printed\n%s\nwant\n%s", out, want)
	}
	// The directory may also come from the environment.
	out, _ = runToolEnv(t, bin, []string{"BROKERD_DIR=" + dataDir}, 0, "wal", "check")
	if !strings.HasSuffix(out, "\nok\n") {
		t.Errorf("wal check with BROKERD_DIR:\n%s", out)
	}

	// Damage record 2; record 3 after it is intact, so this is mid-log
	// corruption, which only repair fixes.
	seg := onlySegment(t, walDir)
	data, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("b c"))
	if i < 0 {
		t.Fatal("record 2 not found in the segment")
	}
	data[i] ^= 0x20
	if err := os.WriteFile(seg, data, 0o644); err != nil {
		t.Fatal(err)
	}

	out, errOut := runTool(t, bin, 1, "wal", "check", "--dir", dataDir)
	if !strings.Contains(out, "problem: segment") || !strings.Contains(out, "index 2") || !strings.HasPrefix(errOut, "brokerd: ") {
		t.Errorf("wal check of a damaged log:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	out, _ = runTool(t, bin, 0, "wal", "repair", "--dir", dataDir)
	if !strings.Contains(out, "repair would drop every record from index 2 on") ||
		!strings.Contains(out, "keep the 1 record before it (index 1)") || !strings.Contains(out, "Nothing was changed") {
		t.Errorf("wal repair without --yes:\n%s", out)
	}
	runTool(t, bin, 1, "wal", "check", "--dir", dataDir) // still damaged
	// The repair hint in wal's error names the log directory itself.
	runTool(t, bin, 1, "wal", "check", "--dir", walDir)
	out, _ = runTool(t, bin, 0, "wal", "repair", "--dir", dataDir, "--yes")
	if !strings.Contains(out, "cut at segment") {
		t.Errorf("wal repair --yes:\n%s", out)
	}
	runTool(t, bin, 0, "wal", "check", "--dir", dataDir)
	if out, _ = runTool(t, bin, 0, "wal", "dump", "--dir", dataDir); out != "1 db=0 SET a 1\n" {
		t.Errorf("wal dump after repair printed %q", out)
	}

	// A log in use is refused.
	l, err = wal.Open(walDir, wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, errOut = runTool(t, bin, 1, "wal", "dump", "--dir", dataDir)
	if !strings.Contains(errOut, "brokerd: data directory "+dataDir+" is in use by a running brokerd; stop it first") {
		t.Errorf("wal dump of a log in use: %s", errOut)
	}
	l.Close()

	_, errOut = runTool(t, bin, 1, "wal", "check", "--dir", filepath.Join(dataDir, "nope"))
	if !strings.Contains(errOut, "brokerd: no log at ") {
		t.Errorf("wal check of a missing dir: %s", errOut)
	}
}

func argv(args ...string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

// onlySegment returns the path of the single segment file in a log
// directory.
func onlySegment(t *testing.T, walDir string) string {
	t.Helper()
	ents, err := os.ReadDir(walDir)
	if err != nil {
		t.Fatal(err)
	}
	var segs []string
	for _, e := range ents {
		if e.Name() != "LOCK" && !strings.Contains(e.Name(), ".") {
			segs = append(segs, filepath.Join(walDir, e.Name()))
		}
	}
	if len(segs) != 1 {
		t.Fatalf("segments in %s: %v, want one", walDir, segs)
	}
	return segs[0]
}

// runTool runs a short-lived brokerd command and checks its exit code.
func runTool(t *testing.T, bin string, wantCode int, args ...string) (stdout, stderr string) {
	t.Helper()
	return runToolEnv(t, bin, nil, wantCode, args...)
}

func runToolEnv(t *testing.T, bin string, env []string, wantCode int, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(childEnv(), env...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if code := cmd.ProcessState.ExitCode(); code != wantCode {
		t.Errorf("brokerd %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), code, wantCode, &out, &errOut)
	}
	return out.String(), errOut.String()
}

// childEnv is the environment without BROKERD_ variables.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envPrefix) {
			env = append(env, kv)
		}
	}
	return env
}

func buildBinary(t *testing.T) string {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	bin := filepath.Join(t.TempDir(), "brokerd")
	out, err := exec.Command(gocmd, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freePort returns a port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{} // closed when the process has exited
}

func startProcess(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	return startProcessEnv(t, bin, nil, args...)
}

// startProcessEnv runs bin with args, in an environment with no BROKERD_
// variables but those in env.
func startProcessEnv(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(childEnv(), env...)
	p := &process{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// startServer starts a server on port and waits until it answers PING.
func startServer(t *testing.T, bin string, port int, args ...string) *process {
	t.Helper()
	p := startProcess(t, bin, append([]string{"--port", strconv.Itoa(port), "--log-level", "debug"}, args...)...)
	waitReady(t, p, port, "")
	return p
}

func waitReady(t *testing.T, p *process, port int, password string) {
	t.Helper()
	rdb := client(t, port, password)
	brokertest.Eventually(t, 10*time.Second, func() error {
		select {
		case <-p.exited:
			t.Fatalf("brokerd exited with code %d before it was ready; stderr:\n%s", p.cmd.ProcessState.ExitCode(), p.stderr)
		default:
		}
		return rdb.Ping(context.Background()).Err()
	})
}

func client(t *testing.T, port int, password string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{
		Addr:       net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Password:   password,
		MaxRetries: -1,
	})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func (p *process) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// wait returns the exit code. A process that does not exit within a minute
// is killed and the test fails: that is a hang, not a timing assertion.
func (p *process) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		<-p.exited
		t.Fatalf("brokerd did not exit; stderr:\n%s", p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

// syncBuffer is a bytes.Buffer safe for the copying goroutine of exec and
// the test reading it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
