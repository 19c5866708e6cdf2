package bench

import (
	"bufio"
	"errors"
	"strings"
	"testing"
	"time"
)

func readerConn(s string) *Conn { return &Conn{r: bufio.NewReader(strings.NewReader(s))} }

func TestConnReadAndDiscard(t *testing.T) {
	in := "+OK\r\n:42\r\n$3\r\nfoo\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n*-1\r\n-ERR unknown command 'XADD'\r\n*2\r\n:1\r\n-WRONGTYPE x\r\n"
	c := readerConn(in)
	v, err := c.Read()
	if err != nil || string(v.Str) != "OK" {
		t.Fatalf("simple string: %+v %v", v, err)
	}
	if v, _ := c.Read(); v.Int != 42 {
		t.Errorf("integer: %+v", v)
	}
	if v, _ := c.Read(); string(v.Str) != "foo" {
		t.Errorf("bulk: %+v", v)
	}
	if v, _ := c.Read(); !v.Null {
		t.Errorf("null bulk: %+v", v)
	}
	if v, _ := c.Read(); len(v.Array) != 2 || string(v.Array[0].Str) != "a" || v.Array[1].Array[0].Int != 1 {
		t.Errorf("nested array: %+v", v)
	}
	if v, _ := c.Read(); !v.Null {
		t.Errorf("null array: %+v", v)
	}
	if _, err := c.Read(); !isUnknownCommand(err) {
		t.Errorf("unknown command error not recognised: %v", err)
	}
	var re ReplyError
	if _, err := c.Read(); !errors.As(err, &re) || string(re) != "WRONGTYPE x" {
		t.Errorf("error inside array: %v", err)
	}

	d := readerConn(in)
	nulls := 0
	var errs []string
	for range 8 {
		null, err := d.Discard()
		if null {
			nulls++
		}
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	if nulls != 2 || strings.Join(errs, "|") != "ERR unknown command 'XADD'|WRONGTYPE x" {
		t.Errorf("discard: %d nulls, errors %q", nulls, errs)
	}
}

func TestStampRoundTrip(t *testing.T) {
	p := newPayload(16, true)
	if len(p) != stampLen+1 {
		t.Fatalf("stamped payload of %d bytes, want %d", len(p), stampLen+1)
	}
	now := time.Unix(1_790_000_000, 123_456_789)
	stamp(p, now)
	if got := stampTime(p); !got.Equal(now) {
		t.Errorf("stampTime = %v, want %v", got, now)
	}
	if !stampTime([]byte("short")).IsZero() {
		t.Error("an unstamped payload should give the zero time")
	}
}

func TestParseProcStatCPU(t *testing.T) {
	// Field 2 may contain spaces and parentheses; utime=150, stime=50.
	line := "4242 (redis (x) 1) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 50 0 0 20 0 5 0 1000 100000 2000\n"
	d, err := parseProcStatCPU(line)
	if err != nil || d != 2*time.Second {
		t.Errorf("got %v, %v; want 2s", d, err)
	}
	if _, err := parseProcStatCPU("garbage"); err == nil {
		t.Error("garbage should fail")
	}
}
