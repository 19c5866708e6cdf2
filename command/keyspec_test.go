package command_test

import (
	"slices"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
)

// Specs as Redis 7.2 declares them (src/commands.def).
var (
	getSpec    = []command.KeySpec{{Flags: command.KeyRO | command.KeyAccess, Index: 1, KeyStep: 1}}
	delSpec    = []command.KeySpec{{Flags: command.KeyRM | command.KeyDelete, Index: 1, LastKey: -1, KeyStep: 1}}
	msetSpec   = []command.KeySpec{{Flags: command.KeyOW | command.KeyUpdate, Index: 1, LastKey: -1, KeyStep: 2}}
	blpopSpec  = []command.KeySpec{{Flags: command.KeyRW, Index: 1, LastKey: -2, KeyStep: 1}}
	lmoveSpecs = []command.KeySpec{
		{Flags: command.KeyRW | command.KeyAccess | command.KeyDelete, Index: 1, KeyStep: 1},
		{Flags: command.KeyRW | command.KeyInsert, Index: 2, KeyStep: 1},
	}
	xreadSpec      = []command.KeySpec{{Flags: command.KeyRO, Keyword: "STREAMS", StartFrom: 1, LastKey: -1, KeyStep: 1, Limit: 2}}
	xreadgroupSpec = []command.KeySpec{{Flags: command.KeyRO, Keyword: "STREAMS", StartFrom: 4, LastKey: -1, KeyStep: 1, Limit: 2}}
	lmpopSpec      = []command.KeySpec{{Flags: command.KeyRW, Index: 1, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}}
	blmpopSpec     = []command.KeySpec{{Flags: command.KeyRW, Index: 2, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}}
	spublishSpec   = []command.KeySpec{{Flags: command.KeyNotKey, Index: 1, KeyStep: 1}}
	// A spec searching back from the end (Redis's MIGRATE has one for its
	// KEYS; no command brokerd registers does).
	backwardSpec = []command.KeySpec{{Flags: command.KeyRO, Keyword: "KEYS", StartFrom: -2, LastKey: -1, KeyStep: 1}}
)

func TestFindKeys(t *testing.T) {
	const invalid = -1
	for _, tc := range []struct {
		name  string
		specs []command.KeySpec
		line  string
		want  []int // key positions; {invalid} when the specs cannot be applied
	}{
		{"one key", getSpec, "GET k", []int{1}},
		{"all to the end", delSpec, "DEL a b c", []int{1, 2, 3}},
		{"every other", msetSpec, "MSET a 1 b 2", []int{1, 3}},
		{"every other, odd count", msetSpec, "MSET a 1 b", []int{1, 3}},
		{"all but the last", blpopSpec, "BLPOP a b 0", []int{1, 2}},
		{"range ending before the first", blpopSpec, "BLPOP 0", []int{invalid}},
		{"two specs in order", lmoveSpecs, "LMOVE src dst LEFT RIGHT", []int{1, 2}},
		{"keyword, half the rest", xreadSpec, "XREAD COUNT 2 STREAMS a b 0 0", []int{4, 5}},
		{"keyword in any case", xreadSpec, "XREAD streams a 0", []int{2}},
		{"keyword, odd rest rounds down", xreadSpec, "XREAD STREAMS a b 0", []int{2}},
		{"keyword, first match wins", xreadSpec, "XREAD COUNT streams STREAMS a b 0", []int{3, 4}},
		{"keyword with one argument after", xreadSpec, "XREAD COUNT 1 STREAMS a", []int{invalid}},
		{"keyword missing", xreadSpec, "XREAD COUNT 1 BLOCK 2 x", nil},
		{"keyword last is not searched", xreadSpec, "XREAD COUNT 1 BLOCK STREAMS", nil},
		{"keyword before startfrom is skipped", xreadgroupSpec, "XREADGROUP STREAMS a b c d e", nil},
		{"keyword after startfrom", xreadgroupSpec, "XREADGROUP GROUP g c STREAMS a b > >", []int{5, 6}},
		{"keyword searched backward", backwardSpec, "X KEYS a KEYS b c", []int{4, 5}},
		{"keyword searched backward to argument 1", backwardSpec, "X KEYS a", []int{2}},
		{"key count", lmpopSpec, "LMPOP 2 a b LEFT", []int{2, 3}},
		{"key count after the index", blmpopSpec, "BLMPOP 0 2 a b LEFT COUNT 2", []int{3, 4}},
		{"key count reaching the end", lmpopSpec, "LMPOP 2 a b", []int{2, 3}},
		{"key count zero", lmpopSpec, "LMPOP 0 a LEFT", []int{invalid}},
		{"key count negative", lmpopSpec, "LMPOP -1 a b", []int{invalid}},
		{"key count past the end", lmpopSpec, "LMPOP 3 a LEFT", []int{invalid}},
		{"key count not an integer", lmpopSpec, "LMPOP x a LEFT", []int{invalid}},
		{"key count with a plus sign", lmpopSpec, "LMPOP +1 a LEFT", []int{invalid}},
		{"key count with a leading zero", lmpopSpec, "LMPOP 01 a LEFT", []int{invalid}},
		{"key count wrapping at 32 bits", lmpopSpec, "LMPOP 4294967298 a b LEFT", []int{2, 3}},
		{"not-a-key spec skipped", spublishSpec, "SPUBLISH ch msg", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refs, ok := command.FindKeys(tc.specs, resptest.Split(tc.line))
			var got []int
			if !ok {
				got = []int{invalid}
			}
			for _, r := range refs {
				got = append(got, r.Pos)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: keys at %v, want %v", tc.line, got, tc.want)
			}
		})
	}
}

func TestFindKeysFlagsPerSpec(t *testing.T) {
	refs, ok := command.FindKeys(lmoveSpecs, resptest.Split("LMOVE src dst LEFT RIGHT"))
	if !ok || len(refs) != 2 || refs[0].Flags != lmoveSpecs[0].Flags || refs[1].Flags != lmoveSpecs[1].Flags {
		t.Errorf("LMOVE keys %+v, %v", refs, ok)
	}
	incomplete := []command.KeySpec{{Flags: command.KeyRO | command.KeyIncomplete, Index: 1, KeyStep: 1}}
	if _, ok := command.FindKeys(incomplete, resptest.Split("X k")); ok {
		t.Error("an incomplete spec gave keys; Redis asks the getkeys function then")
	}
}

func TestKeyFlagNames(t *testing.T) {
	all := command.KeyRO | command.KeyRW | command.KeyOW | command.KeyRM | command.KeyAccess |
		command.KeyUpdate | command.KeyInsert | command.KeyDelete | command.KeyNotKey |
		command.KeyIncomplete | command.KeyVariableFlags
	want := []string{"RO", "RW", "OW", "RM", "access", "update", "insert", "delete", "not_key", "incomplete", "variable_flags"}
	if got := all.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	if got := command.KeyFlag(0).Names(); got == nil || len(got) != 0 {
		t.Errorf("no flags: %#v, want an empty list", got)
	}
}

// TestLegacyRange checks the (first, last, step) triple and movablekeys
// against what Redis 7.2's COMMAND INFO prints for the same specs.
func TestLegacyRange(t *testing.T) {
	for _, tc := range []struct {
		name    string
		specs   []command.KeySpec
		want    command.Keys
		movable bool
	}{
		{"get", getSpec, command.Keys{First: 1, Last: 1, Step: 1}, false},
		{"del", delSpec, command.Keys{First: 1, Last: -1, Step: 1}, false},
		{"mset", msetSpec, command.Keys{First: 1, Last: -1, Step: 2}, false},
		{"blpop", blpopSpec, command.Keys{First: 1, Last: -2, Step: 1}, false},
		{"lmove", lmoveSpecs, command.Keys{First: 1, Last: 2, Step: 1}, false},
		{"xread", xreadSpec, command.Keys{}, true},
		{"lmpop", lmpopSpec, command.Keys{}, true},
		{"spublish", spublishSpec, command.Keys{First: 1, Last: 1, Step: 1}, false},
		{"no keys", nil, command.Keys{}, false},
		{"bitop", []command.KeySpec{ // OW destination, then the sources to the end
			{Flags: command.KeyOW, Index: 2, KeyStep: 1},
			{Flags: command.KeyRO, Index: 3, LastKey: -1, KeyStep: 1},
		}, command.Keys{First: 2, Last: -1, Step: 1}, false},
		{"gap between specs", []command.KeySpec{
			{Flags: command.KeyRW, Index: 1, KeyStep: 1},
			{Flags: command.KeyRW, Index: 3, KeyStep: 1},
		}, command.Keys{First: 1, Last: 1, Step: 1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, movable := command.LegacyRange(tc.specs)
			if got != tc.want || movable != tc.movable {
				t.Errorf("LegacyRange = %v movable %v, want %v movable %v", got, movable, tc.want, tc.movable)
			}
		})
	}
}
