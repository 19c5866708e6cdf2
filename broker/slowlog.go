package broker

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
)

// The slow log (SLOWLOG) keeps the latest commands whose execution, not
// counting I/O or time spent blocked, took at least
// slowlog-log-slower-than microseconds, as Redis's does.

// Redis's defaults and entry limits (slowlog.h).
const (
	defaultSlowlogSlowerThan = 10000 // microseconds
	defaultSlowlogMaxLen     = 128
	slowlogMaxArgs           = 32
	slowlogMaxArgBytes       = 128
)

// slowEntry is one logged command.
type slowEntry struct {
	id     int64
	unix   int64 // seconds
	micros int64
	args   [][]byte
	addr   string
	name   string
}

// slowlog holds the entries, oldest first: a new one is appended and the
// oldest dropped by reslicing, so logging costs O(1) amortized whatever
// slowlog-max-len is (pushing at the front cost a copy of the whole log).
type slowlog struct {
	// slowerThan is read by every command, without the lock.
	slowerThan atomic.Int64 // microseconds; negative: off

	mu      sync.Mutex
	entries []slowEntry
	nextID  int64
	maxLen  int64
}

func (l *slowlog) init() {
	l.slowerThan.Store(defaultSlowlogSlowerThan)
	l.maxLen = defaultSlowlogMaxLen
}

// note logs the command in args if it ran for at least the threshold,
// then trims the log to its length limit, as slowlogPushEntryIfNeeded.
func (l *slowlog) note(cl *client, args [][]byte, took time.Duration) {
	micros := took.Microseconds()
	if slower := l.slowerThan.Load(); slower < 0 || micros < slower {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := slowEntry{id: l.nextID, unix: timeNow().Unix(), micros: micros, args: slowlogArgs(args)}
	l.nextID++
	e.addr, e.name = cl.info.addr, cl.name()
	l.entries = append(l.entries, e)
	if over := int64(len(l.entries)) - l.maxLen; over > 0 {
		clear(l.entries[:over]) // so the backing array does not keep their arguments
		l.entries = l.entries[over:]
	}
}

// slowlogArgs copies what an entry keeps of a command: at most 32
// arguments, the last of them then saying how many more there were, each
// cut to 128 bytes with a note of the bytes left out, and secrets
// (AUTH's password, ...) redacted.
func slowlogArgs(args [][]byte) [][]byte {
	n := min(len(args), slowlogMaxArgs)
	out := make([][]byte, n)
	redact := redactedArgs(args)
	for i := range n {
		switch {
		case n < len(args) && i == n-1:
			out[i] = []byte("... (" + strconv.Itoa(len(args)-n+1) + " more arguments)")
		case redact(i):
			out[i] = []byte("(redacted)")
		case len(args[i]) > slowlogMaxArgBytes:
			more := len(args[i]) - slowlogMaxArgBytes
			out[i] = append(append([]byte(nil), args[i][:slowlogMaxArgBytes]...),
				"... ("+strconv.Itoa(more)+" more bytes)"...)
		default:
			out[i] = append([]byte(nil), args[i]...)
		}
	}
	return out
}

// redactedArgs tells which arguments Redis hides from the slow log (and
// MONITOR): AUTH's, HELLO's AUTH username and password, and CONFIG SET's
// value of a password setting.
func redactedArgs(args [][]byte) func(i int) bool {
	none := func(int) bool { return false }
	switch {
	case strings.EqualFold(string(args[0]), "AUTH"):
		return func(i int) bool { return i > 0 }
	case strings.EqualFold(string(args[0]), "HELLO"):
		// Options are walked as helloCommand walks them: SETNAME's name
		// may read AUTH, and every AUTH pair is redacted. NB: past an
		// unknown option Redis stops with a syntax error and shows the
		// rest as it came; this keeps walking, to hide a password there.
		secret := make([]bool, len(args))
		for i := 2; i < len(args); i++ {
			more := len(args) - 1 - i
			switch opt := string(args[i]); {
			case strings.EqualFold(opt, "AUTH") && more >= 2:
				secret[i+1], secret[i+2] = true, true
				i += 2
			case strings.EqualFold(opt, "SETNAME") && more >= 1:
				i++
			}
		}
		return func(i int) bool { return secret[i] }
	case strings.EqualFold(string(args[0]), "CONFIG") && len(args) > 1 && strings.EqualFold(string(args[1]), "SET"):
		return func(i int) bool {
			if i < 3 || (i-2)%2 != 1 {
				return false
			}
			name := strings.ToLower(string(args[i-1]))
			return name == "requirepass" || name == "masterauth" || name == "masteruser"
		}
	}
	return none
}

func (l *slowlog) reset() {
	l.mu.Lock()
	clear(l.entries)
	l.entries = l.entries[:0]
	l.mu.Unlock()
}

func (l *slowlog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// newest returns copies of the latest count entries (all for -1).
func (l *slowlog) newest(count int64) []slowEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if count < 0 || count > int64(len(l.entries)) {
		count = int64(len(l.entries))
	}
	out := make([]slowEntry, count)
	for i := range out {
		out[i] = l.entries[len(l.entries)-1-i]
	}
	return out
}

func (l *slowlog) settings() (slowerThan, maxLen int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.slowerThan.Load(), l.maxLen
}

// set changes the threshold or the length limit; a shorter limit takes
// effect at the next entry, as in Redis.
func (l *slowlog) set(slowerThan, maxLen *int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if slowerThan != nil {
		l.slowerThan.Store(*slowerThan)
	}
	if maxLen != nil {
		l.maxLen = *maxLen
	}
}

var slowlogHelp = command.Help(
	"GET [<count>]",
	"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
	"    Entries are made of:",
	"    id, timestamp, time in microseconds, arguments array, client IP and port,",
	"    client name",
	"LEN",
	"    Return the length of the slowlog.",
	"RESET",
	"    Reset the slowlog.",
)

const errSlowlogCount command.Error = "ERR count should be greater than or equal to -1"

// slowlogSpec is SLOWLOG with Redis 7.2's flags and categories.
func slowlogSpec(s *Server) command.Spec {
	const admin = command.Admin | command.Loading | command.Stale
	acl := []string{"@admin", "@slow", "@dangerous"}
	return command.Spec{Name: "SLOWLOG", Arity: -2, Group: "server", Since: "2.2.12",
		Summary: "A container for slow log commands.", ACLCategories: []string{"@slow"},
		Subcommands: []command.Spec{
			{Name: "SLOWLOG|GET", Arity: -2, Flags: admin, ACLCategories: acl, Run: s.slowlogGet,
				Summary: "Returns the slow log's entries.", Since: "2.2.12", Group: "server"},
			{Name: "SLOWLOG|LEN", Arity: 2, Flags: admin, ACLCategories: acl, Run: s.slowlogLen,
				Summary: "Returns the number of entries in the slow log.", Since: "2.2.12", Group: "server"},
			{Name: "SLOWLOG|RESET", Arity: 2, Flags: admin, ACLCategories: acl, Run: s.slowlogReset,
				Summary: "Clears all entries from the slow log.", Since: "2.2.12", Group: "server"},
			{Name: "SLOWLOG|HELP", Arity: 2, Flags: command.Loading | command.Stale, ACLCategories: []string{"@slow"}, Run: slowlogHelp,
				Summary: "Show helpful text about the different subcommands", Since: "6.2.0", Group: "server"},
		}}
}

func (s *Server) slowlogGet(c *command.Ctx) error {
	if len(c.Args) > 3 {
		return command.Error("ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.")
	}
	count := int64(10)
	if len(c.Args) == 3 {
		n, err := strconv.ParseInt(string(c.Args[2]), 10, 64)
		if err != nil || n < -1 {
			return errSlowlogCount
		}
		count = n
	}
	entries := s.slowlog.newest(count)
	c.Out.Array(len(entries))
	for _, e := range entries {
		c.Out.Array(6)
		c.Out.Int(e.id)
		c.Out.Int(e.unix)
		c.Out.Int(e.micros)
		c.Out.Array(len(e.args))
		for _, a := range e.args {
			c.Out.Bulk(a)
		}
		c.Out.BulkString(e.addr)
		c.Out.BulkString(e.name)
	}
	return nil
}

func (s *Server) slowlogLen(c *command.Ctx) error {
	c.Out.Int(int64(s.slowlog.len()))
	return nil
}

func (s *Server) slowlogReset(c *command.Ctx) error {
	s.slowlog.reset()
	c.Out.OK()
	return nil
}
