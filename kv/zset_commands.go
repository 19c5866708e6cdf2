package kv

import "github.com/brokerd/brokerd/command"

// ACL categories of the sorted-set commands as Redis 7.2's COMMAND INFO
// prints them.
var (
	zsetACLReadFast     = []string{"@read", "@sortedset", "@fast"}
	zsetACLReadSlow     = []string{"@read", "@sortedset", "@slow"}
	zsetACLWriteFast    = []string{"@write", "@sortedset", "@fast"}
	zsetACLWriteSlow    = []string{"@write", "@sortedset", "@slow"}
	zsetACLBlockingFast = []string{"@write", "@sortedset", "@fast", "@blocking"}
	zsetACLBlockingSlow = []string{"@write", "@sortedset", "@slow", "@blocking"}
)

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
	return []command.Spec{
		{Name: "ZADD", Arity: -4, Flags: w | oom | f, Keys: one, ACLCategories: zsetACLWriteFast, Run: zadd,
			Summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
			Since:   "1.2.0", Group: group},
		{Name: "ZINCRBY", Arity: 4, Flags: w | oom | f, Keys: one, ACLCategories: zsetACLWriteFast, Run: zincrby,
			Summary: "Increments the score of a member in a sorted set.", Since: "1.2.0", Group: group},
		{Name: "ZREM", Arity: -3, Flags: w | f, Keys: one, ACLCategories: zsetACLWriteFast, Run: zrem,
			Summary: "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
			Since:   "1.2.0", Group: group},
		{Name: "ZCARD", Arity: 2, Flags: ro | f, Keys: one, ACLCategories: zsetACLReadFast, Run: zcard,
			Summary: "Returns the number of members in a sorted set.", Since: "1.2.0", Group: group},
		{Name: "ZSCORE", Arity: 3, Flags: ro | f, Keys: one, ACLCategories: zsetACLReadFast, Run: zscore,
			Summary: "Returns the score of a member in a sorted set.", Since: "1.2.0", Group: group},
		{Name: "ZMSCORE", Arity: -3, Flags: ro | f, Keys: one, ACLCategories: zsetACLReadFast, Run: zmscore,
			Summary: "Returns the score of one or more members in a sorted set.", Since: "6.2.0", Group: group},
		{Name: "ZRANK", Arity: -3, MaxArgs: 4, Flags: ro | f, Keys: one, ACLCategories: zsetACLReadFast, Run: zrank,
			Summary: "Returns the index of a member in a sorted set ordered by ascending scores.", Since: "2.0.0", Group: group},
		{Name: "ZREVRANK", Arity: -3, MaxArgs: 4, Flags: ro | f, Keys: one, ACLCategories: zsetACLReadFast, Run: zrevrank,
			Summary: "Returns the index of a member in a sorted set ordered by descending scores.", Since: "2.0.0", Group: group},
		{Name: "ZCOUNT", Arity: 4, Flags: ro | f, Keys: one, ACLCategories: zsetACLReadFast, Run: zcount,
			Summary: "Returns the count of members in a sorted set that have scores within a range.", Since: "2.0.0", Group: group},
		{Name: "ZLEXCOUNT", Arity: 4, Flags: ro | f, Keys: one, ACLCategories: zsetACLReadFast, Run: zlexcount,
			Summary: "Returns the number of members in a sorted set within a lexicographical range.", Since: "2.8.9", Group: group},
		{Name: "ZRANGE", Arity: -4, Flags: ro, Keys: one, ACLCategories: zsetACLReadSlow, Run: zrange,
			Summary: "Returns members in a sorted set within a range of indexes.", Since: "1.2.0", Group: group},
		{Name: "ZREVRANGE", Arity: -4, Flags: ro, Keys: one, ACLCategories: zsetACLReadSlow, Run: zrevrange,
			Summary: "Returns members in a sorted set within a range of indexes in reverse order.", Since: "1.2.0", Group: group},
		{Name: "ZRANGEBYSCORE", Arity: -4, Flags: ro, Keys: one, ACLCategories: zsetACLReadSlow, Run: zrangebyscore,
			Summary: "Returns members in a sorted set within a range of scores.", Since: "1.0.5", Group: group},
		{Name: "ZREVRANGEBYSCORE", Arity: -4, Flags: ro, Keys: one, ACLCategories: zsetACLReadSlow, Run: zrevrangebyscore,
			Summary: "Returns members in a sorted set within a range of scores in reverse order.", Since: "2.2.0", Group: group},
		{Name: "ZRANGEBYLEX", Arity: -4, Flags: ro, Keys: one, ACLCategories: zsetACLReadSlow, Run: zrangebylex,
			Summary: "Returns members in a sorted set within a lexicographical range.", Since: "2.8.9", Group: group},
		{Name: "ZREVRANGEBYLEX", Arity: -4, Flags: ro, Keys: one, ACLCategories: zsetACLReadSlow, Run: zrevrangebylex,
			Summary: "Returns members in a sorted set within a lexicographical range in reverse order.", Since: "2.8.9", Group: group},
		{Name: "ZREMRANGEBYSCORE", Arity: 4, Flags: w, Keys: one, ACLCategories: zsetACLWriteSlow, Run: zremrangebyscore,
			Summary: "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.",
			Since:   "1.2.0", Group: group},
		{Name: "ZREMRANGEBYRANK", Arity: 4, Flags: w, Keys: one, ACLCategories: zsetACLWriteSlow, Run: zremrangebyrank,
			Summary: "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.",
			Since:   "2.0.0", Group: group},
		{Name: "ZREMRANGEBYLEX", Arity: 4, Flags: w, Keys: one, ACLCategories: zsetACLWriteSlow, Run: zremrangebylex,
			Summary: "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.",
			Since:   "2.8.9", Group: group},
		{Name: "ZPOPMIN", Arity: -2, Flags: w | f, Keys: one, ACLCategories: zsetACLWriteFast, Run: zpopmin,
			Summary: "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "ZPOPMAX", Arity: -2, Flags: w | f, Keys: one, ACLCategories: zsetACLWriteFast, Run: zpopmax,
			Summary: "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "ZMPOP", Arity: -4, Flags: w, Keys: command.NoKeys, ACLCategories: zsetACLWriteSlow, Run: zmpop,
			Summary: "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.",
			Since:   "7.0.0", Group: group},
		{Name: "ZRANDMEMBER", Arity: -2, Flags: ro | rnd, Keys: one, ACLCategories: zsetACLReadSlow, Run: zrandmember,
			Summary: "Returns one or more random members from a sorted set.", Since: "6.2.0", Group: group},
		{Name: "ZSCAN", Arity: -3, Flags: ro | rnd, Keys: one, ACLCategories: zsetACLReadSlow, Run: zscan,
			Summary: "Iterates over members and scores of a sorted set.", Since: "2.8.0", Group: group},

		{Name: "ZRANGESTORE", Arity: -5, Flags: w | oom, Keys: srcDst, ACLCategories: zsetACLWriteSlow, Run: zrangestore,
			Summary: "Stores a range of members from sorted set in a key.", Since: "6.2.0", Group: group},
		{Name: "ZUNION", Arity: -3, Flags: ro, Keys: command.NoKeys, ACLCategories: zsetACLReadSlow, Run: zunion,
			Summary: "Returns the union of multiple sorted sets.", Since: "6.2.0", Group: group},
		{Name: "ZINTER", Arity: -3, Flags: ro, Keys: command.NoKeys, ACLCategories: zsetACLReadSlow, Run: zinter,
			Summary: "Returns the intersect of multiple sorted sets.", Since: "6.2.0", Group: group},
		{Name: "ZDIFF", Arity: -3, Flags: ro, Keys: command.NoKeys, ACLCategories: zsetACLReadSlow, Run: zdiff,
			Summary: "Returns the difference between multiple sorted sets.", Since: "6.2.0", Group: group},
		{Name: "ZUNIONSTORE", Arity: -4, Flags: w | oom, Keys: one, ACLCategories: zsetACLWriteSlow, Run: zunionstore,
			Summary: "Stores the union of multiple sorted sets in a key.", Since: "2.0.0", Group: group},
		{Name: "ZINTERSTORE", Arity: -4, Flags: w | oom, Keys: one, ACLCategories: zsetACLWriteSlow, Run: zinterstore,
			Summary: "Stores the intersect of multiple sorted sets in a key.", Since: "2.0.0", Group: group},
		{Name: "ZDIFFSTORE", Arity: -4, Flags: w | oom, Keys: one, ACLCategories: zsetACLWriteSlow, Run: zdiffstore,
			Summary: "Stores the difference of multiple sorted sets in a key.", Since: "6.2.0", Group: group},
		{Name: "ZINTERCARD", Arity: -3, Flags: ro, Keys: command.NoKeys, ACLCategories: zsetACLReadSlow, Run: zintercard,
			Summary: "Returns the number of members of the intersect of multiple sorted sets.", Since: "7.0.0", Group: group},

		{Name: "BZPOPMIN", Arity: -3, Flags: w | f | b, Keys: allButTO, ACLCategories: zsetACLBlockingFast, Run: bzpopmin,
			Summary: "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "BZPOPMAX", Arity: -3, Flags: w | f | b, Keys: allButTO, ACLCategories: zsetACLBlockingFast, Run: bzpopmax,
			Summary: "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.",
			Since:   "5.0.0", Group: group},
		{Name: "BZMPOP", Arity: -5, Flags: w | b, Keys: command.NoKeys, ACLCategories: zsetACLBlockingSlow, Run: bzmpop,
			Summary: "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
			Since:   "7.0.0", Group: group},
	}
}
