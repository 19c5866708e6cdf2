package broker

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
)

// Redis's protocol limits (server.h, networking.c).
const (
	maxInlineSize        = 64 * 1024          // PROTO_INLINE_MAX_SIZE
	maxMultibulkLen      = 1024 * 1024        // items in one request
	maxBulkLen           = 512 * 1024 * 1024  // proto-max-bulk-len
	maxQueryBuffer       = 1024 * 1024 * 1024 // client-query-buffer-limit
	maxUnauthMultibulk   = 10                 // before AUTH, as Redis 7
	maxUnauthBulkLen     = 16384
	guardReadBufferBytes = 64 * 1024
)

// errQueryBufferLimit closes the connection without a reply, as Redis does
// when a client's query buffer passes client-query-buffer-limit.
var errQueryBufferLimit = errors.New("query buffer limit reached")

// protocolError is a framing error: the client gets "-ERR Protocol error:
// <msg>" and the connection is closed.
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return "Protocol error: " + e.msg }

// respGuard checks the byte stream a client sends before redcon parses it.
// redcon's reader enforces none of Redis's limits (it grows its buffer for
// any bulk length, has no inline or multibulk caps) and rejects "*0", which
// Redis ignores, so the guard applies Redis's rules and drops empty
// multibulks. It is a state machine over arbitrarily chunked input.
type respGuard struct {
	state     guardState
	line      []byte // an inline request or *N / $N header being accumulated
	bulkLeft  int64  // bytes (data and CRLF) of the current bulk not yet seen
	argsLeft  int64  // bulks of the current multibulk not yet started
	cmdBytes  int64  // size of the current request, for the query buffer limit
	needsAuth func() bool
	// sawInline is set once an inline request passed: redcon re-encodes
	// those, so the raw size of the commands run no longer counts the
	// bytes received (see nothingOwed).
	sawInline bool
}

type guardState uint8

const (
	stRequest    guardState = iota // between requests
	stInline                       // inside an inline request
	stMultibulk                    // reading "*N\r\n"
	stBulkHeader                   // reading "$N\r\n"
	stBulkData                     // inside a bulk's data and its CRLF
)

// filter appends to out the bytes of in that redcon may see. It returns an
// error once the stream violates the protocol; out then holds everything
// up to the offending request.
func (g *respGuard) filter(out, in []byte) ([]byte, error) {
	if g.state == stRequest {
		k := g.wholeRequests(in)
		out = append(out, in[:k]...)
		in = in[k:]
	}
	for len(in) > 0 {
		switch g.state {
		case stRequest:
			g.cmdBytes = 0
			if in[0] == '*' {
				g.state, g.line = stMultibulk, g.line[:0]
				continue
			}
			g.state, g.line, g.sawInline = stInline, g.line[:0], true
		case stInline:
			n := indexByte(in, '\n')
			chunk := in
			if n >= 0 {
				chunk = in[:n+1]
			}
			g.line = append(g.line, chunk...)
			in = in[len(chunk):]
			if n < 0 {
				if len(g.line) > maxInlineSize {
					return out, &protocolError{"too big inline request"}
				}
				continue
			}
			if !inlineQuotesBalanced(g.line) {
				return out, &protocolError{"unbalanced quotes in request"}
			}
			out = append(out, g.line...)
			g.state = stRequest
		case stMultibulk, stBulkHeader:
			n := indexByte(in, '\n')
			chunk := in
			if n >= 0 {
				chunk = in[:n+1]
			}
			g.line = append(g.line, chunk...)
			in = in[len(chunk):]
			if n < 0 {
				if len(g.line) > maxInlineSize {
					if g.state == stMultibulk {
						return out, &protocolError{"too big mbulk count string"}
					}
					return out, &protocolError{"too big bulk count string"}
				}
				continue
			}
			var err error
			if g.state == stMultibulk {
				out, err = g.multibulkHeader(out)
			} else {
				out, err = g.bulkHeader(out)
			}
			if err != nil {
				return out, err
			}
		case stBulkData:
			n := int64(len(in))
			if n > g.bulkLeft {
				n = g.bulkLeft
			}
			out = append(out, in[:n]...)
			in = in[n:]
			g.bulkLeft -= n
			if g.cmdBytes += n; g.cmdBytes > maxQueryBuffer {
				return out, errQueryBufferLimit
			}
			if g.bulkLeft == 0 {
				g.nextBulk()
			}
		}
	}
	return out, nil
}

// wholeRequests is filter's fast path, for the guard between requests:
// the length of the longest prefix of in made of complete multibulk
// requests that filter would let through unchanged. It decides as the
// state machine does (same header parsing, same limits) but without
// copying header lines aside, and stops before anything else (an inline
// request, a dropped "*0", a limit, a request cut by the end of in),
// which filter's state machine then handles.
func (g *respGuard) wholeRequests(in []byte) int {
	done := 0
	for done < len(in) && in[done] == '*' {
		n, next, ok := headerAt(in, done)
		if !ok || n <= 0 || n > maxMultibulkLen || n > maxUnauthMultibulk && g.authPending() {
			return done
		}
		for range n {
			if next >= len(in) || in[next] != '$' {
				return done
			}
			var size int64
			size, next, ok = headerAt(in, next)
			if !ok || size < 0 || size > maxBulkLen || size > maxUnauthBulkLen && g.authPending() {
				return done
			}
			if int64(len(in)-next) < size+2 {
				return done
			}
			next += int(size) + 2
		}
		done = next
	}
	return done
}

// headerAt parses the "*N\r\n" or "$N\r\n" line starting at in[at] and
// returns N and the offset after the line. It takes only the plain form,
// "0" or up to 10 digits without a leading zero, which headerValue reads
// the same way; ok is false for anything else (a sign, a malformed or
// incomplete line), which filter's state machine then judges.
func headerAt(in []byte, at int) (n int64, next int, ok bool) {
	i := at + 1
	end := min(len(in), i+11)
	for ; i < end; i++ {
		c := in[i]
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	digits := i - at - 1
	switch {
	case digits == 0 || digits > 10 || digits > 1 && in[at+1] == '0':
		return 0, 0, false
	case i+1 >= len(in) || in[i] != '\r' || in[i+1] != '\n':
		return 0, 0, false
	}
	return n, i + 2, true
}

func (g *respGuard) authPending() bool { return g.needsAuth != nil && g.needsAuth() }

// headerValue parses the number in a "*N\r\n" or "$N\r\n" line.
func (g *respGuard) headerValue() (int64, bool) {
	l := g.line
	if len(l) < 3 || l[len(l)-2] != '\r' {
		return 0, false
	}
	return command.ParseInt(l[1 : len(l)-2])
}

func (g *respGuard) multibulkHeader(out []byte) ([]byte, error) {
	n, ok := g.headerValue()
	if !ok || n > maxMultibulkLen {
		return out, &protocolError{"invalid multibulk length"}
	}
	if n <= 0 {
		// Redis ignores empty and null multibulks; redcon would reject
		// them, so they are dropped here.
		g.state = stRequest
		return out, nil
	}
	if n > maxUnauthMultibulk && g.authPending() {
		return out, &protocolError{"unauthenticated multibulk length"}
	}
	g.cmdBytes += int64(len(g.line))
	out = append(out, g.line...)
	g.argsLeft = n
	g.state, g.line = stBulkHeader, g.line[:0]
	return out, nil
}

func (g *respGuard) bulkHeader(out []byte) ([]byte, error) {
	if g.line[0] != '$' {
		return out, &protocolError{"expected '$', got '" + string(g.line[0]) + "'"}
	}
	n, ok := g.headerValue()
	if !ok || n < 0 || n > maxBulkLen {
		return out, &protocolError{"invalid bulk length"}
	}
	if n > maxUnauthBulkLen && g.authPending() {
		return out, &protocolError{"unauthenticated bulk length"}
	}
	g.cmdBytes += int64(len(g.line))
	out = append(out, g.line...)
	g.bulkLeft = n + 2
	g.state, g.line = stBulkData, g.line[:0]
	return out, nil
}

func (g *respGuard) nextBulk() {
	g.argsLeft--
	if g.argsLeft == 0 {
		g.state = stRequest
		return
	}
	g.state, g.line = stBulkHeader, g.line[:0]
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// guardedConn runs a respGuard over everything read from the client. On a
// violation it first hands redcon every request before it (so their
// replies go out in order), then writes Redis's error and fails the read,
// which makes redcon close the connection.
type guardedConn struct {
	net.Conn
	guard respGuard
	buf   []byte
	ready []byte // filtered bytes redcon has not read yet
	spare []byte // ready's buffer, reused once ready is drained
	// readyInBuf is set while ready is a slice of buf (readOnce's fast
	// path), which the next read into buf would overwrite.
	readyInBuf bool
	err        error
	stats      *stats
	// writeMu keeps whole frames from interleaving: redcon's flushes and
	// a subscriber's outbox both write to the socket.
	writeMu sync.Mutex
	// needsAuth is set by the broker once it has a client for this conn.
	needsAuth atomic.Pointer[func() bool]

	// handed counts the bytes redcon has read (see nothingOwed).
	handed int64
	// owner is the connection's client; idleDeadline says whether a read
	// deadline for the idle timeout is set (SetReadDeadline).
	owner        *client
	idleDeadline bool
	// adopt is the client redcon binds to this connection when it
	// accepts it (Server.accept).
	adopt *client
}

func (c *guardedConn) Read(p []byte) (int, error) {
	for {
		if len(c.ready) > 0 {
			n := copy(p, c.ready)
			c.ready = c.ready[n:]
			c.handed += int64(n)
			return n, nil
		}
		if c.err != nil {
			var pe *protocolError
			if errors.As(c.err, &pe) {
				c.Write([]byte("-ERR " + pe.Error() + "\r\n")) // counted, and never inside another frame
			}
			return 0, c.err
		}
		if err := c.readOnce(); err != nil {
			c.err = err
		}
	}
}

// idleProbe is the idle timeout redcon is given: it makes redcon call
// SetReadDeadline before each read, with the time now plus idleProbe.
const idleProbe = time.Hour

// SetReadDeadline is how redcon applies the idle timeout before each read
// (its only call). The deadline set is the one the idle timeout asks for
// now (client.idleTimeout), not the probe's: a CONFIG SET timeout then
// reaches open connections, and a subscriber is never closed for being
// idle, as in Redis. The server's own deadlines (a blocked client's) are
// set on the socket itself.
func (c *guardedConn) SetReadDeadline(probe time.Time) error {
	var d time.Time
	if timeout := c.owner.idleTimeout(); timeout > 0 {
		d = probe.Add(timeout - idleProbe)
	} else if !c.idleDeadline {
		return nil
	}
	c.idleDeadline = !d.IsZero()
	return c.Conn.SetReadDeadline(d)
}

// discardOnce reads from the connection and drops what it got: nothing
// after a protocol error runs, but a parked client's close must still be
// noticed.
func (c *guardedConn) discardOnce() error {
	var sink [4096]byte
	n, err := c.Conn.Read(sink[:])
	c.stats.netInput.Add(int64(n))
	return err
}

// readOnce reads from the socket once and appends what the guard lets
// through to c.ready. A protocol violation is stored in c.err; a read
// error is returned.
func (c *guardedConn) readOnce() error {
	if c.buf == nil {
		c.buf = make([]byte, guardReadBufferBytes)
	}
	if c.readyInBuf {
		// A parked client reads on before redcon has drained ready
		// (awaitRead): move what is left out of the way first.
		if len(c.ready) > 0 {
			c.ready = append(c.spare[:0], c.ready...)
			c.spare = c.ready[:0]
		}
		c.readyInBuf = false
	}
	n, err := c.Conn.Read(c.buf)
	if n > 0 {
		c.stats.netInput.Add(int64(n))
		if f := c.needsAuth.Load(); f != nil {
			c.guard.needsAuth = *f
		}
		in := c.buf[:n]
		if len(c.ready) == 0 && c.guard.state == stRequest && c.guard.wholeRequests(in) == n {
			// The common case, whole requests only: redcon reads them
			// straight from the read buffer.
			c.ready, c.readyInBuf = in, true
			return err
		}
		out := c.ready
		if len(out) == 0 {
			out = c.spare[:0]
		}
		var perr error
		c.ready, perr = c.guard.filter(out, in)
		if cap(c.ready) > cap(c.spare) {
			c.spare = c.ready[:0]
		}
		if perr != nil {
			c.err = perr
		}
	}
	return err
}

// Write counts what goes out, for INFO's total_net_output_bytes.
func (c *guardedConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil // redcon flushes after every pipeline, even one whose reply was handed off
	}
	c.writeMu.Lock()
	n, err := c.Conn.Write(p)
	c.writeMu.Unlock()
	c.stats.netOutput.Add(int64(n))
	return n, err
}

// inlineQuotesBalanced reports whether an inline request splits into
// arguments under sdssplitargs' rules: a quoted argument must be closed and
// its closing quote followed by a space or the end of the line. Redis
// rejects the whole request otherwise, and redcon's splitter is more
// lenient, so the guard decides.
func inlineQuotesBalanced(line []byte) bool {
	i := 0
	for i < len(line) {
		switch line[i] {
		case '"', '\'':
			quote := line[i]
			i++
			for {
				if i >= len(line) {
					return false
				}
				c := line[i]
				// Inside single quotes only \' is an escape.
				if c == '\\' && i+1 < len(line) && (quote == '"' || line[i+1] == '\'') {
					i += 2
					continue
				}
				i++
				if c == quote {
					break
				}
			}
			if i < len(line) && !isInlineSpace(line[i]) {
				return false
			}
		default:
			i++
		}
	}
	return true
}

func isInlineSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0
}
