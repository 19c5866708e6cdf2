package broker

import "github.com/brokerd/brokerd/command"

// hashKeySpecs is Redis 7.2's key specs for the hash commands, merged into
// redisKeySpecs; kept apart so that each type's table sits in its own file.
// Taken from COMMAND INFO of redis-server 7.0.15 (the same in 7.2's
// commands.def).
func hashKeySpecs() map[string]commandKeys {
	const (
		ro     = command.KeyRO
		rw     = command.KeyRW
		access = command.KeyAccess
		update = command.KeyUpdate
		insert = command.KeyInsert
		del    = command.KeyDelete
	)
	type ks = []command.KeySpec
	span := keySpan
	return map[string]commandKeys{
		"hdel":         {specs: ks{span(rw|del, 1, 0, 1)}},
		"hexists":      {specs: ks{span(ro, 1, 0, 1)}},
		"hget":         {specs: ks{span(ro|access, 1, 0, 1)}},
		"hgetall":      {specs: ks{span(ro|access, 1, 0, 1)}},
		"hincrby":      {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"hincrbyfloat": {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"hkeys":        {specs: ks{span(ro|access, 1, 0, 1)}},
		"hlen":         {specs: ks{span(ro, 1, 0, 1)}},
		"hmget":        {specs: ks{span(ro|access, 1, 0, 1)}},
		"hmset":        {specs: ks{span(rw|update, 1, 0, 1)}},
		"hrandfield":   {specs: ks{span(ro|access, 1, 0, 1)}},
		"hscan":        {specs: ks{span(ro|access, 1, 0, 1)}},
		"hset":         {specs: ks{span(rw|update, 1, 0, 1)}},
		"hsetnx":       {specs: ks{span(rw|insert, 1, 0, 1)}},
		"hstrlen":      {specs: ks{span(ro, 1, 0, 1)}},
		"hvals":        {specs: ks{span(ro|access, 1, 0, 1)}},
	}
}
