package kv

import "github.com/brokerd/brokerd/command"

// listSpecs lists the list commands with Redis 7.2's arity, flags, key
// positions, categories and docs (src/commands.def). The handlers live in
// list_push.go, list_pop.go, list_range.go, list_edit.go, list_pos.go,
// list_move.go and list_block.go.
func listSpecs() []command.Spec {
	const group = "list"
	const (
		ro  = command.ReadOnly
		w   = command.Write
		oom = command.DenyOOM
		f   = command.Fast
		b   = command.Blocking
	)
	var (
		one      = command.FirstKey
		srcDst   = command.TwoKeys
		allButTO = command.Keys{First: 1, Last: -2, Step: 1}
	)
	return withFamilyACL("@list", []command.Spec{
		{Name: "LPUSH", Arity: -3, Flags: w | oom | f, Keys: one, Run: lpush,
			Summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist.", Since: "1.0.0", Group: group},
		{Name: "RPUSH", Arity: -3, Flags: w | oom | f, Keys: one, Run: rpush,
			Summary: "Appends one or more elements to a list. Creates the key if it doesn't exist.", Since: "1.0.0", Group: group},
		{Name: "LPUSHX", Arity: -3, Flags: w | oom | f, Keys: one, Run: lpushx,
			Summary: "Prepends one or more elements to a list only when the list exists.", Since: "2.2.0", Group: group},
		{Name: "RPUSHX", Arity: -3, Flags: w | oom | f, Keys: one, Run: rpushx,
			Summary: "Appends an element to a list only when the list exists.", Since: "2.2.0", Group: group},
		{Name: "LPOP", Arity: -2, MaxArgs: 3, Flags: w | f, Keys: one, Run: lpop,
			Summary: "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
			Since:   "1.0.0", Group: group},
		{Name: "RPOP", Arity: -2, MaxArgs: 3, Flags: w | f, Keys: one, Run: rpop,
			Summary: "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
			Since:   "1.0.0", Group: group},
		{Name: "LMPOP", Arity: -4, Flags: w, Keys: command.NoKeys, Run: lmpop,
			Summary: "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
			Since:   "7.0.0", Group: group},
		{Name: "LLEN", Arity: 2, Flags: ro | f, Keys: one, Run: llen,
			Summary: "Returns the length of a list.", Since: "1.0.0", Group: group},
		{Name: "LRANGE", Arity: 4, Flags: ro, Keys: one, Run: lrange,
			Summary: "Returns a range of elements from a list.", Since: "1.0.0", Group: group},
		{Name: "LINDEX", Arity: 3, Flags: ro, Keys: one, Run: lindex,
			Summary: "Returns an element from a list by its index.", Since: "1.0.0", Group: group},
		{Name: "LPOS", Arity: -3, Flags: ro, Keys: one, Run: lpos,
			Summary: "Returns the index of matching elements in a list.", Since: "6.0.6", Group: group},
		{Name: "LSET", Arity: 4, Flags: w | oom, Keys: one, Run: lset,
			Summary: "Sets the value of an element in a list by its index.", Since: "1.0.0", Group: group},
		{Name: "LINSERT", Arity: 5, Flags: w | oom, Keys: one, Run: linsert,
			Summary: "Inserts an element before or after another element in a list.", Since: "2.2.0", Group: group},
		{Name: "LREM", Arity: 4, Flags: w, Keys: one, Run: lrem,
			Summary: "Removes elements from a list. Deletes the list if the last element was removed.", Since: "1.0.0", Group: group},
		{Name: "LTRIM", Arity: 4, Flags: w, Keys: one, Run: ltrim,
			Summary: "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
			Since:   "1.0.0", Group: group},
		{Name: "LMOVE", Arity: 5, Flags: w | oom, Keys: srcDst, Run: lmove,
			Summary: "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
			Since:   "6.2.0", Group: group},
		{Name: "RPOPLPUSH", Arity: 3, Flags: w | oom, Keys: srcDst, Run: rpoplpush,
			Summary: "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
			Since:   "1.2.0", Group: group},

		{Name: "BLPOP", Arity: -3, Flags: w | b, Keys: allButTO, Run: blpop,
			Summary: "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
			Since:   "2.0.0", Group: group},
		{Name: "BRPOP", Arity: -3, Flags: w | b, Keys: allButTO, Run: brpop,
			Summary: "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
			Since:   "2.0.0", Group: group},
		{Name: "BLMPOP", Arity: -5, Flags: w | b, Keys: command.NoKeys, Run: blmpop,
			Summary: "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
			Since:   "7.0.0", Group: group},
		{Name: "BLMOVE", Arity: 6, Flags: w | oom | b, Keys: srcDst, Run: blmove,
			Summary: "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
			Since:   "6.2.0", Group: group},
		{Name: "BRPOPLPUSH", Arity: 4, Flags: w | oom | b, Keys: srcDst, Run: brpoplpush,
			Summary: "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
			Since:   "2.2.0", Group: group},
	})
}

// listEnd parses LEFT or RIGHT (getListPositionFromObjectOrReply): true
// for the head.
func listEnd(arg []byte) (front bool, err error) {
	switch {
	case command.Is(arg, "LEFT"):
		return true, nil
	case command.Is(arg, "RIGHT"):
		return false, nil
	}
	return false, command.ErrSyntax
}

// listEnds parses the two ends of LMOVE and BLMOVE.
func listEnds(from, to []byte) (bool, bool, error) {
	f, err := listEnd(from)
	if err != nil {
		return false, false, err
	}
	t, err := listEnd(to)
	return f, t, err
}

// listRemoved finishes a command that took elements out of l at key: an
// empty list is deleted (Redis never keeps one), a smaller one may go back
// to listpack. Caller holds the write lock.
func listRemoved(c *command.Ctx, key []byte, l *List) {
	if l.n == 0 {
		c.DB.Delete(key)
		c.Notify(command.NotifyGeneric, "del", key)
		return
	}
	l.shrink()
	c.DB.Update(key)
}

// notifyPush and notifyPop report a push or pop at one end of the list
// at key ("lpush", "rpop", ...).
func notifyPush(c *command.Ctx, front bool, key []byte) {
	event := "rpush"
	if front {
		event = "lpush"
	}
	c.Notify(command.NotifyList, event, key)
}

func notifyPop(c *command.Ctx, front bool, key []byte) {
	event := "rpop"
	if front {
		event = "lpop"
	}
	c.Notify(command.NotifyList, event, key)
}

// listPop takes one element from the head or the tail of l. The slice is
// valid until l changes again.
func listPop(l *List, front bool) []byte {
	if front {
		return l.PopFront()
	}
	return l.PopBack()
}
