package main

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/wal"
)

// files is a readFile over an in-memory set of files.
func files(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		data, ok := m[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(data), nil
	}
}

func TestBuildOptionsPrecedence(t *testing.T) {
	const conf = "/etc/brokerd.conf"
	fileAll := `bind 10.0.0.1
port 1001
dir /file
appendfsync always
requirepass file
databases 11
maxclients 101
timeout 11
loglevel debug
`
	envAll := map[string]string{
		"BROKERD_CONFIG": conf,
		"BROKERD_BIND":   "10.0.0.2", "BROKERD_PORT": "1002", "BROKERD_DIR": "/env",
		"BROKERD_APPENDFSYNC": "no", "BROKERD_REQUIREPASS": "env", "BROKERD_DATABASES": "12",
		"BROKERD_MAXCLIENTS": "102", "BROKERD_TIMEOUT": "12", "BROKERD_LOG_LEVEL": "warn",
	}
	flagAll := map[string]string{
		"bind": "10.0.0.3", "port": "1003", "dir": "/flag", "appendfsync": "everysec",
		"requirepass": "flag", "databases": "13", "maxclients": "103", "timeout": "13", "log-level": "error",
	}
	tests := []struct {
		name  string
		flags map[string]string
		env   map[string]string
		want  func(o *options) // changes from the defaults
	}{
		{"defaults", nil, nil, func(o *options) {}},
		{"file over defaults", map[string]string{"config": conf}, nil, func(o *options) {
			o.cfg.Bind, o.cfg.Port, o.cfg.Dir, o.cfg.AppendFsync = "10.0.0.1", 1001, "/file", wal.Always
			o.cfg.RequirePass, o.cfg.Databases, o.cfg.MaxClients = "file", 11, 101
			o.cfg.Timeout, o.logLevel = 11*time.Second, slog.LevelDebug
		}},
		{"env over file", nil, envAll, func(o *options) {
			o.cfg.Bind, o.cfg.Port, o.cfg.Dir, o.cfg.AppendFsync = "10.0.0.2", 1002, "/env", wal.No
			o.cfg.RequirePass, o.cfg.Databases, o.cfg.MaxClients = "env", 12, 102
			o.cfg.Timeout, o.logLevel = 12*time.Second, slog.LevelWarn
		}},
		{"flags over env and file", flagAll, envAll, func(o *options) {
			o.cfg.Bind, o.cfg.Port, o.cfg.Dir, o.cfg.AppendFsync = "10.0.0.3", 1003, "/flag", wal.EverySec
			o.cfg.RequirePass, o.cfg.Databases, o.cfg.MaxClients = "flag", 13, 103
			o.cfg.Timeout, o.logLevel = 13*time.Second, slog.LevelError
		}},
		{"each level fills what the one above leaves",
			map[string]string{"config": conf, "port": "1003"},
			map[string]string{"BROKERD_PORT": "1002", "BROKERD_DIR": "/env"},
			func(o *options) {
				o.cfg.Bind, o.cfg.Port, o.cfg.Dir, o.cfg.AppendFsync = "10.0.0.1", 1003, "/env", wal.Always
				o.cfg.RequirePass, o.cfg.Databases, o.cfg.MaxClients = "file", 11, 101
				o.cfg.Timeout, o.logLevel = 11*time.Second, slog.LevelDebug
			}},
		{"empty env value counts", nil, map[string]string{"BROKERD_REQUIREPASS": ""}, func(o *options) {}},
		{"flag clears a password from env", map[string]string{"requirepass": ""},
			map[string]string{"BROKERD_REQUIREPASS": "env"}, func(o *options) {}},
		{"--config overrides BROKERD_CONFIG", map[string]string{"config": "/other.conf"},
			map[string]string{"BROKERD_CONFIG": conf}, func(o *options) { o.cfg.Port = 2000 }},
		{"empty --config disables BROKERD_CONFIG", map[string]string{"config": ""},
			map[string]string{"BROKERD_CONFIG": conf}, func(o *options) {}},
		{"other env vars are ignored", nil, map[string]string{"PORT": "1", "BROKERD_PORTX": "2"}, func(o *options) {}},
	}
	read := files(map[string]string{conf: fileAll, "/other.conf": "port 2000"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buildOptions(tt.flags, tt.env, read)
			if err != nil {
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

func TestBuildOptionsErrors(t *testing.T) {
	tests := []struct {
		name  string
		flags map[string]string
		env   map[string]string
		want  string
	}{
		{"bad flag", map[string]string{"port": "abc"}, nil, `flag --port: "abc" is not a number`},
		{"bad log-level flag", map[string]string{"log-level": "loud"}, nil, `flag --log-level: "loud" is not one of debug, info, warn, error`},
		{"flag with several addresses", map[string]string{"bind": "127.0.0.1 ::1"}, nil,
			"flag --bind: several addresses given (127.0.0.1 ::1); brokerd listens on one address only"},
		{"empty bind flag", map[string]string{"bind": ""}, nil, "flag --bind: missing address"},
		{"bad env", nil, map[string]string{"BROKERD_DATABASES": "many"},
			`environment variable BROKERD_DATABASES: "many" is not a number`},
		{"empty env number", nil, map[string]string{"BROKERD_PORT": ""},
			`environment variable BROKERD_PORT: "" is not a number`},
		{"bad env though a flag overrides it", map[string]string{"port": "1"}, map[string]string{"BROKERD_PORT": "x"},
			`environment variable BROKERD_PORT: "x" is not a number`},
		{"missing config file", map[string]string{"config": "/nope.conf"}, nil,
			"config file: open /nope.conf: file does not exist"},
		{"missing config file from env", nil, map[string]string{"BROKERD_CONFIG": "/nope.conf"},
			"config file: open /nope.conf: file does not exist"},
		{"bad config file", map[string]string{"config": "/bad.conf"}, nil,
			"config file /bad.conf line 2: maxclients: \"lots\" is not a number"},
		{"bad config file though a flag overrides it", map[string]string{"config": "/bad.conf", "maxclients": "5"}, nil,
			"config file /bad.conf line 2: maxclients: \"lots\" is not a number"},
	}
	read := files(map[string]string{"/bad.conf": "port 1\nmaxclients lots\n"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildOptions(tt.flags, tt.env, read)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

// runApp runs the command line with a start that records the options
// instead of serving.
func runApp(t *testing.T, env map[string]string, args ...string) (options, error) {
	t.Helper()
	var got options
	app := newApp(env, func(o options) error { got = o; return nil })
	app.Writer, app.ErrWriter = io.Discard, io.Discard
	err := app.Run(append([]string{"brokerd"}, args...))
	got.cfg.Logger = nil
	return got, err
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		port int
	}{
		{"bare brokerd", nil, nil, 6379},
		{"root flag", []string{"--port", "6380"}, nil, 6380},
		{"root flag with =", []string{"--port=6381"}, nil, 6381},
		{"single dash", []string{"-port", "6382"}, nil, 6382},
		{"serve flag", []string{"serve", "--port", "6383"}, nil, 6383},
		{"serve flag wins over root flag", []string{"--port", "1", "serve", "--port", "6384"}, nil, 6384},
		{"root flag reaches serve", []string{"--port", "6385", "serve"}, nil, 6385},
		{"env", nil, map[string]string{"BROKERD_PORT": "6386"}, 6386},
		{"flag over env", []string{"serve", "--port", "6387"}, map[string]string{"BROKERD_PORT": "1"}, 6387},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := runApp(t, tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if o.cfg.Port != tt.port {
				t.Errorf("port = %d, want %d", o.cfg.Port, tt.port)
			}
		})
	}
}

func TestCommandLineErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad flag value", []string{"--port", "abc"}, `flag --port: "abc" is not a number`},
		{"bad serve flag value", []string{"serve", "--timeout", "1m"}, `flag --timeout: "1m" is not a number`},
		{"unknown flag", []string{"--prot", "1"}, "flag provided but not defined: -prot (see brokerd --help)"},
		{"unknown serve flag", []string{"serve", "--prot", "1"}, "flag provided but not defined: -prot (see brokerd serve --help)"},
		{"flag without value", []string{"--port"}, "flag needs an argument: -port (see brokerd --help)"},
		{"stray argument", []string{"sevre"}, `unexpected argument "sevre" (see brokerd --help)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runApp(t, nil, tt.args...)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

func TestCommandLineStartError(t *testing.T) {
	boom := errors.New("boom")
	app := newApp(nil, func(options) error { return boom })
	app.Writer, app.ErrWriter = io.Discard, io.Discard
	if err := app.Run([]string{"brokerd"}); !errors.Is(err, boom) {
		t.Fatalf("error = %v, want boom", err)
	}
}

func TestHelpNamesEnvVars(t *testing.T) {
	var out strings.Builder
	app := newApp(nil, func(options) error { return nil })
	app.Writer, app.ErrWriter = &out, io.Discard
	if err := app.Run([]string{"brokerd", "serve", "--help"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(out.String(), "--"+s.flag) || !strings.Contains(out.String(), "$"+s.env) {
			t.Errorf("serve --help does not mention --%s and $%s:\n%s", s.flag, s.env, out.String())
		}
	}
}
