package wal

import "time"

// ToolOption configures Check, Repair and Dump.
type ToolOption func(*progress)

// Progress is what a progress callback is told while a tool reads a large
// directory.
type Progress struct {
	File    string        // the segment or snapshot being read
	Records uint64        // records read so far, snapshots and log together
	Elapsed time.Duration // since the tool started
}

// WithProgress makes the tool call fn after every `every` records it
// reads (every 0 means 100,000), so that a command-line tool can show it
// is still working on a directory of gigabytes.
func WithProgress(every uint64, fn func(Progress)) ToolOption {
	return func(p *progress) {
		if every == 0 {
			every = 100_000
		}
		p.every, p.fn = every, fn
	}
}

// progress counts records for a ToolOption's callback. A nil *progress
// counts nothing, which is what the server's own reads use.
type progress struct {
	every   uint64
	fn      func(Progress)
	records uint64
	start   time.Time
}

func newProgress(opts []ToolOption) *progress {
	if len(opts) == 0 {
		return nil
	}
	p := &progress{start: time.Now()}
	for _, o := range opts {
		o(p)
	}
	if p.fn == nil {
		return nil
	}
	return p
}

// record counts one record read from file.
func (p *progress) record(file string) {
	if p == nil {
		return
	}
	p.records++
	if p.records%p.every == 0 {
		p.fn(Progress{File: file, Records: p.records, Elapsed: time.Since(p.start)})
	}
}
