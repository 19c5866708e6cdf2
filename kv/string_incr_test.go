package kv

import (
	"math/big"
	"testing"
)

func TestIncrDecr(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST l a", "OK")
	x.want("SET max 9223372036854775807", "OK")
	x.want("SET min -9223372036854775808", "OK")
	for _, tt := range []struct {
		line, reply string
		effects     []string
	}{
		{"INCR n", "(int) 1", []string{"INCR n"}},
		{"incrby n 10", "(int) 11", []string{"incrby n 10"}},
		{"DECR n", "(int) 10", []string{"DECR n"}},
		{"DECRBY n 20", "(int) -10", []string{"DECRBY n 20"}},
		{"DECRBY n -5", "(int) -5", []string{"DECRBY n -5"}},
		{"GET n", `"-5"`, nil},
		{"INCR max", "ERR increment or decrement would overflow", nil},
		{"INCRBY min -1", "ERR increment or decrement would overflow", nil},
		{"DECR min", "ERR increment or decrement would overflow", nil},
		{"DECRBY max -1", "ERR increment or decrement would overflow", nil},
		{"DECR max", "(int) 9223372036854775806", []string{"DECR max"}},
		{"INCRBY min 9223372036854775807", "(int) -1", []string{"INCRBY min 9223372036854775807"}},
		{"DECRBY n -9223372036854775808", "ERR decrement would overflow", nil},
		{"INCRBY n abc", "ERR value is not an integer or out of range", nil},
		{"INCRBY n 1.5", "ERR value is not an integer or out of range", nil},
		{"INCRBY n 9223372036854775808", "ERR value is not an integer or out of range", nil},
		{"INCR l", wrongType, nil},
		{"DECRBY l x", "ERR value is not an integer or out of range", nil}, // argument before type
	} {
		x.wantEffects(tt.line, tt.reply, tt.effects...)
	}
	for _, v := range []string{"abc", `" 1"`, `"1 "`, "+1", "01", "-0", "1.0", "9223372036854775808", `""`} {
		x.want("SET bad "+v, "OK")
		x.wantEffects("INCR bad", "ERR value is not an integer or out of range")
	}
	x.wantEncoding("n", "int")
	x.checkReplay()
}

func TestIncrKeepsTTL(t *testing.T) {
	x := newStringTester(t)
	x.want("SET t 5 EX 100", "OK")
	x.wantEffects("INCR t", "(int) 6", "INCR t")
	x.wantExpireAt("t", t0+100_000)
	x.wantEffects("INCRBYFLOAT t 0.5", `"6.5"`, "SET t 6.5 KEEPTTL")
	x.wantExpireAt("t", t0+100_000)
	x.want("SET e 5 PX 10", "OK")
	x.advance(10)
	x.wantEffects("INCR e", "(int) 1", "DEL e", "INCR e")
	x.wantExpireAt("e", 0)
	x.want("SET f 5 PX 10", "OK")
	x.advance(10)
	x.wantEffects("INCRBYFLOAT f 1.5", `"1.5"`, "DEL f", "SET f 1.5 KEEPTTL")
	x.wantExpireAt("f", 0)
	x.checkReplay()
}

func TestIncrbyfloat(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST l a", "OK")
	for _, tt := range []struct {
		line, reply string
		effects     []string
	}{
		{"INCRBYFLOAT f 10.5", `"10.5"`, []string{"SET f 10.5 KEEPTTL"}},
		{"INCRBYFLOAT f 0.1", `"10.6"`, []string{"SET f 10.6 KEEPTTL"}},
		{"INCRBYFLOAT f -5", `"5.6"`, []string{"SET f 5.6 KEEPTTL"}},
		{"SET g 5.0e3", "OK", []string{"SET g 5.0e3"}},
		{"INCRBYFLOAT g 2.0e2", `"5200"`, []string{"SET g 5200 KEEPTTL"}},
		{"SET h 0.1", "OK", []string{"SET h 0.1"}},
		{"INCRBYFLOAT h 0.2", `"0.3"`, []string{"SET h 0.3 KEEPTTL"}}, // long double, not float64
		{"SET i 17179869184", "OK", []string{"SET i 17179869184"}},
		{"INCRBYFLOAT i 1.5", `"17179869185.5"`, []string{"SET i 17179869185.5 KEEPTTL"}},
		{"INCRBYFLOAT z 0.5", `"0.5"`, []string{"SET z 0.5 KEEPTTL"}},
		{"INCRBYFLOAT z -0.5", `"0"`, []string{"SET z 0 KEEPTTL"}}, // no negative zero
		{"INCRBYFLOAT z -1e-20", `"0"`, []string{"SET z 0 KEEPTTL"}},
		{"INCRBYFLOAT hex 0x1.8p1", `"3"`, []string{"SET hex 3 KEEPTTL"}},
		{"INCRBYFLOAT f abc", "ERR value is not a valid float", nil},
		{"INCRBYFLOAT f nan", "ERR value is not a valid float", nil},
		{"INCRBYFLOAT f 1e5000", "ERR value is not a valid float", nil},
		{"INCRBYFLOAT f +inf", "ERR increment would produce NaN or Infinity", nil},
		{"INCRBYFLOAT l 1", wrongType, nil},
		{"INCRBYFLOAT l abc", wrongType, nil}, // type before argument
		{"SET big 1e4932", "OK", []string{"SET big 1e4932"}},
		{"INCRBYFLOAT big 1e4932", "ERR increment would produce NaN or Infinity", nil},
	} {
		x.wantEffects(tt.line, tt.reply, tt.effects...)
	}
	for _, v := range []string{`" 1"`, `"1 "`, "abc", `"1\x002"`, `""`, "inf", "-infinity"} {
		x.want("SET bad "+v, "OK")
		want := "ERR value is not a valid float"
		if v == "inf" || v == "-infinity" {
			want = "ERR increment would produce NaN or Infinity"
		}
		x.wantEffects("INCRBYFLOAT bad 1", want)
	}
	x.checkReplay()
}

func TestParseLongDouble(t *testing.T) {
	valid := []string{"0", "-0", "1", "+1", "-1.5", "1.", ".5", "+.5", "1e3", "1E+3", "1e-3", "00012",
		"0x10", "0X1.8P1", "-0x.8", "inf", "-INF", "+Infinity", "1e4932", "1e-4940"}
	invalid := []string{"", " 1", "1 ", "\t1", "1\n", "abc", "nan", "-nan", "1e", "1e+", ".", "-", "+-1",
		"1_000", "0x", "0x1p", "1p3", "0b101", "1e5000", "-1e5000", "1e-5000", "infinit", "1.2.3", "1\x002"}
	for _, s := range valid {
		if _, ok := parseLongDouble([]byte(s)); !ok {
			t.Errorf("%q rejected", s)
		}
	}
	for _, s := range invalid {
		if _, ok := parseLongDouble([]byte(s)); ok {
			t.Errorf("%q accepted", s)
		}
	}
	long := make([]byte, ldMaxChars)
	for i := range long {
		long[i] = '1'
	}
	if _, ok := parseLongDouble(long); ok {
		t.Errorf("%d-byte number accepted", len(long))
	}
}

func TestFormatLongDouble(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{"10.5", "0.1", "10.6"},
		{"0.1", "0.2", "0.3"},
		{"1000", "0.1", "1000.09999999999999998"}, // %.17Lf shows long double's error
		{"5.0e3", "2.0e2", "5200"},
		{"1", "-1", "0"},
		{"-1e-18", "0", "0"},
		{"-1e-17", "0", "-0.00000000000000001"},
		{"1e20", "0", "100000000000000000000"},
		{"-2.5", "0", "-2.5"},
		{"3", "0.00000000000000001", "3.00000000000000001"},
	} {
		a, _ := parseLongDouble([]byte(tt.a))
		b, _ := parseLongDouble([]byte(tt.b))
		sum, ok := addLongDouble(a, b)
		if !ok {
			t.Errorf("%s + %s overflowed", tt.a, tt.b)
			continue
		}
		if got := string(formatLongDouble(sum)); got != tt.want {
			t.Errorf("%s + %s = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
	if _, ok := addLongDouble(new(big.Float).SetInf(false), big.NewFloat(1)); ok {
		t.Errorf("inf + 1 is finite")
	}
}
