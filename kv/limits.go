package kv

// EncodingLimit is one of Redis's parameters that bound a packed
// encoding (listpack, intset), with the value brokerd uses: Redis's
// default, fixed, because the packed forms here are built for those
// limits (a set's listpack stores each member's length in one byte, a
// sorted set's sizes its scratch arrays by its entry limit).
type EncodingLimit struct {
	Name  string
	Alias string // Redis's older ziplist name, "" when none
	Value int64
}

// EncodingLimits lists them in the order CONFIG GET * shows them.
func EncodingLimits() []EncodingLimit {
	return []EncodingLimit{
		{"hash-max-listpack-entries", "hash-max-ziplist-entries", hashMaxListpackEntries},
		{"hash-max-listpack-value", "hash-max-ziplist-value", hashMaxListpackValue},
		{"list-max-listpack-size", "list-max-ziplist-size", -2}, // 8 KB nodes (nodeLimit)
		{"set-max-intset-entries", "", setMaxIntsetEntries},
		{"set-max-listpack-entries", "", setMaxListpackEntries},
		{"set-max-listpack-value", "", setMaxListpackValue},
		{"zset-max-listpack-entries", "zset-max-ziplist-entries", zsetMaxListpackEntries},
		{"zset-max-listpack-value", "zset-max-ziplist-value", zsetMaxListpackValue},
	}
}
