package pubsub

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
)

func TestBridgeNameRoundTrip(t *testing.T) {
	for _, name := range []string{"", "plain", "a b", "a.b", "*", ">", "x.>", "\xff\xfe\x00", "é", "==", strings.Repeat("k", 300)} {
		tok := EncodeName([]byte(name))
		if err := checkSubject("brokerd.pub."+tok, false); err != nil {
			t.Errorf("%q encodes to an invalid subject token %q: %v", name, tok, err)
		}
		if got := string(appendName([]byte("x"), []byte(name))); got != "x"+tok {
			t.Errorf("appendName(%q) = %q, want x%s", name, got, tok)
		}
		back, err := DecodeName(tok)
		if err != nil || string(back) != name {
			t.Errorf("DecodeName(%q) = %q, %v; want %q", tok, back, err, name)
		}
	}
	if _, err := DecodeName("a.b"); err == nil {
		t.Error("DecodeName accepted a dot")
	}
}

func TestBridgeFieldsRoundTrip(t *testing.T) {
	for _, fields := range [][][]byte{
		{[]byte("f"), []byte("v")},
		{[]byte(""), []byte("\r\n$3\r\n"), []byte("\x00\xff"), []byte("x")},
	} {
		enc := EncodeFields(nil, fields)
		got, err := DecodeFields(enc)
		if err != nil || !reflect.DeepEqual(got, fields) {
			t.Errorf("DecodeFields(%q) = %q, %v", enc, got, err)
		}
	}
	for _, bad := range []string{"", "+OK\r\n", "*1\r\n:1\r\n", "*1\r\n$-1\r\n", "*2\r\n$1\r\na\r\n", "*1\r\n$1\r\nab\r\n", "*1\r\n$1\r\na\r\nextra"} {
		if f, err := DecodeFields([]byte(bad)); err == nil {
			t.Errorf("DecodeFields(%q) = %q, want an error", bad, f)
		}
	}
}

func TestBridgeImportFields(t *testing.T) {
	resp := nats.Header{HeaderFields: []string{"resp"}}
	tests := []struct {
		name string
		h    nats.Header
		data string
		want []string
	}{
		{"brokerd export", resp, "*2\r\n$1\r\nf\r\n$1\r\nv\r\n", []string{"f", "v"}},
		{"raw payload", nil, "hello", []string{"subject", "s.x", "data", "hello"}},
		{"odd field count is raw", resp, "*1\r\n$1\r\nf\r\n", []string{"subject", "s.x", "data", "*1\r\n$1\r\nf\r\n"}},
		{"bad RESP is raw", resp, "nope", []string{"subject", "s.x", "data", "nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range importFields(tt.h, "s.x", []byte(tt.data)) {
				got = append(got, string(f))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBridgeParseReply(t *testing.T) {
	tests := []struct {
		in   string
		want string // fmt of kind/str/elems, or "error"
	}{
		{"+OK\r\n", "+OK"},
		{"-ERR x\r\n", "-ERR x"},
		{":12\r\n", ":12"},
		{"$3\r\nabc\r\n", "$abc"},
		{"$-1\r\n", "$<nil>"},
		{"*2\r\n$2\r\nid\r\n+OK\r\n", "*[$id +OK]"},
		{"*2\r\n-WRONGTYPE w\r\n+OK\r\n", "*[-WRONGTYPE w +OK]"},
		{"$3\r\nab\r\n", "error"},
		{"*3\r\n+OK\r\n", "error"},
		{"?\r\n", "error"},
		{"+OK", "error"},
	}
	for _, tt := range tests {
		r, _, err := parseReply([]byte(tt.in))
		got := "error"
		if err == nil {
			got = r.String()
		}
		if got != tt.want {
			t.Errorf("parseReply(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestBridgeConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  BridgeConfig
		err  string // substring; "" for valid
	}{
		{"off", BridgeConfig{Prefix: "bad prefix"}, ""},
		{"defaults", BridgeConfig{URL: "nats://127.0.0.1:4222"}, ""},
		{"dotted prefix", BridgeConfig{URL: "u", Prefix: "site.a"}, ""},
		{"prefix with space", BridgeConfig{URL: "u", Prefix: "a b"}, "nats-prefix"},
		{"prefix wildcard", BridgeConfig{URL: "u", Prefix: "a.*"}, "nats-prefix"},
		{"prefix empty token", BridgeConfig{URL: "u", Prefix: "a..b"}, "nats-prefix"},
		{"import wildcard", BridgeConfig{URL: "u", Imports: []BridgeImport{{"in.*.x.>", "k"}}}, ""},
		{"import bad wildcard", BridgeConfig{URL: "u", Imports: []BridgeImport{{"in.a>", "k"}}}, "nats-import"},
		{"import > not last", BridgeConfig{URL: "u", Imports: []BridgeImport{{"in.>.x", "k"}}}, "nats-import"},
		{"jetstream name with dot", BridgeConfig{URL: "u", JetStreamImports: []BridgeJSImport{{"A.B", "c", "k"}}}, "nats-import-jetstream"},
		{"negative queue", BridgeConfig{URL: "u", ExportQueue: -1}, "queue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("Validate() = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestBridgeParseImports(t *testing.T) {
	if got, err := ParseBridgeImport("in.orders=orders:in=x"); err != nil || got != (BridgeImport{"in.orders", "orders:in=x"}) {
		t.Errorf("ParseBridgeImport = %+v, %v", got, err)
	}
	if got, err := ParseBridgeJSImport("ORDERS:node1=orders:all"); err != nil || got != (BridgeJSImport{"ORDERS", "node1", "orders:all"}) {
		t.Errorf("ParseBridgeJSImport = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "subject", "=key"} {
		if _, err := ParseBridgeImport(bad); err == nil {
			t.Errorf("ParseBridgeImport(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "S=k", ":c=k", "S:=k", "S:c"} {
		if _, err := ParseBridgeJSImport(bad); err == nil {
			t.Errorf("ParseBridgeJSImport(%q) accepted", bad)
		}
	}
}

func TestBridgeExportQueue(t *testing.T) {
	var q exportQueue
	q.init(3)
	entry := func(i int) exportEntry { return exportEntry{id: []byte(fmt.Sprint(i))} }
	for i := range 4 {
		if ok := q.push(entry(i)); ok != (i < 3) {
			t.Fatalf("push %d = %v", i, ok)
		}
	}
	ids := func(es []exportEntry) string {
		var b bytes.Buffer
		for _, e := range es {
			b.Write(e.id)
		}
		return b.String()
	}
	if got := ids(q.peek(2)); got != "01" {
		t.Fatalf("peek = %s", got)
	}
	q.pop(1) // the first was taken; the second failed and stays
	if !q.push(entry(4)) || q.len() != 3 {
		t.Fatalf("len after pop and push = %d", q.len())
	}
	if got := ids(q.peek(10)); got != "124" {
		t.Fatalf("peek = %s", got)
	}
	q.pop(3)
	if q.len() != 0 || len(q.peek(1)) != 0 {
		t.Fatal("queue not empty")
	}
}

func TestBridgeAppendedFilters(t *testing.T) {
	b := &Bridge{cfg: BridgeConfig{Export: []string{"orders:*"}}, imported: map[string]bool{"orders:in": true}}
	b.exp.init(10)
	args := func(s string) [][]byte {
		var out [][]byte
		for _, w := range strings.Fields(s) {
			out = append(out, []byte(w))
		}
		return out
	}
	b.Appended(0, args("XADD orders:1 1-1 f v"))
	b.Appended(0, args("xadd orders:2 1-1 f v g w"))
	b.Appended(1, args("XADD orders:1 1-2 f v"))  // another database
	b.Appended(0, args("XADD events 1-1 f v"))    // not exported
	b.Appended(0, args("XADD orders:in 1-1 f v")) // an import target
	b.Appended(0, args("XTRIM orders:1 MAXLEN 1"))
	got := b.exp.peek(10)
	if len(got) != 2 || string(got[0].key) != "orders:1" || string(got[1].key) != "orders:2" ||
		string(got[1].id) != "1-1" || len(got[1].fields) != 4 || string(got[1].fields[3]) != "w" {
		t.Fatalf("queued %+v", got)
	}
}
