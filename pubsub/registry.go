package pubsub

import (
	"sort"
	"sync"
	"sync/atomic"

	"github.com/brokerd/brokerd/internal/glob"
)

// Subscriber is one subscribed connection.
type Subscriber interface {
	// Deliver queues a complete RESP frame for the connection. It is
	// called with the registry locked, so it must neither block nor call
	// back into the registry. NB: the frame is valid only during the call
	// (publishers reuse its buffer); Deliver copies what it keeps.
	Deliver(frame []byte)
	// Resp3 reports whether the connection speaks RESP3 (push frames).
	Resp3() bool
}

// Confirmer is a Subscriber that takes its (un)subscribe confirmations
// apart from its messages: the broker writes them into the reply of the
// command that subscribed, where Redis puts them (inside EXEC's reply when
// the command ran in MULTI), and orders its messages after that reply.
type Confirmer interface {
	Confirm(frame []byte)
}

// confirm hands sub a confirmation.
func confirm(sub Subscriber, frame []byte) {
	if c, ok := sub.(Confirmer); ok {
		c.Confirm(frame)
		return
	}
	sub.Deliver(frame)
}

// Kind is one of the three subscription spaces. Shard channels are
// separate from plain channels, as in Redis: SPUBLISH reaches only
// SSUBSCRIBE clients.
type Kind uint8

const (
	Channels Kind = iota
	Patterns
	ShardChannels
)

// verbs names a kind's confirmation frames and message frame.
var verbs = [...]struct{ sub, unsub, message string }{
	Channels:      {"subscribe", "unsubscribe", "message"},
	Patterns:      {"psubscribe", "punsubscribe", "pmessage"},
	ShardChannels: {"ssubscribe", "sunsubscribe", "smessage"},
}

// Registry holds every subscription. It is safe for concurrent use.
type Registry struct {
	mu    sync.RWMutex
	names [3]map[string]*subscriberSet // kind → name → subscribers
	subs  map[Subscriber]*subscriptions
	// live mirrors len(names[kind]), stored under mu, so a publish to a
	// space nobody subscribes to returns without touching mu: a read lock
	// is an atomic add on a cache line every publisher shares.
	live [3]atomic.Int32
}

// subscriptions are one subscriber's names, per kind, in subscription
// order (UNSUBSCRIBE with no argument confirms them in that order).
type subscriptions struct {
	names [3][]string
}

func (s *subscriptions) count(k Kind) int {
	if k == ShardChannels {
		return len(s.names[ShardChannels])
	}
	// Redis reports channels and patterns together.
	return len(s.names[Channels]) + len(s.names[Patterns])
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	r := &Registry{subs: map[Subscriber]*subscriptions{}}
	for i := range r.names {
		r.names[i] = map[string]*subscriberSet{}
	}
	return r
}

// Subscribe adds sub to each name of kind and hands it one confirmation
// per name (see Confirmer), under the registry lock, so no message for a
// name can reach sub before its confirmation. It returns the subscriber's
// count after.
func (r *Registry) Subscribe(sub Subscriber, kind Kind, names [][]byte) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.subs[sub]
	if st == nil {
		st = &subscriptions{}
		r.subs[sub] = st
	}
	var frame []byte
	for _, n := range names {
		name := string(n)
		set := r.names[kind][name]
		if set == nil {
			set = &subscriberSet{index: map[Subscriber]int{}}
			r.names[kind][name] = set
			r.live[kind].Store(int32(len(r.names[kind])))
		}
		if set.add(sub) {
			st.names[kind] = append(st.names[kind], name)
		}
		frame = confirmFrame(frame[:0], sub.Resp3(), verbs[kind].sub, n, st.count(kind))
		confirm(sub, frame)
	}
	return r.total(sub)
}

// Unsubscribe removes sub from each name of kind (from all of them when
// names is empty) and delivers a confirmation per name; with nothing to
// remove it confirms once with a null name, as Redis does. It returns the
// subscriber's count after.
func (r *Registry) Unsubscribe(sub Subscriber, kind Kind, names [][]byte) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.subs[sub]
	if len(names) == 0 && st != nil {
		for _, n := range st.names[kind] {
			names = append(names, []byte(n))
		}
	}
	var frame []byte
	if len(names) == 0 {
		count := 0
		if st != nil {
			count = st.count(kind)
		}
		confirm(sub, confirmFrame(frame, sub.Resp3(), verbs[kind].unsub, nil, count))
		return r.total(sub)
	}
	for _, n := range names {
		r.remove(sub, st, kind, string(n))
		count := 0
		if st != nil {
			count = st.count(kind)
		}
		frame = confirmFrame(frame[:0], sub.Resp3(), verbs[kind].unsub, n, count)
		confirm(sub, frame)
	}
	total := r.total(sub)
	if total == 0 {
		delete(r.subs, sub)
	}
	return total
}

// remove drops one subscription. Caller holds the write lock.
func (r *Registry) remove(sub Subscriber, st *subscriptions, kind Kind, name string) {
	set := r.names[kind][name]
	if set == nil || !set.remove(sub) {
		return
	}
	if len(set.list) == 0 {
		delete(r.names[kind], name)
		r.live[kind].Store(int32(len(r.names[kind])))
	}
	for i, n := range st.names[kind] {
		if n == name {
			st.names[kind] = append(st.names[kind][:i], st.names[kind][i+1:]...)
			break
		}
	}
}

// RemoveAll drops every subscription of sub without confirmations (the
// connection is gone).
func (r *Registry) RemoveAll(sub Subscriber) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.subs[sub]
	if st == nil {
		return
	}
	for k := range st.names {
		for _, name := range append([]string(nil), st.names[k]...) {
			r.remove(sub, st, Kind(k), name)
		}
	}
	delete(r.subs, sub)
}

// total is the number of subscriptions of every kind. Caller holds the
// lock.
func (r *Registry) total(sub Subscriber) int {
	st := r.subs[sub]
	if st == nil {
		return 0
	}
	return len(st.names[Channels]) + len(st.names[Patterns]) + len(st.names[ShardChannels])
}

// Publish delivers payload to the subscribers of channel and of every
// matching pattern and returns how many deliveries it made (a client
// subscribed both ways counts twice, as in Redis). It never blocks on a
// subscriber.
func (r *Registry) Publish(channel, payload []byte) int {
	if r.live[Channels].Load() == 0 && r.live[Patterns].Load() == 0 {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var enc encodings
	defer enc.release()
	n := 0
	if set := r.names[Channels][string(channel)]; set != nil {
		for _, sub := range set.list {
			sub.Deliver(enc.get(sub.Resp3(), "message", nil, channel, payload))
			n++
		}
	}
	if r.live[Patterns].Load() == 0 {
		return n
	}
	for pattern, set := range r.names[Patterns] {
		if !glob.MatchString(pattern, string(channel), false) {
			continue
		}
		var penc encodings
		p := []byte(pattern)
		for _, sub := range set.list {
			sub.Deliver(penc.get(sub.Resp3(), "pmessage", p, channel, payload))
			n++
		}
		penc.release()
	}
	return n
}

// ShardPublish delivers payload to the SSUBSCRIBE clients of channel.
func (r *Registry) ShardPublish(channel, payload []byte) int {
	if r.live[ShardChannels].Load() == 0 {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var enc encodings
	defer enc.release()
	n := 0
	if set := r.names[ShardChannels][string(channel)]; set != nil {
		for _, sub := range set.list {
			sub.Deliver(enc.get(sub.Resp3(), "smessage", nil, channel, payload))
			n++
		}
	}
	return n
}

// subscriberSet is the subscribers of one name: a slice, which a
// publish walks at the cost of a loop (a map's iteration costs more than
// the delivery to a single subscriber), and each one's index in it.
type subscriberSet struct {
	list  []Subscriber
	index map[Subscriber]int
}

// add adds sub and reports whether it was new.
func (s *subscriberSet) add(sub Subscriber) bool {
	if _, dup := s.index[sub]; dup {
		return false
	}
	s.index[sub] = len(s.list)
	s.list = append(s.list, sub)
	return true
}

// remove removes sub and reports whether it was there; the last
// subscriber takes its place.
func (s *subscriberSet) remove(sub Subscriber) bool {
	i, ok := s.index[sub]
	if !ok {
		return false
	}
	last := len(s.list) - 1
	s.list[i] = s.list[last]
	s.index[s.list[i]] = i
	s.list[last] = nil
	s.list = s.list[:last]
	delete(s.index, sub)
	return true
}

// encodings caches a message's frame per protocol: a publish encodes it
// at most twice whatever the number of subscribers. The frames live in
// pooled buffers (Deliver copies what it keeps), returned by release.
type encodings struct{ resp2, resp3 *[]byte }

// framePool holds frame buffers; one is taken per protocol per publish.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// maxPooledFrame is the largest frame buffer put back in the pool.
const maxPooledFrame = 64 << 10

func (e *encodings) get(resp3 bool, kind string, pattern, channel, payload []byte) []byte {
	p := &e.resp2
	if resp3 {
		p = &e.resp3
	}
	if *p == nil {
		b := framePool.Get().(*[]byte)
		*b = messageFrame((*b)[:0], resp3, kind, pattern, channel, payload)
		*p = b
	}
	return **p
}

// release returns the frame buffers to the pool; the frames are invalid
// after it.
func (e *encodings) release() {
	for _, b := range []*[]byte{e.resp2, e.resp3} {
		if b != nil && cap(*b) <= maxPooledFrame {
			framePool.Put(b)
		}
	}
	e.resp2, e.resp3 = nil, nil
}

// Names lists the names of kind with at least one subscriber, matching
// pattern when it is non-nil, sorted (PUBSUB CHANNELS, SHARDCHANNELS).
func (r *Registry) Names(kind Kind, pattern []byte) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for name := range r.names[kind] {
		if pattern == nil || glob.MatchString(string(pattern), name, false) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// NumSub is the number of subscribers of one name (PUBSUB NUMSUB).
func (r *Registry) NumSub(kind Kind, name []byte) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if set := r.names[kind][string(name)]; set != nil {
		return len(set.list)
	}
	return 0
}

// NumPatterns is the number of distinct subscribed patterns (PUBSUB
// NUMPAT).
func (r *Registry) NumPatterns() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.names[Patterns])
}

// Counts returns sub's channel, pattern and shard-channel counts (CLIENT
// LIST's sub=, psub=, ssub=).
func (r *Registry) Counts(sub Subscriber) (channels, patterns, shard int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	st := r.subs[sub]
	if st == nil {
		return 0, 0, 0
	}
	return len(st.names[Channels]), len(st.names[Patterns]), len(st.names[ShardChannels])
}
