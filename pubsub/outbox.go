package pubsub

import (
	"io"
	"runtime"
	"sync"
	"time"
)

// Limits is Redis's client-output-buffer-limit for pubsub clients: a
// subscriber whose pending output passes Hard bytes, or stays above Soft
// bytes for SoftFor, is disconnected. Zero disables a limit.
type Limits struct {
	Hard, Soft int64
	SoftFor    time.Duration
}

// maxKeptBuffer is the largest write buffer an idle outbox keeps.
const maxKeptBuffer = 64 << 10

// DefaultLimits are Redis's defaults: 32mb 8mb 60.
var DefaultLimits = Limits{Hard: 32 << 20, Soft: 8 << 20, SoftFor: 60 * time.Second}

// Outbox is a subscriber's queue of outgoing frames, drained to the
// connection by its own goroutine (Run). Deliver only appends, so a
// publisher never waits for a slow reader; the limits bound the memory a
// reader that never reads can hold.
type Outbox struct {
	w        io.Writer
	limits   func() Limits
	overflow func() // called once, from Deliver, when a limit is passed
	// beforeWrite, when set, runs before each write with what is queued
	// (BeforeWrite).
	beforeWrite func()

	mu        sync.Mutex
	pending   []byte
	inFlight  int // bytes handed to w and not yet written
	softSince time.Time
	closed    bool
	draining  bool // Drain: no more frames; Run stops once pending is written
	held      bool // Hold: frames wait in heldBuf until Release
	heldBuf   []byte
	wake      chan struct{}
	done      chan struct{}
}

// NewOutbox returns an outbox writing to w. limits is read at every
// delivery, so CONFIG SET applies at once; overflow must not block (it
// typically closes the connection).
func NewOutbox(w io.Writer, limits func() Limits, overflow func()) *Outbox {
	return &Outbox{
		w:        w,
		limits:   limits,
		overflow: overflow,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
}

// BeforeWrite makes Run call f before it writes what is queued: the
// broker waits there for the log, so that no message reaches the client
// before the writes that came before it are durable. Call it before Run.
func (o *Outbox) BeforeWrite(f func()) { o.beforeWrite = f }

// Deliver queues frame. Past a limit the outbox closes, drops what it
// holds and calls overflow.
func (o *Outbox) Deliver(frame []byte) {
	o.mu.Lock()
	if o.closed || o.draining {
		o.mu.Unlock()
		return
	}
	if o.held {
		o.heldBuf = append(o.heldBuf, frame...)
	} else {
		o.pending = append(o.pending, frame...)
	}
	o.unlockQueued()
}

// unlockQueued ends a change to what is queued: it applies the limits,
// unlocks mu and wakes Run.
func (o *Outbox) unlockQueued() {
	// Below both limits there is nothing to time, so the common case reads
	// no clock (a clock read costs as much as a small command here).
	l := o.limits()
	size := int64(len(o.pending) + len(o.heldBuf) + o.inFlight)
	if (l.Hard <= 0 || size <= l.Hard) && (l.Soft <= 0 || size <= l.Soft) {
		o.softSince = time.Time{}
		o.mu.Unlock()
		o.signal()
		return
	}
	if o.overLimit(time.Now()) {
		o.closed = true
		o.pending, o.heldBuf = nil, nil
		o.mu.Unlock()
		o.signal()
		o.overflow()
		return
	}
	o.mu.Unlock()
	o.signal()
}

// overLimit applies the limits to what is queued and in flight. Caller
// holds mu.
func (o *Outbox) overLimit(now time.Time) bool {
	l := o.limits()
	size := int64(len(o.pending) + len(o.heldBuf) + o.inFlight)
	if l.Hard > 0 && size > l.Hard {
		return true
	}
	if l.Soft <= 0 || size <= l.Soft {
		o.softSince = time.Time{}
		return false
	}
	if o.softSince.IsZero() {
		o.softSince = now
		return false
	}
	return now.Sub(o.softSince) > l.SoftFor
}

func (o *Outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Len is the number of bytes queued or being written.
func (o *Outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.pending) + len(o.heldBuf) + o.inFlight
}

// Hold makes Deliver set frames aside until Release. The broker holds a
// subscriber's outbox while the subscriber runs a command, so what the
// command makes it receive (a PUBLISH to itself, a keyspace event of its
// own write) follows the command's reply, as Redis sends it.
func (o *Outbox) Hold() {
	o.mu.Lock()
	o.held = true
	o.mu.Unlock()
}

// Release queues reply, then the frames held since Hold, and ends the
// hold.
func (o *Outbox) Release(reply []byte) {
	o.mu.Lock()
	if o.closed || o.draining {
		o.mu.Unlock()
		return
	}
	o.held = false
	o.pending = append(o.pending, reply...)
	o.pending = append(o.pending, o.heldBuf...)
	o.heldBuf = o.heldBuf[:0]
	if cap(o.heldBuf) > maxKeptBuffer {
		o.heldBuf = nil
	}
	o.unlockQueued()
}

// Run writes queued frames until Close or a write error. It is the
// outbox's only writer.
func (o *Outbox) Run() {
	defer close(o.done)
	var buf []byte
	for range o.wake {
		// Let the goroutines that are ready to run (publishers with a
		// request read) go first: what they deliver meanwhile goes out in
		// the same write. A write costs several microseconds of CPU here
		// whatever its size, and a subscriber woken per message made one
		// per message (Redis writes once per event-loop turn).
		runtime.Gosched()
		for {
			o.mu.Lock()
			if o.closed {
				o.mu.Unlock()
				return
			}
			if len(o.pending) == 0 {
				o.inFlight = 0
				if o.draining {
					o.closed = true
					o.mu.Unlock()
					return
				}
				o.mu.Unlock()
				break
			}
			// Swap buffers so publishers keep appending while this one
			// is written.
			buf, o.pending = o.pending, buf[:0]
			o.inFlight = len(buf)
			o.mu.Unlock()
			if o.beforeWrite != nil {
				o.beforeWrite()
			}
			if _, err := o.w.Write(buf); err != nil {
				o.Close()
				return
			}
			if cap(buf) > maxKeptBuffer {
				buf = nil // a burst's buffer is not kept for the quiet after it
			}
		}
	}
}

// Close stops the outbox; queued frames are dropped. It does not wait for
// Run (see Wait).
func (o *Outbox) Close() {
	o.mu.Lock()
	o.closed = true
	o.pending, o.heldBuf = nil, nil
	o.mu.Unlock()
	o.signal()
}

// Drain stops taking frames and returns once everything queued before
// it is written (or writing failed): for a reply that must reach the
// client before its connection is closed (QUIT).
func (o *Outbox) Drain() {
	o.mu.Lock()
	o.draining = true
	o.mu.Unlock()
	o.signal()
	<-o.done
}

// Wait returns once Run has returned.
func (o *Outbox) Wait() { <-o.done }
