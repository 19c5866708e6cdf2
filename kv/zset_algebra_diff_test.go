package kv

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"testing"

	"github.com/brokerd/brokerd/internal/resptest"
)

// TestZsetAlgebraMatchesRedis runs the algebra tables against a real
// redis-server and fails where its replies differ from the tables'. It
// is opt-in: set ZSET_REDIS_ADDR (for example 127.0.0.1:7404) to a
// server whose database 9 may be flushed.
func TestZsetAlgebraMatchesRedis(t *testing.T) {
	addr := os.Getenv("ZSET_REDIS_ADDR")
	if addr == "" {
		t.Skip("ZSET_REDIS_ADDR not set")
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	// do sends line and then an ECHO of a marker, and formats what came
	// back before the marker's reply.
	end := []byte("$9\r\n\x00zsetdiff\r\n")
	do := func(line string) string {
		var req bytes.Buffer
		for _, args := range [][][]byte{resptest.Split(line), {[]byte("ECHO"), []byte("\x00zsetdiff")}} {
			req.WriteString("*" + itoa(len(args)) + "\r\n")
			for _, a := range args {
				req.WriteString("$" + itoa(len(a)) + "\r\n")
				req.Write(a)
				req.WriteString("\r\n")
			}
		}
		if _, err := conn.Write(req.Bytes()); err != nil {
			t.Fatal(err)
		}
		var got []byte
		for !bytes.HasSuffix(got, end) {
			b, err := r.ReadByte()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, b)
		}
		return resptest.Format(got[:len(got)-len(end)])
	}
	check := func(cases []cmdReply) {
		t.Helper()
		for _, c := range cases {
			if got := do(c.cmd); got != c.want {
				t.Errorf("%s\n redis: %s\n table: %s", c.cmd, got, c.want)
			}
		}
	}
	do("SELECT 9")
	do("FLUSHDB")
	check(zsetAlgebraSetup)
	check(zsetAlgebraReads)
	do("FLUSHDB")
	check(zsetAlgebraSetup)
	check([]cmdReply{{"SET str2 v", "OK"}, {"PEXPIRE str2 100000", "(int) 1"}, {"ZADD d 1 old", "(int) 1"}})
	check(zsetAlgebraStores)
	check([]cmdReply{{"PTTL str2", "(int) -1"}})
	do("FLUSHDB")
}
