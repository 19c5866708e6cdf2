package broker

import (
	"github.com/brokerd/brokerd/wal"
)

// appendfsync is read from and applied to the log itself (wal.Log.Policy
// and SetPolicy), so CONFIG GET, INFO and the log never disagree. A new
// policy applies from the log's next batch on.

// parseAppendFsync is CONFIG SET appendfsync; the error text is Redis's,
// with its values in the order Redis lists them (config.c aof_fsync_enum).
func parseAppendFsync(s *Server, v string) (func(), string) {
	p, err := wal.ParsePolicy(v)
	if err != nil {
		return nil, "argument(s) must be one of the following: everysec, always, no"
	}
	return func() { s.log.SetPolicy(p) }, ""
}

// infoWAL adds the log's own counters to INFO persistence. The log's
// mutexes are never held through an fsync, so this does not wait for one.
func (s *Server) infoWAL(w *infoWriter) {
	st := s.log.Stats()
	lastSync := int64(-1) // Redis's "never" for timestamps
	if !st.LastSync.IsZero() {
		lastSync = st.LastSync.Unix()
	}
	w.add("wal_records", st.Records)
	w.add("wal_bytes", st.Bytes)
	w.add("wal_last_index", st.LastIndex)
	w.add("wal_syncs", st.Syncs)
	w.add("wal_last_sync_time", lastSync)
	w.add("wal_torn_tails_truncated", st.TornTailsTruncated)
}
