package broker

import (
	"time"

	"github.com/brokerd/brokerd/command"
)

// RedisVersion is the Redis version brokerd is compatible with; clients
// read it from HELLO and INFO to pick features.
const RedisVersion = "7.2.4"

var timeNow = time.Now

// connectionSpecs are the commands about the connection itself.
func connectionSpecs(s *Server) []command.Spec {
	conn := []string{"@fast", "@connection"}
	return []command.Spec{
		{Name: "PING", Arity: -1, MaxArgs: 2, Flags: command.Fast | command.SubscribedOK, ACLCategories: conn,
			Run: ping, Summary: "Returns the server's liveliness response.", Since: "1.0.0", Group: "connection"},
		{Name: "ECHO", Arity: 2, Flags: command.Fast | command.Loading | command.Stale, ACLCategories: conn,
			Run: echo, Summary: "Returns the given string.", Since: "1.0.0", Group: "connection"},
		{Name: "SELECT", Arity: 2, Flags: command.Loading | command.Stale | command.Fast, ACLCategories: conn,
			Run: s.selectDB, Summary: "Changes the selected database.", Since: "1.0.0", Group: "connection"},
		{Name: "AUTH", Arity: -2, Flags: command.NoScript | command.Loading | command.Stale | command.Fast | command.NoAuth | command.AllowBusy,
			ACLCategories: conn, Run: s.auth, Summary: "Authenticates the connection.", Since: "1.0.0", Group: "connection"},
		{Name: "HELLO", Arity: -1, Flags: command.NoScript | command.Loading | command.Stale | command.Fast | command.NoAuth | command.AllowBusy,
			ACLCategories: conn, Run: s.hello, Summary: "Handshakes with the Redis server.", Since: "6.0.0", Group: "connection"},
		{Name: "QUIT", Arity: -1, Flags: command.NoScript | command.AllowBusy | command.NoAuth | command.Loading | command.Stale | command.Fast | command.SubscribedOK,
			ACLCategories: conn, Run: quit, Summary: "Closes the connection.", Since: "1.0.0", Group: "connection"},
		{Name: "RESET", Arity: 1, Flags: command.NoScript | command.Loading | command.Stale | command.Fast | command.NoAuth | command.AllowBusy | command.SubscribedOK,
			ACLCategories: conn, Run: s.reset, Summary: "Resets the connection.", Since: "6.2.0", Group: "connection"},
	}
}

func clientOf(c *command.Ctx) *client { return c.Conn.(*client) }

func ping(c *command.Ctx) error {
	if clientOf(c).subscribedRESP2() {
		// A subscribed RESP2 client reads pushes, so PING answers in
		// their shape: ["pong", message].
		c.Out.Array(2)
		c.Out.BulkString("pong")
		if len(c.Args) == 2 {
			c.Out.Bulk(c.Args[1])
		} else {
			c.Out.BulkString("")
		}
		return nil
	}
	if len(c.Args) == 2 {
		c.Out.Bulk(c.Args[1])
		return nil
	}
	c.Out.Simple("PONG")
	return nil
}

func echo(c *command.Ctx) error {
	c.Out.Bulk(c.Args[1])
	return nil
}

func quit(c *command.Ctx) error {
	clientOf(c).closeAfterReply = true
	c.Out.OK()
	return nil
}

func (s *Server) selectDB(c *command.Ctx) error {
	i, err := command.DBIndex(c.Args[1], s.store.Len())
	if err != nil {
		return err
	}
	clientOf(c).selectDB(i)
	c.Out.OK()
	return nil
}

// checkPassword authenticates username/password against requirepass; the
// only user is "default", as in Redis without ACL files.
func (s *Server) checkPassword(username, password []byte) error {
	pass := s.requirePass()
	if string(username) != "default" {
		return command.ErrWrongPass
	}
	if pass == "" || string(password) == pass {
		return nil
	}
	return command.ErrWrongPass
}

func (s *Server) auth(c *command.Ctx) error {
	if len(c.Args) > 3 {
		return command.ErrSyntax
	}
	user, pass := []byte("default"), c.Args[1]
	if len(c.Args) == 3 {
		user, pass = c.Args[1], c.Args[2]
	} else if s.requirePass() == "" {
		return command.ErrNoPasswordSet
	}
	if err := s.checkPassword(user, pass); err != nil {
		return err
	}
	clientOf(c).authed.Store(true)
	c.Out.OK()
	return nil
}

const (
	errNoProto   command.Error = "NOPROTO unsupported protocol version"
	errHelloAuth command.Error = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
	errBadName   command.Error = "ERR Client names cannot contain spaces, newlines or special characters."
)

// hello implements HELLO [protover [AUTH user pass] [SETNAME name]].
func (s *Server) hello(c *command.Ctx) error {
	cl := clientOf(c)
	proto := 0
	next := 1
	if len(c.Args) >= 2 {
		v, ok := command.ParseInt(c.Args[1])
		if !ok {
			return command.Error("ERR Protocol version is not an integer or out of range")
		}
		if v < 2 || v > 3 {
			return errNoProto
		}
		proto, next = int(v), 2
	}
	var user, pass, name []byte
	hasName := false
	for i := next; i < len(c.Args); i++ {
		more := len(c.Args) - 1 - i
		switch {
		case command.Is(c.Args[i], "AUTH") && more >= 2:
			user, pass = c.Args[i+1], c.Args[i+2]
			i += 2
		case command.Is(c.Args[i], "SETNAME") && more >= 1:
			name, hasName = c.Args[i+1], true
			i++
		default:
			return command.Error("ERR Syntax error in HELLO option '" + string(c.Args[i]) + "'")
		}
	}
	if user != nil {
		if err := s.checkPassword(user, pass); err != nil {
			return err
		}
		cl.authed.Store(true)
	}
	if cl.authRequired() {
		return errHelloAuth
	}
	if hasName {
		if !validClientName(name) {
			return errBadName
		}
		cl.setName(string(name))
	}
	if proto != 0 {
		cl.setProto(proto)
	}
	c.Out.Map(7)
	c.Out.BulkString("server")
	c.Out.BulkString("redis")
	c.Out.BulkString("version")
	c.Out.BulkString(RedisVersion)
	c.Out.BulkString("proto")
	c.Out.Int(int64(cl.proto))
	c.Out.BulkString("id")
	c.Out.Int(cl.id)
	c.Out.BulkString("mode")
	c.Out.BulkString("standalone")
	c.Out.BulkString("role")
	c.Out.BulkString("master")
	c.Out.BulkString("modules")
	c.Out.Array(0)
	return nil
}

// validClientName applies Redis's rule: printable ASCII, no spaces.
func validClientName(name []byte) bool {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

// reset implements RESET: the connection goes back to its state right
// after connecting.
func (s *Server) reset(c *command.Ctx) error {
	cl := clientOf(c)
	cl.setTransaction(nil)
	s.watches.unwatchAll(cl)
	if cl.sub != nil {
		s.pubsub.RemoveAll(cl.sub) // RESET leaves every channel without confirmations
		cl.subscriptions = 0
	}
	s.dropMonitor(cl) // and MONITOR mode
	cl.selectDB(0)
	cl.setProto(2)
	cl.setName("")
	cl.updateAttrs(func(a *clientAttrs) { a.noEvict, a.noTouch = false, false })
	if s.requirePass() != "" {
		cl.authed.Store(false)
	}
	c.Out.Simple("RESET")
	return nil
}

// noteCommand records the last command for CLIENT LIST's cmd= and idle=.
func (cl *client) noteCommand(spec *command.Spec) {
	cl.info.mu.Lock()
	cl.info.lastCmd = spec
	cl.info.lastTime = cl.srv.clock.now()
	cl.info.mu.Unlock()
}
