// Package brokertest starts brokerd servers for tests: in-process on
// 127.0.0.1:0 with a go-redis client, or as a child process that a test
// can kill -9. Every server is closed by t.Cleanup.
package brokertest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/resptest"
	"github.com/brokerd/brokerd/wal"
	"github.com/redis/go-redis/v9"
)

// Server is an in-process brokerd.
type Server struct {
	*broker.Server
	// Addr is host:port of the running server.
	Addr string
	// Dir is the data directory; Restart reuses it.
	Dir   string
	cfg   broker.Config
	t     testing.TB
	done  chan error
	alive bool
}

// Option changes the configuration a test server starts with.
type Option func(*broker.Config)

// WithConfig applies f to the configuration.
func WithConfig(f func(*broker.Config)) Option { return Option(f) }

// WithFsync sets appendfsync.
func WithFsync(p wal.Policy) Option { return func(c *broker.Config) { c.AppendFsync = p } }

// WithPassword sets requirepass.
func WithPassword(pass string) Option { return func(c *broker.Config) { c.RequirePass = pass } }

// Start runs a server on 127.0.0.1:0 with its data in a fresh temporary
// directory and the log at appendfsync always.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := broker.DefaultConfig()
	cfg.Port = 0
	cfg.Dir = t.TempDir()
	cfg.AppendFsync = wal.Always
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{cfg: cfg, Dir: cfg.Dir, t: t}
	s.start()
	t.Cleanup(func() { s.Close() })
	return s
}

func (s *Server) start() {
	s.t.Helper()
	srv, err := broker.New(s.cfg)
	if err != nil {
		s.t.Fatalf("brokertest: start: %v", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.cfg.Bind, "0"))
	if err != nil {
		s.t.Fatalf("brokertest: listen: %v", err)
	}
	s.Server, s.Addr, s.done, s.alive = srv, ln.Addr().String(), make(chan error, 1), true
	go func() { s.done <- srv.Serve(ln) }()
}

// Close stops the server gracefully and waits for Serve to return.
func (s *Server) Close() {
	if !s.alive {
		return
	}
	s.alive = false
	if err := s.Server.Close(); err != nil {
		s.t.Errorf("brokertest: close: %v", err)
	}
	<-s.done
}

// Wait blocks until Serve returned (after SHUTDOWN) and reports its error.
func (s *Server) Wait() error {
	err := <-s.done
	s.done <- err
	s.alive = false
	return err
}

// Restart closes the server and starts a new one on the same data
// directory (on a new port: Addr changes, clients must be made anew).
func (s *Server) Restart() {
	s.t.Helper()
	s.Close()
	s.start()
}

// Client returns a go-redis client speaking RESP2, closed by t.Cleanup.
func (s *Server) Client() *redis.Client { return s.client(2) }

// Client3 returns a go-redis client speaking RESP3.
func (s *Server) Client3() *redis.Client { return s.client(3) }

func (s *Server) client(proto int) *redis.Client {
	c := redis.NewClient(&redis.Options{
		Addr:            s.Addr,
		Password:        s.cfg.RequirePass,
		Protocol:        proto,
		DisableIdentity: true,
		MaxRetries:      -1,
	})
	s.t.Cleanup(func() { c.Close() })
	return c
}

// Raw is a plain connection for tests that need exact bytes on the wire.
type Raw struct {
	t    testing.TB
	Conn net.Conn
	r    *bufio.Reader
}

// Dial opens a raw connection.
func (s *Server) Dial() *Raw { return DialRaw(s.t, s.Addr) }

// DialRaw opens a raw connection to addr, closed by t.Cleanup.
func DialRaw(t testing.TB, addr string) *Raw {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("brokertest: dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &Raw{t: t, Conn: c, r: bufio.NewReader(c)}
}

// Send writes bytes as they are.
func (r *Raw) Send(raw string) {
	r.t.Helper()
	if _, err := r.Conn.Write([]byte(raw)); err != nil {
		r.t.Fatalf("brokertest: write: %v", err)
	}
}

// Do sends a command line (resptest.Split) as a RESP multibulk and
// returns the formatted reply (resptest.Format).
func (r *Raw) Do(line string) string {
	r.t.Helper()
	r.Send(Encode(resptest.Split(line)...))
	return r.Read()
}

// Read reads one reply and formats it; "<closed>" when the server closed
// the connection.
func (r *Raw) Read() string {
	r.t.Helper()
	r.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	raw, err := readReply(r.r)
	if err != nil {
		if errors.Is(err, io.EOF) || isReset(err) {
			return "<closed>"
		}
		r.t.Fatalf("brokertest: read: %v", err)
	}
	return resptest.Format(raw)
}

// Closed reports whether the server closed the connection (reading hits
// EOF).
func (r *Raw) Closed() bool {
	r.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := r.r.ReadByte()
	return errors.Is(err, io.EOF) || isReset(err)
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe"))
}

// Encode builds a RESP multibulk request.
func Encode(args ...[]byte) string {
	var b strings.Builder
	b.WriteString("*")
	b.WriteString(itoa(len(args)))
	b.WriteString("\r\n")
	for _, a := range args {
		b.WriteString("$")
		b.WriteString(itoa(len(a)))
		b.WriteString("\r\n")
		b.Write(a)
		b.WriteString("\r\n")
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// readReply reads exactly one RESP value and returns its bytes.
func readReply(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadBytes('\n')
	if err != nil {
		return nil, err
	}
	out := line
	body := strings.TrimRight(string(line[1:]), "\r\n")
	switch line[0] {
	case '$', '=', '!':
		n := atoi(body)
		if n < 0 {
			return out, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return append(out, buf...), nil
	case '*', '~', '>', '%', '|':
		n := atoi(body)
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			el, err := readReply(r)
			if err != nil {
				return nil, err
			}
			out = append(out, el...)
		}
	}
	return out, nil
}

func atoi(s string) int {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// Eventually polls cond every few milliseconds until it holds or timeout
// passes (nats's checkFor): for conditions that become true
// asynchronously, instead of sleeping a fixed time.
func Eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("brokertest: condition not met after %v: %v", timeout, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Ctx is a context for go-redis calls in tests.
func Ctx() context.Context { return context.Background() }

// Soak reports whether long runs were asked for (make soak sets
// BROKERD_SOAK): tests then use their full sizes.
func Soak() bool { return os.Getenv("BROKERD_SOAK") != "" }

// EachProtocol runs fn as a subtest per protocol version, RESP2 and RESP3,
// each on a fresh server and with a go-redis client speaking it: the
// integration tests' way of checking both reply shapes.
func EachProtocol(t *testing.T, fn func(t *testing.T, s *Server, rdb *redis.Client), opts ...Option) {
	for _, proto := range []int{2, 3} {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			s := Start(t, opts...)
			rdb := s.Client()
			if proto == 3 {
				rdb = s.Client3()
			}
			fn(t, s, rdb)
		})
	}
}
