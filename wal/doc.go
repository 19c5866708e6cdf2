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
// Version is 1. Type 1 ("ops") is the only type.
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
// One writer goroutine writes every record queued since its last write in
// one batch, then, under the Always policy, fsyncs once for the whole batch
// before any of its callers is answered (group commit). See Policy.
package wal
