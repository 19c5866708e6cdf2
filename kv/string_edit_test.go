package kv

import (
	"math"
	"testing"

	"github.com/brokerd/brokerd/command"
)

func TestAppend(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST l a", "OK")
	x.wantEffects("APPEND a hello", "(int) 5", "APPEND a hello")
	x.wantEncoding("a", "embstr") // created from the argument, not changed in place
	x.wantEffects(`APPEND a " world"`, "(int) 11", "APPEND a  world")
	x.want("GET a", `"hello world"`)
	x.wantEncoding("a", "raw")
	x.wantEffects(`APPEND a ""`, "(int) 11", "APPEND a ")
	x.want("SET n 1", "OK")
	x.wantEncoding("n", "int")
	x.wantEffects("APPEND n 2", "(int) 2", "APPEND n 2")
	x.want("GET n", `"12"`)
	x.wantEncoding("n", "raw") // Redis: APPEND turns an int into a raw string
	x.wantEffects("INCR n", "(int) 13", "INCR n")
	x.wantEncoding("n", "int")
	x.wantEffects("APPEND l x", wrongType)
	x.want("SET t a EX 100", "OK")
	x.wantEffects("APPEND t b", "(int) 2", "APPEND t b")
	x.wantExpireAt("t", t0+100_000)
	x.want("SET e a PX 10", "OK")
	x.advance(10)
	x.wantEffects("APPEND e b", "(int) 1", "DEL e", "APPEND e b")
	x.want("GET e", `"b"`)
	x.checkReplay()
}

func TestSetrange(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST l a", "OK")
	x.want(`SET h "Hello World"`, "OK")
	for _, tt := range []struct {
		line, reply string
		effects     []string
	}{
		{"SETRANGE h 6 Redis", "(int) 11", []string{"SETRANGE h 6 Redis"}},
		{"GET h", `"Hello Redis"`, nil},
		{"SETRANGE h 11 !", "(int) 12", []string{"SETRANGE h 11 !"}},
		{"SETRANGE h 14 ?", "(int) 15", []string{"SETRANGE h 14 ?"}},
		{"GET h", `"Hello Redis!\x00\x00?"`, nil},
		{`SETRANGE h 0 ""`, "(int) 15", nil},
		{"SETRANGE s 5 x", "(int) 6", []string{"SETRANGE s 5 x"}},
		{"GET s", `"\x00\x00\x00\x00\x00x"`, nil},
		{`SETRANGE nope 3 ""`, "(int) 0", nil},
		{"GET nope", "(nil)", nil},
		{"SETRANGE h -1 x", "ERR offset is out of range", nil},
		{"SETRANGE h abc x", "ERR value is not an integer or out of range", nil},
		{"SETRANGE l 0 x", wrongType, nil},
		{`SETRANGE l 0 ""`, wrongType, nil},
		{"SETRANGE h 536870912 x", "ERR string exceeds maximum allowed size (proto-max-bulk-len)", nil},
		{"SETRANGE nope 536870911 xy", "ERR string exceeds maximum allowed size (proto-max-bulk-len)", nil},
		{`SETRANGE h 536870912 ""`, "(int) 15", nil}, // nothing to write: no size check
	} {
		x.wantEffects(tt.line, tt.reply, tt.effects...)
	}
	x.wantEncoding("s", "raw")
	x.want("SET n 1234", "OK")
	x.wantEffects("SETRANGE n 0 9", "(int) 4", "SETRANGE n 0 9")
	x.wantEncoding("n", "raw")
	x.want("SET t abc EX 100", "OK")
	x.wantEffects("SETRANGE t 1 X", "(int) 3", "SETRANGE t 1 X")
	x.wantExpireAt("t", t0+100_000)
	x.want("SET e abc PX 10", "OK")
	x.advance(10)
	x.wantEffects("SETRANGE e 1 X", "(int) 2", "DEL e", "SETRANGE e 1 X")
	x.want("GET e", `"\x00X"`)
	x.checkReplay()
}

func TestStringWriteAtZeroesReusedCapacity(t *testing.T) {
	buf := []byte("abzzzzzzzz")
	s := &String{b: buf[:2]}
	s.writeAt(4, []byte("x"))
	if string(s.b) != "ab\x00\x00x" || !s.raw {
		t.Errorf("got %q raw=%v", s.b, s.raw)
	}
	s.writeAt(1, []byte("YYYYYYYYYYYY"))
	if string(s.b) != "aYYYYYYYYYYYY" {
		t.Errorf("got %q", s.b)
	}
}

func TestCheckStringLength(t *testing.T) {
	for _, tt := range []struct {
		size, add int64
		ok        bool
	}{
		{0, 0, true},
		{maxStringLen, 0, true},
		{0, maxStringLen, true},
		{maxStringLen - 1, 1, true},
		{maxStringLen, 1, false},
		{1, maxStringLen, false},
		{math.MaxInt64, 1, false},
		{1, math.MaxInt64, false},
	} {
		err := checkStringLength(tt.size, tt.add)
		if (err == nil) != tt.ok || (err != nil && err != command.ErrStringTooLong) {
			t.Errorf("checkStringLength(%d, %d) = %v", tt.size, tt.add, err)
		}
	}
}
