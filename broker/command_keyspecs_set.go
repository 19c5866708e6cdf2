package broker

import "github.com/brokerd/brokerd/command"

// setKeySpecs is Redis 7.2's key specs for the set commands, merged into
// redisKeySpecs; kept apart so that each type's table sits in its own file.
// Taken from COMMAND INFO of redis-server 7.0.15.
func setKeySpecs() map[string]commandKeys {
	const (
		ro     = command.KeyRO
		rw     = command.KeyRW
		ow     = command.KeyOW
		access = command.KeyAccess
		update = command.KeyUpdate
		insert = command.KeyInsert
		del    = command.KeyDelete
	)
	type ks = []command.KeySpec
	span := keySpan
	// readAll is the sources of SINTER, SUNION and SDIFF; readFrom2 those
	// of their STORE forms.
	readAll := span(ro|access, 1, -1, 1)
	readFrom2 := span(ro|access, 2, -1, 1)
	return map[string]commandKeys{
		"sadd":        {specs: ks{span(rw|insert, 1, 0, 1)}},
		"srem":        {specs: ks{span(rw|del, 1, 0, 1)}},
		"scard":       {specs: ks{span(ro, 1, 0, 1)}},
		"sismember":   {specs: ks{span(ro, 1, 0, 1)}},
		"smismember":  {specs: ks{span(ro|access, 1, 0, 1)}},
		"smembers":    {specs: ks{span(ro|access, 1, 0, 1)}},
		"srandmember": {specs: ks{span(ro|access, 1, 0, 1)}},
		"spop":        {specs: ks{span(rw|access|del, 1, 0, 1)}},
		"smove":       {specs: ks{span(rw|access|del, 1, 0, 1), span(rw|insert, 2, 0, 1)}},
		"sinter":      {specs: ks{readAll}},
		"sintercard": {specs: ks{{Flags: ro | access, Index: 1, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}},
			getKeys: numKeysGetKeys(1, 2)},
		"sinterstore": {specs: ks{span(rw|update, 1, 0, 1), readFrom2}},
		"sunion":      {specs: ks{readAll}},
		"sunionstore": {specs: ks{span(ow|update, 1, 0, 1), readFrom2}},
		"sdiff":       {specs: ks{readAll}},
		"sdiffstore":  {specs: ks{span(ow|update, 1, 0, 1), readFrom2}},
		"sscan":       {specs: ks{span(ro|access, 1, 0, 1)}},
	}
}
