package kv

import (
	"bufio"
	"bytes"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
)

// otherValue is a non-string value for the generic key commands, which
// only need Type, Encoding and Clone.
type otherValue struct {
	typ, enc string
	items    []string
}

func (v *otherValue) Type() string     { return v.typ }
func (v *otherValue) Encoding() string { return v.enc }
func (v *otherValue) Clone() command.Value {
	return &otherValue{typ: v.typ, enc: v.enc, items: append([]string(nil), v.items...)}
}

// newKeyTester is newTester plus a test-only SEED command, so tests can
// create keys of any type through a logged command and still check replay
// without depending on the string commands:
//
//	SEED key type value   (type "string" makes a String, anything else a otherValue)
func newKeyTester(t *testing.T) *tester {
	return newTester(t, command.Spec{Name: "SEED", Arity: 4, Flags: command.Write, Keys: command.FirstKey,
		Run: func(c *command.Ctx) error {
			var v command.Value
			if typ := string(c.Args[2]); typ == "string" {
				v = NewString(c.Args[3])
			} else {
				v = &otherValue{typ: typ, enc: "listpack", items: []string{string(c.Args[3])}}
			}
			database(c).Put(c.Args[1], v)
			c.EmitArgs()
			c.Out.OK()
			return nil
		}})
}

// seedKeys creates string keys k=k (one SEED each) in the current database.
func (x *tester) seedKeys(keys ...string) {
	x.t.Helper()
	for _, k := range keys {
		x.want("SEED "+argQuote(k)+" string "+argQuote(k), "OK")
	}
}

// argQuote writes s as a resptest.Split argument.
func argQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(c)|0x100, 16)[1:])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wantLogged runs line, checks its reply, and checks the effects it
// logged, each written as a space-separated command line.
func (x *tester) wantLogged(line, reply string, effects ...string) {
	x.t.Helper()
	before := len(x.effects)
	x.want(line, reply)
	var got []string
	for _, e := range x.effects[before:] {
		got = append(got, effectLine(e))
	}
	if strings.Join(got, " | ") != strings.Join(effects, " | ") {
		x.t.Errorf("%s\n effects: %q\n    want: %q", line, got, effects)
	}
}

func effectLine(e effect) string {
	parts := []string{"db" + strconv.Itoa(e.db)}
	for _, a := range e.args {
		parts = append(parts, string(a))
	}
	return strings.Join(parts, " ")
}

// reply runs line and decodes its reply: nil, int64, string (bulk or
// simple), []any, or an error as resptest prints it.
func (x *tester) reply(line string) any {
	x.t.Helper()
	raw := x.exec(x.store, x.db, resptest.Split(line), false)
	v, err := respDecode(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		x.t.Fatalf("%s: %v (%q)", line, err, raw)
	}
	return v
}

// sortedReply runs a command replying an array of bulk strings (KEYS) and
// returns them sorted.
func (x *tester) sortedReply(line string) []string {
	x.t.Helper()
	arr, ok := x.reply(line).([]any)
	if !ok {
		x.t.Fatalf("%s: not an array", line)
	}
	return sortedBulks(arr)
}

func sortedBulks(arr []any) []string {
	out := make([]string, 0, len(arr))
	for _, v := range arr {
		out = append(out, v.(string))
	}
	sort.Strings(out)
	return out
}

// scanPage runs one SCAN and returns the next cursor and the keys.
func (x *tester) scanPage(line string) (string, []string) {
	x.t.Helper()
	arr, ok := x.reply(line).([]any)
	if !ok || len(arr) != 2 {
		x.t.Fatalf("%s: bad SCAN reply %v", line, x.do(line))
	}
	return arr[0].(string), sortedBulks(arr[1].([]any))
}

type respErr string

func respDecode(r *bufio.Reader) (any, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	body := line[1:]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return respErr(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '_':
		return nil, nil
	case '$':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := readRESPFull(r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*', '~':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil, nil
		}
		arr := make([]any, 0, n)
		for i := 0; i < n; i++ {
			v, err := respDecode(r)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		return arr, nil
	}
	return nil, strconv.ErrSyntax
}

func readRESPFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// keyArgs splits a command line for the parser table tests.
func keyArgs(line string) [][]byte { return resptest.Split(line) }
