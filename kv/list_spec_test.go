package kv

import "testing"

// Redis 7.2's COMMAND INFO and COMMAND DOCS for the list commands
// (src/commands.def).
var listCommandInfo = []specInfo{
	{"LPUSH", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "1.0.0", "Prepends one or more elements to a list. Creates the key if it doesn't exist."},
	{"RPUSH", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "1.0.0", "Appends one or more elements to a list. Creates the key if it doesn't exist."},
	{"LPUSHX", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "2.2.0", "Prepends one or more elements to a list only when the list exists."},
	{"RPUSHX", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "2.2.0", "Appends an element to a list only when the list exists."},
	{"LPOP", -2, "write fast", 1, 1, 1, "@write @list @fast", "1.0.0", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."},
	{"RPOP", -2, "write fast", 1, 1, 1, "@write @list @fast", "1.0.0", "Returns and removes the last elements of a list. Deletes the list if the last element was popped."},
	{"LMPOP", -4, "write", 0, 0, 0, "@write @list @slow", "7.0.0", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped."},
	{"LLEN", 2, "readonly fast", 1, 1, 1, "@read @list @fast", "1.0.0", "Returns the length of a list."},
	{"LRANGE", 4, "readonly", 1, 1, 1, "@read @list @slow", "1.0.0", "Returns a range of elements from a list."},
	{"LINDEX", 3, "readonly", 1, 1, 1, "@read @list @slow", "1.0.0", "Returns an element from a list by its index."},
	{"LPOS", -3, "readonly", 1, 1, 1, "@read @list @slow", "6.0.6", "Returns the index of matching elements in a list."},
	{"LSET", 4, "write denyoom", 1, 1, 1, "@write @list @slow", "1.0.0", "Sets the value of an element in a list by its index."},
	{"LINSERT", 5, "write denyoom", 1, 1, 1, "@write @list @slow", "2.2.0", "Inserts an element before or after another element in a list."},
	{"LREM", 4, "write", 1, 1, 1, "@write @list @slow", "1.0.0", "Removes elements from a list. Deletes the list if the last element was removed."},
	{"LTRIM", 4, "write", 1, 1, 1, "@write @list @slow", "1.0.0", "Removes elements from both ends a list. Deletes the list if all elements were trimmed."},
	{"LMOVE", 5, "write denyoom", 1, 2, 1, "@write @list @slow", "6.2.0", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."},
	{"RPOPLPUSH", 3, "write denyoom", 1, 2, 1, "@write @list @slow", "1.2.0", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."},
	{"BLPOP", -3, "write blocking", 1, -2, 1, "@write @list @slow @blocking", "2.0.0", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."},
	{"BRPOP", -3, "write blocking", 1, -2, 1, "@write @list @slow @blocking", "2.0.0", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."},
	{"BLMPOP", -5, "write blocking", 0, 0, 0, "@write @list @slow @blocking", "7.0.0", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped."},
	{"BLMOVE", 6, "write denyoom blocking", 1, 2, 1, "@write @list @slow @blocking", "6.2.0", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."},
	{"BRPOPLPUSH", 4, "write denyoom blocking", 1, 2, 1, "@write @list @slow @blocking", "2.2.0", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."},
}

func TestListSpecsMatchRedis(t *testing.T) {
	checkSpecsMatchRedis(t, listSpecs(), "list", listCommandInfo)
}
