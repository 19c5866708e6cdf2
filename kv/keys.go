package kv

import "github.com/brokerd/brokerd/command"

// ACL categories as Redis 7.2's COMMAND INFO prints them: the declared
// @keyspace (and @dangerous) plus the ones implied by the flags (@read or
// @write, @fast or @slow), in Redis's category order.
var (
	keyACLReadFast   = []string{"@keyspace", "@read", "@fast"}
	keyACLReadSlow   = []string{"@keyspace", "@read", "@slow"}
	keyACLWriteFast  = []string{"@keyspace", "@write", "@fast"}
	keyACLWriteSlow  = []string{"@keyspace", "@write", "@slow"}
	keyACLDangerSlow = []string{"@keyspace", "@write", "@slow", "@dangerous"}
)

// keySpecs lists the generic key commands and the database-wide ones
// (DBSIZE, FLUSHDB, FLUSHALL, SWAPDB), with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def).
//
// Random marks commands whose reply depends on more than the arguments
// (Redis 7's nondeterministic_output tip); Keyless marks commands that name
// no key but work on the selected database.
func keySpecs() []command.Spec {
	const generic, server = "generic", "server"
	return []command.Spec{
		{Name: "DEL", Arity: -2, Flags: command.Write, Keys: command.AllKeys,
			ACLCategories: keyACLWriteSlow, Run: del,
			Summary: "Deletes one or more keys.", Since: "1.0.0", Group: generic},
		{Name: "UNLINK", Arity: -2, Flags: command.Write | command.Fast, Keys: command.AllKeys,
			ACLCategories: keyACLWriteFast, Run: unlink,
			Summary: "Asynchronously deletes one or more keys.", Since: "4.0.0", Group: generic},
		{Name: "EXISTS", Arity: -2, Flags: command.ReadOnly | command.Fast, Keys: command.AllKeys,
			ACLCategories: keyACLReadFast, Run: exists,
			Summary: "Determines whether one or more keys exist.", Since: "1.0.0", Group: generic},
		{Name: "TOUCH", Arity: -2, Flags: command.ReadOnly | command.Fast, Keys: command.AllKeys,
			ACLCategories: keyACLReadFast, Run: touch,
			Summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
			Since:   "3.2.1", Group: generic},
		{Name: "TYPE", Arity: 2, Flags: command.ReadOnly | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLReadFast, Run: typeCommand,
			Summary: "Determines the type of value stored at a key.", Since: "1.0.0", Group: generic},

		{Name: "EXPIRE", Arity: -3, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLWriteFast, Run: expire,
			Summary: "Sets the expiration time of a key in seconds.", Since: "1.0.0", Group: generic},
		{Name: "PEXPIRE", Arity: -3, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLWriteFast, Run: pexpire,
			Summary: "Sets the expiration time of a key in milliseconds.", Since: "2.6.0", Group: generic},
		{Name: "EXPIREAT", Arity: -3, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLWriteFast, Run: expireat,
			Summary: "Sets the expiration time of a key to a Unix timestamp.", Since: "1.2.0", Group: generic},
		{Name: "PEXPIREAT", Arity: -3, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLWriteFast, Run: pexpireat,
			Summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.", Since: "2.6.0", Group: generic},
		{Name: "TTL", Arity: 2, Flags: command.ReadOnly | command.Fast | command.Random, Keys: command.FirstKey,
			ACLCategories: keyACLReadFast, Run: ttl,
			Summary: "Returns the expiration time in seconds of a key.", Since: "1.0.0", Group: generic},
		{Name: "PTTL", Arity: 2, Flags: command.ReadOnly | command.Fast | command.Random, Keys: command.FirstKey,
			ACLCategories: keyACLReadFast, Run: pttl,
			Summary: "Returns the expiration time in milliseconds of a key.", Since: "2.6.0", Group: generic},
		{Name: "EXPIRETIME", Arity: 2, Flags: command.ReadOnly | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLReadFast, Run: expiretime,
			Summary: "Returns the expiration time of a key as a Unix timestamp.", Since: "7.0.0", Group: generic},
		{Name: "PEXPIRETIME", Arity: 2, Flags: command.ReadOnly | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLReadFast, Run: pexpiretime,
			Summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.", Since: "7.0.0", Group: generic},
		{Name: "PERSIST", Arity: 2, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLWriteFast, Run: persist,
			Summary: "Removes the expiration time of a key.", Since: "2.2.0", Group: generic},

		{Name: "RENAME", Arity: 3, Flags: command.Write, Keys: command.TwoKeys,
			ACLCategories: keyACLWriteSlow, Run: rename,
			Summary: "Renames a key and overwrites the destination.", Since: "1.0.0", Group: generic},
		{Name: "RENAMENX", Arity: 3, Flags: command.Write | command.Fast, Keys: command.TwoKeys,
			ACLCategories: keyACLWriteFast, Run: renamenx,
			Summary: "Renames a key only when the target key name doesn't exist.", Since: "1.0.0", Group: generic},
		{Name: "COPY", Arity: -3, Flags: command.Write | command.DenyOOM, Keys: command.TwoKeys,
			ACLCategories: keyACLWriteSlow, Run: copyCommand,
			Summary: "Copies the value of a key to a new key.", Since: "6.2.0", Group: generic},
		{Name: "MOVE", Arity: 3, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: keyACLWriteFast, Run: move,
			Summary: "Moves a key to another database.", Since: "1.0.0", Group: generic},

		{Name: "KEYS", Arity: 2, Flags: command.ReadOnly | command.Keyless, Keys: command.NoKeys,
			ACLCategories: []string{"@keyspace", "@read", "@slow", "@dangerous"}, Run: keys,
			Summary: "Returns all key names that match a pattern.", Since: "1.0.0", Group: generic},
		{Name: "SCAN", Arity: -2, Flags: command.ReadOnly | command.Random | command.Keyless, Keys: command.NoKeys,
			ACLCategories: keyACLReadSlow, Run: scan,
			Summary: "Iterates over the key names in the database.", Since: "2.8.0", Group: generic},
		{Name: "RANDOMKEY", Arity: 1, Flags: command.ReadOnly | command.Random | command.Keyless, Keys: command.NoKeys,
			ACLCategories: keyACLReadSlow, Run: randomkey,
			Summary: "Returns a random key name from the database.", Since: "1.0.0", Group: generic},
		objectSpec(),

		{Name: "DBSIZE", Arity: 1, Flags: command.ReadOnly | command.Fast | command.Keyless, Keys: command.NoKeys,
			ACLCategories: keyACLReadFast, Run: dbsize,
			Summary: "Returns the number of keys in the database.", Since: "1.0.0", Group: server},
		{Name: "FLUSHDB", Arity: -1, Flags: command.Write | command.Keyless, Keys: command.NoKeys,
			ACLCategories: keyACLDangerSlow, Run: flushdb,
			Summary: "Remove all keys from the current database.", Since: "1.0.0", Group: server},
		{Name: "FLUSHALL", Arity: -1, Flags: command.Write | command.Keyless, Keys: command.NoKeys,
			ACLCategories: keyACLDangerSlow, Run: flushall,
			Summary: "Removes all keys from all databases.", Since: "1.0.0", Group: server},
		{Name: "SWAPDB", Arity: 3, Flags: command.Write | command.Fast | command.Keyless, Keys: command.NoKeys,
			ACLCategories: []string{"@keyspace", "@write", "@fast", "@dangerous"}, Run: swapdb,
			Summary: "Swaps two Redis databases.", Since: "4.0.0", Group: server},
	}
}

// objectSpec is the OBJECT container; each subcommand's arity counts
// "OBJECT" too, and its key is the third argument.
func objectSpec() command.Spec {
	const generic = "generic"
	objectKey := command.Keys{First: 2, Last: 2, Step: 1}
	sub := func(name string, run command.Handler, flags command.Flag, summary, since string) command.Spec {
		return command.Spec{Name: "OBJECT|" + name, Arity: 3, Flags: command.ReadOnly | flags, Keys: objectKey,
			ACLCategories: keyACLReadSlow, Run: run, Summary: summary, Since: since, Group: generic}
	}
	return command.Spec{
		Name: "OBJECT", Arity: -2, ACLCategories: []string{"@slow"},
		Summary: "A container for object introspection commands.", Since: "2.2.3", Group: generic,
		Subcommands: []command.Spec{
			sub("ENCODING", objectEncoding, 0, "Returns the internal encoding of a Redis object.", "2.2.3"),
			sub("FREQ", objectFreq, command.Random, "Returns the logarithmic access frequency counter of a Redis object.", "4.0.0"),
			sub("IDLETIME", objectIdletime, command.Random, "Returns the time since the last access to a Redis object.", "2.2.3"),
			sub("REFCOUNT", objectRefcount, 0, "Returns the reference count of a value of a key.", "2.2.3"),
			{Name: "OBJECT|HELP", Arity: 2, Flags: command.Loading | command.Stale, Keys: command.NoKeys,
				ACLCategories: []string{"@keyspace", "@slow"}, Run: command.Help(objectHelpLines...),
				Summary: "Returns helpful text about the different subcommands.", Since: "6.2.0", Group: generic},
		},
	}
}
