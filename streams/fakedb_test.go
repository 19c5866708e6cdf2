package streams

import (
	"strings"

	"github.com/brokerd/brokerd/command"
)

// fakeStore is a minimal keyspace for the unit tests: 16 maps of values,
// a settable clock (the Now method XADD reads) and a count of the writes
// reported (Put, Update, Delete), which is what wakes blocked clients in
// the broker.
type fakeStore struct {
	dbs     []*fakeDB
	now     func() int64
	written int
}

type fakeDB struct {
	store *fakeStore
	index int
	keys  map[string]command.Value
}

func newFakeStore(now func() int64) *fakeStore {
	s := &fakeStore{now: now}
	for i := 0; i < 16; i++ {
		s.dbs = append(s.dbs, &fakeDB{store: s, index: i, keys: map[string]command.Value{}})
	}
	return s
}

func (s *fakeStore) DB(i int) command.DB { return s.dbs[i] }
func (s *fakeStore) Len() int            { return len(s.dbs) }
func (s *fakeStore) Now() int64          { return s.now() }

func (db *fakeDB) Index() int                           { return db.index }
func (db *fakeDB) Lookup(key []byte) command.Value      { return db.keys[string(key)] }
func (db *fakeDB) LookupWrite(key []byte) command.Value { return db.keys[string(key)] }
func (db *fakeDB) Peek(key []byte) command.Value        { return db.keys[string(key)] }
func (db *fakeDB) Put(key []byte, v command.Value)      { db.keys[string(key)] = v; db.touch(key) }
func (db *fakeDB) Update(key []byte)                    { db.touch(key) }
func (db *fakeDB) touch([]byte)                         { db.store.written++ }
func (db *fakeDB) Delete(key []byte) bool {
	_, ok := db.keys[string(key)]
	delete(db.keys, string(key))
	db.touch(key)
	return ok
}

// fakeString is a non-stream value, for WRONGTYPE.
type fakeString []byte

func (fakeString) Type() string           { return "string" }
func (fakeString) Encoding() string       { return "raw" }
func (s fakeString) Clone() command.Value { return append(fakeString(nil), s...) }

// fakeSpecs are the few generic commands the unit tests need: SET (a
// string), DEL, TYPE, COPY and EXISTS, on the fake keyspace.
func fakeSpecs() []command.Spec {
	return []command.Spec{
		{Name: "SET", Arity: 3, Flags: command.Write, Keys: command.FirstKey, Run: func(c *command.Ctx) error {
			c.DB.Put(c.Args[1], fakeString(append([]byte(nil), c.Args[2]...)))
			c.EmitArgs()
			c.Out.OK()
			return nil
		}},
		{Name: "DEL", Arity: 2, Flags: command.Write, Keys: command.FirstKey, Run: func(c *command.Ctx) error {
			ok := c.DB.Delete(c.Args[1])
			c.EmitArgs()
			c.Out.Bool(ok)
			return nil
		}},
		{Name: "EXISTS", Arity: 2, Flags: command.ReadOnly, Keys: command.FirstKey, Run: func(c *command.Ctx) error {
			c.Out.Bool(c.DB.Lookup(c.Args[1]) != nil)
			return nil
		}},
		{Name: "TYPE", Arity: 2, Flags: command.ReadOnly, Keys: command.FirstKey, Run: func(c *command.Ctx) error {
			v := c.DB.Lookup(c.Args[1])
			if v == nil {
				c.Out.Simple("none")
			} else {
				c.Out.Simple(v.Type())
			}
			return nil
		}},
		{Name: "COPY", Arity: 3, Flags: command.Write, Keys: command.TwoKeys, Run: func(c *command.Ctx) error {
			c.DB.Put(c.Args[2], c.DB.Lookup(c.Args[1]).Clone())
			c.EmitArgs()
			c.Out.OK()
			return nil
		}},
		{Name: "ENCODING", Arity: 2, Flags: command.ReadOnly, Keys: command.FirstKey, Run: func(c *command.Ctx) error {
			c.Out.Simple(strings.ToLower(c.DB.Lookup(c.Args[1]).Encoding()))
			return nil
		}},
	}
}
