package kv

import "testing"

// Redis 7.2's COMMAND INFO and COMMAND DOCS for the string commands
// (src/commands.def): arity, flags, the (first, last, step) key triple,
// ACL categories, since and summary.
var stringCommandInfo = []specInfo{
	{"GET", 2, "readonly fast", 1, 1, 1, "@read @string @fast", "1.0.0", "Returns the string value of a key."},
	{"MGET", -2, "readonly fast", 1, -1, 1, "@read @string @fast", "1.0.0", "Atomically returns the string values of one or more keys."},
	{"GETDEL", 2, "write fast", 1, 1, 1, "@write @string @fast", "6.2.0", "Returns the string value of a key after deleting the key."},
	{"GETEX", -2, "write fast", 1, 1, 1, "@write @string @fast", "6.2.0", "Returns the string value of a key after setting its expiration time."},
	{"STRLEN", 2, "readonly fast", 1, 1, 1, "@read @string @fast", "2.2.0", "Returns the length of a string value."},
	{"GETRANGE", 4, "readonly", 1, 1, 1, "@read @string @slow", "2.4.0", "Returns a substring of the string stored at a key."},
	{"SUBSTR", 4, "readonly", 1, 1, 1, "@read @string @slow", "1.0.0", "Returns a substring from a string value."},
	{"SET", -3, "write denyoom", 1, 1, 1, "@write @string @slow", "1.0.0", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."},
	{"SETNX", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "1.0.0", "Set the string value of a key only when the key doesn't exist."},
	{"SETEX", 4, "write denyoom", 1, 1, 1, "@write @string @slow", "2.0.0", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist."},
	{"PSETEX", 4, "write denyoom", 1, 1, 1, "@write @string @slow", "2.6.0", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist."},
	{"GETSET", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "1.0.0", "Returns the previous string value of a key after setting it to a new value."},
	{"MSET", -3, "write denyoom", 1, -1, 2, "@write @string @slow", "1.0.1", "Atomically creates or modifies the string values of one or more keys."},
	{"MSETNX", -3, "write denyoom", 1, -1, 2, "@write @string @slow", "1.0.1", "Atomically modifies the string values of one or more keys only when all keys don't exist."},
	{"APPEND", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "2.0.0", "Appends a string to the value of a key. Creates the key if it doesn't exist."},
	{"SETRANGE", 4, "write denyoom", 1, 1, 1, "@write @string @slow", "2.2.0", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."},
	{"INCR", 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", "1.0.0", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."},
	{"DECR", 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", "1.0.0", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."},
	{"INCRBY", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "1.0.0", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."},
	{"DECRBY", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "1.0.0", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."},
	{"INCRBYFLOAT", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "2.6.0", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."},
}

func TestStringSpecsMatchRedis(t *testing.T) {
	checkSpecsMatchRedis(t, stringSpecs(), "string", stringCommandInfo)
}
