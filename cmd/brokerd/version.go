package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/brokerd/brokerd/broker"
	"github.com/urfave/cli/v2"
)

// version is brokerd's own version, set at link time with
// -ldflags "-X main.version=v1.2.3"; otherwise the module version from
// the build info is used.
var version string

func printVersion(c *cli.Context) error {
	if c.Args().Present() {
		return fmt.Errorf("version: unexpected argument %q", c.Args().First())
	}
	bi, _ := debug.ReadBuildInfo()
	_, err := fmt.Fprint(c.App.Writer, versionText(bi))
	return err
}

// versionText formats the version information; bi may be nil.
func versionText(bi *debug.BuildInfo) string {
	v := version
	if v == "" && bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	if v == "" {
		v = "devel"
	}
	s := fmt.Sprintf("brokerd %s\nredis compatibility %s\ngo version %s %s/%s\n", v, broker.RedisVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	var rev, at, modified string
	if bi != nil {
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.time":
				at = kv.Value
			case "vcs.modified":
				if kv.Value == "true" {
					modified = " (modified)"
				}
			}
		}
	}
	if rev != "" {
		s += "revision " + rev + modified
		if at != "" {
			s += " " + at
		}
		s += "\n"
	}
	return s
}
