package streams

import "testing"

func TestXAddIDs(t *testing.T) {
	x := newTester(t)
	x.wants(
		"XADD s * a 1", `"1700000000000-0"`,
		"XADD s * a 2", `"1700000000000-1"`,
		"XADD s 1700000000000-5 a 3", `"1700000000000-5"`,
		"XADD s 1700000000000-5 a 3", "ERR The ID specified in XADD is equal or smaller than the target stream top item",
		"XADD s 1700000000000-* a 4", `"1700000000000-6"`,
		"XADD s 1800000000000-* a 5", `"1800000000000-0"`,
		"XADD s * a 6", `"1800000000000-1"`, // clock behind the last ID: never smaller
		"XADD s 0-0 a 1", "ERR The ID specified in XADD must be greater than 0-0",
		"XADD t 0-* a 1", `"0-1"`,
		"XADD s abc a 1", "ERR Invalid stream ID specified as stream command argument",
		"XADD s - a 1", "ERR Invalid stream ID specified as stream command argument",
		"XADD s * a", "ERR wrong number of arguments for 'xadd' command",
		"XADD s * a 1 b", "ERR wrong number of arguments for 'xadd' command",
		"XADD n NOMKSTREAM * a 1", "(nil)",
		"EXISTS n", "(int) 0",
		"XLEN s", "(int) 6",
		"TYPE s", "stream",
		"ENCODING s", "stream",
		"SET str x", "OK",
		"XADD str * a 1", "WRONGTYPE Operation against a key holding the wrong kind of value",
		"XADD s 18446744073709551615-18446744073709551615 a 1", `"18446744073709551615-18446744073709551615"`,
		"XADD s * a 1", "ERR The stream has exhausted the last possible ID, unable to add more items",
	)
	x.advance(1)
	x.want("XRANGE t - +", `[["0-1" ["a" "1"]]]`)
	x.checkReplay()
}
