package streams

import "github.com/brokerd/brokerd/command"

// xdel is XDEL key id [id ...]. Like Redis it looks the key up before
// parsing the IDs, so a missing key answers 0 whatever the IDs are. The
// command logs itself: deleting is deterministic, and replaying it
// restores the max deleted ID and first ID as well.
func xdel(c *command.Ctx) error {
	key := c.Args[1]
	s, err := lookupWrite(c, key)
	if err != nil {
		return err
	}
	if s == nil {
		c.Out.Int(0)
		return nil
	}
	var fixed [8]ID
	ids := fixed[:0]
	for _, arg := range c.Args[2:] {
		id, err := parseStrictID(arg)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	var deleted int64
	firstGone := false
	for _, id := range ids {
		if !s.Delete(id) {
			continue
		}
		deleted++
		if id == s.firstID {
			firstGone = true
		}
		if s.maxDeletedID.Less(id) {
			s.maxDeletedID = id
		}
	}
	if deleted > 0 {
		switch {
		case s.length == 0:
			s.firstID = ID{}
		case firstGone:
			s.refreshFirstID()
		}
		c.DB.Update(key)
		c.EmitArgs()
		c.Notify(command.NotifyStream, "xdel", key)
	}
	c.Out.Int(deleted)
	return nil
}

// xtrim is XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]. Its
// effect is the concrete result, XTRIM key MAXLEN <length after>.
func xtrim(c *command.Ctx) error {
	a, err := parseAddTrim(c, false)
	if err != nil {
		return err
	}
	key := c.Args[1]
	s, err := lookupWrite(c, key)
	if err != nil {
		return err
	}
	if s == nil {
		c.Out.Int(0)
		return nil
	}
	deleted := s.Trim(a.trim)
	if deleted > 0 {
		c.DB.Update(key)
		emitTrim(c, key, s)
	}
	c.Out.Int(deleted)
	return nil
}
