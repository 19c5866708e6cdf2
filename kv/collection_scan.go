package kv

import (
	"github.com/brokerd/brokerd/command"
)

// collectionScan is HSCAN's, SSCAN's and ZSCAN's options after the cursor
// (scanGenericCommand, without the TYPE only SCAN takes).
type collectionScan struct {
	count   int
	pattern []byte // nil: every element
}

// maxScanCount caps COUNT: no collection holds more elements than this.
const maxScanCount = 1 << 40

// parseCollectionScan parses the options left to right, as Redis does:
// the first bad one is the error, the last of a repeated one wins, and
// MATCH * matches everything. The callers parse them only once the key
// is found: Redis answers an empty scan for a missing key whatever
// follows the cursor.
func parseCollectionScan(args [][]byte) (collectionScan, error) {
	a := collectionScan{count: 10}
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return a, command.ErrSyntax
		}
		switch {
		case command.Is(args[i], "COUNT"):
			n, err := command.Int(args[i+1])
			if err != nil {
				return a, err
			}
			if n < 1 {
				return a, command.ErrSyntax
			}
			a.count = int(min(n, int64(maxScanCount)))
		case command.Is(args[i], "MATCH"):
			a.pattern = args[i+1]
			if string(a.pattern) == "*" {
				a.pattern = nil
			}
		default:
			return a, command.ErrSyntax
		}
	}
	return a, nil
}

// replyEmptyScan is the reply for a scan of a missing key: [0, []].
func replyEmptyScan(c *command.Ctx) {
	c.Out.Array(2)
	c.Out.BulkString("0")
	c.Out.Array(0)
}
