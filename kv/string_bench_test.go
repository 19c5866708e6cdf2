package kv

import (
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// BenchmarkSETHandler is SET's handler alone over 1024 keys: the part of
// a SET the server's CPU profile charges to kv.
func BenchmarkSETHandler(b *testing.B) {
	s := NewStore(1, Hooks{})
	out := command.NewReply(2)
	c := command.NewCtx(out, nil)
	c.DB, c.Keyspace = s.DB(0), s
	var cmds [1024][][]byte
	for i := range cmds {
		cmds[i] = [][]byte{[]byte("SET"), []byte("key:" + strconv.Itoa(i)), []byte("value-0123456789")}
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Args = cmds[i%len(cmds)]
		if err := set(c); err != nil {
			b.Fatal(err)
		}
		out.Reset()
	}
}
