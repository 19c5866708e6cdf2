package kv

import "github.com/brokerd/brokerd/command"

// setSpecs lists the set commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def). The handlers live in
// set_members.go, set_pop.go, set_algebra.go and set_scan.go. Random marks
// the commands whose reply Redis tags nondeterministic_output.
func setSpecs() []command.Spec {
	const group = "set"
	const (
		ro  = command.ReadOnly
		w   = command.Write
		oom = command.DenyOOM
		f   = command.Fast
		rnd = command.Random
	)
	var (
		one    = command.FirstKey
		srcDst = command.TwoKeys
		all    = command.AllKeys
	)
	return withFamilyACL("@set", []command.Spec{
		{Name: "SADD", Arity: -3, Flags: w | oom | f, Keys: one, Run: sadd,
			Summary: "Adds one or more members to a set. Creates the key if it doesn't exist.", Since: "1.0.0", Group: group},
		{Name: "SREM", Arity: -3, Flags: w | f, Keys: one, Run: srem,
			Summary: "Removes one or more members from a set. Deletes the set if the last member was removed.", Since: "1.0.0", Group: group},
		{Name: "SCARD", Arity: 2, Flags: ro | f, Keys: one, Run: scard,
			Summary: "Returns the number of members in a set.", Since: "1.0.0", Group: group},
		{Name: "SISMEMBER", Arity: 3, Flags: ro | f, Keys: one, Run: sismember,
			Summary: "Determines whether a member belongs to a set.", Since: "1.0.0", Group: group},
		{Name: "SMISMEMBER", Arity: -3, Flags: ro | f, Keys: one, Run: smismember,
			Summary: "Determines whether multiple members belong to a set.", Since: "6.2.0", Group: group},
		{Name: "SMEMBERS", Arity: 2, Flags: ro, Keys: one, Run: smembers,
			Summary: "Returns all members of a set.", Since: "1.0.0", Group: group},
		{Name: "SRANDMEMBER", Arity: -2, Flags: ro | rnd, Keys: one, Run: srandmember,
			Summary: "Get one or multiple random members from a set", Since: "1.0.0", Group: group},
		{Name: "SPOP", Arity: -2, Flags: w | f | rnd, Keys: one, Run: spop,
			Summary: "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.",
			Since:   "1.0.0", Group: group},
		{Name: "SMOVE", Arity: 4, Flags: w | f, Keys: srcDst, Run: smove,
			Summary: "Moves a member from one set to another.", Since: "1.0.0", Group: group},
		{Name: "SINTER", Arity: -2, Flags: ro, Keys: all, Run: sinter,
			Summary: "Returns the intersect of multiple sets.", Since: "1.0.0", Group: group},
		{Name: "SINTERCARD", Arity: -3, Flags: ro, Keys: command.NoKeys, Run: sintercard,
			Summary: "Returns the number of members of the intersect of multiple sets.", Since: "7.0.0", Group: group},
		{Name: "SINTERSTORE", Arity: -3, Flags: w | oom, Keys: all, Run: sinterstore,
			Summary: "Stores the intersect of multiple sets in a key.", Since: "1.0.0", Group: group},
		{Name: "SUNION", Arity: -2, Flags: ro, Keys: all, Run: sunion,
			Summary: "Returns the union of multiple sets.", Since: "1.0.0", Group: group},
		{Name: "SUNIONSTORE", Arity: -3, Flags: w | oom, Keys: all, Run: sunionstore,
			Summary: "Stores the union of multiple sets in a key.", Since: "1.0.0", Group: group},
		{Name: "SDIFF", Arity: -2, Flags: ro, Keys: all, Run: sdiff,
			Summary: "Returns the difference of multiple sets.", Since: "1.0.0", Group: group},
		{Name: "SDIFFSTORE", Arity: -3, Flags: w | oom, Keys: all, Run: sdiffstore,
			Summary: "Stores the difference of multiple sets in a key.", Since: "1.0.0", Group: group},
		{Name: "SSCAN", Arity: -3, Flags: ro | rnd, Keys: one, Run: sscan,
			Summary: "Iterates over members of a set.", Since: "2.8.0", Group: group},
	})
}
