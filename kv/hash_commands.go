package kv

import "github.com/brokerd/brokerd/command"

// hashSpecs lists the hash commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def). The handlers live in
// hash_set.go, hash_get.go, hash_incr.go, hash_rand.go and hash_scan.go.
func hashSpecs() []command.Spec {
	const group = "hash"
	const (
		ro  = command.ReadOnly
		w   = command.Write
		oom = command.DenyOOM
		f   = command.Fast
		rnd = command.Random
	)
	one := command.FirstKey
	return withFamilyACL("@hash", []command.Spec{
		{Name: "HSET", Arity: -4, Flags: w | oom | f, Keys: one, Run: hset,
			Summary: "Creates or modifies the value of a field in a hash.", Since: "2.0.0", Group: group},
		{Name: "HSETNX", Arity: 4, Flags: w | oom | f, Keys: one, Run: hsetnx,
			Summary: "Sets the value of a field in a hash only when the field doesn't exist.", Since: "2.0.0", Group: group},
		{Name: "HMSET", Arity: -4, Flags: w | oom | f, Keys: one, Run: hmset,
			Summary: "Sets the values of multiple fields.", Since: "2.0.0", Group: group},
		{Name: "HGET", Arity: 3, Flags: ro | f, Keys: one, Run: hget,
			Summary: "Returns the value of a field in a hash.", Since: "2.0.0", Group: group},
		{Name: "HMGET", Arity: -3, Flags: ro | f, Keys: one, Run: hmget,
			Summary: "Returns the values of all fields in a hash.", Since: "2.0.0", Group: group},
		{Name: "HDEL", Arity: -3, Flags: w | f, Keys: one, Run: hdel,
			Summary: "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
			Since:   "2.0.0", Group: group},
		{Name: "HLEN", Arity: 2, Flags: ro | f, Keys: one, Run: hlen,
			Summary: "Returns the number of fields in a hash.", Since: "2.0.0", Group: group},
		{Name: "HSTRLEN", Arity: 3, Flags: ro | f, Keys: one, Run: hstrlen,
			Summary: "Returns the length of the value of a field.", Since: "3.2.0", Group: group},
		{Name: "HEXISTS", Arity: 3, Flags: ro | f, Keys: one, Run: hexists,
			Summary: "Determines whether a field exists in a hash.", Since: "2.0.0", Group: group},
		{Name: "HKEYS", Arity: 2, Flags: ro, Keys: one, Run: hkeys,
			Summary: "Returns all fields in a hash.", Since: "2.0.0", Group: group},
		{Name: "HVALS", Arity: 2, Flags: ro, Keys: one, Run: hvals,
			Summary: "Returns all values in a hash.", Since: "2.0.0", Group: group},
		{Name: "HGETALL", Arity: 2, Flags: ro, Keys: one, Run: hgetall,
			Summary: "Returns all fields and values in a hash.", Since: "2.0.0", Group: group},
		{Name: "HINCRBY", Arity: 4, Flags: w | oom | f, Keys: one, Run: hincrby,
			Summary: "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.",
			Since:   "2.0.0", Group: group},
		{Name: "HINCRBYFLOAT", Arity: 4, Flags: w | oom | f, Keys: one, Run: hincrbyfloat,
			Summary: "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.",
			Since:   "2.6.0", Group: group},
		{Name: "HRANDFIELD", Arity: -2, Flags: ro | rnd, Keys: one, Run: hrandfield,
			Summary: "Returns one or more random fields from a hash.", Since: "6.2.0", Group: group},
		{Name: "HSCAN", Arity: -3, Flags: ro | rnd, Keys: one, Run: hscan,
			Summary: "Iterates over fields and values of a hash.", Since: "2.8.0", Group: group},
	})
}
