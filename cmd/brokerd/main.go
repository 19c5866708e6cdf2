// Command brokerd runs brokerd, a Redis-7.2-compatible stream and queue
// broker, and its maintenance tools. It holds no logic of its own: it
// turns flags, environment variables and a redis.conf-style file into a
// broker.Config and starts the server.
//
//	brokerd [serve] [--config FILE] [--port N] ...   run the server
//	brokerd wal check|repair|dump --dir DIR           inspect or repair the log
//	brokerd version                                   print version information
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	if err := newApp(environ(), runServer).Run(os.Args); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(os.Stderr, "brokerd: %s\n", msg)
		}
		code := 1
		var ec cli.ExitCoder
		if errors.As(err, &ec) && ec.ExitCode() != 0 {
			code = ec.ExitCode()
		}
		os.Exit(code)
	}
}

// newApp defines the command line. env is the environment; start runs the
// server with the resolved options (tests pass a stub).
func newApp(env map[string]string, start func(options) error) *cli.App {
	serve := serveAction(env, start)
	return &cli.App{
		Name:        "brokerd",
		Usage:       "a Redis-7.2-compatible stream and queue broker",
		UsageText:   "brokerd [serve] [options]\nbrokerd wal check|repair|dump --dir DIR\nbrokerd version",
		HideVersion: true,
		Flags:       serveFlags(),
		Action:      serve,
		Commands: []*cli.Command{
			{
				Name:         "serve",
				Usage:        "run the server (the default command)",
				Flags:        serveFlags(),
				Action:       serve,
				OnUsageError: usageError,
			},
			walCommand(env),
			{
				Name:         "version",
				Usage:        "print the version, the Redis version it is compatible with, and the build",
				Action:       printVersion,
				OnUsageError: usageError,
			},
		},
		OnUsageError: usageError,
		// main reports errors and picks the exit code; urfave's handler
		// would call os.Exit itself.
		ExitErrHandler: func(*cli.Context, error) {},
	}
}

// usageError replaces urfave's "Incorrect Usage" plus full help with one
// line.
func usageError(c *cli.Context, err error, _ bool) error {
	return fmt.Errorf("%w (see %s --help)", err, c.Command.HelpName)
}
