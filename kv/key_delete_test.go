package kv

import "testing"

func TestDelRemovesKeysAndCountsExisting(t *testing.T) {
	for _, name := range []string{"DEL", "UNLINK"} {
		t.Run(name, func(t *testing.T) {
			x := newKeyTester(t)
			x.seedKeys("a", "b", "c")
			x.wantLogged(name+" a nope a b", "(int) 2", "db0 "+name+" a nope a b")
			x.wantLogged(name+" a b", "(int) 0") // nothing deleted, nothing logged
			x.want("EXISTS a b c", "(int) 1")
			x.want(name, "ERR wrong number of arguments for '"+map[string]string{"DEL": "del", "UNLINK": "unlink"}[name]+"' command")
			x.checkReplay()
		})
	}
}

func TestDelOnlyInSelectedDatabase(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k")
	x.db = 3
	x.seedKeys("k")
	x.wantLogged("DEL k", "(int) 1", "db3 DEL k")
	x.want("EXISTS k", "(int) 0")
	x.db = 0
	x.want("EXISTS k", "(int) 1")
	x.checkReplay()
}

func TestDelExpiredKeyIsLoggedButNotCounted(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("gone", "live")
	x.want("PEXPIRE gone 100", "(int) 1")
	x.advance(100)
	// The lookup removes the expired key and logs its DEL; DEL itself
	// deleted only "live".
	x.wantLogged("DEL gone live", "(int) 1", "db0 DEL gone", "db0 DEL gone live")
	x.want("DBSIZE", "(int) 0")
	x.checkReplay()
}

func TestExistsCountsDuplicatesAndSkipsExpired(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.want("SEED l list x", "OK")
	tests := []struct{ line, want string }{
		{"EXISTS a", "(int) 1"},
		{"EXISTS nope", "(int) 0"},
		{"EXISTS a a a", "(int) 3"},
		{"EXISTS a b l nope", "(int) 3"},
	}
	for _, tt := range tests {
		x.want(tt.line, tt.want)
	}
	x.want("PEXPIRE b 10", "(int) 1")
	x.advance(10)
	x.wantLogged("EXISTS a b", "(int) 1") // a read: the expired key stays until a write or the sweep
	x.want("DBSIZE", "(int) 3")
	x.checkReplay()
}

func TestTypeReportsValueType(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("s")
	x.want("SEED l list x", "OK")
	x.want("SEED h hash x", "OK")
	tests := []struct{ line, want string }{
		{"TYPE s", "string"},
		{"TYPE l", "list"},
		{"TYPE h", "hash"},
		{"TYPE nope", "none"},
		{"type s", "string"},
		{"TYPE", "ERR wrong number of arguments for 'type' command"},
		{"TYPE s l", "ERR wrong number of arguments for 'type' command"},
	}
	for _, tt := range tests {
		x.want(tt.line, tt.want)
	}
	x.want("PEXPIRE s 5", "(int) 1")
	x.advance(5)
	x.want("TYPE s", "none")
	x.checkReplay()
}

func TestTouchCountsAndMarksAccess(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.advance(30_000)
	x.want("OBJECT IDLETIME a", "(int) 30")
	// Reads that must not count as an access.
	for _, line := range []string{"EXISTS a", "TYPE a", "TTL a", "PTTL a", "EXPIRETIME a", "OBJECT ENCODING a", "OBJECT IDLETIME a"} {
		x.do(line)
	}
	x.want("OBJECT IDLETIME a", "(int) 30")
	x.wantLogged("TOUCH a a nope b", "(int) 3") // not durable: nothing logged
	x.want("OBJECT IDLETIME a", "(int) 0")
	x.want("OBJECT IDLETIME b", "(int) 0")
	x.checkReplay()
}
