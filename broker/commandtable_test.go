package broker

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// goldenCommand is one line of testdata/redis-7.2-commands.txt.
type goldenCommand struct {
	arity int
	keys  command.Keys
	flags map[string]bool
}

// modelledFlags are the Redis flags command.Flag represents; only these are
// compared (the golden file also lists no_async_loading, ...).
var modelledFlags = []string{
	"write", "readonly", "denyoom", "admin", "pubsub", "noscript", "blocking",
	"loading", "stale", "skip_monitor", "skip_slowlog", "fast", "no_auth", "allow_busy", "no_multi",
}

func loadGoldenCommands(t *testing.T) map[string]goldenCommand {
	t.Helper()
	f, err := os.Open("testdata/redis-7.2-commands.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	golden := map[string]goldenCommand{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 5 {
			t.Fatalf("golden line %d: want name arity first last step flags...: %q", n, line)
		}
		var nums [4]int
		for i := range nums {
			if nums[i], err = strconv.Atoi(fields[1+i]); err != nil {
				t.Fatalf("golden line %d: %v", n, err)
			}
		}
		name := fields[0]
		if _, dup := golden[name]; dup || name != strings.ToLower(name) {
			t.Fatalf("golden line %d: %q is duplicated or not lower case", n, name)
		}
		g := goldenCommand{arity: nums[0], keys: command.Keys{First: nums[1], Last: nums[2], Step: nums[3]},
			flags: map[string]bool{}}
		for _, fl := range fields[5:] {
			g.flags[fl] = true
		}
		golden[name] = g
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return golden
}

// TestCommandTableMatchesRedis checks every registered command and
// subcommand against Redis 7.2's table (CONVENTIONS C8): name, arity, key
// positions and the flags brokerd models. A command missing from the
// golden file fails too, so the file grows with the table.
func TestCommandTableMatchesRedis(t *testing.T) {
	golden := loadGoldenCommands(t)
	table := newCommandTable(new(Server))
	var check func(spec *command.Spec)
	check = func(spec *command.Spec) {
		name := spec.LowerName()
		t.Run(name, func(t *testing.T) {
			g, ok := golden[name]
			if !ok {
				t.Fatalf("%s is registered but not in testdata/redis-7.2-commands.txt", name)
			}
			if spec.Arity != g.arity {
				t.Errorf("arity %d, Redis has %d", spec.Arity, g.arity)
			}
			if spec.Keys != g.keys {
				t.Errorf("keys (first,last,step) = %v, Redis has %v", spec.Keys, g.keys)
			}
			have := spec.Flags.Names()
			for _, fl := range modelledFlags {
				if in := slices.Contains(have, fl); in != g.flags[fl] {
					if in {
						t.Errorf("has flag %s, Redis has not", fl)
					} else {
						t.Errorf("lacks flag %s, Redis has it", fl)
					}
				}
			}
		})
		for i := range spec.Subcommands {
			check(&spec.Subcommands[i])
		}
	}
	for _, spec := range table.Sorted() {
		check(spec)
	}
}

// TestCommandTableSubcommandNames checks that every subcommand is named
// "PARENT|SUB" after its container, since dispatch and COMMAND rely on it.
func TestCommandTableSubcommandNames(t *testing.T) {
	for _, spec := range newCommandTable(new(Server)).Sorted() {
		for _, sub := range spec.Subcommands {
			if parent, _, ok := strings.Cut(sub.Name, "|"); !ok || parent != spec.Name {
				t.Errorf("%s: subcommand named %q", spec.Name, sub.Name)
			}
		}
	}
}
