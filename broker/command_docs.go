package broker

import (
	"bytes"
	_ "embed"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/brokerd/brokerd/command"
)

// redisCommandDocs is the reply of COMMAND DOCS from redis-server 7.0.15
// over RESP3 (HELLO 3, then COMMAND DOCS, the raw bytes): the complexity,
// arguments, history and flags of every Redis command, which clients such
// as redis-cli use for hints. COMMAND DOCS serves it for the commands
// brokerd has, with the subcommands cut down to brokerd's.
//
//go:embed docs/redis-7.0-command-docs.resp
var redisCommandDocs []byte

// respNode is a parsed RESP3 value, kept with its type so that it can be
// written back in either protocol (maps and sets flatten to arrays in
// RESP2).
type respNode struct {
	kind  byte // the RESP3 type byte: '$', '+', ':', '%', '*', '~', '_'
	text  string
	items []respNode // a map's keys and values alternate
}

var errBadDocs = errors.New("broker: malformed embedded command docs")

var crlf = []byte("\r\n")

// parseRESP3 reads one value from b and returns it with the rest.
func parseRESP3(b []byte) (respNode, []byte, error) {
	// NB: bytes.Index, not strings.Index(string(b)): the conversion copied
	// the rest of the file for every value, which made the first COMMAND
	// DOCS take 0.4-0.6 s under the keyspace read lock.
	i := bytes.Index(b, crlf)
	if i < 1 {
		return respNode{}, nil, errBadDocs
	}
	kind, head, rest := b[0], string(b[1:i]), b[i+2:]
	switch kind {
	case '+', ':', '_', '#', ',':
		return respNode{kind: kind, text: head}, rest, nil
	case '$', '=':
		n, err := strconv.Atoi(head)
		if err != nil || n < 0 || len(rest) < n+2 {
			return respNode{}, nil, errBadDocs
		}
		return respNode{kind: '$', text: string(rest[:n])}, rest[n+2:], nil
	case '*', '~', '%':
		n, err := strconv.Atoi(head)
		if err != nil || n < 0 {
			return respNode{}, nil, errBadDocs
		}
		if kind == '%' {
			n *= 2
		}
		node := respNode{kind: kind, items: make([]respNode, 0, n)}
		for range n {
			var item respNode
			if item, rest, err = parseRESP3(rest); err != nil {
				return respNode{}, nil, err
			}
			node.items = append(node.items, item)
		}
		return node, rest, nil
	}
	return respNode{}, nil, errBadDocs
}

// write encodes the value for out's protocol.
func (n respNode) write(out *command.Reply) {
	switch n.kind {
	case '+':
		out.Simple(n.text)
	case ':':
		v, _ := strconv.ParseInt(n.text, 10, 64)
		out.Int(v)
	case '_':
		out.Null()
	case '$':
		out.BulkString(n.text)
	case '%':
		out.Map(len(n.items) / 2)
	case '~':
		out.Set(len(n.items))
	default:
		out.Array(len(n.items))
	}
	for _, item := range n.items {
		item.write(out)
	}
}

// field returns the value of key in a map node.
func (n respNode) field(key string) (respNode, bool) {
	for i := 0; i+1 < len(n.items); i += 2 {
		if n.items[i].text == key {
			return n.items[i+1], true
		}
	}
	return respNode{}, false
}

var docsIndex = sync.OnceValue(func() map[string]respNode {
	root, _, err := parseRESP3(redisCommandDocs)
	if err != nil || root.kind != '%' {
		panic(errBadDocs) // the file is embedded: a test catches this
	}
	idx := map[string]respNode{}
	for i := 0; i+1 < len(root.items); i += 2 {
		idx[root.items[i].text] = root.items[i+1]
	}
	return idx
})

// redisDocs returns Redis's docs of spec (a subcommand's are found in its
// parent's), if Redis has the command.
func redisDocs(spec *command.Spec) (respNode, bool) {
	name := spec.LowerName()
	parent, _, isSub := strings.Cut(name, "|")
	doc, ok := docsIndex()[parent]
	if !ok || !isSub {
		return doc, ok
	}
	subs, ok := doc.field("subcommands")
	if !ok {
		return respNode{}, false
	}
	return subs.field(name)
}

// fieldsExcept returns a map node's keys and values, in order, leaving
// out the given keys.
func (n respNode) fieldsExcept(keys ...string) []respNode {
	var out []respNode
	for i := 0; i+1 < len(n.items); i += 2 {
		if !slices.Contains(keys, n.items[i].text) {
			out = append(out, n.items[i], n.items[i+1])
		}
	}
	return out
}
