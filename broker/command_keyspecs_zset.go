package broker

import "github.com/brokerd/brokerd/command"

// zsetKeySpecs is Redis 7.2's key specs for the sorted-set commands, merged into
// redisKeySpecs; kept apart so that each type's table sits in its own file.
func zsetKeySpecs() map[string]commandKeys {
	const (
		ro     = command.KeyRO
		rw     = command.KeyRW
		ow     = command.KeyOW
		access = command.KeyAccess
		update = command.KeyUpdate
		del    = command.KeyDelete
	)
	type ks = []command.KeySpec
	span := keySpan
	read := commandKeys{specs: ks{span(ro|access, 1, 0, 1)}}
	pop := commandKeys{specs: ks{span(rw|access|del, 1, 0, 1)}}
	remove := commandKeys{specs: ks{span(rw|del, 1, 0, 1)}}
	add := commandKeys{specs: ks{span(rw|update, 1, 0, 1)}}
	// algebra is ZUNION, ZINTER, ZDIFF and ZINTERCARD: a key count, then
	// the keys; algebraStore their STORE forms, with the destination
	// first.
	sources := func(index int) command.KeySpec {
		return command.KeySpec{Flags: ro | access, Index: index, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}
	}
	algebra := commandKeys{specs: ks{sources(1)}, getKeys: numKeysGetKeys(1, 2)}
	algebraStore := commandKeys{specs: ks{span(ow|update, 1, 0, 1), sources(2)}, getKeys: zstoreGetKeys}
	return map[string]commandKeys{
		"zadd":             add,
		"zincrby":          add,
		"zrem":             remove,
		"zremrangebyscore": remove,
		"zremrangebyrank":  remove,
		"zremrangebylex":   remove,
		"zcard":            {specs: ks{span(ro, 1, 0, 1)}},
		"zscore":           read,
		"zmscore":          read,
		"zrank":            read,
		"zrevrank":         read,
		"zcount":           read,
		"zlexcount":        read,
		"zrange":           read,
		"zrevrange":        read,
		"zrangebyscore":    read,
		"zrevrangebyscore": read,
		"zrangebylex":      read,
		"zrevrangebylex":   read,
		"zrandmember":      read,
		"zscan":            read,
		"zpopmin":          pop,
		"zpopmax":          pop,
		"zmpop": {specs: ks{{Flags: rw | access | del, Index: 1, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}},
			getKeys: numKeysGetKeys(1, 2)},
		"bzpopmin":    {specs: ks{span(rw|access|del, 1, -2, 1)}},
		"bzpopmax":    {specs: ks{span(rw|access|del, 1, -2, 1)}},
		"zunion":      algebra,
		"zinter":      algebra,
		"zdiff":       algebra,
		"zintercard":  algebra,
		"zunionstore": algebraStore,
		"zinterstore": algebraStore,
		"zdiffstore":  algebraStore,
		"zrangestore": {specs: ks{span(ow|update, 1, 0, 1), span(ro|access, 2, 0, 1)}},
		"bzmpop": {specs: ks{{Flags: rw | access | del, Index: 2, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}},
			getKeys: numKeysGetKeys(2, 3)},
	}
}

// zstoreGetKeys is Redis's zunionInterDiffStoreGetKeys, asked when the
// key specs cannot be applied (a count such as "+2"): the sources as
// numKeysGetKeys finds them from argument 3, then the destination, last.
func zstoreGetKeys(args [][]byte) []command.KeyRef {
	keys := numKeysGetKeys(2, 3)(args)
	if keys == nil {
		return nil
	}
	return append(keys, command.KeyRef{Pos: 1})
}
