package broker

import (
	"sort"
	"strings"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/glob"
)

// COMMAND and its subcommands describe the command table; everything they
// say is read from the registered Specs.

// commandAll implements COMMAND with no subcommand: every command's info.
func (s *Server) commandAll(c *command.Ctx) error {
	all := s.table.Sorted()
	c.Out.Array(len(all))
	for _, spec := range all {
		writeCommandInfo(c.Out, spec)
	}
	return nil
}

func (s *Server) commandCount(c *command.Ctx) error {
	c.Out.Int(int64(s.table.Len()))
	return nil
}

// commandInfo implements COMMAND INFO [name ...]; unknown names are null.
func (s *Server) commandInfo(c *command.Ctx) error {
	if len(c.Args) == 2 {
		return s.commandAll(c)
	}
	c.Out.Array(len(c.Args) - 2)
	for _, name := range c.Args[2:] {
		if spec := s.table.LookupFullName(string(name)); spec != nil {
			writeCommandInfo(c.Out, spec)
		} else {
			c.Out.Null()
		}
	}
	return nil
}

// writeCommandInfo writes Redis 7.2's ten-element COMMAND INFO entry:
// name, arity, flags, first key, last key, step, ACL categories, tips, key
// specs and subcommands.
//
// Specs carry only the legacy (first, last, step) triple, so the key spec
// is derived from it: one index/range spec whose flags are RW for write
// commands and RO otherwise (Redis's finer OW/RM/ACCESS/INSERT/... flags
// are not modelled). Tips are not modelled and reply an empty set.
func writeCommandInfo(out *command.Reply, spec *command.Spec) {
	out.Array(10)
	out.BulkString(spec.LowerName())
	out.Int(int64(spec.Arity))
	flags := spec.Flags.Names()
	out.Set(len(flags))
	for _, f := range flags {
		out.Simple(f)
	}
	out.Int(int64(spec.Keys.First))
	out.Int(int64(spec.Keys.Last))
	out.Int(int64(spec.Keys.Step))
	out.Set(len(spec.ACLCategories))
	for _, cat := range spec.ACLCategories {
		out.Simple(cat)
	}
	out.Set(0)
	writeKeySpecs(out, spec)
	if len(spec.Subcommands) == 0 {
		out.Set(0)
		return
	}
	out.Array(len(spec.Subcommands))
	for i := range spec.Subcommands {
		writeCommandInfo(out, &spec.Subcommands[i])
	}
}

func writeKeySpecs(out *command.Reply, spec *command.Spec) {
	k := spec.Keys
	if k.First == 0 {
		out.Array(0)
		return
	}
	access := "RO"
	if spec.Has(command.Write) {
		access = "RW"
	}
	lastkey := k.Last // relative to the first key; negative counts from the end
	if lastkey >= 0 {
		lastkey -= k.First
	}
	out.Array(1)
	out.Map(3)
	out.BulkString("flags")
	out.Set(1)
	out.Simple(access)
	out.BulkString("begin_search")
	out.Map(2)
	out.BulkString("type")
	out.BulkString("index")
	out.BulkString("spec")
	out.Map(1)
	out.BulkString("index")
	out.Int(int64(k.First))
	out.BulkString("find_keys")
	out.Map(2)
	out.BulkString("type")
	out.BulkString("range")
	out.BulkString("spec")
	out.Map(3)
	out.BulkString("lastkey")
	out.Int(int64(lastkey))
	out.BulkString("keystep")
	out.Int(int64(k.Step))
	out.BulkString("limit")
	out.Int(0)
}

// commandDocs implements COMMAND DOCS [name ...]: a map from name to its
// docs; unknown names are left out, as in Redis.
func (s *Server) commandDocs(c *command.Ctx) error {
	var specs []*command.Spec
	if len(c.Args) == 2 {
		specs = s.table.Sorted()
	} else {
		for _, name := range c.Args[2:] {
			if spec := s.table.LookupFullName(string(name)); spec != nil {
				specs = append(specs, spec)
			}
		}
	}
	c.Out.Map(len(specs))
	for _, spec := range specs {
		c.Out.BulkString(spec.LowerName())
		writeCommandDocs(c.Out, spec)
	}
	return nil
}

// writeCommandDocs writes a command's docs map: summary, since and group
// from its Spec, then the fields Redis's docs have for it (complexity,
// arguments, history, ...; see command_docs.go), then its subcommands.
func writeCommandDocs(out *command.Reply, spec *command.Spec) {
	var extra []respNode
	if doc, ok := redisDocs(spec); ok {
		extra = doc.fieldsExcept("summary", "since", "group", "subcommands")
	}
	n := 1 + len(extra)/2
	for _, has := range []bool{spec.Summary != "", spec.Since != "", len(spec.Subcommands) > 0} {
		if has {
			n++
		}
	}
	out.Map(n)
	if spec.Summary != "" {
		out.BulkString("summary")
		out.BulkString(spec.Summary)
	}
	if spec.Since != "" {
		out.BulkString("since")
		out.BulkString(spec.Since)
	}
	out.BulkString("group")
	out.BulkString(spec.Group)
	for _, f := range extra {
		f.write(out)
	}
	if len(spec.Subcommands) > 0 {
		out.BulkString("subcommands")
		out.Map(len(spec.Subcommands))
		for i := range spec.Subcommands {
			sub := &spec.Subcommands[i]
			out.BulkString(sub.LowerName())
			writeCommandDocs(out, sub)
		}
	}
}

// commandList implements COMMAND LIST [FILTERBY MODULE m | ACLCAT c |
// PATTERN p]: every command and subcommand name. There are no modules, so
// the MODULE filter always gives an empty list.
func (s *Server) commandList(c *command.Ctx) error {
	keep := func(*command.Spec) bool { return true }
	if len(c.Args) > 2 {
		if len(c.Args) != 5 || !command.Is(c.Args[2], "filterby") {
			return command.ErrSyntax
		}
		arg := c.Args[4]
		switch {
		case command.Is(c.Args[3], "module"):
			keep = func(*command.Spec) bool { return false }
		case command.Is(c.Args[3], "aclcat"):
			cat := "@" + string(arg)
			keep = func(spec *command.Spec) bool {
				for _, have := range spec.ACLCategories {
					if strings.EqualFold(have, cat) {
						return true
					}
				}
				return false
			}
		case command.Is(c.Args[3], "pattern"):
			keep = func(spec *command.Spec) bool { return glob.Match(arg, []byte(spec.LowerName()), true) }
		default:
			return command.ErrSyntax
		}
	}
	var names []string
	for _, spec := range s.table.Sorted() {
		if keep(spec) {
			names = append(names, spec.LowerName())
		}
		for i := range spec.Subcommands {
			if sub := &spec.Subcommands[i]; keep(sub) {
				names = append(names, sub.LowerName())
			}
		}
	}
	sort.Strings(names)
	c.Out.BulkStrings(names)
	return nil
}

// commandGetKeys implements COMMAND GETKEYS command [arg ...] from the
// Spec's key positions. Commands whose keys Redis finds by keyword or key
// count (EVAL, XREAD, ...) have no legacy positions here and answer "no
// key arguments".
func (s *Server) commandGetKeys(c *command.Ctx) error {
	args := c.Args[2:]
	spec := s.table.Lookup(args[0])
	if spec != nil && len(spec.Subcommands) > 0 && len(args) >= 2 {
		spec = spec.Subcommand(args[1])
	}
	switch {
	case spec == nil:
		return command.Error("ERR Invalid command specified")
	case spec.Keys.First == 0:
		return command.Error("ERR The command has no key arguments")
	case (spec.Arity > 0 && spec.Arity != len(args)) || len(args) < -spec.Arity:
		return command.Error("ERR Invalid number of arguments specified for command")
	}
	pos := spec.Keys.Positions(args)
	if len(pos) == 0 {
		return command.Error("ERR Invalid arguments specified for command")
	}
	c.Out.Array(len(pos))
	for _, p := range pos {
		c.Out.Bulk(args[p])
	}
	return nil
}

var commandHelpLines = []string{
	"(no subcommand)",
	"    Return details about all Redis commands.",
	"COUNT",
	"    Return the total number of commands in this Redis server.",
	"LIST",
	"    Return a list of all commands in this Redis server.",
	"INFO [<command-name> ...]",
	"    Return details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"DOCS [<command-name> ...]",
	"    Return documentation details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"GETKEYS <full-command>",
	"    Return the keys from a full Redis command.",
}
