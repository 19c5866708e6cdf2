package kv

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// specInfo is one command's facts in Redis 7.2's COMMAND INFO and COMMAND
// DOCS (src/commands.def): arity, flags, the (first, last, step) key
// triple, ACL categories, since and summary.
type specInfo struct {
	name              string
	arity             int
	flags             string
	first, last, step int
	categories        string
	since, summary    string
}

// checkSpecsMatchRedis checks a family's specs against Redis's facts: one
// spec per command, each with Redis's metadata, group and a handler.
func checkSpecsMatchRedis(t *testing.T, list []command.Spec, group string, want []specInfo) {
	t.Helper()
	specs := map[string]command.Spec{}
	for _, s := range list {
		if _, dup := specs[s.Name]; dup {
			t.Errorf("duplicate spec %s", s.Name)
		}
		specs[s.Name] = s
	}
	if len(specs) != len(want) {
		t.Errorf("%d specs, want %d", len(specs), len(want))
	}
	for _, w := range want {
		s, ok := specs[w.name]
		if !ok {
			t.Errorf("no spec for %s", w.name)
			continue
		}
		got := []any{s.Arity, strings.Join(s.Flags.Names(), " "), s.Keys.First, s.Keys.Last, s.Keys.Step,
			strings.Join(s.ACLCategories, " "), s.Group, s.Since, s.Summary}
		exp := []any{w.arity, w.flags, w.first, w.last, w.step, w.categories, group, w.since, w.summary}
		for i := range got {
			if got[i] != exp[i] {
				t.Errorf("%s: got %v,\nwant %v", w.name, got, exp)
				break
			}
		}
		if s.Run == nil {
			t.Errorf("%s has no handler", w.name)
		}
	}
}
