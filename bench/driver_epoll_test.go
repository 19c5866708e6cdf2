//go:build linux

package bench

import (
	"errors"
	"testing"
)

func TestReplyLen(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		null bool
		err  bool
	}{
		{"+OK\r\n", 5, false, false},
		{":12\r\n+OK\r\n", 5, false, false},
		{"$3\r\nabc\r\n", 9, false, false},
		{"$-1\r\n", 5, true, false},
		{"*-1\r\n", 5, true, false},
		{"*2\r\n$1\r\na\r\n:1\r\n", 15, false, false},
		{"*2\r\n*1\r\n+x\r\n$0\r\n\r\n", 18, false, false},
		{"-ERR no\r\n", 0, false, true},
		{"", 0, false, false},
		{"+OK\r", 0, false, false},
		{"$3\r\nab", 0, false, false},
		{"*2\r\n$1\r\na\r\n", 0, false, false},
		{"?x\r\n", 0, false, true},
	} {
		n, null, err := replyLen([]byte(tt.in))
		if n != tt.n || null != tt.null || (err != nil) != tt.err {
			t.Errorf("replyLen(%q) = %d, %v, %v; want %d, %v, error %v", tt.in, n, null, err, tt.n, tt.null, tt.err)
		}
	}
	var re ReplyError
	if _, _, err := replyLen([]byte("-ERR no\r\n")); !errors.As(err, &re) || string(re) != "ERR no" {
		t.Errorf("error reply gave %v, want ReplyError(ERR no)", err)
	}
}

// TestEpollConnParseKeepsPartialReplies feeds a pipeline's replies in
// pieces and checks that each is counted once, when it is complete.
func TestEpollConnParseKeepsPartialReplies(t *testing.T) {
	c := &epollConn{waiting: 3}
	var got int
	var nulls int64
	for _, piece := range []string{"$3\r\nab", "c\r\n$-", "1\r\n:7", "\r\n"} {
		c.in = append(c.in, piece...)
		g, n, err := c.parse()
		if err != nil {
			t.Fatal(err)
		}
		got, nulls = got+g, nulls+n
	}
	if got != 3 || nulls != 1 || c.waiting != 0 || len(c.in) != 0 {
		t.Errorf("got %d replies (%d null), %d still due, %q left; want 3 (1 null), 0, nothing", got, nulls, c.waiting, c.in)
	}
}
