package kv

import (
	"strings"
	"testing"
)

func TestObjectEncodingAndRefcount(t *testing.T) {
	x := newKeyTester(t)
	x.want("SEED int string 123", "OK")
	x.want("SEED big string 10000", "OK")
	x.want("SEED neg string -1", "OK")
	x.want("SEED short string hello", "OK")
	x.want("SEED long string "+strings.Repeat("x", 45), "OK")
	x.want("SEED l list x", "OK")
	tests := []struct{ line, want string }{
		{"OBJECT ENCODING int", `"int"`},
		{"OBJECT ENCODING short", `"embstr"`},
		{"OBJECT ENCODING long", `"raw"`},
		{"OBJECT ENCODING l", `"listpack"`},
		{"object encoding l", `"listpack"`},
		{"OBJECT ENCODING nope", "(nil)"},
		{"OBJECT REFCOUNT int", "(int) 2147483647"}, // Redis's shared integers 0..9999
		{"OBJECT REFCOUNT big", "(int) 1"},
		{"OBJECT REFCOUNT neg", "(int) 1"},
		{"OBJECT REFCOUNT short", "(int) 1"},
		{"OBJECT REFCOUNT l", "(int) 1"},
		{"OBJECT REFCOUNT nope", "(nil)"},
		{"OBJECT FREQ nope", "(nil)"},
		{"OBJECT FREQ int", "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."},
	}
	for _, tt := range tests {
		x.want(tt.line, tt.want)
	}
	x.proto = 3
	x.want("OBJECT ENCODING nope", "(nil)")
	x.checkReplay()
}

func TestObjectIdletime(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k")
	x.want("OBJECT IDLETIME nope", "(nil)")
	x.want("OBJECT IDLETIME k", "(int) 0")
	x.advance(10_999)
	x.want("OBJECT IDLETIME k", "(int) 10") // whole seconds, rounded down
	x.want("OBJECT IDLETIME k", "(int) 10") // asking does not touch
	x.want("TOUCH k", "(int) 1")
	x.want("OBJECT IDLETIME k", "(int) 0")
	x.advance(3000)
	x.want("PEXPIRE k 1000", "(int) 1") // a write touches
	x.want("OBJECT IDLETIME k", "(int) 0")
	x.advance(1000)
	x.want("OBJECT IDLETIME k", "(nil)")
	x.want("OBJECT ENCODING k", "(nil)")
	x.checkReplay()
}

func TestObjectHelpAndErrors(t *testing.T) {
	x := newKeyTester(t)
	help := x.reply("object help").([]any)
	if len(help) != 15 {
		t.Fatalf("OBJECT HELP has %d lines", len(help))
	}
	for i, want := range map[int]string{
		0:  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		1:  "ENCODING <key>",
		12: "    <key>.",
		13: "HELP",
		14: "    Prints this help.",
	} {
		if help[i] != want {
			t.Errorf("line %d = %q, want %q", i, help[i], want)
		}
	}
	tests := []struct{ line, want string }{
		{"OBJECT", "ERR wrong number of arguments for 'object' command"},
		{"OBJECT ENCODING", "ERR wrong number of arguments for 'object|encoding' command"},
		{"OBJECT IDLETIME a b", "ERR wrong number of arguments for 'object|idletime' command"},
		{"OBJECT HELP x", "ERR wrong number of arguments for 'object|help' command"},
		{"OBJECT FOO k", "ERR unknown subcommand 'FOO'. Try OBJECT HELP."},
	}
	for _, tt := range tests {
		x.want(tt.line, tt.want)
	}
}
