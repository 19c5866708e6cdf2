package streams

import "github.com/brokerd/brokerd/command"

const (
	errEntriesAddedNeg  command.Error = "ERR entries_added must be positive"
	errSetIDBelowMaxArg command.Error = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
	errSetIDBelowMaxDel command.Error = "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id"
	errSetIDBelowTop    command.Error = "ERR The ID specified in XSETID is smaller than the target stream top item"
	errSetIDBelowLength command.Error = "ERR The entries_added specified in XSETID is smaller than the target stream length"
)

// xsetid is XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]. It is
// deterministic and logs itself.
func xsetid(c *command.Ctx) error {
	id, err := parseStrictID(c.Args[2])
	if err != nil {
		return err
	}
	entriesAdded := int64(-1)
	var maxDeleted ID
	for cur := command.NewCursor(c.Args, 3); cur.More(); {
		switch {
		case cur.Remaining() >= 2 && cur.Keyword("ENTRIESADDED"):
			if entriesAdded, err = cur.Int(); err != nil {
				return err
			}
			if entriesAdded < 0 {
				return errEntriesAddedNeg
			}
		case cur.Remaining() >= 2 && cur.Keyword("MAXDELETEDID"):
			arg, _ := cur.Next()
			if maxDeleted, err = parseStrictID(arg); err != nil {
				return err
			}
			if id.Less(maxDeleted) {
				return errSetIDBelowMaxArg
			}
		default:
			return command.ErrSyntax
		}
	}
	key := c.Args[1]
	s, err := lookupWrite(c, key)
	switch {
	case err != nil:
		return err
	case s == nil:
		return command.ErrNoSuchKey
	case id.Less(s.maxDeletedID):
		return errSetIDBelowMaxDel
	}
	if s.length > 0 {
		if top, ok := s.Last(); ok && id.Less(top.ID) {
			return errSetIDBelowTop
		}
		if entriesAdded != -1 && s.length > entriesAdded {
			return errSetIDBelowLength
		}
	}
	s.SetLastID(id, entriesAdded, maxDeleted)
	c.DB.Update(key)
	c.EmitArgs()
	c.Notify(command.NotifyStream, "xsetid", key)
	c.Out.OK()
	return nil
}
