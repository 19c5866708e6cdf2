package broker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/consumergroups"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/streams"
)

// commandTable is the whole command surface: every family lists its specs
// and they are indexed here, in one place, without init() registration.
type commandTable struct {
	byName map[string]*command.Spec // keyed by lower-case name
}

func newCommandTable(s *Server) *commandTable {
	return indexSpecs(
		connectionSpecs(s),
		serverSpecs(s),
		persistenceSpecs(s), // SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE (durability engine)
		transactionSpecs(s),
		pubsubSpecs(s),
		kv.Specs(),
		streams.Specs(consumergroups.XInfoSpecs()...),
		consumergroups.Specs(),
		extraSpecs,
	)
}

// extraSpecs lets the tests add commands (export_test.go); it is empty in
// the product.
var extraSpecs []command.Spec

// indexSpecs builds the table; a duplicate name is a programming error and
// panics at start-up, as redcon's ServeMux does.
func indexSpecs(groups ...[]command.Spec) *commandTable {
	t := &commandTable{byName: map[string]*command.Spec{}}
	for _, g := range groups {
		for i := range g {
			spec := &g[i]
			name := strings.ToLower(spec.Name)
			if _, dup := t.byName[name]; dup {
				panic(fmt.Sprintf("broker: command %s registered twice", spec.Name))
			}
			if spec.Run == nil && len(spec.Subcommands) == 0 {
				panic(fmt.Sprintf("broker: command %s has no handler", spec.Name))
			}
			t.byName[name] = spec
		}
	}
	return t
}

// lookup finds a top-level command by name, ignoring case, without
// allocating for names up to 32 bytes.
func (t *commandTable) lookup(name []byte) *command.Spec {
	var buf [32]byte
	if len(name) > len(buf) {
		return t.byName[strings.ToLower(string(name))]
	}
	lower := buf[:len(name)]
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return t.byName[string(lower)]
}

// resolve maps a request to its Spec (the subcommand's for container
// commands) and checks arity, with Redis's error texts.
func (t *commandTable) resolve(args [][]byte) (*command.Spec, error) {
	spec := t.lookup(args[0])
	if spec == nil {
		return nil, unknownCommand(args)
	}
	// A container with a handler of its own runs it when called bare
	// (COMMAND); otherwise the second argument names the subcommand.
	if len(spec.Subcommands) > 0 && (len(args) >= 2 || spec.Run == nil) {
		if len(args) < 2 {
			return nil, command.ErrWrongArgs(spec.Name)
		}
		sub := subcommand(spec, args[1])
		if sub == nil {
			return nil, command.Error(fmt.Sprintf("ERR unknown subcommand '%s'. Try %s HELP.",
				truncate(string(args[1]), 128), strings.ToUpper(string(args[0]))))
		}
		spec = sub
	}
	if !spec.ArityOK(len(args)) {
		return nil, command.ErrWrongArgs(spec.Name)
	}
	return spec, nil
}

func subcommand(parent *command.Spec, name []byte) *command.Spec {
	for i := range parent.Subcommands {
		sub := &parent.Subcommands[i]
		if full := sub.Name; len(full) == len(parent.Name)+1+len(name) &&
			strings.EqualFold(full[len(parent.Name)+1:], string(name)) {
			return sub
		}
	}
	return nil
}

// sorted returns every top-level spec ordered by name (COMMAND, COMMAND
// LIST).
func (t *commandTable) sorted() []*command.Spec {
	out := make([]*command.Spec, 0, len(t.byName))
	for _, s := range t.byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
