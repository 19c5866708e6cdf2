package streams

import (
	"strings"

	"github.com/brokerd/brokerd/command"
)

// xinfoHelp is Redis's XINFO HELP text per subcommand, in Redis's order;
// HELP lists only the subcommands that are registered.
var xinfoHelp = []struct {
	sub   string
	lines []string
}{
	{"CONSUMERS", []string{"CONSUMERS <key> <groupname>", "    Show consumers of <groupname>."}},
	{"GROUPS", []string{"GROUPS <key>", "    Show the stream consumer groups."}},
	{"STREAM", []string{"STREAM <key> [FULL [COUNT <count>]", "    Show information about the stream."}},
}

// xinfoSpec is the XINFO container with STREAM and HELP, plus extra
// subcommands from other packages.
func xinfoSpec(extra []command.Spec) command.Spec {
	const group = "stream"
	subs := []command.Spec{
		{Name: "XINFO|STREAM", Arity: -3, Flags: command.ReadOnly, Keys: command.Keys{First: 2, Last: 2, Step: 1},
			ACLCategories: aclReadSlow, Run: xinfoStream,
			Summary: "Returns information about a stream.", Since: "5.0.0", Group: group},
	}
	subs = append(subs, extra...)
	names := map[string]bool{}
	for _, s := range subs {
		names[strings.TrimPrefix(s.Name, "XINFO|")] = true
	}
	var help []string
	for _, h := range xinfoHelp {
		if names[h.sub] {
			help = append(help, h.lines...)
		}
	}
	subs = append(subs, command.Spec{Name: "XINFO|HELP", Arity: 2, Flags: command.Loading | command.Stale,
		Keys: command.NoKeys, ACLCategories: []string{"@stream", "@slow"}, Run: command.Help(help...),
		Summary: "Returns helpful text about the different subcommands.", Since: "5.0.0", Group: group})
	return command.Spec{Name: "XINFO", Arity: -2, ACLCategories: []string{"@slow"}, Subcommands: subs,
		Summary: "A container for stream introspection commands.", Since: "5.0.0", Group: group}
}

// subcommandSyntax is Redis's addReplySubcommandSyntaxError.
func subcommandSyntax(c *command.Ctx) error {
	sub := string(c.Args[1])
	if len(sub) > 128 {
		sub = sub[:128]
	}
	return command.Error("ERR unknown subcommand or wrong number of arguments for '" + sub +
		"'. Try " + strings.ToUpper(string(c.Args[0])) + " HELP.")
}

// xinfoStream is XINFO STREAM key [FULL [COUNT n]]. Like Redis it looks
// the key up before it parses the options.
func xinfoStream(c *command.Ctx) error {
	s, err := lookup(c, c.Args[2])
	switch {
	case err != nil:
		return err
	case s == nil:
		return command.ErrNoSuchKey
	}
	opts := c.Args[3:]
	if len(opts) == 0 {
		writeStreamInfo(c.Out, s)
		return nil
	}
	if len(opts) != 1 && len(opts) != 3 || !command.Is(opts[0], "FULL") {
		return subcommandSyntax(c)
	}
	count := int64(10)
	if len(opts) == 3 {
		if !command.Is(opts[1], "COUNT") {
			return subcommandSyntax(c)
		}
		if count, err = command.Int(opts[2]); err != nil {
			return err
		}
		if count < 0 {
			count = 10
		}
	}
	writeStreamInfoFull(c.Out, s, count)
	return nil
}

// writeInfoHead writes the fields XINFO STREAM and its FULL form share.
func writeInfoHead(out *command.Reply, s *Stream) {
	var idb [41]byte
	out.BulkString("length")
	out.Int(s.length)
	out.BulkString("radix-tree-keys")
	out.Int(int64(s.Blocks()))
	// NB: Redis reports its rax's node count; brokerd has a B-tree, so
	// this is the count a rax of the same keys would have (rax.go).
	out.BulkString("radix-tree-nodes")
	out.Int(s.raxNodes())
	out.BulkString("last-generated-id")
	out.Bulk(s.lastID.Append(idb[:0]))
	out.BulkString("max-deleted-entry-id")
	out.Bulk(s.maxDeletedID.Append(idb[:0]))
	out.BulkString("entries-added")
	out.Int(s.entriesAdded)
	out.BulkString("recorded-first-entry-id")
	out.Bulk(s.firstID.Append(idb[:0]))
}

func writeStreamInfo(out *command.Reply, s *Stream) {
	out.Map(10)
	writeInfoHead(out, s)
	out.BulkString("groups")
	if s.groups != nil {
		out.Int(int64(s.groups.Len()))
	} else {
		out.Int(0)
	}
	out.BulkString("first-entry")
	if e, ok := s.First(); ok {
		e.WriteReply(out)
	} else {
		out.Null()
	}
	out.BulkString("last-entry")
	if e, ok := s.Last(); ok {
		e.WriteReply(out)
	} else {
		out.Null()
	}
}

func writeStreamInfoFull(out *command.Reply, s *Stream, count int64) {
	out.Map(9)
	writeInfoHead(out, s)
	out.BulkString("entries")
	writeRange(out, s, ID{}, MaxID, false, count)
	out.BulkString("groups")
	if s.groups != nil {
		s.groups.WriteFull(out, s, count)
	} else {
		out.Array(0)
	}
}
