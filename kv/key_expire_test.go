package kv

import (
	"math"
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/command"
)

func TestParseExpireArgs(t *testing.T) {
	tests := []struct {
		line string
		want expireArgs
		err  error
	}{
		{line: "EXPIRE k 10", want: expireArgs{key: []byte("k"), n: 10}},
		{line: "EXPIRE k -10", want: expireArgs{key: []byte("k"), n: -10}},
		{line: "EXPIRE k 10 nx", want: expireArgs{key: []byte("k"), n: 10, cond: expireNX}},
		{line: "EXPIRE k 10 XX GT", want: expireArgs{key: []byte("k"), n: 10, cond: expireXX | expireGT}},
		{line: "EXPIRE k 10 LT LT", want: expireArgs{key: []byte("k"), n: 10, cond: expireLT}},
		{line: "EXPIRE k x", err: command.ErrNotInteger},
		{line: "EXPIRE k 1.5", err: command.ErrNotInteger},
		{line: "EXPIRE k 10 FOO", err: command.Error("ERR Unsupported option FOO")},
		{line: "EXPIRE k 10 nx xx", err: errExpireNXConflict},
		{line: "EXPIRE k 10 NX GT", err: errExpireNXConflict},
		{line: "EXPIRE k 10 LT NX", err: errExpireNXConflict},
		{line: "EXPIRE k 10 GT LT", err: errExpireGTAndLT},
		// options are checked before the number, and in order
		{line: "EXPIRE k x FOO", err: command.Error("ERR Unsupported option FOO")},
		{line: "EXPIRE k x NX XX", err: errExpireNXConflict},
		{line: "EXPIRE k 10 NX XX FOO", err: command.Error("ERR Unsupported option FOO")},
	}
	for _, tt := range tests {
		got, err := parseExpireArgs(keyArgs(tt.line))
		if err != tt.err {
			t.Errorf("%s: err %v, want %v", tt.line, err, tt.err)
			continue
		}
		if err == nil && (string(got.key) != string(tt.want.key) || got.n != tt.want.n || got.cond != tt.want.cond) {
			t.Errorf("%s: got %+v, want %+v", tt.line, got, tt.want)
		}
	}
}

func TestAbsExpireTimeOverflow(t *testing.T) {
	const maxSec = math.MaxInt64 / 1000
	tests := []struct {
		n, unit, base int64
		want          int64
		ok            bool
	}{
		{10, 1000, 5000, 15000, true},
		{10, 1, 5000, 5010, true},
		{-10, 1000, 5000, -5000, true},
		{maxSec, 1000, 0, maxSec * 1000, true},
		{maxSec + 1, 1000, 0, 0, false},
		{math.MinInt64 / 1000, 1000, 0, math.MinInt64 / 1000 * 1000, true},
		{math.MinInt64/1000 - 1, 1000, 0, 0, false},
		{math.MaxInt64, 1, 0, math.MaxInt64, true},
		{math.MaxInt64, 1, 1, 0, false},
		{maxSec, 1000, 1_700_000_000_000, 0, false},
	}
	for _, tt := range tests {
		got, ok := absExpireTime(tt.n, tt.unit, tt.base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("absExpireTime(%d, %d, %d) = %d, %v; want %d, %v", tt.n, tt.unit, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}

func TestExpireCondAllows(t *testing.T) {
	const none = 0
	tests := []struct {
		cond      expireCond
		cur, when int64
		want      bool
	}{
		{0, none, 5, true},
		{0, 10, 5, true},
		{expireNX, none, 5, true},
		{expireNX, 10, 5, false},
		{expireXX, none, 5, false},
		{expireXX, 10, 5, true},
		{expireGT, none, 5, false}, // no TTL is infinite
		{expireGT, 10, 5, false},
		{expireGT, 10, 10, false},
		{expireGT, 10, 11, true},
		{expireLT, none, 5, true},
		{expireLT, 10, 10, false},
		{expireLT, 10, 9, true},
		{expireXX | expireGT, none, 50, false},
		{expireXX | expireLT, none, 5, false},
		{expireXX | expireLT, 10, 5, true},
	}
	for _, tt := range tests {
		if got := tt.cond.allows(tt.cur, tt.when); got != tt.want {
			t.Errorf("cond %04b cur %d when %d: %v, want %v", tt.cond, tt.cur, tt.when, got, tt.want)
		}
	}
}

// msFromNow formats the tester's clock plus deltaMs as a decimal string.
func (x *tester) msFromNow(deltaMs int64) string { return strconv.FormatInt(x.now+deltaMs, 10) }

func TestExpireVariantsLogAbsolutePExpireAt(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k")
	nowSec := x.now / 1000 // the tester's clock is a whole second
	x.wantLogged("EXPIRE k 100", "(int) 1", "db0 PEXPIREAT k "+x.msFromNow(100_000))
	x.wantLogged("PEXPIRE k 1500", "(int) 1", "db0 PEXPIREAT k "+x.msFromNow(1500))
	x.wantLogged("EXPIREAT k "+strconv.FormatInt(nowSec+7, 10), "(int) 1", "db0 PEXPIREAT k "+x.msFromNow(7000))
	x.wantLogged("PEXPIREAT k "+x.msFromNow(2345), "(int) 1", "db0 PEXPIREAT k "+x.msFromNow(2345))
	x.want("PTTL k", "(int) 2345")
	x.wantLogged("EXPIRE nope 10", "(int) 0")
	x.checkReplay()
}

func TestExpireInThePastDeletes(t *testing.T) {
	for _, line := range []string{"EXPIRE k 0", "EXPIRE k -5", "PEXPIRE k 0", "EXPIREAT k 1", "PEXPIREAT k 0", "PEXPIREAT k -1"} {
		t.Run(line, func(t *testing.T) {
			x := newKeyTester(t)
			x.seedKeys("k")
			x.wantLogged(line, "(int) 1", "db0 DEL k")
			x.want("EXISTS k", "(int) 0")
			x.checkReplay()
		})
	}
	t.Run("exactly now", func(t *testing.T) {
		x := newKeyTester(t)
		x.seedKeys("k")
		x.wantLogged("PEXPIREAT k "+x.msFromNow(0), "(int) 1", "db0 DEL k")
		x.checkReplay()
	})
}

func TestExpireErrors(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k")
	tests := []struct{ line, want string }{
		{"EXPIRE k", "ERR wrong number of arguments for 'expire' command"},
		{"EXPIRE k abc", "ERR value is not an integer or out of range"},
		{"EXPIRE k 10 NX XX", "ERR NX and XX, GT or LT options at the same time are not compatible"},
		{"EXPIRE k 10 GT LT", "ERR GT and LT options at the same time are not compatible"},
		{"EXPIRE k 10 KEEPTTL", "ERR Unsupported option KEEPTTL"},
		{"EXPIRE k 9223372036854775807", "ERR invalid expire time in 'expire' command"},
		{"expire k 9223372036854775", "ERR invalid expire time in 'expire' command"}, // fits in ms, not once now is added
		{"PEXPIRE k 9223372036854775807", "ERR invalid expire time in 'pexpire' command"},
		{"EXPIREAT k 9223372036854776", "ERR invalid expire time in 'expireat' command"},
		{"EXPIREAT k -9223372036854776", "ERR invalid expire time in 'expireat' command"},
		{"PEXPIREAT k 9223372036854775807", "(int) 1"}, // the largest expiry there is
		{"PEXPIRETIME k", "(int) 9223372036854775807"},
		{"TTL k", "(int) " + strconv.FormatInt((math.MaxInt64-x.now+500)/1000, 10)},
	}
	for _, tt := range tests {
		x.want(tt.line, tt.want)
	}
	x.checkReplay()
}

func TestExpireConditions(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k")
	steps := []struct{ line, want string }{
		{"EXPIRE k 100 XX", "(int) 0"}, // no TTL yet
		{"EXPIRE k 100 GT", "(int) 0"}, // no TTL is infinite
		{"EXPIRE k 100 NX", "(int) 1"},
		{"EXPIRE k 200 NX", "(int) 0"},
		{"TTL k", "(int) 100"},
		{"EXPIRE k 50 GT", "(int) 0"},
		{"EXPIRE k 100 GT", "(int) 0"}, // equal is not greater
		{"EXPIRE k 150 GT", "(int) 1"},
		{"EXPIRE k 200 LT", "(int) 0"},
		{"EXPIRE k 120 lt", "(int) 1"},
		{"EXPIRE k 130 XX", "(int) 1"},
		{"TTL k", "(int) 130"},
		{"PERSIST k", "(int) 1"},
		{"EXPIRE k 10 LT", "(int) 1"}, // no TTL: anything is less
		{"EXPIRE k -1 LT", "(int) 1"}, // and a past time deletes
		{"EXISTS k", "(int) 0"},
	}
	for _, s := range steps {
		x.want(s.line, s.want)
	}
	x.checkReplay()
}

func TestTTLFamily(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k", "plain")
	x.want("PEXPIRE k 10499", "(int) 1")
	nowSec := x.now / 1000
	tests := []struct{ line, want string }{
		{"TTL nope", "(int) -2"},
		{"PTTL nope", "(int) -2"},
		{"EXPIRETIME nope", "(int) -2"},
		{"PEXPIRETIME nope", "(int) -2"},
		{"TTL plain", "(int) -1"},
		{"PTTL plain", "(int) -1"},
		{"EXPIRETIME plain", "(int) -1"},
		{"PEXPIRETIME plain", "(int) -1"},
		{"TTL k", "(int) 10"}, // 10.499s rounds down
		{"PTTL k", "(int) 10499"},
		{"EXPIRETIME k", "(int) " + strconv.FormatInt(nowSec+10, 10)},
		{"PEXPIRETIME k", "(int) " + x.msFromNow(10499)},
	}
	for _, tt := range tests {
		x.want(tt.line, tt.want)
	}
	x.advance(9999) // 500ms left
	x.want("TTL k", "(int) 1")
	x.want("PTTL k", "(int) 500")
	x.advance(499)
	x.want("TTL k", "(int) 0")
	x.want("PTTL k", "(int) 1")
	x.advance(1)
	x.want("TTL k", "(int) -2")
	x.want("PTTL k", "(int) -2")
	x.want("PEXPIRETIME k", "(int) -2")
	x.checkReplay()
}

func TestTTLValue(t *testing.T) {
	tests := []struct {
		expireAt, now int64
		ms, abs       bool
		want          int64
	}{
		{10_499, 0, false, false, 10},
		{10_500, 0, false, false, 11}, // rounds half up
		{10_500, 0, true, false, 10_500},
		{5_000, 6_000, true, false, 0}, // never negative (a key seen during replay)
		{5_000, 6_000, false, false, 0},
		{5_000, 6_000, true, true, 5_000},
		{5_499, 6_000, false, true, 5},
	}
	for _, tt := range tests {
		if got := ttlValue(tt.expireAt, tt.now, tt.ms, tt.abs); got != tt.want {
			t.Errorf("ttlValue(%d, %d, ms=%v, abs=%v) = %d, want %d", tt.expireAt, tt.now, tt.ms, tt.abs, got, tt.want)
		}
	}
}

func TestPersist(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k")
	x.wantLogged("PERSIST k", "(int) 0") // no TTL: nothing to log
	x.wantLogged("PERSIST nope", "(int) 0")
	x.want("EXPIRE k 10", "(int) 1")
	x.wantLogged("PERSIST k", "(int) 1", "db0 PERSIST k")
	x.want("TTL k", "(int) -1")
	x.advance(20_000)
	x.want("EXISTS k", "(int) 1")
	x.want("PEXPIRE k 10", "(int) 1")
	x.advance(10)
	x.wantLogged("PERSIST k", "(int) 0", "db0 DEL k") // expired first
	x.checkReplay()
}

// A key whose expiry passed but which nothing has touched is still in the
// live keyspace; replaying its PEXPIREAT later must store the past expiry,
// not delete the key, or replay and live state differ.
func TestExpireReplayAfterDeadlinePassed(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k", "other")
	x.want("EXPIRE k 1", "(int) 1")
	x.want("EXPIRE other 1", "(int) 1")
	x.advance(5000)
	x.want("TTL k", "(int) -2")
	x.checkReplay()
	x.want("DEL other", "(int) 0") // the write removes it and logs the DEL
	x.checkReplay()
}

func TestExpireAcrossDatabases(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("k")
	x.db = 5
	x.seedKeys("k")
	x.wantLogged("PEXPIRE k 100", "(int) 1", "db5 PEXPIREAT k "+x.msFromNow(100))
	x.db = 0
	x.want("PTTL k", "(int) -1")
	x.advance(100)
	x.want("EXISTS k", "(int) 1")
	x.db = 5
	x.want("EXISTS k", "(int) 0")
	x.checkReplay()
}
