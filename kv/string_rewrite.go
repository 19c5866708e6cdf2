package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*String)(nil)

// Rewrite implements command.Rewriter: SET key value. A string changed in
// place (APPEND, SETRANGE) is rebuilt by SET key "" then APPEND, so that
// it keeps reporting OBJECT ENCODING raw after a restart, as it did live.
func (s *String) Rewrite(key []byte, emit func(args ...[]byte)) {
	if s.raw {
		emit([]byte("SET"), key, nil)
		emit([]byte("APPEND"), key, s.b)
		return
	}
	emit([]byte("SET"), key, s.b)
}
