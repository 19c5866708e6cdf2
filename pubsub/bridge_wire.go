package pubsub

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
)

// The NATS bridge's wire format. Other brokerd nodes and NATS-native
// consumers read it, so these names and encodings are part of the
// protocol: never change them.
//
// Subjects (prefix defaults to "brokerd"):
//
//	<prefix>.pub.<name>      one PUBLISH; payload = the message, byte-exact
//	<prefix>.stream.<name>   one exported stream entry (XADD)
//
// <name> is the channel or key in unpadded base64url (RFC 4648 §5:
// A-Z a-z 0-9 - _), so any byte string, including ones NATS forbids in
// subjects (space, '.', '*', '>', non-UTF-8), makes one valid token. The
// empty name, which would be an empty token, is written "=" (a character
// unpadded base64url never produces).
//
// Headers:
//
//	Brokerd-Node       the random ID of the node that sent the message; a
//	                   node ignores messages carrying its own ID (no echo)
//	Brokerd-Stream-Id  on exports: the entry's ID, e.g. "1712345678901-0"
//	Brokerd-Fields     on exports: "resp"; the payload is then the entry's
//	                   fields and values as one RESP2 array of bulk strings
//	                   (*4\r\n$5\r\nfield\r\n$5\r\nvalue\r\n...), exact for
//	                   binary values, readable by any Redis client library
//	Nats-Msg-Id        on JetStream exports: <node>:<name>:<id>, so that
//	                   JetStream drops the duplicate a retried publish makes
const (
	HeaderNode     = "Brokerd-Node"
	HeaderStreamID = "Brokerd-Stream-Id"
	HeaderFields   = "Brokerd-Fields"
	fieldsRESP     = "resp"
	emptyToken     = "="
)

// EncodeName turns a channel or key into one subject token.
func EncodeName(name []byte) string {
	if len(name) == 0 {
		return emptyToken
	}
	return base64.RawURLEncoding.EncodeToString(name)
}

// appendName is EncodeName appending to dst.
func appendName(dst []byte, name []byte) []byte {
	if len(name) == 0 {
		return append(dst, emptyToken...)
	}
	return base64.RawURLEncoding.AppendEncode(dst, name)
}

// DecodeName reverses EncodeName.
func DecodeName(token string) ([]byte, error) {
	if token == emptyToken {
		return []byte{}, nil
	}
	return base64.RawURLEncoding.DecodeString(token)
}

// EncodeFields is the payload of an exported entry: the fields and values
// as a RESP2 array of bulk strings.
func EncodeFields(dst []byte, fields [][]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(fields)), 10)
	dst = append(dst, "\r\n"...)
	for _, f := range fields {
		dst = appendBulk(dst, f)
	}
	return dst
}

// DecodeFields reverses EncodeFields. The slices alias data.
func DecodeFields(data []byte) ([][]byte, error) {
	v, rest, err := parseReply(data)
	switch {
	case err != nil:
		return nil, err
	case len(rest) != 0 || v.kind != '*':
		return nil, errNotFields
	}
	out := make([][]byte, len(v.elems))
	for i, e := range v.elems {
		if e.kind != '$' || e.str == nil {
			return nil, errNotFields
		}
		out[i] = e.str
	}
	return out, nil
}

var (
	errNotFields = errors.New("pubsub: payload is not a RESP array of bulk strings")
	errBadReply  = errors.New("pubsub: malformed RESP reply")
)

// importFields turns a NATS message into the fields of a stream entry:
// a brokerd export (Brokerd-Fields: resp) keeps its fields; anything
// else becomes "subject <subject> data <payload>".
func importFields(h nats.Header, subject string, data []byte) [][]byte {
	if h.Get(HeaderFields) == fieldsRESP {
		if f, err := DecodeFields(data); err == nil && len(f) > 0 && len(f)%2 == 0 {
			return f
		}
	}
	return [][]byte{[]byte("subject"), []byte(subject), []byte("data"), data}
}

// reply is one parsed RESP2 value: what the bridge needs of Exec's
// replies (errors, bulk strings, integers, the elements of EXEC's array).
type reply struct {
	kind  byte   // '+', '-', ':', '$' or '*'
	str   []byte // the text, bulk string or integer digits; nil for a null
	elems []reply
}

func (r reply) isError() bool { return r.kind == '-' }

// String shows r compactly for errors and tests: +OK, $abc, $<nil>,
// *[$id +OK].
func (r reply) String() string {
	switch {
	case r.kind == '*':
		parts := make([]string, len(r.elems))
		for i, e := range r.elems {
			parts[i] = e.String()
		}
		return "*[" + strings.Join(parts, " ") + "]"
	case r.str == nil:
		return string(r.kind) + "<nil>"
	}
	return string(r.kind) + string(r.str)
}

// parseReply parses one RESP2 value from b and returns the rest.
func parseReply(b []byte) (reply, []byte, error) {
	line, rest, ok := cutLine(b)
	if !ok || len(line) == 0 {
		return reply{}, nil, errBadReply
	}
	r := reply{kind: line[0]}
	switch r.kind {
	case '+', '-', ':':
		r.str = line[1:]
		return r, rest, nil
	case '$':
		n, err := strconv.Atoi(string(line[1:]))
		if err != nil || n < -1 {
			return reply{}, nil, errBadReply
		}
		if n == -1 {
			return r, rest, nil
		}
		if len(rest) < n+2 || rest[n] != '\r' || rest[n+1] != '\n' {
			return reply{}, nil, errBadReply
		}
		r.str = rest[:n:n]
		return r, rest[n+2:], nil
	case '*':
		n, err := strconv.Atoi(string(line[1:]))
		if err != nil || n < -1 || n > len(rest) {
			return reply{}, nil, errBadReply
		}
		for i := 0; i < n; i++ {
			var e reply
			if e, rest, err = parseReply(rest); err != nil {
				return reply{}, nil, err
			}
			r.elems = append(r.elems, e)
		}
		return r, rest, nil
	}
	return reply{}, nil, errBadReply
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' {
			return b[:i], b[i+2:], true
		}
	}
	return nil, nil, false
}
