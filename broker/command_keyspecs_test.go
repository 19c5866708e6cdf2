package broker

import (
	"testing"

	"github.com/brokerd/brokerd/command"
)

// TestCommandKeySpecs checks the key data of every registered command
// against its Spec, so that COMMAND INFO's key range, its key specs and
// COMMAND GETKEYS cannot disagree: a command with a key range has Redis's
// specs, the specs give back that range, and only a command without a
// range (its keys found by keyword or count), or one whose range is
// followed by counted keys, is movable.
func TestCommandKeySpecs(t *testing.T) {
	registered := map[string]bool{}
	var check func(spec *command.Spec)
	check = func(spec *command.Spec) {
		name := spec.LowerName()
		registered[name] = true
		t.Run(name, func(t *testing.T) {
			_, fromRedis := redisKeySpecs()[name]
			if spec.Keys.First != 0 && !fromRedis {
				t.Fatalf("has keys (%v) but no entry in redisKeySpecs", spec.Keys)
			}
			k := keysOf(spec)
			legacy, movable := command.LegacyRange(k.specs)
			if legacy != spec.Keys {
				t.Errorf("key specs give the range %v, the Spec says %v", legacy, spec.Keys)
			}
			// NB: ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE have both: a
			// destination range (1 1 1) and counted sources, so Redis
			// reports them movable with a range.
			countedAfterRange := spec.Keys.First != 0 && len(k.specs) > 1 && k.specs[len(k.specs)-1].KeyNum
			if movable != (fromRedis && (spec.Keys.First == 0 || countedAfterRange)) {
				t.Errorf("movable = %v with range %v", movable, spec.Keys)
			}
			if movable && k.getKeys == nil {
				t.Error("movable keys without a getkeys function; Redis has one for each")
			}
		})
		for i := range spec.Subcommands {
			check(&spec.Subcommands[i])
		}
	}
	for _, spec := range newCommandTable(new(Server)).Sorted() {
		check(spec)
	}
	for name := range redisKeySpecs() {
		if !registered[name] {
			t.Errorf("redisKeySpecs has %s, which is not registered", name)
		}
	}
}

// TestCAtoi checks the C atoi that LMPOP's and BLMPOP's getkeys function
// reads the key count with (glibc: (int)strtol).
func TestCAtoi(t *testing.T) {
	for in, want := range map[string]int{
		"2": 2, "+2": 2, " \t2": 2, "2abc": 2, "-1": -1, "abc": 0, "": 0, "- 2": 0,
		"4294967298":            2,  // wraps at 32 bits
		"99999999999999999999":  -1, // strtol saturates at LONG_MAX, whose low 32 bits are -1
		"-99999999999999999999": 0,  // LONG_MIN's low 32 bits are 0
	} {
		if got := cAtoi([]byte(in)); got != want {
			t.Errorf("cAtoi(%q) = %d, want %d", in, got, want)
		}
	}
}
