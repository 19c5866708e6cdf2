package broker

import (
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// ACL categories as Redis 7.2's COMMAND INFO prints them for the admin
// commands: the declared ones plus those implied by the flags (admin adds
// @admin and @dangerous, fast adds @fast, anything else is @slow), in
// Redis's category order.
var (
	aclSlow          = []string{"@slow"}
	aclFast          = []string{"@fast"}
	aclSlowConn      = []string{"@slow", "@connection"}
	aclAdminConn     = []string{"@admin", "@slow", "@dangerous", "@connection"}
	aclAdmin         = []string{"@admin", "@slow", "@dangerous"}
	aclSlowDangerous = []string{"@slow", "@dangerous"}
)

// Flag sets shared by the CLIENT and CONFIG subcommands.
const (
	flagsConnInfo = command.NoScript | command.Loading | command.Stale
	flagsAdmin    = command.Admin | command.NoScript | command.Loading | command.Stale
)

// serverSpecs are the server and connection administration commands:
// CLIENT, CONFIG, COMMAND, INFO, TIME, SHUTDOWN, SLOWLOG and MONITOR, with Redis 7.2's arity,
// flags, key positions, categories and docs (src/commands.def).
//
// These run under the keyspace read lock like every non-write command; the
// only one that touches the keyspace is INFO keyspace.
func serverSpecs(s *Server) []command.Spec {
	const conn, server = "connection", "server"
	help := "Returns helpful text about the different subcommands."
	return []command.Spec{
		{Name: "CLIENT", Arity: -2, ACLCategories: aclSlow,
			Summary: "A container for client connection commands.", Since: "2.4.0", Group: conn,
			Subcommands: []command.Spec{
				{Name: "CLIENT|ID", Arity: 2, Flags: flagsConnInfo, ACLCategories: aclSlowConn, Run: clientID,
					Summary: "Returns the unique client ID of the connection.", Since: "5.0.0", Group: conn},
				{Name: "CLIENT|SETNAME", Arity: 3, Flags: flagsConnInfo, ACLCategories: aclSlowConn, Run: clientSetName,
					Summary: "Sets the connection name.", Since: "2.6.9", Group: conn},
				{Name: "CLIENT|GETNAME", Arity: 2, Flags: flagsConnInfo, ACLCategories: aclSlowConn, Run: clientGetName,
					Summary: "Returns the name of the connection.", Since: "2.6.9", Group: conn},
				{Name: "CLIENT|INFO", Arity: 2, Flags: flagsConnInfo | command.Random, ACLCategories: aclSlowConn, Run: s.clientInfo,
					Summary: "Returns information about the connection.", Since: "6.2.0", Group: conn},
				{Name: "CLIENT|LIST", Arity: -2, Flags: flagsAdmin | command.Random, ACLCategories: aclAdminConn, Run: s.clientList,
					Summary: "Lists open connections.", Since: "2.4.0", Group: conn},
				{Name: "CLIENT|KILL", Arity: -3, Flags: flagsAdmin, ACLCategories: aclAdminConn, Run: s.clientKill,
					Summary: "Terminates open connections.", Since: "2.4.0", Group: conn},
				{Name: "CLIENT|SETINFO", Arity: 4, Flags: flagsConnInfo, ACLCategories: aclSlowConn, Run: s.clientSetInfo,
					Summary: "Sets information specific to the client or connection.", Since: "7.2.0", Group: conn},
				{Name: "CLIENT|NO-EVICT", Arity: 3, Flags: flagsAdmin, ACLCategories: aclAdminConn, Run: s.clientNoEvict,
					Summary: "Sets the client eviction mode of the connection.", Since: "7.0.0", Group: conn},
				{Name: "CLIENT|NO-TOUCH", Arity: 3, Flags: flagsConnInfo, ACLCategories: aclSlowConn, Run: s.clientNoTouch,
					Summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", Since: "7.2.0", Group: conn},
				{Name: "CLIENT|HELP", Arity: 2, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: command.Help(clientHelpLines...),
					Summary: help, Since: "5.0.0", Group: conn},
			},
		},
		{Name: "CONFIG", Arity: -2, ACLCategories: aclSlow,
			Summary: "A container for server configuration commands.", Since: "2.0.0", Group: server,
			// NB: CONFIG REWRITE is left out on purpose: brokerd does not
			// own the file it was started from, so it answers "unknown
			// subcommand" rather than a false OK.
			Subcommands: []command.Spec{
				{Name: "CONFIG|GET", Arity: -3, Flags: flagsAdmin, ACLCategories: aclAdmin, Run: s.configGet,
					Summary: "Returns the effective values of configuration parameters.", Since: "2.0.0", Group: server},
				{Name: "CONFIG|SET", Arity: -4, Flags: flagsAdmin, ACLCategories: aclAdmin, Run: s.configSet,
					Summary: "Sets configuration parameters in-flight.", Since: "2.0.0", Group: server},
				{Name: "CONFIG|RESETSTAT", Arity: 2, Flags: flagsAdmin, ACLCategories: aclAdmin, Run: s.configResetStat,
					Summary: "Resets the server's statistics.", Since: "2.0.0", Group: server},
				{Name: "CONFIG|HELP", Arity: 2, Flags: command.Loading | command.Stale, ACLCategories: aclSlow, Run: command.Help(configHelpLines...),
					Summary: help, Since: "5.0.0", Group: server},
			},
		},
		{Name: "COMMAND", Arity: -1, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: s.commandAll,
			Summary: "Returns detailed information about all commands.", Since: "2.8.13", Group: server,
			Subcommands: []command.Spec{
				{Name: "COMMAND|COUNT", Arity: 2, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: s.commandCount,
					Summary: "Returns a count of commands.", Since: "2.8.13", Group: server},
				{Name: "COMMAND|DOCS", Arity: -2, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: s.commandDocs,
					Summary: "Returns documentary information about one, multiple or all commands.", Since: "7.0.0", Group: server},
				{Name: "COMMAND|GETKEYS", Arity: -3, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: s.commandGetKeys,
					Summary: "Extracts the key names from an arbitrary command.", Since: "2.8.13", Group: server},
				{Name: "COMMAND|GETKEYSANDFLAGS", Arity: -3, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: s.commandGetKeysAndFlags,
					Summary: "Extracts the key names and access flags for an arbitrary command.", Since: "7.0.0", Group: server},
				{Name: "COMMAND|HELP", Arity: 2, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: command.Help(commandHelpLines...),
					Summary: help, Since: "5.0.0", Group: server},
				{Name: "COMMAND|INFO", Arity: -2, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: s.commandInfo,
					Summary: "Returns information about one, multiple or all commands.", Since: "2.8.13", Group: server},
				{Name: "COMMAND|LIST", Arity: -2, Flags: command.Loading | command.Stale, ACLCategories: aclSlowConn, Run: s.commandList,
					Summary: "Returns a list of command names.", Since: "7.0.0", Group: server},
			},
		},
		{Name: "INFO", Arity: -1, Flags: command.Loading | command.Stale | command.Random, ACLCategories: aclSlowDangerous, Run: s.info,
			Summary: "Returns information and statistics about the server.", Since: "1.0.0", Group: server},
		{Name: "TIME", Arity: 1, Flags: command.Loading | command.Stale | command.Fast | command.Random, ACLCategories: aclFast, Run: timeCommand,
			Summary: "Returns the server time.", Since: "2.6.0", Group: server},
		{Name: "SHUTDOWN", Arity: -1,
			Flags:         command.Admin | command.NoScript | command.Loading | command.Stale | command.NoMulti | command.AllowBusy,
			ACLCategories: aclAdmin, Run: s.shutdown,
			Summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.", Since: "1.0.0", Group: server},
		slowlogSpec(s), // slowlog.go
		{Name: "MONITOR", Arity: 1, Flags: command.Admin | command.NoScript | command.Loading | command.Stale,
			ACLCategories: aclAdmin, Run: s.monitor, // monitor.go
			Summary: "Listens for all requests received by the server in real-time.", Since: "1.0.0", Group: server},
	}
}

// itoa formats the int64s CONFIG and INFO print.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
