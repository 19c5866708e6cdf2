package command

// KeyFlag is a key spec flag, Redis's CMD_KEY_*: how a command accesses
// the keys a spec finds. COMMAND INFO and COMMAND GETKEYSANDFLAGS print
// them.
type KeyFlag uint16

const (
	// KeyRO: the command reads the key's value, metadata or existence.
	KeyRO KeyFlag = 1 << iota
	// KeyRW: the command reads and writes the key.
	KeyRW
	// KeyOW: the command overwrites the key without reading it.
	KeyOW
	// KeyRM: the command deletes the key.
	KeyRM
	// KeyAccess: user data is returned, copied or otherwise read.
	KeyAccess
	// KeyUpdate: existing data is updated.
	KeyUpdate
	// KeyInsert: data is only added, nothing existing is changed.
	KeyInsert
	// KeyDelete: data is removed.
	KeyDelete
	// KeyNotKey: the argument is not a key (a shard channel) though it
	// hashes like one; GETKEYS leaves it out.
	KeyNotKey
	// KeyIncomplete: the spec may miss some keys.
	KeyIncomplete
	// KeyVariableFlags: the flags depend on the other arguments (SET ...
	// GET), so GETKEYSANDFLAGS asks the command's KeysFunc.
	KeyVariableFlags
)

// keyFlagNames is the order Redis prints key flags in
// (addReplyFlagsForKeyArgs).
var keyFlagNames = []struct {
	f    KeyFlag
	name string
}{
	{KeyRO, "RO"}, {KeyRW, "RW"}, {KeyOW, "OW"}, {KeyRM, "RM"},
	{KeyAccess, "access"}, {KeyUpdate, "update"}, {KeyInsert, "insert"},
	{KeyDelete, "delete"}, {KeyNotKey, "not_key"}, {KeyIncomplete, "incomplete"},
	{KeyVariableFlags, "variable_flags"},
}

// Names returns the flags in Redis's spelling and order.
func (f KeyFlag) Names() []string {
	out := []string{}
	for _, n := range keyFlagNames {
		if f&n.f != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// KeySpec is one of Redis's key specifications (src/commands/*.json
// "key_specs"): where a run of key arguments begins, and how far it goes.
//
// Begin search: the run starts at argument Index, or, when Keyword is
// set, just after the first argument equal to Keyword (any case), searched
// from StartFrom (from the end when negative).
//
// Find keys: with KeyNum false, a range: the last key is LastKey
// arguments after the first, or counted from the end when negative; with
// Limit > 0 and LastKey -1, the keys are the first 1/Limit of what
// follows (XREAD's keys and IDs). With KeyNum true, the argument at
// KeyNumIdx (relative to the beginning) holds the key count and the keys
// start FirstKey arguments after the beginning. Either way every KeyStep-th
// argument is a key.
type KeySpec struct {
	Flags KeyFlag
	// Notes is Redis's explanation of unusual flags; COMMAND INFO prints
	// it.
	Notes string

	Index     int
	Keyword   string
	StartFrom int

	KeyNum    bool
	LastKey   int
	Limit     int
	KeyNumIdx int
	FirstKey  int
	KeyStep   int
}

// KeyRef is a key found in a command line: its argument index (args[0]
// is the command name) and the flags it is accessed with.
type KeyRef struct {
	Pos   int
	Flags KeyFlag
}

// KeysFunc finds a command's keys by parsing its arguments, as Redis's
// getkeys_proc does. Its flags may be zero where the command's specs
// already describe them.
type KeysFunc func(args [][]byte) []KeyRef

// FindKeys applies specs to a command line as Redis's getKeysUsingKeySpecs
// does: each spec adds its keys in turn, a keyword that is missing adds
// none, and specs marked KeyNotKey are skipped. ok is false when a spec
// cannot be applied (a bad key count, a range past the end, or an
// incomplete spec); Redis then asks the command's getkeys function.
func FindKeys(specs []KeySpec, args [][]byte) (keys []KeyRef, ok bool) {
	argc := len(args)
	for i := range specs {
		spec := &specs[i]
		if spec.Flags&KeyNotKey != 0 {
			continue
		}
		first := spec.begin(args)
		if first == 0 {
			continue // keyword not found
		}
		var last int
		switch {
		case spec.KeyNum:
			idx := first + spec.KeyNumIdx
			if idx >= argc {
				return nil, false
			}
			n, isInt := ParseInt(args[idx]) // string2ll, as Redis reads the count
			if !isInt || n < 0 {
				return nil, false
			}
			first += spec.FirstKey
			// NB: Redis adds the count as a C int, so it wraps at 32 bits
			// as int32 does; a huge count then fails the bounds check
			// below or, rarely, names a few keys, as in Redis.
			last = first + int(int32(n)) - 1
		case spec.LastKey >= 0:
			last = first + spec.LastKey
		case spec.Limit == 0:
			last = argc + spec.LastKey
		default: // LastKey is -1
			last = first + (argc-first)/spec.Limit + spec.LastKey
		}
		if last >= argc || last < first || first >= argc {
			return nil, false
		}
		for p := first; p <= last; p += spec.KeyStep {
			keys = append(keys, KeyRef{Pos: p, Flags: spec.Flags})
		}
		if spec.Flags&KeyIncomplete != 0 {
			return nil, false
		}
	}
	return keys, true
}

// begin is the index of the spec's first key, or 0 when its keyword is
// not there. As in Redis's getKeysUsingKeySpecs, a forward search stops
// before the last argument (no key could follow it there) and a backward
// one goes down to argument 1.
func (spec *KeySpec) begin(args [][]byte) int {
	if spec.Keyword == "" {
		return spec.Index
	}
	argc := len(args)
	start, end, step := spec.StartFrom, argc-1, 1
	if start < 0 {
		start, end, step = argc+start, 0, -1
	}
	for i := start; i != end; i += step {
		if i >= argc || i < 1 {
			break
		}
		if Is(args[i], spec.Keyword) {
			return i + 1
		}
	}
	return 0
}

// LegacyRange is the (first, last, step) triple Redis derives from a
// command's key specs for COMMAND INFO (populateCommandLegacyRangeSpec),
// and whether the keys are movable: whether any spec is not a plain
// index-and-range one, so the triple does not tell every key.
func LegacyRange(specs []KeySpec) (keys Keys, movable bool) {
	isRange := func(s *KeySpec) bool { return s.Keyword == "" && !s.KeyNum }
	if len(specs) == 1 && isRange(&specs[0]) {
		s := specs[0]
		last := s.LastKey
		if last >= 0 {
			last += s.Index
		}
		return Keys{First: s.Index, Last: last, Step: s.KeyStep}, s.Flags&KeyIncomplete != 0
	}
	first, last, prevLast := 0, 0, 0
	for i := range specs {
		s := &specs[i]
		if !isRange(s) || s.KeyStep != 1 || (prevLast != 0 && prevLast != s.Index-1) {
			movable = true
			continue
		}
		if s.Flags&KeyIncomplete != 0 {
			movable = true
		}
		if first == 0 || s.Index < first {
			first = s.Index
		}
		abs := s.LastKey
		if abs >= 0 {
			abs += s.Index
		}
		// Redis compares as unsigned, so a last key counted from the
		// end (negative) wins over any absolute one.
		if uint(abs) > uint(last) {
			last = abs
		}
		prevLast = last
	}
	if first == 0 {
		return Keys{}, len(specs) > 0
	}
	return Keys{First: first, Last: last, Step: 1}, movable
}
