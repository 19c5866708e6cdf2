package kv

import "github.com/brokerd/brokerd/command"

// zsetSpecs lists the zset commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def). The handlers live in
// zset_add.go, zset_read.go, zset_range.go, zset_remrange.go, zset_pop.go,
// zset_scan.go, zset_algebra.go and zset_algebra_rangestore.go.
func zsetSpecs() []command.Spec {
	const group = "sorted-set"
	const (
		ro  = command.ReadOnly
		w   = command.Write
		oom = command.DenyOOM
		f   = command.Fast
		b   = command.Blocking
		rnd = command.Random
	)
	var (
		one      = command.FirstKey
		srcDst   = command.TwoKeys
		allButTO = command.Keys{First: 1, Last: -2, Step: 1}
	)
	return withFamilyACL("@sortedset", []command.Spec{
		{Name: "ZADD", Arity: -4, Flags: w | oom | f, Keys: one, Run: zadd,
			Summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
			Since:   "1.2.0", Group: group},
		{Name: "ZINCRBY", Arity: 4, Flags: w | oom | f, Keys: one, Run: zincrby,
			Summary: "Increments the score of a member in a sorted set.", Since: "1.2.0", Group: group},
		{Name: "ZREM", Arity: -3, Flags: w | f, Keys: one, Run: zrem,
			Summary: "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
			Since:   "1.2.0", Group: group},
		{Name: "ZCARD", Arity: 2, Flags: ro | f, Keys: one, Run: zcard,
			Summary: "Returns the number of members in a sorted set.", Since: "1.2.0", Group: group},
		{Name: "ZSCORE", Arity: 3, Flags: ro | f, Keys: one, Run: zscore,
			Summary: "Returns the score of a member in a sorted set.", Since: "1.2.0", Group: group},
		{Name: "ZMSCORE", Arity: -3, Flags: ro | f, Keys: one, Run: zmscore,
			Summary: "Returns the score of one or more members in a sorted set.", Since: "6.2.0", Group: group},
		{Name: "ZRANK", Arity: -3, MaxArgs: 4, Flags: ro | f, Keys: one, Run: zrank,
			Summary: "Returns the index of a member in a sorted set ordered by ascending scores.", Since: "2.0.0", Group: group},
		{Name: "ZREVRANK", Arity: -3, MaxArgs: 4, Flags: ro | f, Keys: one, Run: zrevrank,
			Summary: "Returns the index of a member in a sorted set ordered by descending scores.", Since: "2.0.0", Group: group},
		{Name: "ZCOUNT", Arity: 4, Flags: ro | f, Keys: one, Run: zcount,
			Summary: "Returns the count of members in a sorted set that have scores within a range.", Since: "2.0.0", Group: group},
		{Name: "ZLEXCOUNT", Arity: 4, Flags: ro | f, Keys: one, Run: zlexcount,
			Summary: "Returns the number of members in a sorted set within a lexicographical range.", Since: "2.8.9", Group: group},
		{Name: "ZRANGE", Arity: -4, Flags: ro, Keys: one, Run: zrange,
			Summary: "Returns members in a sorted set within a range of indexes.", Since: "1.2.0", Group: group},
		{Name: "ZREVRANGE", Arity: -4, Flags: ro, Keys: one, Run: zrevrange,
			Summary: "Returns members in a sorted set within a range of indexes in reverse order.", Since: "1.2.0", Group: group},
		{Name: "ZRANGEBYSCORE", Arity: -4, Flags: ro, Keys: one, Run: zrangebyscore,
			Summary: "Returns members in a sorted set within a range of scores.", Since: "1.0.5", Group: group},
		{Name: "ZREVRANGEBYSCORE", Arity: -4, Flags: ro, Keys: one, Run: zrevrangebyscore,
			Summary: "Returns members in a sorted set within a range of scores in reverse order.", Since: "2.2.0", Group: group},
		{Name: "ZRANGEBYLEX", Arity: -4, Flags: ro, Keys: one, Run: zrangebylex,
			Summary: "Returns members in a sorted set within a lexicographical range.", Since: "2.8.9", Group: group},
		{Name: "ZREVRANGEBYLEX", Arity: -4, Flags: ro, Keys: one, Run: zrevrangebylex,
			Summary: "Returns members in a sorted set within a lexicographical range in reverse order.", Since: "2.8.9", Group: group},
		{Name: "ZREMRANGEBYSCORE", Arity: 4, Flags: w, Keys: one, Run: zremrangebyscore,
			Summary: "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.",
			Since:   "1.2.0", Group: group},
		{Name: "ZREMRANGEBYRANK", Arity: 4, Flags: w, Keys: one, Run: zremrangebyrank,
			Summary: "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.",
			Since:   "2.0.0", Group: group},
		{Name: "ZREMRANGEBYLEX", Arity: 4, Flags: w, Keys: one, Run: zremrangebylex,
			Summary: "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.",
			Since:   "2.8.9", Group: group},
		{Name: "ZPOPMIN", Arity: -2, Flags: w | f, Keys: one, Run: zpopmin,
			Summary: "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "ZPOPMAX", Arity: -2, Flags: w | f, Keys: one, Run: zpopmax,
			Summary: "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "ZMPOP", Arity: -4, Flags: w, Keys: command.NoKeys, Run: zmpop,
			Summary: "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.",
			Since:   "7.0.0", Group: group},
		{Name: "ZRANDMEMBER", Arity: -2, Flags: ro | rnd, Keys: one, Run: zrandmember,
			Summary: "Returns one or more random members from a sorted set.", Since: "6.2.0", Group: group},
		{Name: "ZSCAN", Arity: -3, Flags: ro | rnd, Keys: one, Run: zscan,
			Summary: "Iterates over members and scores of a sorted set.", Since: "2.8.0", Group: group},

		{Name: "ZRANGESTORE", Arity: -5, Flags: w | oom, Keys: srcDst, Run: zrangestore,
			Summary: "Stores a range of members from sorted set in a key.", Since: "6.2.0", Group: group},
		{Name: "ZUNION", Arity: -3, Flags: ro, Keys: command.NoKeys, Run: zunion,
			Summary: "Returns the union of multiple sorted sets.", Since: "6.2.0", Group: group},
		{Name: "ZINTER", Arity: -3, Flags: ro, Keys: command.NoKeys, Run: zinter,
			Summary: "Returns the intersect of multiple sorted sets.", Since: "6.2.0", Group: group},
		{Name: "ZDIFF", Arity: -3, Flags: ro, Keys: command.NoKeys, Run: zdiff,
			Summary: "Returns the difference between multiple sorted sets.", Since: "6.2.0", Group: group},
		{Name: "ZUNIONSTORE", Arity: -4, Flags: w | oom, Keys: one, Run: zunionstore,
			Summary: "Stores the union of multiple sorted sets in a key.", Since: "2.0.0", Group: group},
		{Name: "ZINTERSTORE", Arity: -4, Flags: w | oom, Keys: one, Run: zinterstore,
			Summary: "Stores the intersect of multiple sorted sets in a key.", Since: "2.0.0", Group: group},
		{Name: "ZDIFFSTORE", Arity: -4, Flags: w | oom, Keys: one, Run: zdiffstore,
			Summary: "Stores the difference of multiple sorted sets in a key.", Since: "6.2.0", Group: group},
		{Name: "ZINTERCARD", Arity: -3, Flags: ro, Keys: command.NoKeys, Run: zintercard,
			Summary: "Returns the number of members of the intersect of multiple sorted sets.", Since: "7.0.0", Group: group},

		{Name: "BZPOPMIN", Arity: -3, Flags: w | f | b, Keys: allButTO, Run: bzpopmin,
			Summary: "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "BZPOPMAX", Arity: -3, Flags: w | f | b, Keys: allButTO, Run: bzpopmax,
			Summary: "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "BZMPOP", Arity: -5, Flags: w | b, Keys: command.NoKeys, Run: bzmpop,
			Summary: "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
			Since:   "7.0.0", Group: group},
	})
}
