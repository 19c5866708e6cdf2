package command

import "strings"

// Help returns the handler of a container command's HELP subcommand
// (OBJECT HELP, XINFO HELP, ...): it replies as Redis's addReplyHelp, a
// header naming the command as the client typed it, the lines, and the
// HELP entry every container has, all as simple strings.
func Help(lines ...string) Handler {
	return func(c *Ctx) error {
		c.Out.Array(len(lines) + 3)
		c.Out.Simple(strings.ToUpper(string(c.Args[0])) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range lines {
			c.Out.Simple(l)
		}
		c.Out.Simple("HELP")
		c.Out.Simple("    Prints this help.") // as redis-server 7.0.15 answers
		return nil
	}
}
