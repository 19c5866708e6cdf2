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
	c.Emit(argXCLAIM, key, []byte(g.name), []byte(g.consumers[p.consumer].name), argZero,
		p.id.Append(nil), argTIME, itoa(p.deliveryTime), argRETRYCOUNT, itoa(p.deliveries),
		argFORCE, argJUSTID, argLASTID, g.lastID.Append(nil))
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
	c.Emit(argXGROUP, argSETID, key, []byte(g.name), g.lastID.Append(nil), argENTRIES, itoa(g.entriesRead))
}

// emitConsumer logs the consumer's existence and times (see above).
func emitConsumer(c *command.Ctx, key []byte, g *Group, cons *Consumer) {
	c.Emit(argXCLAIM, key, []byte(g.name), []byte(cons.name), argZero, argJUSTID,
		argSEENTIME, itoa(cons.seenTime), argACTIVETIME, itoa(cons.activeTime))
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
