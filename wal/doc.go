// Package wal is brokerd's write-ahead log. Every write command's
// deterministic effect is appended as one record; on start the server
// replays the records to rebuild its keyspace. This comment is the on-disk
// format specification: change the format only together with it, the
// version constant and the golden test (testdata/golden).
//
// # Directory
//
// A log directory holds:
//
//	LOCK                   flock(2)ed by the process that has the log open;
//	                       holds that process's pid, for the error message
//	00000000000000000001   segment files, named by the index of their first
//	00000000000000000734   record in 20 decimal digits, so that names sort
//	...                    in log order
//	<segment>.broken       what `brokerd wal repair` cut off, kept for
//	                       forensics and never read back
//	snapshots/snap-<20-digit index>.brs
//	                       point-in-time images of the keyspace (below);
//	                       the newest two are kept
//	snapshots/*.tmp        a snapshot being written, never read
//
// Segments are written by github.com/tidwall/wal (binary format). A segment
// is a sequence of entries, each a uvarint byte length followed by that many
// bytes; indexes start at 1 and have no gaps, within a segment and across
// segments. tidwall/wal starts a new segment once the current one has
// reached the segment size, after fsyncing the full one. A name that ends
// in .START or .END is tidwall/wal's marker for an interrupted front or back
// truncation; it finishes those on open, and Check reads them the same way.
//
// # Records
//
// Each tidwall/wal entry holds exactly one record:
//
//	+--------------+-----------+-------------------+--- ... ---+
//	| Version (1B) | Type (1B) | CRC-32C (4B, LE)  | Payload   |
//	+--------------+-----------+-------------------+--- ... ---+
//
// The CRC (Castagnoli) covers Version, Type and Payload. tidwall/wal adds
// only a uvarint length, so this CRC is the log's only integrity check.
// Version is 1. Type 1 ("ops") is the only type in a segment; snapshot
// files also use types 3, 4 and 5 (below; type 2 is retired).
//
// The payload of an ops record is the effect of one command, or of one whole
// MULTI/EXEC or script, so that atomicity lives inside one entry
// (tidwall/wal may split a batch of entries across a segment change):
//
//	uvarint   op count
//	per op:   uvarint database number
//	          uvarint argument count
//	          per argument: uvarint length, then the argument's bytes
//
// Every uvarint is in its shortest form, and the payload ends exactly after
// the last op, so every record has one encoding and a decoder can reject
// anything else. Replaying a record means running each op's argument vector
// against its database, in order.
//
// # Snapshots
//
// A snapshot snap-N.brs holds the state after log record N, as records
// framed exactly like a segment's entries (uvarint length, then a record
// with the header above):
//
//	type 4 (head)    payload: uvarint format (2, SnapshotFormat), uvarint N,
//	                 uvarint capture time (Unix ms), uvarint database
//	                 count d, then d uvarints: the keys of each database
//	                 (a loader's sizing hint)
//	type 1 (ops)     ops that rebuild keys (RPUSH k e..., XADD ...,
//	                 PEXPIREAT k ms, ...)
//	type 5 (values)  keys as values: uvarint database, then to the end of
//	                 the payload, per key: uvarint length and the key,
//	                 uvarint expiry (Unix ms, 0 = none), 1 byte kind,
//	                 uvarint element count, per element uvarint length
//	                 and bytes; at least one key
//	type 3 (end)     payload: uvarint ops and values records, uvarint ops
//	                 in them, uvarint values in them
//
// Any number of ops and values records, in any order, are applied in
// order to empty databases. wal does not interpret a value's kind: the
// broker defines them (broker/snapshot_values.go: 1 a string, elements
// [bytes]; 2 the same, changed in place). A head of another format, or
// the retired type 2 (format 1: ops only, never released), is refused with
// ErrSnapshotFormat; a reader that meets a kind it does not know must
// refuse the file too. Nothing may follow the end record.
//
// A snapshot is written to a .tmp name, fsynced, renamed and its directory
// fsynced, so it is whole or absent.
// Start-up loads the newest intact snapshot, falling back to an older one,
// then replays the log from N+1. After a new snapshot, the segments whose
// records all come before the older kept snapshot are removed, whole
// segments only (RemoveBefore), so that the fallback still has the log it
// needs. A log that starts after index 1 with no intact snapshot covering
// its start is refused (ErrNoSnapshot). If the log ends before N (a crash
// before the writer had written records the snapshot holds), Open starts
// an empty log at N+1 (Options.SnapshotIndex).
//
// # Recovery
//
// Open reads every segment before handing the directory to tidwall/wal
// (which refuses a torn tail and does not check content). A damaged record
// at the end of the last segment, with no intact record after it, is what a
// crash in the middle of a write leaves behind: Open truncates the segment
// to the last whole record, logs a warning and counts it
// (Stats.TornTailsTruncated). Any other damaged record (in an earlier
// segment, or followed by intact records, or a missing segment) stops Open
// with ErrCorrupt naming the segment and index; `brokerd wal repair` (Repair)
// then cuts the log at that record, keeping what it removed in .broken
// files. Earlier segments cannot have torn tails: tidwall/wal fsyncs a
// segment before it starts the next one.
//
// # Durability
//
// Whoever holds the commit token writes every record queued since the last
// write in one batch, then, under the Always policy, fsyncs once for the
// whole batch before any of its callers is answered (group commit). See
// Policy. The token's holder is a caller waiting for its record when the
// token is free (no handover at all when clients do not contend), and the
// writer goroutine when it is busy: the batch waiting meanwhile grows.
//
// A failed write or fsync fails the batch's callers and the log (Err); the
// log keeps the records not known to be written and, every
// RetryInterval, cuts the tail back to the last record known good and
// writes them again, clearing Err once that worked (see retry.go).
package wal
