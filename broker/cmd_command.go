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
// specs and subcommands. The key specs and the movablekeys flag come from
// the command's key data (command_keyspecs.go), the same that COMMAND
// GETKEYS applies. Tips are not modelled and reply an empty set.
func writeCommandInfo(out *command.Reply, spec *command.Spec) {
	keys := keysOf(spec)
	out.Array(10)
	out.BulkString(spec.LowerName())
	out.Int(int64(spec.Arity))
	flagSet := spec.Flags
	if _, movable := command.LegacyRange(keys.specs); movable {
		flagSet |= command.MovableKeys
	}
	flags := flagSet.Names()
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
	writeKeySpecs(out, keys.specs)
	if len(spec.Subcommands) == 0 {
		out.Set(0)
		return
	}
	out.Array(len(spec.Subcommands))
	for i := range spec.Subcommands {
		writeCommandInfo(out, &spec.Subcommands[i])
	}
}

// writeKeySpecs writes key specs as Redis's addReplyCommandKeySpecs does.
func writeKeySpecs(out *command.Reply, specs []command.KeySpec) {
	out.Set(len(specs))
	for _, s := range specs {
		if s.Notes != "" {
			out.Map(4)
			out.BulkString("notes")
			out.BulkString(s.Notes)
		} else {
			out.Map(3)
		}
		out.BulkString("flags")
		writeKeyFlags(out, s.Flags)
		out.BulkString("begin_search")
		if s.Keyword == "" {
			writeSpecHead(out, "index", 1)
			out.BulkString("index")
			out.Int(int64(s.Index))
		} else {
			writeSpecHead(out, "keyword", 2)
			out.BulkString("keyword")
			out.BulkString(s.Keyword)
			out.BulkString("startfrom")
			out.Int(int64(s.StartFrom))
		}
		out.BulkString("find_keys")
		if s.KeyNum {
			writeSpecHead(out, "keynum", 3)
			out.BulkString("keynumidx")
			out.Int(int64(s.KeyNumIdx))
			out.BulkString("firstkey")
			out.Int(int64(s.FirstKey))
		} else {
			writeSpecHead(out, "range", 3)
			out.BulkString("lastkey")
			out.Int(int64(s.LastKey))
		}
		out.BulkString("keystep")
		out.Int(int64(s.KeyStep))
		if !s.KeyNum {
			out.BulkString("limit")
			out.Int(int64(s.Limit))
		}
	}
}

// writeSpecHead starts a begin_search or find_keys map, {type: typ,
// spec: {...}}, whose spec's n fields the caller writes.
func writeSpecHead(out *command.Reply, typ string, n int) {
	out.Map(2)
	out.BulkString("type")
	out.BulkString(typ)
	out.BulkString("spec")
	out.Map(n)
}

// writeKeyFlags writes a key spec's flags as the set Redis replies, in
// its order (command.KeyFlag.Names).
func writeKeyFlags(out *command.Reply, f command.KeyFlag) {
	names := f.Names()
	out.Set(len(names))
	for _, n := range names {
		out.Simple(n)
	}
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

// commandGetKeys implements COMMAND GETKEYS command [arg ...]: the keys
// the command's key data finds in its arguments, without running it.
func (s *Server) commandGetKeys(c *command.Ctx) error {
	return s.getKeys(c, false)
}

// commandGetKeysAndFlags implements COMMAND GETKEYSANDFLAGS command
// [arg ...]: each key with the flags it is accessed with.
func (s *Server) commandGetKeysAndFlags(c *command.Ctx) error {
	return s.getKeys(c, true)
}

// getKeys is Redis's getKeysSubcommandImpl: find the command (a
// container's subcommand when one is named), check it has keys at all,
// then its arity, then find the keys.
func (s *Server) getKeys(c *command.Ctx, withFlags bool) error {
	args := c.Args[2:]
	spec := s.table.Lookup(args[0])
	if spec != nil && len(spec.Subcommands) > 0 && len(args) >= 2 {
		spec = spec.Subcommand(args[1])
	}
	if spec == nil {
		return command.Error("ERR Invalid command specified")
	}
	keys := keysOf(spec)
	switch {
	case !keys.hasKeys():
		return command.Error("ERR The command has no key arguments")
	case (spec.Arity > 0 && spec.Arity != len(args)) || len(args) < -spec.Arity:
		return command.Error("ERR Invalid number of arguments specified for command")
	}
	found := keys.find(args)
	if len(found) == 0 && !noMandatoryKeys(spec) {
		return command.Error("ERR Invalid arguments specified for command")
	}
	c.Out.Array(len(found))
	for _, k := range found {
		if !withFlags {
			c.Out.Bulk(args[k.Pos])
			continue
		}
		c.Out.Array(2)
		c.Out.Bulk(args[k.Pos])
		writeKeyFlags(c.Out, k.Flags)
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
	"GETKEYSANDFLAGS <full-command>",
	"    Return the keys and the access flags from a full Redis command.",
}

// noMandatoryKeys reports Redis's CMD_NO_MANDATORY_KEYS: a command whose
// key count is an argument (EVAL ... 0), so finding no key is a valid
// answer and GETKEYS replies an empty array instead of an error.
func noMandatoryKeys(spec *command.Spec) bool {
	switch spec.Name {
	case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
		return true
	}
	return false
}
