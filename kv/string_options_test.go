package kv

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
)

func ex(kind expiryKind, n string) expiry { return expiry{kind, []byte(n)} }

func TestParseSetOptions(t *testing.T) {
	tests := []struct {
		line string
		want stringOptions
		err  error
	}{
		{line: "SET k v"},
		{line: "SET k v NX", want: stringOptions{nx: true}},
		{line: "set k v xx", want: stringOptions{xx: true}},
		{line: "SET k v NX NX", want: stringOptions{nx: true}},
		{line: "SET k v GET", want: stringOptions{get: true}},
		{line: "SET k v GET get", want: stringOptions{get: true}},
		{line: "SET k v NX GET", want: stringOptions{nx: true, get: true}},
		{line: "SET k v XX GET", want: stringOptions{xx: true, get: true}},
		{line: "SET k v KEEPTTL", want: stringOptions{keepTTL: true}},
		{line: "SET k v KEEPTTL XX GET", want: stringOptions{keepTTL: true, xx: true, get: true}},
		{line: "SET k v EX 10", want: stringOptions{expire: ex(expiryEX, "10")}},
		{line: "SET k v px 10", want: stringOptions{expire: ex(expiryPX, "10")}},
		{line: "SET k v EXAT 10", want: stringOptions{expire: ex(expiryEXAT, "10")}},
		{line: "SET k v PXAT 10", want: stringOptions{expire: ex(expiryPXAT, "10")}},
		{line: "SET k v EX 10 EX 20", want: stringOptions{expire: ex(expiryEX, "20")}},
		{line: "SET k v EX abc", want: stringOptions{expire: ex(expiryEX, "abc")}}, // checked later
		{line: "SET k v PXAT 5 NX GET", want: stringOptions{nx: true, get: true, expire: ex(expiryPXAT, "5")}},

		{line: "SET k v NX XX", err: command.ErrSyntax},
		{line: "SET k v XX NX", err: command.ErrSyntax},
		{line: "SET k v EX 10 PX 10", err: command.ErrSyntax},
		{line: "SET k v PX 10 EXAT 10", err: command.ErrSyntax},
		{line: "SET k v EXAT 10 PXAT 10", err: command.ErrSyntax},
		{line: "SET k v PXAT 10 EX 10", err: command.ErrSyntax},
		{line: "SET k v KEEPTTL EX 10", err: command.ErrSyntax},
		{line: "SET k v EX 10 KEEPTTL", err: command.ErrSyntax},
		{line: "SET k v EX", err: command.ErrSyntax},
		{line: "SET k v NX PXAT", err: command.ErrSyntax},
		{line: "SET k v PERSIST", err: command.ErrSyntax},
		{line: "SET k v NXX", err: command.ErrSyntax},
		{line: "SET k v 10", err: command.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			args := resptest.Split(tt.line)
			got, err := parseSet(args)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			want := setArgs{key: args[1], value: args[2], stringOptions: tt.want}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestParseGetexOptions(t *testing.T) {
	tests := []struct {
		line string
		want stringOptions
		err  error
	}{
		{line: "GETEX k"},
		{line: "GETEX k PERSIST", want: stringOptions{persist: true}},
		{line: "GETEX k persist PERSIST", want: stringOptions{persist: true}},
		{line: "GETEX k EX 10", want: stringOptions{expire: ex(expiryEX, "10")}},
		{line: "GETEX k PX 10", want: stringOptions{expire: ex(expiryPX, "10")}},
		{line: "GETEX k exat 10", want: stringOptions{expire: ex(expiryEXAT, "10")}},
		{line: "GETEX k PXAT 10", want: stringOptions{expire: ex(expiryPXAT, "10")}},
		{line: "GETEX k PX 1 PX 2", want: stringOptions{expire: ex(expiryPX, "2")}},

		{line: "GETEX k PERSIST EX 10", err: command.ErrSyntax},
		{line: "GETEX k EX 10 PERSIST", err: command.ErrSyntax},
		{line: "GETEX k EX 10 PX 10", err: command.ErrSyntax},
		{line: "GETEX k EX", err: command.ErrSyntax},
		{line: "GETEX k NX", err: command.ErrSyntax},
		{line: "GETEX k XX", err: command.ErrSyntax},
		{line: "GETEX k GET", err: command.ErrSyntax},
		{line: "GETEX k KEEPTTL", err: command.ErrSyntax},
		{line: "GETEX k 10", err: command.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			args := resptest.Split(tt.line)
			got, err := parseGetex(args)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if want := (getexArgs{key: args[1], stringOptions: tt.want}); !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestExpiryAt(t *testing.T) {
	const now = 1_000_000
	invalid := command.ErrInvalidExpireIn("set")
	tests := []struct {
		e    expiry
		want int64
		err  error
	}{
		{e: ex(expiryEX, "10"), want: now + 10_000},
		{e: ex(expiryPX, "10"), want: now + 10},
		{e: ex(expiryEXAT, "10"), want: 10_000},
		{e: ex(expiryPXAT, "10"), want: 10},
		{e: ex(expiryPXAT, "9223372036854775807"), want: 9223372036854775807},
		{e: ex(expiryEXAT, "9223372036854775"), want: 9223372036854775000},
		{e: ex(expiryEX, "0"), err: invalid},
		{e: ex(expiryPX, "-1"), err: invalid},
		{e: ex(expiryPXAT, "0"), err: invalid},
		{e: ex(expiryEXAT, "9223372036854776"), err: invalid},  // * 1000 overflows
		{e: ex(expiryEX, "9223372036854775"), err: invalid},    // + now overflows
		{e: ex(expiryPX, "9223372036854775807"), err: invalid}, // + now overflows
		{e: ex(expiryEX, "abc"), err: command.ErrNotInteger},
		{e: ex(expiryPX, "1.5"), err: command.ErrNotInteger},
		{e: ex(expiryEX, "99999999999999999999"), err: command.ErrNotInteger},
	}
	for _, tt := range tests {
		got, err := tt.e.at(now, "SET")
		if err != tt.err || got != tt.want {
			t.Errorf("%v %s: got %d, %v; want %d, %v", tt.e.kind, tt.e.n, got, err, tt.want, tt.err)
		}
	}
	if _, err := ex(expiryEX, "0").at(now, "GETEX"); !strings.Contains(err.Error(), "'getex'") {
		t.Errorf("error %v does not name getex", err)
	}
}
