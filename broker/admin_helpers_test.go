package broker_test

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// adminCase is one raw command and the reply it must get, formatted by
// resptest.Format ("OK", "(int) 1", "ERR ...", `["a" "b"]`, ...).
type adminCase struct{ cmd, want string }

// adminExpect runs the cases in order on one raw connection.
func adminExpect(t *testing.T, r *brokertest.Raw, cases []adminCase) {
	t.Helper()
	for _, tc := range cases {
		if got := r.Do(tc.cmd); got != tc.want {
			t.Errorf("%s\n got: %s\nwant: %s", tc.cmd, got, tc.want)
		}
	}
}

// adminDial opens a raw connection speaking proto (2 or 3).
func adminDial(t *testing.T, s *brokertest.Server, proto int) *brokertest.Raw {
	t.Helper()
	r := s.Dial()
	if proto == 3 {
		if got := r.Do("HELLO 3"); !strings.HasPrefix(got, "{") {
			t.Fatalf("HELLO 3: %s", got)
		}
	}
	return r
}

// adminRawReply sends a command on r and returns the first line of the
// reply (its type and length header) and, for a bulk or verbatim string,
// its payload as sent. It reads the socket directly, so r must have no
// reply pending.
func adminRawReply(t *testing.T, r *brokertest.Raw, args ...string) (header, payload string) {
	t.Helper()
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	r.Send(brokertest.Encode(bs...))
	r.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(r.Conn)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("read %v: %v", args, err)
	}
	header = strings.TrimSuffix(line, "\r\n")
	if header[0] != '$' && header[0] != '=' {
		return header, ""
	}
	n, _ := strconv.Atoi(header[1:])
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(br, buf); err != nil {
		t.Fatalf("read %v: %v", args, err)
	}
	return header, string(buf[:n])
}

// adminFields splits a "k=v k=v" CLIENT LIST line into its keys in order
// and a map of values.
func adminFields(line string) ([]string, map[string]string) {
	var keys []string
	vals := map[string]string{}
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals
}

// adminInfoFields parses an INFO reply into field → value.
func adminInfoFields(info string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(info, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

// adminUnquote undoes the quoting resptest.Format puts on a bulk string.
func adminUnquote(t *testing.T, s string) string {
	t.Helper()
	u, err := strconv.Unquote(s)
	if err != nil {
		t.Fatalf("not a bulk string: %s", s)
	}
	return u
}

// adminHas reports whether the command is registered (COMMAND INFO answers
// more than null), so tests that need data commands from other families
// can skip while those are missing.
func adminHas(t *testing.T, r *brokertest.Raw, name string) bool {
	t.Helper()
	return r.Do("COMMAND INFO "+name) != "[(nil)]"
}
