package broker

import (
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/brokerd/brokerd/command"
)

// clientAttrs are what a connection set with CLIENT SETINFO, NO-EVICT and
// NO-TOUCH.
//
// NO-EVICT is honoured trivially: brokerd never evicts clients. NO-TOUCH
// is recorded and shown (flag T) but kv still updates access times for
// OBJECT IDLETIME; that needs a hook in kv.
type clientAttrs struct {
	libName, libVer  string
	noEvict, noTouch bool
}

// updateAttrs changes the client's attributes with f.
func (cl *client) updateAttrs(f func(*clientAttrs)) {
	cl.info.mu.Lock()
	f(&cl.info.attrs)
	cl.info.mu.Unlock()
}

func clientID(c *command.Ctx) error {
	c.Out.Int(clientOf(c).id)
	return nil
}

func clientSetName(c *command.Ctx) error {
	if !validClientName(c.Args[2]) {
		return errBadName
	}
	clientOf(c).setName(string(c.Args[2]))
	c.Out.OK()
	return nil
}

func clientGetName(c *command.Ctx) error {
	if name := clientOf(c).name(); name != "" {
		c.Out.BulkString(name)
	} else {
		c.Out.Null()
	}
	return nil
}

// clientSetInfo implements CLIENT SETINFO LIB-NAME|LIB-VER value; an empty
// value clears the attribute.
func (s *Server) clientSetInfo(c *command.Ctx) error {
	attr, val := c.Args[2], c.Args[3]
	var set func(*clientAttrs)
	switch {
	case command.Is(attr, "lib-name"):
		set = func(a *clientAttrs) { a.libName = string(val) }
	case command.Is(attr, "lib-ver"):
		set = func(a *clientAttrs) { a.libVer = string(val) }
	default:
		return command.Error("ERR Unrecognized option '" + string(attr) + "'")
	}
	if !validClientName(val) {
		return command.Error("ERR " + string(attr) + " cannot contain spaces, newlines or special characters.")
	}
	clientOf(c).updateAttrs(set)
	c.Out.OK()
	return nil
}

// onOff parses CLIENT NO-EVICT / NO-TOUCH's argument.
func onOff(arg []byte) (bool, error) {
	switch {
	case command.Is(arg, "on"):
		return true, nil
	case command.Is(arg, "off"):
		return false, nil
	}
	return false, command.ErrSyntax
}

func (s *Server) clientNoEvict(c *command.Ctx) error {
	on, err := onOff(c.Args[2])
	if err != nil {
		return err
	}
	clientOf(c).updateAttrs(func(a *clientAttrs) { a.noEvict = on })
	c.Out.OK()
	return nil
}

func (s *Server) clientNoTouch(c *command.Ctx) error {
	on, err := onOff(c.Args[2])
	if err != nil {
		return err
	}
	clientOf(c).updateAttrs(func(a *clientAttrs) { a.noTouch = on })
	c.Out.OK()
	return nil
}

func (s *Server) clientInfo(c *command.Ctx) error {
	line := s.appendClientInfo(nil, clientOf(c), timeNow())
	c.Out.Verbatim(string(append(line, '\n')))
	return nil
}

// clientType is Redis's client class for CLIENT LIST/KILL TYPE.
type clientType int

const (
	typeNormal clientType = iota
	typeReplica
	typePubSub
	typeMaster
)

func parseClientType(b []byte) (clientType, error) {
	switch strings.ToLower(string(b)) {
	case "normal":
		return typeNormal, nil
	case "slave", "replica":
		return typeReplica, nil
	case "pubsub":
		return typePubSub, nil
	case "master":
		return typeMaster, nil
	}
	return 0, command.Error("ERR Unknown client type '" + string(b) + "'")
}

// typeOf classifies a client: one with subscriptions is "pubsub", as in
// Redis; brokerd has no replicas or masters.
func (s *Server) typeOf(cl *client) clientType {
	if sb := cl.subscriberForInfo(); sb != nil {
		if ch, pat, shard := s.pubsub.Counts(sb); ch+pat+shard > 0 {
			return typePubSub
		}
	}
	return typeNormal
}

// clientList implements CLIENT LIST [TYPE type] [ID id ...].
func (s *Server) clientList(c *command.Ctx) error {
	all := s.liveClients()
	var pick []*client
	switch {
	case len(c.Args) == 2:
		pick = all
	case len(c.Args) == 4 && command.Is(c.Args[2], "type"):
		t, err := parseClientType(c.Args[3])
		if err != nil {
			return err
		}
		for _, cl := range all {
			if s.typeOf(cl) == t {
				pick = append(pick, cl)
			}
		}
	case len(c.Args) > 3 && command.Is(c.Args[2], "id"):
		byID := make(map[int64]*client, len(all))
		for _, cl := range all {
			byID[cl.id] = cl
		}
		for _, a := range c.Args[3:] {
			id, ok := command.ParseInt(a)
			if !ok {
				return command.Error("ERR Invalid client ID")
			}
			if cl := byID[id]; cl != nil {
				pick = append(pick, cl)
			}
		}
	default:
		return command.ErrSyntax
	}
	now := timeNow()
	var b []byte
	for _, cl := range pick {
		b = s.appendClientInfo(b, cl, now)
		b = append(b, '\n')
	}
	c.Out.Verbatim(string(b))
	return nil
}

// liveClients are the registered clients not already killed, by id.
func (s *Server) liveClients() []*client {
	all := s.clients.snapshot()
	out := all[:0]
	for _, cl := range all {
		if !cl.killed.Load() {
			out = append(out, cl)
		}
	}
	return out
}

// appendClientInfo formats one CLIENT LIST line in Redis 7.2's field order
// (networking.c catClientInfoString). Fields brokerd measures are real:
// id, addr, laddr, fd, name, age, idle, flags (O, P, x, e, T or N), db, cmd, resp,
// lib-name, lib-ver. The rest have no counterpart here and carry the value
// Redis shows for an idle client with nothing buffered:
//   - qbuf, qbuf-free, argv-mem, multi-mem, rbs, rbp, obl, oll, omem,
//     tot-mem = 0: redcon owns the query and reply buffers and does not
//     expose their sizes;
//   - events=r: the connection is always being read; user=default: the only
//     user; redir=-1: no client tracking.
func (s *Server) appendClientInfo(b []byte, cl *client, now time.Time) []byte {
	cl.info.mu.Lock()
	name, addr, laddr := cl.info.name, cl.info.addr, cl.info.laddr
	created, last, lastCmd := cl.info.created, cl.info.lastTime, cl.info.lastCmd
	db, proto, attrs := cl.info.db, cl.info.proto, cl.info.attrs
	cl.info.mu.Unlock()

	var subs, psubs, ssubs int
	if sb := cl.subscriberForInfo(); sb != nil {
		subs, psubs, ssubs = s.pubsub.Counts(sb)
	}
	multi := cl.multiQueued.Load()
	// Redis's order (catClientInfoString): O, P, x, ..., e, T; N when none.
	flags := ""
	if cl.monitoring.Load() {
		flags += "O"
	}
	if subs+psubs+ssubs > 0 {
		flags += "P"
	}
	if multi >= 0 {
		flags += "x"
	}
	if attrs.noEvict {
		flags += "e"
	}
	if attrs.noTouch {
		flags += "T"
	}
	if flags == "" {
		flags = "N"
	}
	b = fmt.Appendf(b, "id=%d addr=%s laddr=%s fd=%d name=%s age=%d idle=%d flags=%s db=%d",
		cl.id, addr, laddr, clientFD(cl), name,
		int64(now.Sub(created)/time.Second), int64(now.Sub(last)/time.Second), flags, db)
	b = fmt.Appendf(b, " sub=%d psub=%d ssub=%d multi=%d", subs, psubs, ssubs, multi)
	b = append(b, " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0"+
		" rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r"...)
	cmd := "NULL"
	if lastCmd != nil {
		cmd = strings.ToLower(lastCmd.Name)
	}
	b = fmt.Appendf(b, " cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s",
		cmd, proto, attrs.libName, attrs.libVer)
	return b
}

// netConn is the client's socket: the net.Conn under redcon, whose Close
// is safe from any goroutine (unlike redcon's conn.Close).
func (cl *client) netConn() net.Conn {
	if cl.guard != nil {
		return cl.guard.Conn
	}
	return cl.conn.NetConn()
}

// disconnect closes the client's connection from another goroutine. The
// event loop's sockets are shut down instead, and the loop closes them.
func (cl *client) disconnect() {
	if cl.lane != nil && cl.lane.shutdownFD() {
		return
	}
	if c := cl.netConn(); c != nil {
		c.Close() // nil once the event loop closed it
	}
}

// clientFD is the socket's file descriptor, or -1 once it is closed.
func clientFD(cl *client) int64 {
	if cl.lane != nil {
		if fd, ok := cl.lane.fdNumber(); ok {
			return fd
		}
	}
	sc, ok := cl.netConn().(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := int64(-1)
	if raw.Control(func(f uintptr) { fd = int64(f) }) != nil {
		return -1
	}
	return fd
}

// killFilter is CLIENT KILL's selection; zero fields match everything.
type killFilter struct {
	id     int64
	addr   string
	laddr  string
	typ    *clientType
	maxAge int64 // seconds; only clients at least this old
	skipMe bool
}

// parseKillFilter reads the new form: pairs of option and value.
func parseKillFilter(args [][]byte) (killFilter, error) {
	f := killFilter{skipMe: true}
	if len(args)%2 != 0 {
		return f, command.ErrSyntax
	}
	for i := 0; i < len(args); i += 2 {
		opt, val := args[i], args[i+1]
		switch {
		case command.Is(opt, "id"):
			id, ok := command.ParseInt(val)
			if !ok || id < 1 {
				return f, command.Error("ERR client-id should be greater than 0")
			}
			f.id = id
		case command.Is(opt, "type"):
			t, err := parseClientType(val)
			if err != nil {
				return f, err
			}
			f.typ = &t
		case command.Is(opt, "addr"):
			f.addr = string(val)
		case command.Is(opt, "laddr"):
			f.laddr = string(val)
		case command.Is(opt, "user"):
			if string(val) != "default" {
				return f, command.Error("ERR No such user '" + string(val) + "'")
			}
		case command.Is(opt, "skipme"):
			switch {
			case command.Is(val, "yes"):
				f.skipMe = true
			case command.Is(val, "no"):
				f.skipMe = false
			default:
				return f, command.ErrSyntax
			}
		case command.Is(opt, "maxage"):
			age, ok := command.ParseInt(val)
			if !ok {
				return f, command.Error("ERR maxage is not an integer or out of range")
			}
			if age <= 0 {
				return f, command.Error("ERR maxage should be greater than 0")
			}
			f.maxAge = age
		default:
			return f, command.ErrSyntax
		}
	}
	return f, nil
}

func (f *killFilter) match(cl, me *client, now time.Time) bool {
	cl.info.mu.Lock()
	addr, laddr, created := cl.info.addr, cl.info.laddr, cl.info.created
	cl.info.mu.Unlock()
	switch {
	case f.id != 0 && cl.id != f.id,
		f.addr != "" && addr != f.addr,
		f.laddr != "" && laddr != f.laddr,
		f.typ != nil && cl.srv.typeOf(cl) != *f.typ,
		f.maxAge > 0 && int64(now.Sub(created)/time.Second) < f.maxAge,
		f.skipMe && cl == me:
		return false
	}
	return true
}

// clientKill implements both forms of CLIENT KILL. The old form (one
// ip:port argument) may kill the caller and answers OK or "No such
// client"; the new form answers how many clients it killed.
//
// Another client is killed by closing its socket from here: its redcon
// read loop then fails and the closed hook unregisters it. The caller is
// closed after its reply instead.
func (s *Server) clientKill(c *command.Ctx) error {
	me := clientOf(c)
	oldForm := len(c.Args) == 3
	f := killFilter{addr: string(c.Args[2])}
	if !oldForm {
		var err error
		if f, err = parseKillFilter(c.Args[2:]); err != nil {
			return err
		}
	}
	now := timeNow()
	killed := 0
	for _, cl := range s.liveClients() {
		if !f.match(cl, me, now) {
			continue
		}
		if !cl.killed.CompareAndSwap(false, true) {
			continue // another CLIENT KILL got it first
		}
		if cl == me {
			me.closeAfterReply = true
		} else {
			cl.disconnect()
		}
		killed++
	}
	switch {
	case !oldForm:
		c.Out.Int(int64(killed))
	case killed == 0:
		return command.Error("ERR No such client")
	default:
		c.Out.OK()
	}
	return nil
}

var clientHelpLines = []string{
	"GETNAME",
	"    Return the name of the current connection.",
	"ID",
	"    Return the ID of the current connection.",
	"INFO",
	"    Return information about the current client connection.",
	"KILL <ip:port>",
	"    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made from the specified address",
	"    * LADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made to specified local address",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"    * ID <client-id>",
	"      Kill connections by client id.",
	"    * MAXAGE <maxage>",
	"      Kill connections older than the specified age.",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"SETNAME <name>",
	"    Assign the name <name> to the current connection.",
	"SETINFO <option> <value>",
	"    Set client meta attr. Options are:",
	"    * LIB-NAME: the client lib name.",
	"    * LIB-VER: the client lib version.",
	"NO-EVICT (ON|OFF)",
	"    Protect current client connection from eviction.",
	"NO-TOUCH (ON|OFF)",
	"    Will not touch LRU/LFU stats when this mode is on.",
}
