package broker_test

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

func TestNotifyKeyspaceEventsConfig(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for _, tc := range [][2]string{
		{`CONFIG SET notify-keyspace-events KEA`, "OK"},
		{"CONFIG GET notify-keyspace-events", `["notify-keyspace-events" "AKE"]`},
		{`CONFIG SET notify-keyspace-events Elgxn`, "OK"},
		{"CONFIG GET notify-keyspace-events", `["notify-keyspace-events" "glxnE"]`},
		{`CONFIG SET notify-keyspace-events "Km$"`, "OK"},
		{"CONFIG GET notify-keyspace-events", `["notify-keyspace-events" "$Km"]`},
		{`CONFIG SET notify-keyspace-events Q`, "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
		{`CONFIG SET notify-keyspace-events ""`, "OK"},
		{"CONFIG GET notify-keyspace-events", `["notify-keyspace-events" ""]`},
	} {
		if got := r.Do(tc[0]); got != tc[1] {
			t.Errorf("%s = %s, want %s", tc[0], got, tc[1])
		}
	}
}

// TestKeyspaceNotifications checks each command's events, as keyevent
// messages (channel __keyevent@0__:<event>, payload the key).
func TestKeyspaceNotifications(t *testing.T) {
	r, sub := expectKeyEvents(t, "AEnm", []keyEventCase{
		{"SET a 1", "new:a set:a"},
		{"SET a 2 EX 100", "set:a expire:a"},
		{"GET nokey", "keymiss:nokey"},
		{"APPEND a x", "append:a"},
		{"SETRANGE a 0 y", "setrange:a"},
		{"SET n 1", "new:n set:n"},
		{"INCR n", "incrby:n"},
		{"INCRBYFLOAT n 1.5", "incrbyfloat:n"},
		{"MSET m1 1 m2 2", "new:m1 set:m1 new:m2 set:m2"},
		{"EXPIRE m1 100", "expire:m1"},
		{"PERSIST m1", "persist:m1"},
		{"GETEX m1 PX 100000", "expire:m1"},
		{"RENAME m1 r1", "new:r1 rename_from:m1 rename_to:r1"},
		{"COPY r1 c1", "new:c1 copy_to:c1"},
		{"GETDEL c1", "del:c1"},
		{"DEL r1 m2 nokey", "del:r1 del:m2"},
		{"EXPIRE a -1", "del:a"},
		{"XADD s 1-1 f v", "new:s xadd:s"},
		{"XADD s MAXLEN 1 2-1 f v", "xadd:s xtrim:s"},
		{"XDEL s 2-1", "xdel:s"},
		{"XSETID s 5-0", "xsetid:s"},
		{"RPUSH l a b c", "new:l rpush:l"},
		{"LPUSH l z", "lpush:l"},
		{"LSET l 0 y", "lset:l"},
		{"LINSERT l BEFORE b x", "linsert:l"},
		{"LREM l 1 x", "lrem:l"},
		{"LTRIM l 0 -1", "ltrim:l"},
		{"LPOP l", "lpop:l"},
		{"LMOVE l l2 RIGHT LEFT", "new:l2 lpush:l2 rpop:l"},
		{"RPOP l 5", "rpop:l del:l"},
		{"BLPOP l2 0", "lpop:l2 del:l2"},
		{"XGROUP CREATE s g $", "xgroup-create:s"},
		{"XREADGROUP GROUP g alice STREAMS s >", "xgroup-createconsumer:s"},
		{"XGROUP CREATECONSUMER s g bob", "xgroup-createconsumer:s"},
		{"XGROUP DELCONSUMER s g bob", "xgroup-delconsumer:s"},
		{"XGROUP SETID s g 0", "xgroup-setid:s"},
		{"XGROUP DESTROY s g", "xgroup-destroy:s"},
	})
	// Expiry by the server is the "expired" event.
	r.Do("SET e 1 PX 1")
	expectFrames(t, sub,
		`["pmessage" "__keyevent@*" "__keyevent@0__:new" "e"]`,
		`["pmessage" "__keyevent@*" "__keyevent@0__:set" "e"]`,
		`["pmessage" "__keyevent@*" "__keyevent@0__:expire" "e"]`,
		`["pmessage" "__keyevent@*" "__keyevent@0__:expired" "e"]`)
}

// keyEventCase is a command and the keyevent messages it must fire:
// "event:key" pairs, space separated ("" for none).
type keyEventCase struct{ cmd, events string }

// expectKeyEvents starts a server with notify-keyspace-events flags, runs
// the cases on one connection and checks, in order, the keyevent
// messages (channel __keyevent@0__:<event>, payload the key) a pattern
// subscriber gets for each: a stray event fails the next case. It returns
// the connections, for checks that follow.
func expectKeyEvents(t *testing.T, flags string, cases []keyEventCase) (r, sub *brokertest.Raw) {
	t.Helper()
	s := brokertest.Start(t)
	s.Dial().Do("CONFIG SET notify-keyspace-events " + flags)
	sub = s.Dial()
	sub.Send(brokertest.Encode([]byte("PSUBSCRIBE"), []byte("__keyevent@*")))
	expectFrames(t, sub, `["psubscribe" "__keyevent@*" (int) 1]`)
	r = s.Dial()
	for _, tc := range cases {
		if got := r.Do(tc.cmd); strings.HasPrefix(got, "ERR") {
			t.Fatalf("%s: %s", tc.cmd, got)
		}
		for _, ev := range strings.Fields(tc.events) {
			event, key, _ := strings.Cut(ev, ":")
			want := `["pmessage" "__keyevent@*" "__keyevent@0__:` + event + `" "` + key + `"]`
			if got := sub.Read(); got != want {
				t.Fatalf("%s: got %s, want %s", tc.cmd, got, want)
			}
		}
	}
	return r, sub
}

func TestKeyspaceChannelNamesTheKey(t *testing.T) {
	s := brokertest.Start(t)
	s.Dial().Do("CONFIG SET notify-keyspace-events K$")
	sub := s.Dial()
	sub.Send(brokertest.Encode([]byte("SUBSCRIBE"), []byte("__keyspace@3__:job")))
	expectFrames(t, sub, `["subscribe" "__keyspace@3__:job" (int) 1]`)
	r := s.Dial()
	r.Do("SELECT 3")
	r.Do("SET job 1")
	r.Do("DEL job") // class g is off
	r.Do("SET job 2")
	expectFrames(t, sub, `["message" "__keyspace@3__:job" "set"]`, `["message" "__keyspace@3__:job" "set"]`)
}
