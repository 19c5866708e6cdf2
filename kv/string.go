package kv

import "github.com/brokerd/brokerd/command"

// String is the string type. Redis's int/embstr/raw encodings are only
// reported, not stored: the bytes are the value.
type String struct {
	b []byte
	// raw is set once the value was modified in place (APPEND, SETRANGE),
	// which Redis reports as "raw" whatever the length.
	raw bool
}

// NewString returns a String holding a copy of b.
func NewString(b []byte) *String { return &String{b: append([]byte(nil), b...)} }

// Bytes returns the value. Callers must not modify it.
func (s *String) Bytes() []byte { return s.b }

// Type implements command.Value.
func (s *String) Type() string { return "string" }

// Encoding implements command.Value with Redis's rules: "int" for a
// canonical integer, "embstr" up to 44 bytes, "raw" beyond or once changed
// in place.
func (s *String) Encoding() string {
	if len(s.b) <= 20 {
		if _, ok := command.ParseInt(s.b); ok {
			return "int"
		}
	}
	if s.raw || len(s.b) > 44 {
		return "raw"
	}
	return "embstr"
}

// Clone implements command.Value.
func (s *String) Clone() command.Value { return &String{b: append([]byte(nil), s.b...), raw: s.raw} }
