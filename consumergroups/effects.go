package consumergroups

import (
	"strconv"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// The effects logged for group changes. Deliveries and claims are logged
// as Redis propagates them (streamPropagateXCLAIM, streamPropagateGroupID),
// so replaying runs XCLAIM and XGROUP SETID. Redis does not log consumer
// times; brokerd does, so that seen-time, active-time and idle survive a
// restart: every command that touches a consumer ends with
//
//	XCLAIM key group consumer 0 JUSTID SEENTIME <ms> ACTIVETIME <ms>
//
// an XCLAIM of no IDs (JUSTID is where the IDs stop) that creates the
// consumer if needed and sets both times. SEENTIME and ACTIVETIME are
// accepted only while the log is replayed (c.Loading); a client that
// sends them gets Redis's "Unrecognized XCLAIM option" error. An XCLAIM
// rather than a command of our own, because every logged effect must be a
// registered command and the command table is Redis 7.2's.
var (
	argXCLAIM     = []byte("XCLAIM")
	argXGROUP     = []byte("XGROUP")
	argXACK       = []byte("XACK")
	argSETID      = []byte("SETID")
	argCREATE     = []byte("CREATE")
	argMKSTREAM   = []byte("MKSTREAM")
	argENTRIES    = []byte("ENTRIESREAD")
	argZero       = []byte("0")
	argTIME       = []byte("TIME")
	argRETRYCOUNT = []byte("RETRYCOUNT")
	argFORCE      = []byte("FORCE")
	argJUSTID     = []byte("JUSTID")
	argLASTID     = []byte("LASTID")
	argSEENTIME   = []byte("SEENTIME")
	argACTIVETIME = []byte("ACTIVETIME")
)

// Loading-only XCLAIM options (see above).
const (
	optSeenTime   = "SEENTIME"
	optActiveTime = "ACTIVETIME"
)

func itoa(n int64) []byte { return strconv.AppendInt(nil, n, 10) }

// emitClaim logs the pending entry p as Redis's streamPropagateXCLAIM.
func emitClaim(c *command.Ctx, key []byte, g *Group, p pendingEntry) {
	fx := g.effect()
	fx.add(argXCLAIM, key)
	fx.addString(g.name)
	fx.addString(g.consumers[p.consumer].name)
	fx.add(argZero)
	fx.addID(p.id)
	fx.add(argTIME)
	fx.addInt(p.deliveryTime)
	fx.add(argRETRYCOUNT)
	fx.addInt(p.deliveries)
	fx.add(argFORCE, argJUSTID, argLASTID)
	fx.addID(g.lastID)
	fx.emit(c)
}

// emitDrop logs that id left the PEL because its entry was deleted.
// Redis propagates an XCLAIM under the old owner's name for it, whose
// replay would also mark that consumer seen at replay time; XACK removes
// the entry and touches no consumer.
func emitDrop(c *command.Ctx, key []byte, g *Group, id streams.ID) {
	c.Emit(argXACK, key, []byte(g.name), id.Append(nil))
}

// emitGroupID logs the group's position as Redis's streamPropagateGroupID.
func emitGroupID(c *command.Ctx, key []byte, g *Group) {
	fx := g.effect()
	fx.add(argXGROUP, argSETID, key)
	fx.addString(g.name)
	fx.addID(g.lastID)
	fx.add(argENTRIES)
	fx.addInt(g.entriesRead)
	fx.emit(c)
}

// emitConsumer logs the consumer's existence and times (see above).
func emitConsumer(c *command.Ctx, key []byte, g *Group, cons *Consumer) {
	fx := g.effect()
	fx.add(argXCLAIM, key)
	fx.addString(g.name)
	fx.addString(cons.name)
	fx.add(argZero, argJUSTID, argSEENTIME)
	fx.addInt(cons.seenTime)
	fx.add(argACTIVETIME)
	fx.addInt(cons.activeTime)
	fx.emit(c)
}

// effectArgs builds one effect's arguments in buffers its group keeps:
// Emit copies them, so the deliveries of XREADGROUP, which log two or
// three effects per entry, allocate nothing for it (each effect built
// its numbers, IDs and names as new slices, and its variadic argument
// list escaped through the EffectSink interface).
type effectArgs struct {
	argv [16][]byte
	ends [16]int // where each argument built into buf ends; -1: argv holds it
	n    int
	buf  []byte
}

// effect returns g's builder, emptied. Caller holds the write lock.
func (g *Group) effect() *effectArgs {
	if g.fx == nil {
		g.fx = &effectArgs{}
	}
	g.fx.n, g.fx.buf = 0, g.fx.buf[:0]
	return g.fx
}

// add appends arguments that stay valid until emit (constants, the key).
func (fx *effectArgs) add(args ...[]byte) {
	for _, a := range args {
		fx.argv[fx.n], fx.ends[fx.n] = a, -1
		fx.n++
	}
}

func (fx *effectArgs) addString(s string) {
	fx.buf = append(fx.buf, s...)
	fx.built()
}

func (fx *effectArgs) addID(id streams.ID) {
	fx.buf = id.Append(fx.buf)
	fx.built()
}

func (fx *effectArgs) addInt(n int64) {
	fx.buf = strconv.AppendInt(fx.buf, n, 10)
	fx.built()
}

func (fx *effectArgs) built() {
	fx.argv[fx.n], fx.ends[fx.n] = nil, len(fx.buf)
	fx.n++
}

// emit slices the built arguments out of buf, which no longer grows, and
// logs the effect.
func (fx *effectArgs) emit(c *command.Ctx) {
	start := 0
	for i := range fx.n {
		if end := fx.ends[i]; end >= 0 {
			start, fx.argv[i] = end, fx.buf[start:end]
		}
	}
	c.Emit(fx.argv[:fx.n]...)
	clear(fx.argv[:fx.n]) // pin neither keys nor requests
}

// emitCreate logs XGROUP CREATE with the concrete ID and read counter.
func emitCreate(c *command.Ctx, key []byte, g *Group, mkstream bool) {
	args := [][]byte{argXGROUP, argCREATE, key, []byte(g.name), g.lastID.Append(nil), argENTRIES, itoa(g.entriesRead)}
	if mkstream {
		args = append(args, argMKSTREAM)
	}
	c.Emit(args...)
}

// nowMillis is the command's clock, the keyspace's (see streams.NowMillis).
func nowMillis(c *command.Ctx) int64 { return streams.NowMillis(c) }
