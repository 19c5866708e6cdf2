package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Conn is a minimal RESP2 client tuned for load generation: commands are
// appended to a 64 KiB write buffer and a whole pipeline goes out in one
// write; replies are parsed straight from a bufio.Reader, and Discard
// checks a reply without allocating. On this 2-core machine the load
// generator shares the CPU with the server, so every microsecond it
// spends per command is taken from the server (see the go-redis
// comparison in the package's report text). Not safe for concurrent use.
type Conn struct {
	nc  net.Conn
	r   *bufio.Reader
	w   *bufio.Writer
	num []byte // scratch for integer formatting
	pfx []byte // scratch for bulkPrefix
	req []byte // scratch for AppendArgs
}

// ReplyError is an error reply from the server ("-ERR ...").
type ReplyError string

func (e ReplyError) Error() string { return string(e) }

// errUnsupported marks a workload the target does not implement.
var errUnsupported = errors.New("unsupported by target")

// isUnknownCommand reports whether err is the server's answer to a
// command it does not implement.
func isUnknownCommand(err error) bool {
	var re ReplyError
	return errors.As(err, &re) && strings.HasPrefix(string(re), "ERR unknown command")
}

// Dial connects to addr.
func Dial(addr string) (*Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	return &Conn{nc: nc, r: bufio.NewReaderSize(nc, 64<<10), w: bufio.NewWriterSize(nc, 64<<10)}, nil
}

// Close closes the connection; a reader blocked on it returns an error.
func (c *Conn) Close() error { return c.nc.Close() }

// Append buffers one command of string arguments.
func (c *Conn) Append(args ...string) {
	c.header(len(args))
	for _, a := range args {
		c.bulkHeader(len(a))
		c.w.WriteString(a)
		c.w.WriteString("\r\n")
	}
}

// AppendArgs buffers one command whose arguments are byte slices, for
// callers that build arguments in reused buffers.
func (c *Conn) AppendArgs(args [][]byte) {
	c.req = appendCommand(c.req[:0], args)
	c.w.Write(c.req)
}

// appendCommand appends args to dst as a RESP multibulk request.
func appendCommand(dst []byte, args [][]byte) []byte {
	dst = strconv.AppendInt(append(dst, '*'), int64(len(args)), 10)
	dst = append(dst, "\r\n"...)
	for _, a := range args {
		dst = strconv.AppendInt(append(dst, '$'), int64(len(a)), 10)
		dst = append(dst, "\r\n"...)
		dst = append(append(dst, a...), "\r\n"...)
	}
	return dst
}

func (c *Conn) header(n int) {
	c.w.WriteByte('*')
	c.num = strconv.AppendInt(c.num[:0], int64(n), 10)
	c.w.Write(c.num)
	c.w.WriteString("\r\n")
}

func (c *Conn) bulkHeader(n int) {
	c.w.WriteByte('$')
	c.num = strconv.AppendInt(c.num[:0], int64(n), 10)
	c.w.Write(c.num)
	c.w.WriteString("\r\n")
}

// Flush sends every buffered command in one write (or several, when they
// exceed the buffer).
func (c *Conn) Flush() error { return c.w.Flush() }

// Do sends one command and reads its reply.
func (c *Conn) Do(args ...string) (Value, error) {
	c.Append(args...)
	if err := c.Flush(); err != nil {
		return Value{}, err
	}
	return c.Read()
}

// Value is a parsed reply. Kind is the RESP type byte ('+', '-', ':',
// '$', '*'); Null marks a null bulk string or array.
type Value struct {
	Kind  byte
	Null  bool
	Int   int64
	Str   []byte
	Array []Value
}

// line reads one CRLF-terminated line; the slice is valid until the
// next read.
func (c *Conn) line() ([]byte, error) {
	l, err := c.r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	if len(l) < 3 || l[len(l)-2] != '\r' {
		return nil, fmt.Errorf("bench: malformed reply line %q", l)
	}
	return l[:len(l)-2], nil
}

// Read parses one reply. An error reply is returned as a ReplyError.
func (c *Conn) Read() (Value, error) {
	l, err := c.line()
	if err != nil {
		return Value{}, err
	}
	v := Value{Kind: l[0]}
	switch l[0] {
	case '+':
		v.Str = append([]byte(nil), l[1:]...)
	case '-':
		return v, ReplyError(l[1:])
	case ':':
		v.Int, err = parseInt(l[1:])
	case '$':
		n, null, err := length(l)
		if err != nil || null {
			v.Null = null
			return v, err
		}
		v.Str = make([]byte, n+2)
		if _, err := io.ReadFull(c.r, v.Str); err != nil {
			return v, err
		}
		v.Str = v.Str[:n]
	case '*':
		n, null, err := length(l)
		if err != nil || null {
			v.Null = null
			return v, err
		}
		v.Array = make([]Value, n)
		var firstErr error
		for i := range v.Array {
			v.Array[i], err = c.Read()
			if err != nil {
				var re ReplyError
				if !errors.As(err, &re) {
					return v, err
				}
				firstErr = cmpErr(firstErr, err)
			}
		}
		return v, firstErr
	default:
		return v, fmt.Errorf("bench: unexpected reply type %q", l[0])
	}
	return v, err
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Discard reads one reply without keeping it or allocating, and returns
// its first error reply if any. It returns whether the reply was null.
func (c *Conn) Discard() (null bool, err error) {
	l, err := c.line()
	if err != nil {
		return false, err
	}
	switch l[0] {
	case '+', ':':
		return false, nil
	case '-':
		return false, ReplyError(l[1:])
	case '$':
		n, null, err := length(l)
		if err != nil || null {
			return null, err
		}
		_, err = c.r.Discard(int(n) + 2)
		return false, err
	case '*':
		n, null, err := length(l)
		if err != nil || null {
			return null, err
		}
		var firstErr error
		for i := int64(0); i < n; i++ {
			if _, err := c.Discard(); err != nil {
				var re ReplyError
				if !errors.As(err, &re) {
					return false, err
				}
				firstErr = cmpErr(firstErr, err)
			}
		}
		return false, firstErr
	}
	return false, fmt.Errorf("bench: unexpected reply type %q", l[0])
}

// length parses the length of a bulk string or array header line; -1
// is RESP2's null.
func length(line []byte) (n int64, null bool, err error) {
	n, err = parseInt(line[1:])
	return n, err == nil && n < 0, err
}

// parseInt parses a RESP integer without allocating.
func parseInt(b []byte) (int64, error) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, errors.New("bench: empty integer in reply")
	}
	var n int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, fmt.Errorf("bench: bad integer %q in reply", b)
		}
		n = n*10 + int64(ch-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}

// infoField returns one field of an INFO reply ("" when absent).
func infoField(info []byte, name string) string {
	for _, line := range bytes.Split(info, []byte("\r\n")) {
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && string(k) == name {
			return string(v)
		}
	}
	return ""
}
