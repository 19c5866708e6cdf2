package kv

import "github.com/brokerd/brokerd/command"

// ACL categories of the string commands as Redis 7.2's COMMAND INFO prints
// them: @string plus the ones implied by the flags (@read or @write, @fast
// or @slow), in Redis's category order.
var (
	strACLReadFast  = []string{"@read", "@string", "@fast"}
	strACLReadSlow  = []string{"@read", "@string", "@slow"}
	strACLWriteFast = []string{"@write", "@string", "@fast"}
	strACLWriteSlow = []string{"@write", "@string", "@slow"}
)

// stringSpecs lists the string commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def). The handlers live in
// string_get.go (reads and GETEX/GETDEL), string_set.go (SET and its
// variants), string_incr.go (counters) and string_edit.go (APPEND,
// SETRANGE).
func stringSpecs() []command.Spec {
	const group = "string"
	const (
		ro  = command.ReadOnly
		w   = command.Write
		oom = command.DenyOOM
		f   = command.Fast
	)
	return []command.Spec{
		{Name: "GET", Arity: 2, Flags: ro | f, Keys: command.FirstKey, ACLCategories: strACLReadFast, Run: get,
			Summary: "Returns the string value of a key.", Since: "1.0.0", Group: group},
		{Name: "MGET", Arity: -2, Flags: ro | f, Keys: command.AllKeys, ACLCategories: strACLReadFast, Run: mget,
			Summary: "Atomically returns the string values of one or more keys.", Since: "1.0.0", Group: group},
		{Name: "GETDEL", Arity: 2, Flags: w | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: getdel,
			Summary: "Returns the string value of a key after deleting the key.", Since: "6.2.0", Group: group},
		{Name: "GETEX", Arity: -2, Flags: w | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: getex,
			Summary: "Returns the string value of a key after setting its expiration time.", Since: "6.2.0", Group: group},
		{Name: "STRLEN", Arity: 2, Flags: ro | f, Keys: command.FirstKey, ACLCategories: strACLReadFast, Run: strlen,
			Summary: "Returns the length of a string value.", Since: "2.2.0", Group: group},
		{Name: "GETRANGE", Arity: 4, Flags: ro, Keys: command.FirstKey, ACLCategories: strACLReadSlow, Run: getrange,
			Summary: "Returns a substring of the string stored at a key.", Since: "2.4.0", Group: group},
		// SUBSTR is GETRANGE's deprecated 1.0 name, still in Redis 7.2.
		{Name: "SUBSTR", Arity: 4, Flags: ro, Keys: command.FirstKey, ACLCategories: strACLReadSlow, Run: getrange,
			Summary: "Returns a substring from a string value.", Since: "1.0.0", Group: group},

		{Name: "SET", Arity: -3, Flags: w | oom, Keys: command.FirstKey, ACLCategories: strACLWriteSlow, Run: set,
			Summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
			Since:   "1.0.0", Group: group},
		{Name: "SETNX", Arity: 3, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: setnx,
			Summary: "Set the string value of a key only when the key doesn't exist.", Since: "1.0.0", Group: group},
		{Name: "SETEX", Arity: 4, Flags: w | oom, Keys: command.FirstKey, ACLCategories: strACLWriteSlow, Run: setex,
			Summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
			Since:   "2.0.0", Group: group},
		{Name: "PSETEX", Arity: 4, Flags: w | oom, Keys: command.FirstKey, ACLCategories: strACLWriteSlow, Run: psetex,
			Summary: "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
			Since:   "2.6.0", Group: group},
		{Name: "GETSET", Arity: 3, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: getset,
			Summary: "Returns the previous string value of a key after setting it to a new value.", Since: "1.0.0", Group: group},
		{Name: "MSET", Arity: -3, Flags: w | oom, Keys: command.KeyPairs, ACLCategories: strACLWriteSlow, Run: mset,
			Summary: "Atomically creates or modifies the string values of one or more keys.", Since: "1.0.1", Group: group},
		{Name: "MSETNX", Arity: -3, Flags: w | oom, Keys: command.KeyPairs, ACLCategories: strACLWriteSlow, Run: msetnx,
			Summary: "Atomically modifies the string values of one or more keys only when all keys don't exist.",
			Since:   "1.0.1", Group: group},

		{Name: "APPEND", Arity: 3, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: appendCommand,
			Summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.", Since: "2.0.0", Group: group},
		{Name: "SETRANGE", Arity: 4, Flags: w | oom, Keys: command.FirstKey, ACLCategories: strACLWriteSlow, Run: setrange,
			Summary: "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
			Since:   "2.2.0", Group: group},

		{Name: "INCR", Arity: 2, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: incr,
			Summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
			Since:   "1.0.0", Group: group},
		{Name: "DECR", Arity: 2, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: decr,
			Summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
			Since:   "1.0.0", Group: group},
		{Name: "INCRBY", Arity: 3, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: incrby,
			Summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
			Since:   "1.0.0", Group: group},
		{Name: "DECRBY", Arity: 3, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: decrby,
			Summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
			Since:   "1.0.0", Group: group},
		{Name: "INCRBYFLOAT", Arity: 3, Flags: w | oom | f, Keys: command.FirstKey, ACLCategories: strACLWriteFast, Run: incrbyfloat,
			Summary: "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
			Since:   "2.6.0", Group: group},
	}
}
