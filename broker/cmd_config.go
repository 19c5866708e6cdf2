package broker

import (
	"bytes"
	"math"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/glob"
	"github.com/brokerd/brokerd/streams"
)

// configParam is one parameter CONFIG GET reports and, unless immutable,
// CONFIG SET changes. Only parameters brokerd really has are listed.
type configParam struct {
	name string
	// protected is Redis's PROTECTED_CONFIG: refused by CONFIG SET while
	// enable-protected-configs is no, its default (brokerd has no such
	// switch).
	protected bool
	// get runs with settings.mu held for reading.
	get func(s *Server) string
	// parse checks a new value and returns the change to make, or Redis's
	// reason text ("argument couldn't be parsed into an integer"). The
	// change runs with settings.mu held and must not fail.
	parse func(s *Server, v string) (apply func(), reason string)
}

// immutable reports Redis's "can't set immutable config".
func (p *configParam) immutable() bool { return p.parse == nil }

// configParams in the order CONFIG GET * lists them.
//
// bind and port are mutable in Redis; here the listener is fixed for the
// life of the server, so they are immutable. dir is protected, as in Redis
// by default.
// appendonly is always yes (the WAL cannot be turned off) and save is
// always empty (there are no RDB save points).
var configParams = append([]configParam{
	{name: "bind", get: func(s *Server) string { return s.cfg.Bind }},
	{name: "port", get: func(s *Server) string { return strconv.Itoa(s.listenPort()) }},
	{name: "dir", protected: true, get: func(s *Server) string {
		if abs, err := filepath.Abs(s.cfg.Dir); err == nil {
			return abs
		}
		return s.cfg.Dir
	}},
	{name: "databases", get: func(s *Server) string { return strconv.Itoa(s.store.Len()) }},
	{name: "appendonly", get: func(*Server) string { return "yes" }},
	{name: "appendfsync", get: func(s *Server) string { return s.log.Policy().String() }, parse: parseAppendFsync},
	{name: "save", get: func(*Server) string { return "" }, parse: func(_ *Server, v string) (func(), string) {
		if v != "" {
			return nil, "brokerd has no RDB save points; it persists through its write-ahead log"
		}
		return func() {}, ""
	}},
	{name: "requirepass", get: func(s *Server) string { return s.settings.requirepass }, parse: parseRequirePass},
	{name: "maxclients", get: func(s *Server) string { return strconv.Itoa(s.settings.maxclients) },
		parse: func(s *Server, v string) (func(), string) {
			n, reason := parseBounded(v, 1, 1<<32-1)
			if reason != "" {
				return nil, reason
			}
			return func() { s.settings.maxclients = int(n) }, ""
		}},
	{name: "client-output-buffer-limit", get: getOutputLimit, parse: parseOutputLimit},
	{name: "notify-keyspace-events", get: getNotifyFlags, parse: parseNotifyConfig},
	{name: "stream-node-max-bytes", get: func(*Server) string {
		bytes, _ := streams.NodeLimits()
		return itoa(bytes)
	}, parse: parseStreamNodeMaxBytes},
	{name: "stream-node-max-entries", get: func(*Server) string {
		_, entries := streams.NodeLimits()
		return itoa(entries)
	}, parse: func(_ *Server, v string) (func(), string) {
		n, reason := parseBounded(v, 0, math.MaxInt64)
		if reason != "" {
			return nil, reason
		}
		return func() { streams.SetNodeMaxEntries(n) }, ""
	}},
	{name: "busy-reply-threshold", get: getBusyThreshold, parse: parseBusyThreshold},
	{name: "slowlog-log-slower-than", get: func(s *Server) string {
		slower, _ := s.slowlog.settings()
		return itoa(slower)
	}, parse: func(s *Server, v string) (func(), string) {
		n, reason := parseBounded(v, -1, math.MaxInt64)
		if reason != "" {
			return nil, reason
		}
		return func() { s.slowlog.set(&n, nil) }, ""
	}},
	{name: "slowlog-max-len", get: func(s *Server) string {
		_, maxLen := s.slowlog.settings()
		return itoa(maxLen)
	}, parse: func(s *Server, v string) (func(), string) {
		n, reason := parseBounded(v, 0, math.MaxInt64)
		if reason != "" {
			return nil, reason
		}
		return func() { s.slowlog.set(nil, &n) }, ""
	}},
	// lua-time-limit is Redis's older name of busy-reply-threshold.
	{name: "lua-time-limit", get: getBusyThreshold, parse: parseBusyThreshold},
	{name: "timeout", get: func(s *Server) string { return itoa(int64(s.settings.timeout / time.Second)) },
		parse: func(s *Server, v string) (func(), string) {
			n, reason := parseBounded(v, 0, 1<<31-1)
			if reason != "" {
				return nil, reason
			}
			return func() {
				d := time.Duration(n) * time.Second
				s.settings.timeout = d
				if s.loop != nil {
					s.loop.poke()
				}
			}, ""
		}},
}, encodingLimitParams()...) // config_encodings.go

// parseStreamNodeMaxBytes reads stream-node-max-bytes as Redis's memory
// configs are read (units allowed), with their two error texts.
func parseStreamNodeMaxBytes(_ *Server, v string) (func(), string) {
	n, ok := ParseMemory(v)
	if !ok {
		if v != "" && strings.Trim(v, "0123456789") == "" {
			return nil, "argument must be between 0 and " + itoa(math.MaxInt64) + " inclusive"
		}
		return nil, "argument must be a memory value"
	}
	return func() { streams.SetNodeMaxBytes(n) }, ""
}

// getBusyThreshold is busy-reply-threshold in milliseconds.
func getBusyThreshold(s *Server) string {
	return itoa(s.scripts.busy.ms.Load())
}

// parseBusyThreshold sets the time (milliseconds, 0 for never) after which
// a running script makes other clients get BUSY and may be killed.
func parseBusyThreshold(s *Server, v string) (func(), string) {
	n, reason := parseBounded(v, 0, math.MaxInt64)
	if reason != "" {
		return nil, reason
	}
	return func() { s.scripts.busy.setThreshold(n) }, ""
}

func lookupConfigParam(name string) *configParam {
	for i := range configParams {
		if strings.EqualFold(configParams[i].name, name) {
			return &configParams[i]
		}
	}
	return nil
}

// parseBounded parses an integer config value the way Redis's
// numericConfigSet does, with its two error texts.
func parseBounded(v string, lo, hi int64) (int64, string) {
	n, ok := command.ParseInt([]byte(v))
	if !ok {
		return 0, "argument couldn't be parsed into an integer"
	}
	if n < lo || n > hi {
		return 0, "argument must be between " + itoa(lo) + " and " + itoa(hi) + " inclusive"
	}
	return n, ""
}

// parseRequirePass sets the default user's password. As in Redis, clients
// connected while no password was required stay authenticated (they were
// authenticated as the nopass default user when they connected).
func parseRequirePass(s *Server, v string) (func(), string) {
	return func() {
		if s.settings.requirepass == "" && v != "" {
			for _, cl := range s.clients.snapshot() {
				cl.authed.Store(true)
			}
		}
		s.settings.requirepass = v
	}, ""
}

// listenPort is the TCP port clients connect to: the listener's, which
// differs from the configured one when that was 0.
func (s *Server) listenPort() int {
	if a, ok := s.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return s.cfg.Port
}

// configGet implements CONFIG GET pattern [pattern ...]: every parameter
// matching any pattern (glob, case-insensitive), once, as a map.
func (s *Server) configGet(c *command.Ctx) error {
	type hit struct {
		name string // as the reply names it
		p    *configParam
	}
	var hits []hit
	seen := map[string]bool{}
	for _, pat := range c.Args[2:] {
		// Like configGetCommand, a name without glob characters is looked
		// up directly and echoed as the client spelled it ("CONFIG GET
		// MAXCLIENTS" answers "MAXCLIENTS").
		if !bytes.ContainsAny(pat, "[*?") {
			if p := lookupConfigParam(string(pat)); p != nil && !seen[p.name] {
				seen[p.name] = true
				hits = append(hits, hit{string(pat), p})
			}
			continue
		}
		for i := range configParams {
			p := &configParams[i]
			if !seen[p.name] && glob.Match(pat, []byte(p.name), true) {
				seen[p.name] = true
				hits = append(hits, hit{p.name, p})
			}
		}
	}
	s.settings.mu.RLock()
	defer s.settings.mu.RUnlock()
	c.Out.Map(len(hits))
	for _, h := range hits {
		c.Out.BulkString(h.name)
		c.Out.BulkString(h.p.get(s))
	}
	return nil
}

// configSet implements CONFIG SET param value [param value ...]. It is
// atomic: every value is checked before any is applied, and the first
// problem (in argument order) is reported with Redis 7.2's texts.
func (s *Server) configSet(c *command.Ctx) error {
	if len(c.Args)%2 != 0 {
		return command.ErrSyntax
	}
	type change struct {
		p     *configParam
		value string
	}
	var changes []change
	for i := 2; i < len(c.Args); i += 2 {
		name := string(c.Args[i])
		p := lookupConfigParam(name)
		switch {
		case p == nil:
			return command.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'")
		case p.protected:
			return configSetFailed(name, "can't set protected config")
		case p.immutable():
			return configSetFailed(name, "can't set immutable config")
		}
		for _, ch := range changes {
			if ch.p == p {
				return configSetFailed(name, "duplicate parameter")
			}
		}
		changes = append(changes, change{p, string(c.Args[i+1])})
	}
	s.settings.mu.Lock()
	defer s.settings.mu.Unlock()
	applies := make([]func(), 0, len(changes))
	for _, ch := range changes {
		apply, reason := ch.p.parse(s, ch.value)
		if reason != "" {
			return configSetFailed(ch.p.name, reason)
		}
		applies = append(applies, apply)
	}
	for _, apply := range applies {
		apply()
	}
	c.Out.OK()
	return nil
}

func configSetFailed(name, reason string) command.Error {
	return command.Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason)
}

func (s *Server) configResetStat(c *command.Ctx) error {
	s.stats.reset()
	s.cmdstats.reset()
	c.Out.OK()
	return nil
}

var configHelpLines = []string{
	"GET <pattern>",
	"    Return parameters matching the glob-like <pattern> and their values.",
	"SET <directive> <value>",
	"    Set the configuration <directive> to <value>.",
	"RESETSTAT",
	"    Reset statistics reported by the INFO command.",
}
