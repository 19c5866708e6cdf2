package command

import (
	"errors"
	"strings"
)

// Error is an error whose text is exactly the Redis error reply, code
// included ("WRONGTYPE Operation against ..."). Families return these (or
// wrap their own sentinels with Translate) so the reply text lives in one
// place and is checked against real Redis.
type Error string

func (e Error) Error() string { return string(e) }

// Redis's error replies, word for word (server.c shared objects and the
// command implementations).
const (
	ErrSyntax        Error = "ERR syntax error"
	ErrWrongType     Error = "WRONGTYPE Operation against a key holding the wrong kind of value"
	ErrNotInteger    Error = "ERR value is not an integer or out of range"
	ErrNotFloat      Error = "ERR value is not a valid float"
	ErrOverflow      Error = "ERR increment or decrement would overflow"
	ErrNaNOrInf      Error = "ERR increment would produce NaN or Infinity"
	ErrNoSuchKey     Error = "ERR no such key"
	ErrInvalidExpire Error = "ERR invalid expire time in 'set' command"
	ErrDBIndex       Error = "ERR DB index is out of range"
	ErrNoAuth        Error = "NOAUTH Authentication required."
	ErrWrongPass     Error = "WRONGPASS invalid username-password pair or user is disabled."
	ErrNoPasswordSet Error = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
	ErrSameObject    Error = "ERR source and destination objects are the same"
	ErrOutOfRange    Error = "ERR value is out of range, must be positive"
	ErrBitOffset     Error = "ERR bit offset is not an integer or out of range"
	ErrStringTooLong Error = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	ErrNotInMulti    Error = "ERR MULTI calls can not be nested"
	ErrPositiveCount Error = "ERR value is out of range, must be positive"
)

// ErrWrongArgs is the arity error for a command (name as the client sent
// it, lower-cased as Redis prints it).
func ErrWrongArgs(name string) Error {
	return Error("ERR wrong number of arguments for '" + strings.ToLower(name) + "' command")
}

// ErrInvalidExpireIn is the expire-time error naming the command.
func ErrInvalidExpireIn(cmd string) Error {
	return Error("ERR invalid expire time in '" + strings.ToLower(cmd) + "' command")
}

// Translate returns the Redis reply text for err: the text of an Error,
// or "ERR " + err.Error() for any other error.
func Translate(err error) string {
	var e Error
	if errors.As(err, &e) {
		return string(e)
	}
	return "ERR " + err.Error()
}
