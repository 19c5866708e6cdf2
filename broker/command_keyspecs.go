package broker

import (
	"maps"
	"sync"

	"github.com/brokerd/brokerd/command"
)

// commandKeys is what Redis knows of one command's keys: its key specs,
// which COMMAND INFO prints and COMMAND GETKEYS applies, and the getkeys
// function (getkeys_proc) Redis asks instead when a spec cannot be applied
// or its flags vary with the arguments.
type commandKeys struct {
	specs   []command.KeySpec
	getKeys command.KeysFunc
}

// keysOf returns spec's key data: Redis's, from redisKeySpecs, or for a
// command Redis does not have (tests add some) one index-and-range spec
// made from its legacy (first, last, step) triple, RW for a write command
// and RO otherwise.
func keysOf(spec *command.Spec) commandKeys {
	if k, ok := redisKeySpecs()[spec.LowerName()]; ok {
		return k
	}
	k := spec.Keys
	if k.First == 0 {
		return commandKeys{}
	}
	flags := command.KeyRO
	if spec.Has(command.Write) {
		flags = command.KeyRW
	}
	last := k.Last // relative to the first key; negative counts from the end
	if last >= 0 {
		last -= k.First
	}
	return commandKeys{specs: []command.KeySpec{{Flags: flags, Index: k.First, LastKey: last, KeyStep: k.Step}}}
}

// hasKeys reports whether GETKEYS can find keys in the command at all
// (Redis's doesCommandHaveKeys): it has a getkeys function or a spec that
// is not for a "not a key" argument (SPUBLISH's shard channel).
func (k commandKeys) hasKeys() bool {
	if k.getKeys != nil {
		return true
	}
	for _, s := range k.specs {
		if s.Flags&command.KeyNotKey == 0 {
			return true
		}
	}
	return false
}

// find returns the keys of a command line as Redis's
// getKeysFromCommandWithSpecs does: from the specs unless one of them has
// variable flags or they cannot be applied, and then from the getkeys
// function, whose answer stands even when it is empty.
func (k commandKeys) find(args [][]byte) []command.KeyRef {
	varFlags := false
	for _, s := range k.specs {
		varFlags = varFlags || s.Flags&command.KeyVariableFlags != 0
	}
	if !varFlags {
		if keys, ok := command.FindKeys(k.specs, args); ok {
			return keys
		}
	}
	if k.getKeys != nil {
		return k.getKeys(args)
	}
	return nil
}

// setGetKeys is Redis's setGetKeys: SET's key is read too only with GET.
func setGetKeys(args [][]byte) []command.KeyRef {
	for _, a := range args[3:] {
		if command.Is(a, "get") {
			return []command.KeyRef{{Pos: 1, Flags: command.KeyRW | command.KeyAccess | command.KeyUpdate}}
		}
	}
	return []command.KeyRef{{Pos: 1, Flags: command.KeyOW | command.KeyUpdate}}
}

// xreadGetKeys is Redis's xreadGetKeys for XREAD and XREADGROUP: it skips
// the options to the STREAMS keyword, and half of what follows are keys.
// Its keys carry no flags, as in Redis.
func xreadGetKeys(args [][]byte) []command.KeyRef {
	streams := -1
options:
	for i := 1; i < len(args); i++ {
		switch {
		case command.Is(args[i], "block"), command.Is(args[i], "count"):
			i++
		case command.Is(args[i], "group"):
			i += 2
		case command.Is(args[i], "noack"):
		case command.Is(args[i], "streams"):
			streams = i
			break options
		default:
			break options
		}
	}
	n := len(args) - streams - 1
	if streams == -1 || n == 0 || n%2 != 0 {
		return nil
	}
	keys := make([]command.KeyRef, n/2)
	for i := range keys {
		keys[i].Pos = streams + 1 + i
	}
	return keys
}

// numKeysGetKeys is Redis's genericGetKeys for a key count at argument
// countAt followed by the keys from firstAt (LMPOP, BLMPOP). It reads the
// count with C's atoi, which takes "+2" or "2abc" as 2, so it finds keys
// where the key spec, which wants a plain integer, gives up. Its keys
// carry no flags, as in Redis.
func numKeysGetKeys(countAt, firstAt int) command.KeysFunc {
	return func(args [][]byte) []command.KeyRef {
		n := cAtoi(args[countAt])
		if n < 1 || n > len(args)-firstAt {
			return nil
		}
		keys := make([]command.KeyRef, n)
		for i := range keys {
			keys[i].Pos = firstAt + i
		}
		return keys
	}
}

// cAtoi is C's atoi as glibc has it: leading white space, a sign, then
// digits up to the first non-digit; (int)strtol, so out-of-range values
// wrap as the 32-bit cast does.
func cAtoi(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var v uint64
	overflow := false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + uint64(b[i]-'0')
		if v > 1<<63 {
			overflow = true
		}
	}
	var l int64 // strtol saturates at LONG_MIN and LONG_MAX
	switch {
	case overflow || (!neg && v > 1<<63-1):
		l = 1<<63 - 1
		if neg {
			l = -1 << 63
		}
	case neg:
		l = -int64(v)
	default:
		l = int64(v)
	}
	return int(int32(l))
}

// redisKeySpecs is Redis 7.2's key specs (src/commands.def) for every
// command brokerd registers that has keys, keyed by the name COMMAND
// reports. Taken from COMMAND INFO of redis-server 7.0.15 and checked
// against 7.2's commands.def; TestCommandKeySpecs checks that each
// agrees with the command's legacy key range in the Spec.
var redisKeySpecs = sync.OnceValue(func() map[string]commandKeys {
	const (
		ro       = command.KeyRO
		rw       = command.KeyRW
		ow       = command.KeyOW
		rm       = command.KeyRM
		access   = command.KeyAccess
		update   = command.KeyUpdate
		insert   = command.KeyInsert
		del      = command.KeyDelete
		notKey   = command.KeyNotKey
		varFlags = command.KeyVariableFlags
	)
	type ks = []command.KeySpec
	span := keySpan
	// evalKeys is the EVAL family's spec: a key count at argument 2, then
	// the keys, with the worst-case flags Redis assumes.
	evalKeys := func(flags command.KeyFlag) command.KeySpec {
		notes := "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"
		if flags&ro != 0 {
			notes = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
		}
		return command.KeySpec{Flags: flags, Notes: notes, Index: 2, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}
	}
	specs := map[string]commandKeys{
		"append":                {specs: ks{span(rw|insert, 1, 0, 1)}},
		"blmove":                {specs: ks{span(rw|access|del, 1, 0, 1), span(rw|insert, 2, 0, 1)}},
		"blmpop":                {specs: ks{{Flags: rw | access | del, Index: 2, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}}, getKeys: numKeysGetKeys(2, 3)},
		"blpop":                 {specs: ks{span(rw|access|del, 1, -2, 1)}},
		"brpop":                 {specs: ks{span(rw|access|del, 1, -2, 1)}},
		"brpoplpush":            {specs: ks{span(rw|access|del, 1, 0, 1), span(rw|insert, 2, 0, 1)}},
		"copy":                  {specs: ks{span(ro|access, 1, 0, 1), span(ow|update, 2, 0, 1)}},
		"decr":                  {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"decrby":                {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"del":                   {specs: ks{span(rm|del, 1, -1, 1)}},
		"eval":                  {specs: ks{evalKeys(rw | access | update)}, getKeys: numKeysGetKeys(2, 3)},
		"eval_ro":               {specs: ks{evalKeys(ro | access)}, getKeys: numKeysGetKeys(2, 3)},
		"evalsha":               {specs: ks{evalKeys(rw | access | update)}, getKeys: numKeysGetKeys(2, 3)},
		"evalsha_ro":            {specs: ks{evalKeys(ro | access)}, getKeys: numKeysGetKeys(2, 3)},
		"exists":                {specs: ks{span(ro, 1, -1, 1)}},
		"expire":                {specs: ks{span(rw|update, 1, 0, 1)}},
		"expireat":              {specs: ks{span(rw|update, 1, 0, 1)}},
		"expiretime":            {specs: ks{span(ro|access, 1, 0, 1)}},
		"get":                   {specs: ks{span(ro|access, 1, 0, 1)}},
		"getdel":                {specs: ks{span(rw|access|del, 1, 0, 1)}},
		"getex":                 {specs: ks{{Flags: rw | access | update, Notes: "RW and UPDATE because it changes the TTL", Index: 1, LastKey: 0, KeyStep: 1}}},
		"getrange":              {specs: ks{span(ro|access, 1, 0, 1)}},
		"substr":                {specs: ks{span(ro|access, 1, 0, 1)}},
		"getset":                {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"incr":                  {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"incrby":                {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"incrbyfloat":           {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"lindex":                {specs: ks{span(ro|access, 1, 0, 1)}},
		"linsert":               {specs: ks{span(rw|insert, 1, 0, 1)}},
		"llen":                  {specs: ks{span(ro, 1, 0, 1)}},
		"lmove":                 {specs: ks{span(rw|access|del, 1, 0, 1), span(rw|insert, 2, 0, 1)}},
		"lmpop":                 {specs: ks{{Flags: rw | access | del, Index: 1, KeyNum: true, KeyNumIdx: 0, FirstKey: 1, KeyStep: 1}}, getKeys: numKeysGetKeys(1, 2)},
		"lpop":                  {specs: ks{span(rw|access|del, 1, 0, 1)}},
		"lpos":                  {specs: ks{span(ro|access, 1, 0, 1)}},
		"lpush":                 {specs: ks{span(rw|insert, 1, 0, 1)}},
		"lpushx":                {specs: ks{span(rw|insert, 1, 0, 1)}},
		"lrange":                {specs: ks{span(ro|access, 1, 0, 1)}},
		"lrem":                  {specs: ks{span(rw|del, 1, 0, 1)}},
		"lset":                  {specs: ks{span(rw|update, 1, 0, 1)}},
		"ltrim":                 {specs: ks{span(rw|del, 1, 0, 1)}},
		"mget":                  {specs: ks{span(ro|access, 1, -1, 1)}},
		"move":                  {specs: ks{span(rw|access|update, 1, 0, 1)}},
		"mset":                  {specs: ks{span(ow|update, 1, -1, 2)}},
		"msetnx":                {specs: ks{span(ow|insert, 1, -1, 2)}},
		"object|encoding":       {specs: ks{span(ro, 2, 0, 1)}},
		"object|freq":           {specs: ks{span(ro, 2, 0, 1)}},
		"object|idletime":       {specs: ks{span(ro, 2, 0, 1)}},
		"object|refcount":       {specs: ks{span(ro, 2, 0, 1)}},
		"persist":               {specs: ks{span(rw|update, 1, 0, 1)}},
		"pexpire":               {specs: ks{span(rw|update, 1, 0, 1)}},
		"pexpireat":             {specs: ks{span(rw|update, 1, 0, 1)}},
		"pexpiretime":           {specs: ks{span(ro|access, 1, 0, 1)}},
		"psetex":                {specs: ks{span(ow|update, 1, 0, 1)}},
		"pttl":                  {specs: ks{span(ro|access, 1, 0, 1)}},
		"rename":                {specs: ks{span(rw|access|del, 1, 0, 1), span(ow|update, 2, 0, 1)}},
		"renamenx":              {specs: ks{span(rw|access|del, 1, 0, 1), span(ow|insert, 2, 0, 1)}},
		"rpop":                  {specs: ks{span(rw|access|del, 1, 0, 1)}},
		"rpoplpush":             {specs: ks{span(rw|access|del, 1, 0, 1), span(rw|insert, 2, 0, 1)}},
		"rpush":                 {specs: ks{span(rw|insert, 1, 0, 1)}},
		"rpushx":                {specs: ks{span(rw|insert, 1, 0, 1)}},
		"set":                   {specs: ks{{Flags: rw | access | update | varFlags, Notes: "RW and ACCESS due to the optional `GET` argument", Index: 1, LastKey: 0, KeyStep: 1}}, getKeys: setGetKeys},
		"setex":                 {specs: ks{span(ow|update, 1, 0, 1)}},
		"setnx":                 {specs: ks{span(ow|insert, 1, 0, 1)}},
		"setrange":              {specs: ks{span(rw|update, 1, 0, 1)}},
		"spublish":              {specs: ks{span(notKey, 1, 0, 1)}},
		"ssubscribe":            {specs: ks{span(notKey, 1, -1, 1)}},
		"strlen":                {specs: ks{span(ro, 1, 0, 1)}},
		"sunsubscribe":          {specs: ks{span(notKey, 1, -1, 1)}},
		"touch":                 {specs: ks{span(ro, 1, -1, 1)}},
		"ttl":                   {specs: ks{span(ro|access, 1, 0, 1)}},
		"type":                  {specs: ks{span(ro, 1, 0, 1)}},
		"unlink":                {specs: ks{span(rm|del, 1, -1, 1)}},
		"watch":                 {specs: ks{span(ro, 1, -1, 1)}},
		"xack":                  {specs: ks{span(rw|update, 1, 0, 1)}},
		"xadd":                  {specs: ks{{Flags: rw | update, Notes: "UPDATE instead of INSERT because of the optional trimming feature", Index: 1, LastKey: 0, KeyStep: 1}}},
		"xautoclaim":            {specs: ks{span(rw|del, 1, 0, 1)}},
		"xclaim":                {specs: ks{span(rw|update, 1, 0, 1)}},
		"xdel":                  {specs: ks{span(rw|del, 1, 0, 1)}},
		"xgroup|create":         {specs: ks{span(rw|insert, 2, 0, 1)}},
		"xgroup|createconsumer": {specs: ks{span(rw|insert, 2, 0, 1)}},
		"xgroup|delconsumer":    {specs: ks{span(rw|del, 2, 0, 1)}},
		"xgroup|destroy":        {specs: ks{span(rw|del, 2, 0, 1)}},
		"xgroup|setid":          {specs: ks{span(rw|update, 2, 0, 1)}},
		"xinfo|consumers":       {specs: ks{span(ro|access, 2, 0, 1)}},
		"xinfo|groups":          {specs: ks{span(ro|access, 2, 0, 1)}},
		"xinfo|stream":          {specs: ks{span(ro|access, 2, 0, 1)}},
		"xlen":                  {specs: ks{span(ro, 1, 0, 1)}},
		"xpending":              {specs: ks{span(ro|access, 1, 0, 1)}},
		"xrange":                {specs: ks{span(ro|access, 1, 0, 1)}},
		"xread":                 {specs: ks{{Flags: ro | access, Keyword: "STREAMS", StartFrom: 1, LastKey: -1, KeyStep: 1, Limit: 2}}, getKeys: xreadGetKeys},
		"xreadgroup":            {specs: ks{{Flags: ro | access, Keyword: "STREAMS", StartFrom: 4, LastKey: -1, KeyStep: 1, Limit: 2}}, getKeys: xreadGetKeys},
		"xrevrange":             {specs: ks{span(ro|access, 1, 0, 1)}},
		"xsetid":                {specs: ks{span(rw|update, 1, 0, 1)}},
		"xtrim":                 {specs: ks{span(rw|del, 1, 0, 1)}},
	}
	for _, family := range []map[string]commandKeys{hashKeySpecs(), setKeySpecs(), zsetKeySpecs()} {
		maps.Copy(specs, family)
	}
	return specs
})

// keySpan is the common key spec: keys from index to lastKey (relative,
// or from the end when negative), every step-th.
func keySpan(flags command.KeyFlag, index, lastKey, step int) command.KeySpec {
	return command.KeySpec{Flags: flags, Index: index, LastKey: lastKey, KeyStep: step}
}
