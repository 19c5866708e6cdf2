package broker

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/tidwall/redcon"
)

// parseChunks runs input through the guard in the given chunks and then
// through redcon's reader, as a connection does. It returns the commands
// redcon sees (args joined by spaces) and the guard's error, if any.
func parseChunks(chunks [][]byte, needsAuth bool) ([]string, error) {
	g := respGuard{needsAuth: func() bool { return needsAuth }}
	var filtered []byte
	var gerr error
	for _, ch := range chunks {
		filtered, gerr = g.filter(filtered, ch)
		if gerr != nil {
			break
		}
	}
	rd := redcon.NewReader(bytes.NewReader(filtered))
	var cmds []string
	for {
		cmd, err := rd.ReadCommand()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				cmds = append(cmds, "<redcon: "+err.Error()+">")
			}
			break
		}
		var parts []string
		for _, a := range cmd.Args {
			parts = append(parts, string(a))
		}
		cmds = append(cmds, strings.Join(parts, " "))
	}
	return cmds, gerr
}

func TestRESPGuardProtocolErrors(t *testing.T) {
	big := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name      string
		in        string
		needsAuth bool
		cmds      []string
		err       string // "" = no error
	}{
		{"one command", "*1\r\n$4\r\nPING\r\n", false, []string{"PING"}, ""},
		{"pipeline", "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n", false, []string{"PING", "ECHO hi"}, ""},
		{"inline", "PING\r\nECHO hi\n", false, []string{"PING", "ECHO hi"}, ""},
		{"empty multibulk is ignored", "*0\r\n*1\r\n$4\r\nPING\r\n", false, []string{"PING"}, ""},
		{"null multibulk is ignored", "*-1\r\n*1\r\n$4\r\nPING\r\n", false, []string{"PING"}, ""},
		{"empty bulk", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", false, []string{"ECHO "}, ""},
		{"inline quoted args", "SET \"a b\" 'c\\'d'\r\n", false, []string{"SET a b c'd"}, ""},
		{"inline unbalanced double quote", "PING\r\nSET \"k v\r\n", false, []string{"PING"}, "Protocol error: unbalanced quotes in request"},
		{"inline unbalanced single quote", "SET 'k\\\\' v\r\n", false, nil, "Protocol error: unbalanced quotes in request"},
		{"inline closing quote glued to text", "SET \"k\"v x\r\n", false, nil, "Protocol error: unbalanced quotes in request"},
		{"bad multibulk length", "*x\r\n", false, nil, "Protocol error: invalid multibulk length"},
		{"multibulk too long", "*1048577\r\n", false, nil, "Protocol error: invalid multibulk length"},
		{"multibulk at limit", "*1048576\r\n", false, nil, ""},
		{"expected dollar", "*1\r\n+PING\r\n", false, nil, "Protocol error: expected '$', got '+'"},
		{"bad bulk length", "*1\r\n$x\r\n", false, nil, "Protocol error: invalid bulk length"},
		{"negative bulk length", "*1\r\n$-1\r\n", false, nil, "Protocol error: invalid bulk length"},
		{"bulk over 512MB", "*1\r\n$536870913\r\n", false, nil, "Protocol error: invalid bulk length"},
		{"bulk at 512MB", "*1\r\n$536870912\r\n", false, nil, ""},
		{"leading plus in length", "*+1\r\n", false, nil, "Protocol error: invalid multibulk length"},
		{"inline over 64KB", big(64*1024 + 1), false, nil, "Protocol error: too big inline request"},
		{"mbulk count line over 64KB", "*" + big(64*1024+1), false, nil, "Protocol error: too big mbulk count string"},
		{"bulk count line over 64KB", "*1\r\n$" + big(64*1024+1), false, nil, "Protocol error: too big bulk count string"},
		{"unauthenticated multibulk", "*11\r\n", true, nil, "Protocol error: unauthenticated multibulk length"},
		{"unauthenticated bulk", "*1\r\n$16385\r\n", true, nil, "Protocol error: unauthenticated bulk length"},
		{"commands before an error still run", "*1\r\n$4\r\nPING\r\n*x\r\n", false, []string{"PING"}, "Protocol error: invalid multibulk length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds, err := parseChunks([][]byte{[]byte(tt.in)}, tt.needsAuth)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Errorf("error = %q, want %q", got, tt.err)
			}
			if strings.Join(cmds, "|") != strings.Join(tt.cmds, "|") {
				t.Errorf("commands = %q, want %q", cmds, tt.cmds)
			}
		})
	}
}

func TestRESPGuardQueryBufferLimit(t *testing.T) {
	g := respGuard{}
	// Three bulks of 400 MB each pass one by one but not together: the
	// request would exceed client-query-buffer-limit.
	out, err := g.filter(nil, []byte("*3\r\n$419430400\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for i := 0; i < 1300 && err == nil; i++ {
		out, err = g.filter(out[:0], chunk)
		if i%400 == 399 && err == nil {
			out, err = g.filter(out[:0], []byte("\r\n$419430400\r\n"))
		}
	}
	if !errors.Is(err, errQueryBufferLimit) {
		t.Fatalf("err = %v, want the query buffer limit", err)
	}
}

// FuzzRESPReader checks that the commands parsed from a byte stream do not
// depend on how the stream is split into reads (CONVENTIONS C16).
func FuzzRESPReader(f *testing.F) {
	seeds := []string{
		"*1\r\n$4\r\nPING\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
		"PING\r\nECHO \"a b\"\r\n",
		"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n",
		"*1\r\n$x\r\n",
		"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint16(len(s)/3))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		whole, werr := parseChunks([][]byte{in}, false)
		at := int(cut) % (len(in) + 1)
		halves, herr := parseChunks([][]byte{in[:len(in)/2], in[len(in)/2:]}, false)
		split, serr := parseChunks([][]byte{in[:at], in[at:]}, false)
		var bytewise [][]byte
		for i := range in {
			bytewise = append(bytewise, in[i:i+1])
		}
		single, berr := parseChunks(bytewise, false)
		for _, other := range []struct {
			cmds []string
			err  error
		}{{halves, herr}, {split, serr}, {single, berr}} {
			if strings.Join(whole, "\x00") != strings.Join(other.cmds, "\x00") {
				t.Fatalf("commands differ by chunking: %q vs %q", whole, other.cmds)
			}
			if (werr == nil) != (other.err == nil) || (werr != nil && werr.Error() != other.err.Error()) {
				t.Fatalf("errors differ by chunking: %v vs %v", werr, other.err)
			}
		}
	})
}

// TestRESPGuardWholeRequests checks where filter's fast path stops: after
// the last complete plain request, before anything the state machine has
// to judge.
func TestRESPGuardWholeRequests(t *testing.T) {
	ping := "*1\r\n$4\r\nPING\r\n"
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"whole requests", ping + ping, 2 * len(ping)},
		{"cut in a bulk", ping + "*1\r\n$4\r\nPI", len(ping)},
		{"cut in a header", ping + "*1\r\n$", len(ping)},
		{"cut before the CRLF of a bulk", ping + "*1\r\n$4\r\nPING", len(ping)},
		{"empty multibulk", ping + "*0\r\n" + ping, len(ping)},
		{"leading zero", "*01\r\n$4\r\nPING\r\n", 0},
		{"sign", "*+1\r\n$4\r\nPING\r\n", 0},
		{"inline", "PING\r\n", 0},
		{"empty bulk", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", 20},
		{"eleven digits", "*1\r\n$10000000000\r\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := respGuard{}
			if got := g.wholeRequests([]byte(tt.in)); got != tt.want {
				t.Fatalf("wholeRequests = %d, want %d", got, tt.want)
			}
		})
	}
}
