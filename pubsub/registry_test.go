package pubsub

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/resptest"
)

// recorder is a Subscriber that keeps what it is sent, formatted.
type recorder struct {
	resp3  bool
	frames []string
}

func (r *recorder) Deliver(frame []byte) {
	r.frames = append(r.frames, resptest.Format(frame))
}
func (r *recorder) Resp3() bool { return r.resp3 }

func (r *recorder) take() string {
	s := strings.Join(r.frames, " ")
	r.frames = nil
	return s
}

func names(ss ...string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		out = append(out, []byte(s))
	}
	return out
}

func TestRegistry(t *testing.T) {
	reg := NewRegistry()
	a, b := &recorder{}, &recorder{resp3: true}
	steps := []struct {
		do   func() int
		want int
		a, b string
	}{
		{func() int { return reg.Subscribe(a, Channels, names("x", "y", "x")) }, 2,
			`["subscribe" "x" (int) 1] ["subscribe" "y" (int) 2] ["subscribe" "x" (int) 2]`, ""},
		{func() int { return reg.Subscribe(b, Patterns, names("x*")) }, 1, "", `push["psubscribe" "x*" (int) 1]`},
		{func() int { return reg.Subscribe(b, ShardChannels, names("x")) }, 2, "", `push["ssubscribe" "x" (int) 1]`},
		{func() int { return reg.Publish([]byte("x"), []byte("m")) }, 2,
			`["message" "x" "m"]`, `push["pmessage" "x*" "x" "m"]`},
		{func() int { return reg.ShardPublish([]byte("x"), []byte("s")) }, 1, "", `push["smessage" "x" "s"]`},
		{func() int { return reg.Publish([]byte("z"), []byte("m")) }, 0, "", ""},
		{func() int { return reg.NumSub(Channels, []byte("x")) }, 1, "", ""},
		{func() int { return reg.NumPatterns() }, 1, "", ""},
		{func() int { return reg.Unsubscribe(a, Channels, nil) }, 0,
			`["unsubscribe" "x" (int) 1] ["unsubscribe" "y" (int) 0]`, ""},
		{func() int { return reg.Unsubscribe(a, Patterns, nil) }, 0, `["punsubscribe" (nil) (int) 0]`, ""},
		{func() int { reg.RemoveAll(b); return reg.NumPatterns() }, 0, "", ""},
		{func() int { return len(reg.Names(ShardChannels, nil)) }, 0, "", ""},
		// Nobody subscribes any more (the publish skips the lock), then
		// someone does again.
		{func() int { return reg.Publish([]byte("x"), []byte("m")) }, 0, "", ""},
		{func() int { return reg.ShardPublish([]byte("x"), []byte("s")) }, 0, "", ""},
		{func() int { return reg.Subscribe(a, Channels, names("x")) }, 1, `["subscribe" "x" (int) 1]`, ""},
		{func() int { reg.Publish([]byte("x"), []byte("m1")); return reg.Publish([]byte("x"), []byte("m2")) }, 1,
			`["message" "x" "m1"] ["message" "x" "m2"]`, ""},
		{func() int { return reg.Unsubscribe(a, Channels, nil) }, 0, `["unsubscribe" "x" (int) 0]`, ""},
	}
	for i, st := range steps {
		if got := st.do(); got != st.want {
			t.Fatalf("step %d returned %d, want %d", i, got, st.want)
		}
		if got := a.take(); got != st.a {
			t.Fatalf("step %d: a got %s\nwant %s", i, got, st.a)
		}
		if got := b.take(); got != st.b {
			t.Fatalf("step %d: b got %s\nwant %s", i, got, st.b)
		}
	}
	if len(reg.subs) != 0 {
		t.Fatalf("registry keeps %d subscribers with no subscriptions", len(reg.subs))
	}
}

func TestNamesAreFilteredAndSorted(t *testing.T) {
	reg := NewRegistry()
	reg.Subscribe(&recorder{}, Channels, names("news.b", "chat", "news.a"))
	if got := strings.Join(reg.Names(Channels, []byte("news.*")), ","); got != "news.a,news.b" {
		t.Fatalf("Names = %s", got)
	}
	if got := strings.Join(reg.Names(Channels, nil), ","); got != "chat,news.a,news.b" {
		t.Fatalf("Names = %s", got)
	}
}

func TestBinaryChannelNames(t *testing.T) {
	reg := NewRegistry()
	r := &recorder{}
	ch := []byte("a\x00b\r\n")
	reg.Subscribe(r, Channels, [][]byte{ch})
	r.take()
	reg.Publish(ch, []byte("\xff"))
	if got := r.take(); got != `["message" "a\x00b\r\n" "\xff"]` {
		t.Fatalf("got %s", got)
	}
}

func TestPublishAfterRemovalFromTheMiddle(t *testing.T) {
	reg := NewRegistry()
	subs := []*recorder{{}, {}, {}, {}}
	for _, r := range subs {
		reg.Subscribe(r, Channels, names("x"))
		r.take()
	}
	reg.Unsubscribe(subs[1], Channels, names("x"))
	reg.RemoveAll(subs[0])
	subs[1].take()
	if n := reg.Publish([]byte("x"), []byte("m")); n != 2 {
		t.Fatalf("Publish reached %d subscribers, want 2", n)
	}
	for i, r := range subs {
		want := ""
		if i >= 2 {
			want = `["message" "x" "m"]`
		}
		if got := r.take(); got != want {
			t.Fatalf("subscriber %d got %q, want %q", i, got, want)
		}
	}
	if n := reg.NumSub(Channels, []byte("x")); n != 2 {
		t.Fatalf("NumSub = %d, want 2", n)
	}
}
