package main

import (
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/brokerd/brokerd/wal"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"one word", "port", []string{"port"}},
		{"spaces and tabs", "port \t 6380  ", []string{"port", "6380"}},
		{"double quotes keep spaces", `requirepass "a b  c"`, []string{"requirepass", "a b  c"}},
		{"empty double quotes", `requirepass ""`, []string{"requirepass", ""}},
		{"empty single quotes", `requirepass ''`, []string{"requirepass", ""}},
		{"escapes in double quotes", `x "a\"b\\c\n\r\t\b\a\q"`, []string{"x", "a\"b\\c\n\r\t\b\aq"}},
		{"hex escape", `x "\x41\x7a\xff"`, []string{"x", "Az\xff"}},
		{"bad hex escape is a plain escape", `x "\xZZ"`, []string{"x", "xZZ"}},
		{"single quotes are literal", `x 'a\nb "c"'`, []string{"x", `a\nb "c"`}},
		{"escaped single quote", `x 'it\'s'`, []string{"x", "it's"}},
		{"quote inside a word starts quoting", `x ab"c d"`, []string{"x", "abc d"}},
		{"hash inside a word is kept", "requirepass a#b", []string{"requirepass", "a#b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitArgs(tt.line)
			if err != nil {
				t.Fatalf("splitArgs(%q): %v", tt.line, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitArgs(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestSplitArgsErrors(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"unterminated double quote", `requirepass "abc`, "unbalanced quotes"},
		{"unterminated single quote", `requirepass 'abc`, "unbalanced quotes"},
		{"backslash at the end", `requirepass "abc\`, "unbalanced quotes"},
		{"text after closing double quote", `requirepass "abc"def`, "closing quote must be followed by a space or the end of the line"},
		{"text after closing single quote", `requirepass 'abc'def`, "closing quote must be followed by a space or the end of the line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := splitArgs(tt.line)
			if err == nil || err.Error() != tt.want {
				t.Errorf("splitArgs(%q) error = %v, want %q", tt.line, err, tt.want)
			}
		})
	}
}

func TestConfigFileDirectives(t *testing.T) {
	tests := []struct {
		name string
		file string
		want func(o *options) // changes from the defaults
	}{
		{"empty file", "", func(o *options) {}},
		{"comments and blank lines", "# a comment\n\n   # indented comment\n\t\n", func(o *options) {}},
		{"bind", "bind 0.0.0.0", func(o *options) { o.cfg.Bind = "0.0.0.0" }},
		{"bind ipv6", "bind ::1", func(o *options) { o.cfg.Bind = "::1" }},
		{"bind localhost", "bind localhost", func(o *options) { o.cfg.Bind = "localhost" }},
		{"bind star", "bind *", func(o *options) { o.cfg.Bind = "0.0.0.0" }},
		{"bind ipv6 star", "bind ::*", func(o *options) { o.cfg.Bind = "::" }},
		{"port", "port 6380", func(o *options) { o.cfg.Port = 6380 }},
		{"port 0", "port 0", func(o *options) { o.cfg.Port = 0 }},
		{"dir", "dir /var/lib/brokerd", func(o *options) { o.cfg.Dir = "/var/lib/brokerd" }},
		{"dir with spaces", `dir "/var/lib/my data"`, func(o *options) { o.cfg.Dir = "/var/lib/my data" }},
		{"appendfsync always", "appendfsync always", func(o *options) { o.cfg.AppendFsync = wal.Always }},
		{"appendfsync no", "appendfsync no", func(o *options) { o.cfg.AppendFsync = wal.No }},
		{"appendfsync everysec upper case", "appendfsync EVERYSEC", func(o *options) { o.cfg.AppendFsync = wal.EverySec }},
		{"requirepass", "requirepass s3cret", func(o *options) { o.cfg.RequirePass = "s3cret" }},
		{"requirepass quoted", `requirepass "pa ss\"word"`, func(o *options) { o.cfg.RequirePass = `pa ss"word` }},
		{"requirepass empty", `requirepass ""`, func(o *options) { o.cfg.RequirePass = "" }},
		{"databases", "databases 32", func(o *options) { o.cfg.Databases = 32 }},
		{"maxclients", "maxclients 50", func(o *options) { o.cfg.MaxClients = 50 }},
		{"timeout", "timeout 300", func(o *options) { o.cfg.Timeout = 300 * time.Second }},
		{"timeout 0", "timeout 0", func(o *options) { o.cfg.Timeout = 0 }},
		{"conn-goroutines", "conn-goroutines yes", func(o *options) { o.cfg.ConnGoroutines = true }},
		{"io-uring", "io-uring no", func(o *options) { o.cfg.LoopIOURing = false }},
		{"loglevel", "loglevel debug", func(o *options) { o.logLevel = slog.LevelDebug }},
		{"loglevel redis name", "loglevel warning", func(o *options) { o.logLevel = slog.LevelWarn }},
		{"names are case-insensitive", "PORT 1\nMaxClients 2\nAppendFsync no", func(o *options) {
			o.cfg.Port, o.cfg.MaxClients, o.cfg.AppendFsync = 1, 2, wal.No
		}},
		{"later line wins", "port 1\nport 2", func(o *options) { o.cfg.Port = 2 }},
		{"crlf line ends", "port 6380\r\ndatabases 4\r\n", func(o *options) { o.cfg.Port, o.cfg.Databases = 6380, 4 }},
		{"quoted number", `port "6380"`, func(o *options) { o.cfg.Port = 6380 }},
		{"every directive", `# brokerd.conf
bind 127.0.0.1
port 7000
dir ./d
appendfsync always
requirepass "x y"
databases 8
maxclients 100
timeout 60
loglevel error
`, func(o *options) {
			o.cfg.Bind, o.cfg.Port, o.cfg.Dir, o.cfg.AppendFsync = "127.0.0.1", 7000, "./d", wal.Always
			o.cfg.RequirePass, o.cfg.Databases, o.cfg.MaxClients = "x y", 8, 100
			o.cfg.Timeout, o.logLevel = time.Minute, slog.LevelError
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := defaultOptions()
			if err := applyConfigFile(&got, "test.conf", []byte(tt.file)); err != nil {
				t.Fatal(err)
			}
			want := defaultOptions()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestConfigFileErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"unknown directive", "port 1\n\nsave 900 1",
			"config file /x/brokerd.conf line 3: save: unknown directive (brokerd knows bind, port, dir, appendfsync, requirepass, databases, maxclients, timeout, snapshot-log-bytes, conn-goroutines, io-uring, loglevel, nats-url, nats-prefix, nats-export, nats-export-jetstream, nats-import, nats-import-jetstream)"},
		{"include", "include /etc/other.conf",
			"config file /x/brokerd.conf line 1: include: not supported; put every directive in one file"},
		{"port not a number", "# c\n\nport abc",
			`config file /x/brokerd.conf line 3: port: "abc" is not a number`},
		{"port upper case keeps the name as written", "PORT abc",
			`config file /x/brokerd.conf line 1: PORT: "abc" is not a number`},
		{"port out of range", "port 65536",
			"config file /x/brokerd.conf line 1: port: 65536 is out of range 0-65535"},
		{"port negative", "port -1",
			"config file /x/brokerd.conf line 1: port: -1 is out of range 0-65535"},
		{"port huge", "port 99999999999999999999",
			"config file /x/brokerd.conf line 1: port: 99999999999999999999 is out of range 0-65535"},
		{"port missing value", "port",
			"config file /x/brokerd.conf line 1: port: missing value"},
		{"port two values", "port 1 2",
			"config file /x/brokerd.conf line 1: port: takes one value, got 2"},
		{"comment after a value", "port 6379 # default",
			"config file /x/brokerd.conf line 1: port: takes one value, got 3 (a comment must be on a line of its own)"},
		{"bind several", "bind 127.0.0.1 ::1",
			"config file /x/brokerd.conf line 1: bind: several addresses given (127.0.0.1 ::1); brokerd listens on one address only"},
		{"bind not an ip", "bind example.com",
			`config file /x/brokerd.conf line 1: bind: "example.com" is not an IP address`},
		{"bind missing", "bind",
			"config file /x/brokerd.conf line 1: bind: missing address"},
		{"dir empty", `dir ""`,
			"config file /x/brokerd.conf line 1: dir: must not be empty"},
		{"appendfsync bad", "appendfsync sometimes",
			`config file /x/brokerd.conf line 1: appendfsync: "sometimes" is not one of always, everysec, no`},
		{"requirepass missing", "requirepass",
			"config file /x/brokerd.conf line 1: requirepass: missing value"},
		{"databases zero", "databases 0",
			"config file /x/brokerd.conf line 1: databases: 0 is out of range 1-1048576"},
		{"databases not a number", "databases 1.5",
			`config file /x/brokerd.conf line 1: databases: "1.5" is not a number`},
		{"maxclients zero", "maxclients 0",
			"config file /x/brokerd.conf line 1: maxclients: 0 is out of range 1-2147483647"},
		{"timeout negative", "timeout -5",
			"config file /x/brokerd.conf line 1: timeout: -5 is out of range 0-9223372036"},
		{"timeout with unit", "timeout 30s",
			`config file /x/brokerd.conf line 1: timeout: "30s" is not a number`},
		{"loglevel bad", "loglevel loud",
			`config file /x/brokerd.conf line 1: loglevel: "loud" is not one of debug, info, warn, error`},
		{"unbalanced quotes", "port 1\nrequirepass \"abc",
			"config file /x/brokerd.conf line 2: unbalanced quotes"},
		{"first error stops", "port x\nport y",
			`config file /x/brokerd.conf line 1: port: "x" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := defaultOptions()
			err := applyConfigFile(&o, "/x/brokerd.conf", []byte(tt.file))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}
