package consumergroups

import (
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/streams"
)

// ACL categories as Redis 7.2's COMMAND INFO prints them.
var (
	aclWriteSlow = []string{"@write", "@stream", "@slow"}
	aclWriteFast = []string{"@write", "@stream", "@fast"}
	aclReadSlow  = []string{"@read", "@stream", "@slow"}
)

const group = "stream"

// Specs lists XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM and XAUTOCLAIM
// with Redis 7.2's arity, flags, key positions, categories and docs.
// XINFO GROUPS and CONSUMERS are in XInfoSpecs, since XINFO is the
// streams package's container.
func Specs() []command.Spec {
	keyAt2 := command.Keys{First: 2, Last: 2, Step: 1}
	return []command.Spec{
		{Name: "XGROUP", Arity: -2, ACLCategories: []string{"@slow"}, Subcommands: []command.Spec{
			{Name: "XGROUP|CREATE", Arity: -5, Flags: command.Write | command.DenyOOM, Keys: keyAt2,
				ACLCategories: aclWriteSlow, Run: xgroupCreate,
				Summary: "Creates a consumer group.", Since: "5.0.0", Group: group},
			{Name: "XGROUP|CREATECONSUMER", Arity: 5, Flags: command.Write | command.DenyOOM, Keys: keyAt2,
				ACLCategories: aclWriteSlow, Run: xgroupCreateConsumer,
				Summary: "Creates a consumer in a consumer group.", Since: "6.2.0", Group: group},
			{Name: "XGROUP|DELCONSUMER", Arity: 5, Flags: command.Write, Keys: keyAt2,
				ACLCategories: aclWriteSlow, Run: xgroupDelConsumer,
				Summary: "Deletes a consumer from a consumer group.", Since: "5.0.0", Group: group},
			{Name: "XGROUP|DESTROY", Arity: 4, Flags: command.Write, Keys: keyAt2,
				ACLCategories: aclWriteSlow, Run: xgroupDestroy,
				Summary: "Destroys a consumer group.", Since: "5.0.0", Group: group},
			{Name: "XGROUP|HELP", Arity: 2, Flags: command.Loading | command.Stale, Keys: command.NoKeys,
				ACLCategories: []string{"@stream", "@slow"}, Run: command.Help(xgroupHelp...),
				Summary: "Returns helpful text about the different subcommands.", Since: "5.0.0", Group: group},
			{Name: "XGROUP|SETID", Arity: -5, Flags: command.Write, Keys: keyAt2,
				ACLCategories: aclWriteSlow, Run: xgroupSetID,
				Summary: "Sets the last-delivered ID of a consumer group.", Since: "5.0.0", Group: group},
		}, Summary: "A container for consumer groups commands.", Since: "5.0.0", Group: group},
		{Name: "XREADGROUP", Arity: -7, Flags: command.Write | command.Blocking, Keys: command.NoKeys,
			ACLCategories: []string{"@write", "@stream", "@slow", "@blocking"}, Run: xreadgroup,
			Summary: "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
			Since:   "5.0.0", Group: group},
		{Name: "XACK", Arity: -4, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: aclWriteFast, Run: xack,
			Summary: "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
			Since:   "5.0.0", Group: group},
		{Name: "XPENDING", Arity: -3, Flags: command.ReadOnly, Keys: command.FirstKey,
			ACLCategories: aclReadSlow, Run: xpending,
			Summary: "Returns the information and entries from a stream consumer group's pending entries list.",
			Since:   "5.0.0", Group: group},
		{Name: "XCLAIM", Arity: -6, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: aclWriteFast, Run: xclaim,
			Summary: "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
			Since:   "5.0.0", Group: group},
		{Name: "XAUTOCLAIM", Arity: -6, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: aclWriteFast, Run: xautoclaim,
			Summary: "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
			Since:   "6.2.0", Group: group},
	}
}

// XInfoSpecs are XINFO GROUPS and XINFO CONSUMERS, for streams.Specs.
func XInfoSpecs() []command.Spec {
	keyAt2 := command.Keys{First: 2, Last: 2, Step: 1}
	return []command.Spec{
		{Name: "XINFO|CONSUMERS", Arity: 4, Flags: command.ReadOnly, Keys: keyAt2,
			ACLCategories: aclReadSlow, Run: xinfoConsumers,
			Summary: "Returns a list of the consumers in a consumer group.", Since: "5.0.0", Group: group},
		{Name: "XINFO|GROUPS", Arity: 3, Flags: command.ReadOnly, Keys: keyAt2,
			ACLCategories: aclReadSlow, Run: xinfoGroups,
			Summary: "Returns a list of the consumer groups of a stream.", Since: "5.0.0", Group: group},
	}
}

// Redis's error replies for consumer groups (t_stream.c), word for word.
const (
	errBusyGroup      command.Error = "BUSYGROUP Consumer Group name already exists"
	errXGroupNoKey    command.Error = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
	errEntriesRead    command.Error = "ERR value for ENTRIESREAD must be positive or -1"
	errUnblockedNoKey command.Error = "UNBLOCKED the stream key no longer exists"
	errMissingGroup   command.Error = "ERR Missing GROUP option for XREADGROUP"
	errUnbalanced     command.Error = "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified."
	errDollarInGroup  command.Error = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."
	// errPlusInGroup is Redis 7.4's reply, since XREAD takes "+" as 7.4 does.
	errPlusInGroup     command.Error = "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set."
	errClaimMinIdle    command.Error = "ERR Invalid min-idle-time argument for XCLAIM"
	errClaimIdle       command.Error = "ERR Invalid IDLE option argument for XCLAIM"
	errClaimTime       command.Error = "ERR Invalid TIME option argument for XCLAIM"
	errClaimRetry      command.Error = "ERR Invalid RETRYCOUNT option argument for XCLAIM"
	errAutoClaimIdle   command.Error = "ERR Invalid min-idle-time argument for XAUTOCLAIM"
	errAutoClaimCount  command.Error = "ERR COUNT must be > 0"
	errClaimUnknownOpt               = "ERR Unrecognized XCLAIM option '"
)

// errNoGroup is XGROUP's and XINFO CONSUMERS' NOGROUP reply.
func errNoGroup(key, group []byte) command.Error {
	return command.Error("NOGROUP No such consumer group '" + string(group) + "' for key name '" + string(key) + "'")
}

// errNoKeyOrGroup is XPENDING's, XCLAIM's and XAUTOCLAIM's NOGROUP reply.
func errNoKeyOrGroup(key, group []byte) command.Error {
	return command.Error("NOGROUP No such key '" + string(key) + "' or consumer group '" + string(group) + "'")
}

// errNoGroupRead is XREADGROUP's NOGROUP reply, also what a blocked
// XREADGROUP gets when its group is destroyed (Redis 7.2 runs the command
// again).
func errNoGroupRead(key, group []byte) command.Error {
	return command.Error("NOGROUP No such key '" + string(key) + "' or consumer group '" + string(group) +
		"' in XREADGROUP with GROUP option")
}

// lookupStream returns the stream at key, nil when absent.
func lookupStream(c *command.Ctx, key []byte, write bool) (*streams.Stream, error) {
	var v command.Value
	if write {
		v = c.DB.LookupWrite(key)
	} else {
		v = c.DB.Lookup(key)
	}
	if v == nil {
		return nil, nil
	}
	s, ok := v.(*streams.Stream)
	if !ok {
		return nil, command.ErrWrongType
	}
	return s, nil
}

// lookupGroup returns the stream at key and its group name, with
// XPENDING's, XCLAIM's and XAUTOCLAIM's NOGROUP error when either is
// missing.
func lookupGroup(c *command.Ctx, key, name []byte, write bool) (*streams.Stream, *Group, error) {
	s, err := lookupStream(c, key, write)
	if err != nil {
		return nil, nil, err
	}
	var g *Group
	if s != nil {
		g = of(s).lookup(name)
	}
	if g == nil {
		return nil, nil, errNoKeyOrGroup(key, name)
	}
	return s, g, nil
}
