package kv

import (
	"math"

	"github.com/brokerd/brokerd/command"
)

// The option grammar SET and GETEX share (Redis's
// parseExtendedStringArgumentsOrReply), and the expiry it yields.

// expiryKind is how an expire argument reads.
type expiryKind uint8

const (
	expiryNone expiryKind = iota
	expiryEX              // seconds from now
	expiryPX              // milliseconds from now
	expiryEXAT            // Unix time in seconds
	expiryPXAT            // Unix time in milliseconds
)

// expiry is an EX/PX/EXAT/PXAT option as given. The number is kept raw
// because Redis validates it only after other checks (SET: after the
// syntax; GETEX: after the key's type).
type expiry struct {
	kind expiryKind
	n    []byte
}

// at returns the absolute expiry in Unix ms, with Redis's errors: not an
// integer, or not positive, or overflowing int64 once converted
// (ErrInvalidExpireIn names cmd).
func (e expiry) at(now int64, cmd string) (int64, error) {
	n, err := command.Int(e.n)
	if err != nil {
		return 0, err
	}
	seconds := e.kind == expiryEX || e.kind == expiryEXAT
	if n <= 0 || (seconds && n > math.MaxInt64/1000) {
		return 0, command.ErrInvalidExpireIn(cmd)
	}
	if seconds {
		n *= 1000
	}
	if e.kind == expiryEX || e.kind == expiryPX {
		if n > math.MaxInt64-now {
			return 0, command.ErrInvalidExpireIn(cmd)
		}
		n += now
	}
	return n, nil
}

// stringOptions are the parsed options of SET or GETEX.
type stringOptions struct {
	nx, xx, get bool // SET only
	keepTTL     bool // SET only
	persist     bool // GETEX only
	expire      expiry
}

// parseStringOptions parses opts as SET's options (forSet) or GETEX's.
// Like Redis it accepts an option repeated (EX 1 EX 2: the last wins) but
// not two that conflict (NX XX, EX PX, KEEPTTL EX, PERSIST EX), and an
// EX/PX/EXAT/PXAT without a value is a syntax error.
func parseStringOptions(opts [][]byte, forSet bool) (stringOptions, error) {
	var o stringOptions
	// expireOK reports whether kind may be set now: no other expiry kind,
	// no KEEPTTL or PERSIST, and a value follows.
	expireOK := func(kind expiryKind, i int) bool {
		return (o.expire.kind == expiryNone || o.expire.kind == kind) &&
			!o.keepTTL && !o.persist && i+1 < len(opts)
	}
	for i := 0; i < len(opts); i++ {
		opt := opts[i]
		var kind expiryKind
		switch {
		case forSet && command.Is(opt, "NX") && !o.xx:
			o.nx = true
		case forSet && command.Is(opt, "XX") && !o.nx:
			o.xx = true
		case forSet && command.Is(opt, "GET"):
			o.get = true
		case forSet && command.Is(opt, "KEEPTTL") && o.expire.kind == expiryNone:
			o.keepTTL = true
		case !forSet && command.Is(opt, "PERSIST") && o.expire.kind == expiryNone:
			o.persist = true
		case command.Is(opt, "EX"):
			kind = expiryEX
		case command.Is(opt, "PX"):
			kind = expiryPX
		case command.Is(opt, "EXAT"):
			kind = expiryEXAT
		case command.Is(opt, "PXAT"):
			kind = expiryPXAT
		default:
			return stringOptions{}, command.ErrSyntax
		}
		if kind == expiryNone {
			continue
		}
		if !expireOK(kind, i) {
			return stringOptions{}, command.ErrSyntax
		}
		o.expire = expiry{kind: kind, n: opts[i+1]}
		i++
	}
	return o, nil
}
