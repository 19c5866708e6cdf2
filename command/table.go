package command

import (
	"fmt"
	"sort"
	"strings"
)

// Table indexes specs by name and resolves a request to the Spec that runs
// it, with Redis's errors for an unknown command or subcommand and for
// wrong arity. The broker dispatches through one; the families' tests use
// one too, so they resolve exactly as the server does.
type Table struct {
	byName map[string]*Spec // keyed by lower-case name
}

// NewTable indexes the groups of specs. A name registered twice, or a
// spec with neither a handler nor subcommands, is a programming error.
func NewTable(groups ...[]Spec) (*Table, error) {
	t := &Table{byName: map[string]*Spec{}}
	for _, g := range groups {
		for i := range g {
			spec := &g[i]
			name := strings.ToLower(spec.Name)
			if _, dup := t.byName[name]; dup {
				return nil, fmt.Errorf("command %s registered twice", spec.Name)
			}
			if spec.Run == nil && len(spec.Subcommands) == 0 {
				return nil, fmt.Errorf("command %s has no handler", spec.Name)
			}
			t.byName[name] = spec
		}
	}
	return t, nil
}

// Len is the number of top-level commands (COMMAND COUNT).
func (t *Table) Len() int { return len(t.byName) }

// Lookup finds a top-level command by name, ignoring case, without
// allocating for names up to 32 bytes.
func (t *Table) Lookup(name []byte) *Spec {
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

// LookupFullName finds a command by the name COMMAND INFO and DOCS take:
// "get" or "client|list", in any case.
func (t *Table) LookupFullName(name string) *Spec {
	parent, sub, isSub := strings.Cut(name, "|")
	spec := t.byName[strings.ToLower(parent)]
	if spec == nil || !isSub {
		return spec
	}
	return spec.Subcommand([]byte(sub))
}

// Resolve maps a request to its Spec (the subcommand's for container
// commands) and checks arity, with Redis's error texts.
func (t *Table) Resolve(args [][]byte) (*Spec, error) {
	spec := t.Lookup(args[0])
	if spec == nil {
		return nil, unknownCommand(args)
	}
	// A container with a handler of its own runs it when called bare
	// (COMMAND); otherwise the second argument names the subcommand.
	if len(spec.Subcommands) > 0 && (len(args) >= 2 || spec.Run == nil) {
		if len(args) < 2 {
			return nil, ErrWrongArgs(spec.Name)
		}
		sub := spec.Subcommand(args[1])
		if sub == nil {
			return nil, Error(fmt.Sprintf("ERR unknown subcommand '%s'. Try %s HELP.",
				truncate(string(args[1]), 128), strings.ToUpper(string(args[0]))))
		}
		spec = sub
	}
	if !spec.ArityOK(len(args)) {
		return nil, ErrWrongArgs(spec.Name)
	}
	return spec, nil
}

// Sorted returns every top-level spec ordered by name (COMMAND, COMMAND
// LIST).
func (t *Table) Sorted() []*Spec {
	out := make([]*Spec, 0, len(t.byName))
	for _, s := range t.byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Subcommand returns the subcommand of a container called name, in any
// case, or nil.
func (s *Spec) Subcommand(name []byte) *Spec {
	for i := range s.Subcommands {
		sub := &s.Subcommands[i]
		if full := sub.Name; len(full) == len(s.Name)+1+len(name) &&
			strings.EqualFold(full[len(s.Name)+1:], string(name)) {
			return sub
		}
	}
	return nil
}

// unknownCommand is Redis's reply for a command not in the table: the name
// and the first arguments, at most 128 bytes of them, each quoted.
func unknownCommand(args [][]byte) Error {
	var b strings.Builder
	b.WriteString("ERR unknown command '")
	b.WriteString(truncate(string(args[0]), 128))
	b.WriteString("', with args beginning with: ")
	n := 0
	for _, a := range args[1:] {
		if n >= 128 {
			break
		}
		part := truncate(string(a), 128-n)
		b.WriteString("'" + part + "' ")
		n += len(part) + 3
	}
	return Error(b.String())
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
