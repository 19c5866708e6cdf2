package consumergroups

import "testing"

func TestXGroupCreate(t *testing.T) {
	tests := []struct {
		name  string
		lines []string // {command, want} pairs
	}{
		{"missing key", []string{
			"XGROUP CREATE s g $", "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
		}},
		{"MKSTREAM", []string{
			"XGROUP CREATE s g $ MKSTREAM", "OK",
			"XINFO GROUPS s", `[["name" "g" "consumers" (int) 0 "pending" (int) 0 "last-delivered-id" "0-0" "entries-read" (nil) "lag" (int) 0]]`,
			"TYPE s", "stream",
		}},
		{"dollar and ID", []string{
			"XADD s 1-1 f v", `"1-1"`, "XADD s 2-1 f v", `"2-1"`,
			"XGROUP CREATE s a $", "OK",
			"XGROUP CREATE s b 1", "OK",
			"XGROUP CREATE s c 0 ENTRIESREAD 0", "OK",
			"XGROUP CREATE s a 0", "BUSYGROUP Consumer Group name already exists",
			"XINFO GROUPS s", `[["name" "a" "consumers" (int) 0 "pending" (int) 0 "last-delivered-id" "2-1" "entries-read" (nil) "lag" (int) 0] ["name" "b" "consumers" (int) 0 "pending" (int) 0 "last-delivered-id" "1-0" "entries-read" (nil) "lag" (int) 2] ["name" "c" "consumers" (int) 0 "pending" (int) 0 "last-delivered-id" "0-0" "entries-read" (int) 0 "lag" (int) 2]]`,
		}},
		{"errors", []string{
			"SET str x", "OK",
			"XGROUP CREATE str g $", "WRONGTYPE Operation against a key holding the wrong kind of value",
			"XADD s 1-1 f v", `"1-1"`,
			"XGROUP CREATE s g +", "ERR Invalid stream ID specified as stream command argument",
			"XGROUP CREATE s g 0 ENTRIESREAD -2", "ERR value for ENTRIESREAD must be positive or -1",
			"XGROUP CREATE s g 0 ENTRIESREAD x", "ERR value is not an integer or out of range",
			"XGROUP CREATE s g 0 FOO", "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.",
			"XGROUP CREATE s g 0 MKSTREAM MKSTREAM MKSTREAM MKSTREAM", "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.",
			"XGROUP CREATE s g 0 ENTRIESREAD -1 MKSTREAM", "OK",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			x.wants(tt.lines...)
			x.checkReplay()
		})
	}
}

func TestXGroupSubcommands(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
	}{
		{"setid", []string{
			"XADD s 1-1 f v", `"1-1"`, "XADD s 2-1 f v", `"2-1"`,
			"XGROUP CREATE s g 0", "OK",
			"XGROUP SETID s g $", "OK",
			"XINFO GROUPS s", `[["name" "g" "consumers" (int) 0 "pending" (int) 0 "last-delivered-id" "2-1" "entries-read" (nil) "lag" (int) 0]]`,
			"XGROUP SETID s g 1-1 ENTRIESREAD 1", "OK",
			"XINFO GROUPS s", `[["name" "g" "consumers" (int) 0 "pending" (int) 0 "last-delivered-id" "1-1" "entries-read" (int) 1 "lag" (int) 1]]`,
			"XGROUP SETID s g -", "OK",
			"XGROUP SETID s g x", "ERR Invalid stream ID specified as stream command argument",
			"XGROUP SETID s nope 0", "NOGROUP No such consumer group 'nope' for key name 's'",
			"XGROUP SETID s g 0 MKSTREAM", "ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.",
			"XGROUP SETID none g 0", "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
		}},
		{"consumers", []string{
			"XGROUP CREATE s g $ MKSTREAM", "OK",
			"XGROUP CREATECONSUMER s g alice", "(int) 1",
			"XGROUP CREATECONSUMER s g alice", "(int) 0",
			"XGROUP CREATECONSUMER s nope alice", "NOGROUP No such consumer group 'nope' for key name 's'",
			"XINFO CONSUMERS s g", `[["name" "alice" "pending" (int) 0 "idle" (int) 0 "inactive" (int) -1]]`,
			"XGROUP DELCONSUMER s g bob", "(int) 0",
			"XGROUP DELCONSUMER s g alice", "(int) 0",
			"XINFO CONSUMERS s g", `[]`,
			"XGROUP DELCONSUMER s nope alice", "NOGROUP No such consumer group 'nope' for key name 's'",
		}},
		{"delconsumer drops pending entries", []string{
			"XADD s 1-1 f v", `"1-1"`, "XADD s 2-1 f v", `"2-1"`,
			"XGROUP CREATE s g 0", "OK",
			"XREADGROUP GROUP g alice STREAMS s >", `[["s" [["1-1" ["f" "v"]] ["2-1" ["f" "v"]]]]]`,
			"XGROUP CREATECONSUMER s g bob", "(int) 1",
			"XGROUP DELCONSUMER s g alice", "(int) 2",
			"XPENDING s g", "[(int) 0 (nil) (nil) (nil array)]",
			"XINFO CONSUMERS s g", `[["name" "bob" "pending" (int) 0 "idle" (int) 0 "inactive" (int) -1]]`,
		}},
		{"destroy", []string{
			"XGROUP CREATE s g $ MKSTREAM", "OK",
			"XGROUP DESTROY s g", "(int) 1",
			"XGROUP DESTROY s g", "(int) 0",
			"XINFO GROUPS s", "[]",
			"XGROUP DESTROY none g", "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
		}},
		{"help", []string{
			"XGROUP HELP", "[XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are: CREATE <key> <groupname> <id|$> [option]     Create a new consumer group. Options are:     * MKSTREAM       Create the empty stream if it does not exist.     * ENTRIESREAD entries_read       Set the group's entries_read counter (internal use). CREATECONSUMER <key> <groupname> <consumer>     Create a new consumer in the specified group. DELCONSUMER <key> <groupname> <consumer>     Remove the specified consumer. DESTROY <key> <groupname>     Remove the specified group. SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]     Set the current group ID and entries_read counter. HELP     Prints this help.]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			x.wants(tt.lines...)
			x.checkReplay()
		})
	}
}
