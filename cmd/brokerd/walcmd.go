package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/brokerd/brokerd/wal"
	"github.com/urfave/cli/v2"
)

// walCommand is `brokerd wal check|repair|dump`. Each takes the data
// directory (--dir, or from BROKERD_DIR or the config file, as serve
// does) and works on the log in <dir>/wal.
func walCommand(env map[string]string) *cli.Command {
	flags := func(extra ...cli.Flag) []cli.Flag {
		return append([]cli.Flag{
			&cli.StringFlag{Name: "dir", Value: "./data", Usage: "data directory; the log is in <dir>/wal [$BROKERD_DIR]"},
			&cli.StringFlag{Name: configFlag, Usage: "config file to take dir from [$BROKERD_CONFIG]"},
			&cli.Uint64Flag{Name: "progress", Value: 100_000, Usage: "report progress on stderr every N records (0: never)"},
		}, extra...)
	}
	return &cli.Command{
		Name:         "wal",
		Usage:        "check, repair or print the write-ahead log (run with the server stopped)",
		OnUsageError: usageError,
		Subcommands: []*cli.Command{
			{
				Name:         "check",
				Usage:        "check every snapshot and log record; exit 1 if anything is damaged",
				Flags:        flags(),
				Action:       walAction(env, walCheck),
				OnUsageError: usageError,
			},
			{
				Name:         "repair",
				Usage:        "show what a repair would drop; with --yes, drop it",
				Flags:        flags(&cli.BoolFlag{Name: "yes", Usage: "really repair"}),
				Action:       walAction(env, walRepair),
				OnUsageError: usageError,
			},
			{
				Name:         "dump",
				Usage:        "print every record's index and operations as commands",
				Flags:        flags(),
				Action:       walAction(env, walDump),
				OnUsageError: usageError,
			},
		},
	}
}

// walAction resolves the data directory and runs f on <dir>/wal.
func walAction(env map[string]string, f func(c *cli.Context, dir string) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.Args().Present() {
			return fmt.Errorf("unexpected argument %q (see %s --help)", c.Args().First(), c.Command.HelpName)
		}
		o, err := buildOptions(flagsSet(c), env, os.ReadFile)
		if err != nil {
			return err
		}
		dir, err := logDir(o.cfg.Dir)
		if err != nil {
			return err
		}
		err = f(c, dir)
		if errors.Is(err, wal.ErrLocked) {
			return fmt.Errorf("data directory %s is in use by a running brokerd; stop it first: %w", o.cfg.Dir, err)
		}
		return err
	}
}

// logDir returns the log directory of the data directory dir: dir/wal.
// It also accepts the log directory itself (one holding the LOCK file),
// which is what wal's corruption errors name in their repair hint.
func logDir(dir string) (string, error) {
	walDir := filepath.Join(dir, "wal")
	if fi, err := os.Stat(walDir); err == nil && fi.IsDir() {
		return walDir, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "LOCK")); err == nil {
		return dir, nil
	}
	return "", fmt.Errorf("no log at %s (--dir names the data directory, which holds wal/)", walDir)
}

// walCheck prints the report; a damaged log makes it fail (exit 1).
func walCheck(c *cli.Context, dir string) error {
	rep, err := wal.Check(dir, progressOption(c)...)
	if err != nil && !errors.Is(err, wal.ErrCorrupt) && !errors.Is(err, wal.ErrNoSnapshot) {
		return err
	}
	fmt.Fprintln(c.App.Writer, rep)
	return err
}

// progressOption reports, on stderr, every --progress records a tool
// reads, so that a check of gigabytes of log shows it is alive.
func progressOption(c *cli.Context) []wal.ToolOption {
	every := c.Uint64("progress")
	if every == 0 {
		return nil
	}
	return []wal.ToolOption{wal.WithProgress(every, func(p wal.Progress) {
		fmt.Fprintf(c.App.ErrWriter, "... %d records read (now %s, %s)\n", p.Records, p.File, p.Elapsed.Round(time.Millisecond))
	})}
}

// walRepair without --yes shows what a repair would cut and changes
// nothing; with --yes it repairs and prints what was cut.
func walRepair(c *cli.Context, dir string) error {
	if c.Bool("yes") {
		rep, err := wal.Repair(dir, progressOption(c)...)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.App.Writer, rep)
		return nil
	}
	rep, err := wal.Check(dir, progressOption(c)...)
	if err != nil && !errors.Is(err, wal.ErrCorrupt) && !errors.Is(err, wal.ErrNoSnapshot) {
		return err
	}
	fmt.Fprintln(c.App.Writer, rep)
	fmt.Fprintln(c.App.Writer, repairPlan(rep))
	return nil
}

// repairPlan says what wal.Repair would do to the log Check reported.
func repairPlan(rep wal.Report) string {
	p := rep.Problem
	if p == nil {
		return "nothing to repair"
	}
	var later []string
	for i, s := range rep.Segments {
		if s.Name == p.Segment {
			for _, l := range rep.Segments[i+1:] {
				later = append(later, l.Name)
			}
			break
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "repair would drop every record from index %d on:\n", p.Index)
	if p.Offset > 0 {
		fmt.Fprintf(&b, "  cut segment %s at offset %d, keeping its original bytes in a .broken file\n", p.Segment, p.Offset)
	} else {
		fmt.Fprintf(&b, "  drop all of segment %s, keeping its bytes in a .broken file\n", p.Segment)
	}
	if len(later) > 0 {
		fmt.Fprintf(&b, "  move the %d later segments aside to .broken files: %s\n", len(later), strings.Join(later, " "))
	}
	switch rep.Records {
	case 0:
		b.WriteString("and keep no records.\n")
	case 1:
		fmt.Fprintf(&b, "and keep the 1 record before it (index %d).\n", rep.FirstIndex)
	default:
		fmt.Fprintf(&b, "and keep the %d records before it (index %d-%d).\n", rep.Records, rep.FirstIndex, rep.LastIndex)
	}
	b.WriteString("Nothing was changed; run again with --yes to repair.")
	return b.String()
}

func walDump(c *cli.Context, dir string) error {
	return wal.Dump(dir, func(index uint64, ops []wal.Op) error {
		return writeRecord(c.App.Writer, index, ops)
	}, progressOption(c)...)
}

// writeRecord prints one record, one line per operation:
//
//	42 db=0 SET greeting "hello world"
func writeRecord(w io.Writer, index uint64, ops []wal.Op) error {
	var b strings.Builder
	for _, op := range ops {
		b.WriteString(strconv.FormatUint(index, 10))
		b.WriteString(" db=")
		b.WriteString(strconv.Itoa(op.DB))
		for _, a := range op.Args {
			b.WriteByte(' ')
			b.WriteString(quoteArg(a))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quoteArg returns a as is when it is a plain word, and otherwise quoted
// the way redis-cli quotes a string (sdscatrepr): in double quotes, with
// \\ \" \n \r \t \a \b escapes and \xHH for other bytes that are not
// printable ASCII. Either way redis-cli reads the word back as a.
func quoteArg(a []byte) string {
	plain := len(a) > 0
	for _, c := range a {
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return string(a)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range a {
		switch c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c < ' ' || c >= 0x7f {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
