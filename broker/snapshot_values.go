package broker

import (
	"fmt"

	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/wal"
)

// A snapshot holds strings as values (wal values records), which loading
// puts straight into the keyspace (kv.Loader); other types as the
// commands that rebuild them (command.Rewriter). Loading 1,000,000 string
// keys as SET commands spent most of its time parsing and running them.

// Snapshot value kinds (wal.Value.Kind) and their elements.
const (
	kindString    byte = 1 // wire format, never renumber: Elems = [bytes]
	kindRawString byte = 2 // wire format, never renumber: as kindString, changed in place (OBJECT ENCODING raw)
)

// snapshotStep is what one step of a snapshot's copy gathers under the
// keyspace lock: strings encoded as values straight from the live
// keyspace (no copy, no garbage: copying 1,000,000 strings first was most
// of a snapshot's allocations, and of the collector's work while clients
// wrote), and copies of the other values, whose commands are emitted
// after the lock is released.
type snapshotStep struct {
	vals wal.ValueBuffer
	out  [][]kv.Entry // by database
	err  error        // the first encoding error
}

// add takes one key from kv.Capture.Visit. Caller holds the keyspace
// lock.
func (st *snapshotStep) add(db int, e kv.Entry, copied bool) {
	if s, ok := e.Value.(*kv.String); ok {
		kind := kindString
		if s.ChangedInPlace() {
			kind = kindRawString
		}
		if err := st.vals.Add(db, e.Key, e.ExpireAt, kind, s.Bytes()); err != nil && st.err == nil {
			st.err = err
		}
		return
	}
	if !copied {
		e.Value = e.Value.Clone()
	}
	st.out[db] = append(st.out[db], e)
}

// snapshotLoad is the loading of one snapshot file into the keyspace.
// Caller holds the keyspace write lock, in loading mode.
type snapshotLoad struct {
	s    *Server
	name string
	r    *replayer
	l    *kv.Loader
}

// read loads the snapshot at path; see wal.ReadSnapshot for its errors.
func (ld *snapshotLoad) read(path string) (wal.SnapshotInfo, error) {
	return wal.ReadSnapshot(path, wal.SnapshotHandler{
		Head: ld.head,
		Ops: func(ops []wal.Op) error {
			for _, op := range ops {
				if err := ld.r.apply(ld.name, 0, op); err != nil {
					return err
				}
			}
			return nil
		},
		Values: ld.values,
	})
}

// head sizes each database's table for the keys the snapshot holds. A
// value takes at least 4 bytes of the file, which bounds what a damaged
// head (whose CRC happens to match) can make it reserve.
func (ld *snapshotLoad) head(info wal.SnapshotInfo) error {
	for db, n := range info.DBKeys {
		if db < ld.s.store.Len() {
			ld.l.Reserve(db, int(min(n, uint64(info.Size/4))))
		}
	}
	return nil
}

// values puts a values record's keys into the keyspace.
func (ld *snapshotLoad) values(vals []wal.Value) error {
	for i := range vals {
		v := &vals[i]
		if v.DB >= ld.s.store.Len() {
			return fmt.Errorf("snapshot %s uses database %d but the server has %d (raise databases)",
				ld.name, v.DB, ld.s.store.Len())
		}
		switch v.Kind {
		case kindString, kindRawString:
			if len(v.Elems) != 1 {
				return fmt.Errorf("%w: snapshot %s: string %q has %d elements", wal.ErrCorrupt, ld.name, v.Key, len(v.Elems))
			}
			ld.l.PutString(v.DB, v.Key, v.Elems[0], v.Kind == kindRawString, v.ExpireAt)
		default:
			return fmt.Errorf("%w: snapshot %s: key %q has value kind %d, which this brokerd does not know (written by a newer brokerd?)",
				wal.ErrSnapshotFormat, ld.name, v.Key, v.Kind)
		}
	}
	return nil
}
