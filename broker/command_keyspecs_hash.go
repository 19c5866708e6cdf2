package broker

// hashKeySpecs is Redis 7.2's key specs for the hash commands, merged into
// redisKeySpecs; kept apart so that each type's table sits in its own file.
func hashKeySpecs() map[string]commandKeys {
	return nil
}
