package consumergroups

import (
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// xgroupHelp is Redis 7.2's XGROUP HELP text.
var xgroupHelp = []string{
	"CREATE <key> <groupname> <id|$> [option]",
	"    Create a new consumer group. Options are:",
	"    * MKSTREAM",
	"      Create the empty stream if it does not exist.",
	"    * ENTRIESREAD entries_read",
	"      Set the group's entries_read counter (internal use).",
	"CREATECONSUMER <key> <groupname> <consumer>",
	"    Create a new consumer in the specified group.",
	"DELCONSUMER <key> <groupname> <consumer>",
	"    Remove the specified consumer.",
	"DESTROY <key> <groupname>",
	"    Remove the specified group.",
	"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
	"    Set the current group ID and entries_read counter.",
}

// xgroupTarget parses what every XGROUP subcommand but HELP shares, in
// Redis's order: the options from args[5] on (MKSTREAM for CREATE,
// ENTRIESREAD for CREATE and SETID), the key's type, the key's existence
// (unless MKSTREAM) and, for needGroup, the group's.
type xgroupTarget struct {
	key, name   []byte
	s           *streams.Stream
	g           *Group
	mkstream    bool
	entriesRead int64
}

func parseXGroup(c *command.Ctx, create, setid, needGroup bool) (t xgroupTarget, err error) {
	t.key, t.name, t.entriesRead = c.Args[2], c.Args[3], streams.InvalidEntriesRead
	for cur := command.NewCursor(c.Args, 5); cur.More(); {
		switch {
		case create && cur.Keyword("MKSTREAM"):
			t.mkstream = true
		case (create || setid) && cur.Remaining() >= 2 && cur.Keyword("ENTRIESREAD"):
			if t.entriesRead, err = cur.Int(); err != nil {
				return t, err
			}
			if t.entriesRead < 0 && t.entriesRead != streams.InvalidEntriesRead {
				return t, errEntriesRead
			}
		default:
			return t, streams.SubcommandSyntax(c)
		}
	}
	if t.s, err = lookupStream(c, t.key, true); err != nil {
		return t, err
	}
	if t.mkstream {
		return t, nil
	}
	if t.s == nil {
		return t, errXGroupNoKey
	}
	if t.g = of(t.s).lookup(t.name); t.g == nil && needGroup {
		return t, errNoGroup(t.key, t.name)
	}
	return t, nil
}

// xgroupCreate is XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n].
// Its effect names the concrete ID and the read counter.
func xgroupCreate(c *command.Ctx) error {
	t, err := parseXGroup(c, true, false, false)
	if err != nil {
		return err
	}
	if len(c.Args) > 8 {
		return streams.SubcommandSyntax(c)
	}
	var id streams.ID
	if arg := c.Args[4]; len(arg) == 1 && arg[0] == '$' {
		if t.s != nil {
			id = t.s.LastID()
		}
	} else if id, err = streams.ParseStrictID(arg); err != nil {
		return err
	}
	created := t.s == nil
	if created {
		t.s = streams.New()
		c.DB.Put(t.key, t.s)
	}
	set := of(t.s)
	if set == nil {
		set = &Set{}
		t.s.SetGroups(set)
	}
	g := newGroup(string(t.name), id, t.entriesRead)
	if !set.add(g) {
		return errBusyGroup
	}
	if !created {
		c.DB.Update(t.key)
	}
	emitCreate(c, t.key, g, created)
	c.Notify(command.NotifyStream, "xgroup-create", t.key)
	c.Out.OK()
	return nil
}

// xgroupSetID is XGROUP SETID key group id|$ [ENTRIESREAD n]; "-" and "+"
// are accepted, as in Redis.
func xgroupSetID(c *command.Ctx) error {
	t, err := parseXGroup(c, false, true, true)
	if err != nil {
		return err
	}
	if len(c.Args) != 5 && len(c.Args) != 7 {
		return streams.SubcommandSyntax(c)
	}
	var id streams.ID
	if arg := c.Args[4]; len(arg) == 1 && arg[0] == '$' {
		id = t.s.LastID()
	} else {
		var ok bool
		if id, _, ok = streams.ParseID(arg, 0, 0); !ok {
			return streams.ErrInvalidID
		}
	}
	t.g.lastID, t.g.entriesRead = id, t.entriesRead
	c.DB.Update(t.key)
	emitGroupID(c, t.key, t.g)
	c.Notify(command.NotifyStream, "xgroup-setid", t.key)
	c.Out.OK()
	return nil
}

// xgroupDestroy is XGROUP DESTROY key group. Clients blocked in
// XREADGROUP on the group are woken (DB.Update) and get NOGROUP.
func xgroupDestroy(c *command.Ctx) error {
	t, err := parseXGroup(c, false, false, false)
	if err != nil {
		return err
	}
	if t.g == nil {
		c.Out.Int(0)
		return nil
	}
	of(t.s).remove(t.name)
	c.DB.Update(t.key)
	c.EmitArgs()
	c.Notify(command.NotifyStream, "xgroup-destroy", t.key)
	c.Out.Int(1)
	return nil
}

// xgroupCreateConsumer is XGROUP CREATECONSUMER key group consumer.
func xgroupCreateConsumer(c *command.Ctx) error {
	t, err := parseXGroup(c, false, false, true)
	if err != nil {
		return err
	}
	cons := t.g.createConsumer(c.Args[4], nowMillis(c))
	if cons == nil {
		c.Out.Int(0)
		return nil
	}
	c.DB.Update(t.key)
	emitConsumer(c, t.key, t.g, cons)
	c.Notify(command.NotifyStream, "xgroup-createconsumer", t.key)
	c.Out.Int(1)
	return nil
}

// xgroupDelConsumer is XGROUP DELCONSUMER key group consumer: it replies
// the consumer's pending count, and its pending entries go with it.
func xgroupDelConsumer(c *command.Ctx) error {
	t, err := parseXGroup(c, false, false, true)
	if err != nil {
		return err
	}
	n, ok := t.g.deleteConsumer(c.Args[4])
	if ok {
		c.DB.Update(t.key)
		c.EmitArgs()
		c.Notify(command.NotifyStream, "xgroup-delconsumer", t.key)
	}
	c.Out.Int(int64(n))
	return nil
}
