package kv

import "testing"

// Redis 7.2's COMMAND INFO and COMMAND DOCS for the sorted-set commands
// (src/commands.def).
var zsetCommandInfo = []specInfo{
	{"ZADD", -4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", "1.2.0", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."},
	{"ZINCRBY", 4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", "1.2.0", "Increments the score of a member in a sorted set."},
	{"ZREM", -3, "write fast", 1, 1, 1, "@write @sortedset @fast", "1.2.0", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."},
	{"ZCARD", 2, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "1.2.0", "Returns the number of members in a sorted set."},
	{"ZSCORE", 3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "1.2.0", "Returns the score of a member in a sorted set."},
	{"ZMSCORE", -3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "6.2.0", "Returns the score of one or more members in a sorted set."},
	{"ZRANK", -3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "2.0.0", "Returns the index of a member in a sorted set ordered by ascending scores."},
	{"ZREVRANK", -3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "2.0.0", "Returns the index of a member in a sorted set ordered by descending scores."},
	{"ZCOUNT", 4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "2.0.0", "Returns the count of members in a sorted set that have scores within a range."},
	{"ZLEXCOUNT", 4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "2.8.9", "Returns the number of members in a sorted set within a lexicographical range."},
	{"ZRANGE", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", "1.2.0", "Returns members in a sorted set within a range of indexes."},
	{"ZREVRANGE", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", "1.2.0", "Returns members in a sorted set within a range of indexes in reverse order."},
	{"ZRANGEBYSCORE", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", "1.0.5", "Returns members in a sorted set within a range of scores."},
	{"ZREVRANGEBYSCORE", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", "2.2.0", "Returns members in a sorted set within a range of scores in reverse order."},
	{"ZRANGEBYLEX", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", "2.8.9", "Returns members in a sorted set within a lexicographical range."},
	{"ZREVRANGEBYLEX", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", "2.8.9", "Returns members in a sorted set within a lexicographical range in reverse order."},
	{"ZREMRANGEBYSCORE", 4, "write", 1, 1, 1, "@write @sortedset @slow", "1.2.0", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."},
	{"ZREMRANGEBYRANK", 4, "write", 1, 1, 1, "@write @sortedset @slow", "2.0.0", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."},
	{"ZREMRANGEBYLEX", 4, "write", 1, 1, 1, "@write @sortedset @slow", "2.8.9", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."},
	{"ZPOPMIN", -2, "write fast", 1, 1, 1, "@write @sortedset @fast", "5.0.0", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
	{"ZPOPMAX", -2, "write fast", 1, 1, 1, "@write @sortedset @fast", "5.0.0", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
	{"ZMPOP", -4, "write", 0, 0, 0, "@write @sortedset @slow", "7.0.0", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped."},
	{"ZRANDMEMBER", -2, "readonly", 1, 1, 1, "@read @sortedset @slow", "6.2.0", "Returns one or more random members from a sorted set."},
	{"ZSCAN", -3, "readonly", 1, 1, 1, "@read @sortedset @slow", "2.8.0", "Iterates over members and scores of a sorted set."},
	{"BZPOPMIN", -3, "write blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking", "5.0.0", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."},
	{"BZPOPMAX", -3, "write blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking", "5.0.0", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped."},
	{"BZMPOP", -5, "write blocking", 0, 0, 0, "@write @sortedset @slow @blocking", "7.0.0", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."},
}

func TestZsetSpecsMatchRedis(t *testing.T) {
	checkSpecsMatchRedis(t, zsetSpecs(), "sorted-set", zsetCommandInfo)
}
