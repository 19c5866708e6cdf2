package streams

import (
	"testing"

	"github.com/brokerd/brokerd/command"
)

// clockSpace is a keyspace with no databases and a settable clock.
type clockSpace struct{ now int64 }

func (k *clockSpace) DB(int) command.DB { return nil }
func (k *clockSpace) Len() int          { return 0 }
func (k *clockSpace) Now() int64        { return k.now }

func TestNowMillisClockCache(t *testing.T) {
	k := &clockSpace{now: 1000}
	c := command.NewCtx(command.NewReply(2), nil)
	c.Keyspace = k
	read := func(want uint64, step string) {
		t.Helper()
		if got := nowMillis(c); got != want {
			t.Fatalf("%s: nowMillis = %d, want %d", step, got, want)
		}
	}
	read(1000, "without a cache")
	k.now = 1001
	read(1001, "without a cache every read goes to the clock")

	c.CacheClock()
	read(1001, "first read of a pipeline")
	k.now = 1002
	read(1001, "same pipeline")
	c.Retrying = true
	read(1002, "a parked command run again")
	c.Retrying = false
	read(1001, "the pipeline's snapshot is kept")
	c.ResetClock()
	read(1002, "next pipeline")
}
