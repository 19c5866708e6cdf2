package broker_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/wal"
)

// setArgs is "p0 p1 ... p(n-1)".
func setArgs(prefix string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = prefix + strconv.Itoa(i)
	}
	return strings.Join(parts, " ")
}

// setRestartScenarios exercise every set write; after each, the sets
// (members, encoding, expiry) must be the same once the server restarts
// from its log.
var setRestartScenarios = map[string][]string{
	"SADD":                 {"SADD s 3 1 2", "SADD s a", "SADD h " + setArgs("m", 200), "SADD i " + setArgs("", 600)},
	"SADD convert":         {"SADD s a", "SADD s" + strings.Repeat(" a", 129)},
	"SREM":                 {"SADD s a b c 1", "SREM s a x", "SADD t 1", "SREM t 1"},
	"SMOVE":                {"SADD s a b 1", "SMOVE s d a", "SMOVE s e 1", "SMOVE s d b"},
	"SPOP":                 {"SADD s " + setArgs("m", 50), "SPOP s", "SPOP s 5", "SADD t 1 2", "SPOP t 9", "SADD h " + setArgs("m", 300), "SPOP h 250"},
	"SPOP big":             {"SADD h " + setArgs("m", 3000), "SPOP h 2500"},
	"STORE":                {"SADD a 1 2 3 x", "SADD b 2 3 y", "SINTERSTORE i a b", "SUNIONSTORE u a b", "SDIFFSTORE d a b", "SDIFFSTORE u a a"},
	"STORE from hashtable": {"SADD a " + setArgs("m", 200), "SADD b " + setArgs("m", 150), "SDIFFSTORE d a b", "SINTERSTORE i a b"},
	"expiry":               {"SADD s a b", "PEXPIRE s 100000000", "SADD s c", "SREM s a", "SET x v", "PEXPIRE x 100000", "SUNIONSTORE x s"},
	"binary":               {`SADD "k\x00" "\x00\xff" "\r\n" ""`, `SREM "k\x00" ""`},
	"other types":          {"SADD s a", "RENAME s s2", "COPY s2 s3", "MOVE s3 2"},
}

func TestSetRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.EverySec, wal.No}, setRestartScenarios, dumpKeyspace, nil)
}
