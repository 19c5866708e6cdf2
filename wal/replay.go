package wal

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// Replays (of the log and of snapshots) read, check and decode on one
// goroutine and hand the decoded records to the caller's goroutine, which
// applies them: on a second core the reading costs the load no time.

// replayDepth is how many batches a replay has: one being filled, one
// being applied and one ready between them. A batch holds one segment's
// bytes (or snapshotBatchBytes of a snapshot), so a replay holds at most
// three segments in memory.
const replayDepth = 3

// replayBatch is a run of decoded records, in order.
type replayBatch struct {
	file  string   // the segment or snapshot they come from
	data  []byte   // the bytes the ops' Args alias
	ops   []Op     // the ops of every record, one after the other
	args  [][]byte // the Args of every op
	ends  []int    // ends[i] is where record i's ops end in ops
	vals  []Value  // the values of every values record (snapshots)
	vends []int    // vends[i] is where record i's values end in vals
	first uint64   // index of the first record (log replays)
	bytes uint64   // the records' entries, framing included
	read  int      // records read for the batch, those before a replay's start included (for progress)
	err   error    // what ended the replay after these records, if anything
}

func (b *replayBatch) reset(file string) {
	b.file, b.data, b.ops, b.args, b.ends = file, b.data[:0], b.ops[:0], b.args[:0], b.ends[:0]
	clear(b.vals) // they alias data
	b.vals, b.vends = b.vals[:0], b.vends[:0]
	b.first, b.bytes, b.read, b.err = 0, 0, 0, nil
}

// add decodes rec, an entry of size bytes, and appends its ops. rec must
// stay as it is while the batch is used.
func (b *replayBatch) add(rec []byte, size int) error {
	nops, nargs, err := checkRecord(rec)
	if err != nil {
		return err
	}
	// NB: growing args leaves the Args of the ops already added in the old
	// array, which still holds them; later records use the new one.
	b.ops = slices.Grow(b.ops, nops)
	b.args = slices.Grow(b.args, nargs)
	n, a := len(b.ops), len(b.args)
	b.ops, b.args = b.ops[:n+nops], b.args[:a+nargs]
	fillOps(rec, b.ops[n:], b.args[a:])
	b.endRecord(size)
	return nil
}

// endRecord closes the record just added, an entry of size bytes: its
// ops and values end where the batch's do now.
func (b *replayBatch) endRecord(size int) {
	b.ends = append(b.ends, len(b.ops))
	b.vends = append(b.vends, len(b.vals))
	b.bytes += uint64(size)
}

// records calls fn with each record's ops, in order.
func (b *replayBatch) records(fn func(i int, ops []Op) error) error {
	start := 0
	for i, end := range b.ends {
		if err := fn(i, b.ops[start:end:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// snapshotRecords calls ops or vals with each record's ops or values, in
// order: a snapshot's records are of either kind.
func (b *replayBatch) snapshotRecords(ops func([]Op) error, vals func([]Value) error) error {
	start, vstart := 0, 0
	for i, end := range b.ends {
		vend := b.vends[i]
		var err error
		switch {
		case vend > vstart:
			if vals != nil {
				err = vals(b.vals[vstart:vend:vend])
			}
		case ops != nil:
			err = ops(b.ops[start:end:end])
		}
		if err != nil {
			return err
		}
		start, vstart = end, vend
	}
	return nil
}

// pipe carries batches from a replay's reading goroutine to the caller's.
type pipe struct {
	full chan *replayBatch // filled, in order; closed when the reader ends
	free chan *replayBatch // applied, for the reader to fill again
	stop chan struct{}     // closed when the caller stops early
}

// runPipe starts read on a new goroutine and calls apply with each batch
// it sends, in order, until read returns or apply fails; it returns
// apply's error. read gets empty batches with get and hands them over
// with send; both report false once the caller has stopped, and read
// must then return. runPipe returns only after read has.
func runPipe(read func(p *pipe), apply func(b *replayBatch) error) error {
	p := &pipe{
		full: make(chan *replayBatch, replayDepth-1),
		free: make(chan *replayBatch, replayDepth),
		stop: make(chan struct{}),
	}
	for range replayDepth {
		p.free <- new(replayBatch)
	}
	go func() {
		defer close(p.full)
		read(p)
	}()
	var err error
	for b := range p.full {
		if err == nil {
			err = apply(b)
			if err != nil {
				close(p.stop)
			}
		}
		p.free <- b // never blocks: there are replayDepth batches
	}
	return err
}

// get returns an empty batch for file, or false if the caller stopped.
func (p *pipe) get(file string) (*replayBatch, bool) {
	select {
	case b := <-p.free:
		b.reset(file)
		return b, true
	case <-p.stop:
		return nil, false
	}
}

// send hands b over, and reports false if the caller stopped.
func (p *pipe) send(b *replayBatch) bool {
	select {
	case p.full <- b:
		return true
	case <-p.stop:
		return false
	}
}

// logScan is one reading of a log's segments that checks every record it
// reads and hands those from index from on to a replay.
type logScan struct {
	dir  string
	segs []segmentFile
	from uint64
	// skipBefore: segments whose records all precede from are not read
	// at all (their sizes are taken from the file system). Otherwise they
	// are checked like the others.
	skipBefore bool
	// tornTail: damage at the end of the last segment, with no intact
	// record after it, ends the scan as a torn tail (see torn) instead of
	// failing it.
	tornTail bool
	// replay: records are handed over; if false, only checked.
	replay bool

	// What the scan found, set by the reading goroutine before it ends.
	rep  Report   // FirstIndex, LastIndex, Records, Segments
	torn *Problem // the torn tail that ended the scan, if any
}

// read is the reading goroutine of a scan: it sends one batch per
// segment, the last one carrying the error that ended the scan, if any.
func (sc *logScan) read(p *pipe) {
	fail := func(b *replayBatch, err error) {
		if b == nil {
			var ok bool
			if b, ok = p.get(""); !ok {
				return
			}
		}
		b.err = err
		p.send(b)
	}
	rep := &sc.rep
	rep.Dir = sc.dir
	var next uint64 // index the next segment must start at
	for i, s := range sc.segs {
		if i == 0 {
			rep.FirstIndex = s.first
		} else if s.first != next {
			fail(nil, corruptAt(sc.dir, s.name, next,
				fmt.Sprintf("segment starts at index %d, want %d (a segment is missing or misnamed)", s.first, next)))
			return
		}
		last := i == len(sc.segs)-1
		if sc.skipBefore && !last && sc.segs[i+1].first <= sc.from {
			fi, err := os.Stat(s.path)
			if err != nil {
				fail(nil, fmt.Errorf("wal: read segment: %w", err))
				return
			}
			next = sc.segs[i+1].first
			n := next - s.first
			rep.Segments = append(rep.Segments, SegmentReport{Name: s.name, Size: fi.Size(), FirstIndex: s.first, Records: n})
			rep.Records += n
			continue
		}
		b, ok := p.get(s.name)
		if !ok {
			return
		}
		var err error
		b.data, err = readFile(s.path, b.data)
		if err != nil {
			fail(b, fmt.Errorf("wal: read segment: %w", err))
			return
		}
		sr := SegmentReport{Name: s.name, Size: int64(len(b.data)), FirstIndex: s.first}
		r := entryReader{data: b.data}
		for {
			rec, err := r.next()
			if err == io.EOF {
				break
			}
			index := s.first + sr.Records
			if err == nil {
				if sc.replay && index >= sc.from {
					if len(b.ends) == 0 {
						b.first = index
					}
					err = b.add(rec, r.off-r.start)
				} else {
					_, _, err = checkRecord(rec)
				}
			}
			if err != nil {
				if sc.tornTail && last && !intactAfter(b.data, r.start) {
					sc.torn = newProblem(sc.dir, s.name, index, int64(r.start), reason(err), true)
					break
				}
				fail(b, corruptAt(sc.dir, s.name, index, reason(err)))
				return
			}
			b.read++
			sr.Records++
		}
		rep.Records += sr.Records
		rep.Segments = append(rep.Segments, sr)
		next = s.first + sr.Records
		if !p.send(b) {
			return
		}
	}
	rep.LastIndex = next - 1
	if len(sc.segs) == 0 {
		rep.LastIndex = 0
	}
}

// run scans the log and calls fn for each record handed over, in index
// order. It returns the bytes of those records' entries, framing
// included. progress, if not nil, is told about every record read.
func (sc *logScan) run(prog *progress, fn func(index uint64, ops []Op) error) (uint64, error) {
	var bytes uint64
	err := runPipe(sc.read, func(b *replayBatch) error {
		if prog != nil {
			for range b.read {
				prog.record(b.file)
			}
		}
		err := b.records(func(i int, ops []Op) error {
			return fn(b.first+uint64(i), ops)
		})
		if err != nil {
			return err
		}
		bytes += b.bytes
		return b.err
	})
	return bytes, err
}

// OpenReplay is Open followed by ReplayFrom(opts.SnapshotIndex+1, fn), in
// one reading of the log: each record is read and checked once, and fn
// applies the records as they are decoded, on the caller's goroutine while
// another reads ahead. It returns the bytes of the records replayed,
// framing included.
//
// Open's checks hold, with two differences. The segments whose records
// all precede opts.SnapshotIndex+1 are not read, so damage in them (which
// the snapshot makes irrelevant) goes unnoticed. And when the log is
// damaged before its tail, fn has already seen the records before the
// damage: the caller must discard what it built from them, as after a
// failed Replay. If the log starts after opts.SnapshotIndex+1 (records
// are missing), fn is not called: check FirstIndex.
func OpenReplay(dir string, opts Options, fn func(index uint64, ops []Op) error) (*Log, uint64, error) {
	r := &logReplay{fn: fn}
	l, err := openWith(dir, opts, r)
	return l, r.bytes, err
}

// logReplay is the replay OpenReplay does while it opens the log.
type logReplay struct {
	fn    func(index uint64, ops []Op) error
	bytes uint64 // replayed
}

// recover checks dir as recoverTail does, truncating a torn tail, and
// with r replays the records after the snapshot in the same reading.
// Caller holds the directory lock.
func (r *logReplay) recover(dir string, opts Options) (bool, Report, error) {
	if r == nil {
		return recoverTail(dir, opts.Logger)
	}
	segs, err := listSegments(dir)
	if err != nil {
		return false, Report{Dir: dir}, err
	}
	from := opts.SnapshotIndex + 1
	sc := logScan{
		dir: dir, segs: segs, from: from,
		skipBefore: true,
		tornTail:   true,
		replay:     len(segs) == 0 || segs[0].first <= from,
	}
	r.bytes, err = sc.run(nil, r.fn)
	if err != nil {
		return false, sc.rep, err
	}
	if sc.torn == nil {
		return false, sc.rep, nil
	}
	if err := cutTornTail(dir, &sc.rep, sc.torn, opts.Logger); err != nil {
		return false, sc.rep, err
	}
	return true, sc.rep, nil
}
