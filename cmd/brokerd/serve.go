package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/gcbudget"
	"github.com/brokerd/brokerd/wal"
	"github.com/urfave/cli/v2"
)

// serveAction is the action of `brokerd` and `brokerd serve`: it resolves
// the options and hands them to start.
func serveAction(env map[string]string, start func(options) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.Args().Present() {
			return fmt.Errorf("unexpected argument %q (see brokerd --help)", c.Args().First())
		}
		o, err := buildOptions(flagsSet(c), env, os.ReadFile)
		if err != nil {
			return err
		}
		o.cfg.Logger = slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: o.logLevel}))
		return start(o)
	}
}

// gcBudgetInterval is how often the GC percent is reconsidered.
const gcBudgetInterval = 100 * time.Millisecond

// runServer runs the server until SIGINT, SIGTERM or a client's SHUTDOWN,
// then shuts it down gracefully: it stops accepting, lets commands in
// flight finish, and flushes and syncs the log. It returns nil after a
// clean shutdown. After the first signal a second one kills the process
// at once (the default action is restored).
func runServer(o options) error {
	cfg, logger := o.cfg, o.cfg.Logger
	slog.SetDefault(logger)
	startProfiler(logger)

	srv, err := broker.New(cfg)
	if err != nil {
		if errors.Is(err, wal.ErrLocked) {
			return fmt.Errorf("data directory %s is in use by another brokerd process: %w", cfg.Dir, err)
		}
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		srv.Close()
		return err // net.OpError: "listen tcp 127.0.0.1:6379: bind: address already in use"
	}

	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigc)
	done := make(chan struct{})
	defer close(done)
	if os.Getenv("GOGC") == "" { // a GOGC the user set is kept as it is
		go gcbudget.Run(gcbudget.Default(), gcBudgetInterval, done, logger)
	}
	go func() {
		select {
		case sig := <-sigc:
			signal.Stop(sigc)
			logger.Info("shutting down", "signal", sig.String())
			srv.Close()
		case <-srv.ShutdownRequested():
			logger.Info("shutting down", "reason", "SHUTDOWN command")
		case <-done:
		}
	}()

	logger.Info("ready to accept connections",
		"addr", ln.Addr().String(), "dir", cfg.Dir, "appendfsync", cfg.AppendFsync,
		"databases", cfg.Databases, "maxclients", cfg.MaxClients, "pid", os.Getpid())
	if err := srv.Serve(ln); err != nil {
		srv.Close()
		return fmt.Errorf("server stopped: %w", err)
	}
	return nil
}
