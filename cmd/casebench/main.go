// Command casebench serves the casebench web application and runs its
// command-line tools.
//
//	casebench [serve] [--addr HOST:PORT] [--db PATH|postgres://...] [--cases DIR]
//	casebench migrate
//	casebench backup FILE
//	casebench user add NAME        (reads the password as one line on stdin)
//	casebench user token NAME [--name LABEL] [--expires 90d]   (prints a new API token)
//	casebench user tokens NAME
//	casebench user revoke NAME ID|--all
//	casebench user role NAME ROLE
//	casebench cases lint [DIR]
//	casebench render IN.dot -o OUT.svg|OUT.png|OUT.dot
//	casebench check DESIGN.json [--case SLUG] [--format text|json] [--min-score N]
//	casebench rescore [--case SLUG]
//	casebench export ID [--format md|json|zip] [-o FILE]
//	casebench import FILE --user NAME
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/casebench/casebench/internal/config"
	"github.com/casebench/casebench/internal/diagram"
)

// env is what a command receives from the process: streams and variables.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	// A render worker is this same binary started by the diagram pool.
	diagram.MaybeRunWorker()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	if err := run(ctx, os.Args[1:], e); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "casebench:", err)
		}
		os.Exit(1)
	}
}

const usage = `casebench: practise and review ML system design.

Commands:
  serve          run the web application (the default)
  migrate        create or upgrade the database
  backup FILE    write a consistent copy of the SQLite database, even while
                 it serves (PostgreSQL: use pg_dump)
  user add NAME  add a user; the password is read as one line on stdin
  user token NAME [--name LABEL] [--expires 90d]
                 print a new API token for NAME (90 days unless --expires)
  user tokens NAME   list NAME's tokens: id, name, made, last used, expiry
  user revoke NAME ID|--all   revoke one of NAME's tokens, or all of them
  user role NAME ROLE    set NAME's role: member or mentor
  cases lint [DIR]   check case packs (default: cases)
  render IN.dot -o OUT.svg|.png|.dot   draw a pipeline offline
  check DESIGN.json [--case SLUG] [--format text|json] [--min-score N]
                 score a design against its case's rubric; exit 1 below N
  rescore [--case SLUG]   re-score submitted designs after a rubric change
  export ID [--format md|json|zip] [-o FILE]   export a design
  import FILE --user NAME   import a design JSON file; prints its new id

Every command takes --db (a SQLite file, default casebench.db, or a
postgres:// URL). Flags may also come from CASEBENCH_* variables, e.g.
CASEBENCH_DB. Run 'casebench COMMAND -h' for a command's flags.
`

// run parses args and runs the command they name.
func run(ctx context.Context, args []string, e env) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, e)
	case "migrate":
		return runMigrate(ctx, args, e)
	case "backup":
		return runBackup(ctx, args, e)
	case "user":
		return runUser(ctx, args, e)
	case "check":
		return runCheck(ctx, args, e)
	case "rescore":
		return runRescore(ctx, args, e)
	case "render":
		return runRender(ctx, args, e)
	case "export":
		return runExport(ctx, args, e)
	case "import":
		return runImport(ctx, args, e)
	case "render-worker":
		return diagram.RunWorker(e.stdin, e.stdout)
	case "cases":
		if len(args) == 0 || args[0] != "lint" {
			return fmt.Errorf("usage: casebench cases lint [DIR]")
		}
		return runCasesLint(args[1:], e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	fmt.Fprint(e.stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// parseFlags reads the environment and then args into a Config, with the
// command's own flags added by extra. It returns the remaining arguments.
func parseFlags(name string, args []string, e env, extra func(*flag.FlagSet)) (config.Config, []string, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet("casebench "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if err := cfg.Apply(fs, e.getenv); err != nil {
		return cfg, nil, err
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, nil, err
	}
	return cfg, fs.Args(), nil
}

// parseOneArg parses a command that takes one argument, given before or
// after its flags, and returns the settings and the argument.
func parseOneArg(name string, args []string, e env, extra func(*flag.FlagSet), usage string) (config.Config, string, error) {
	var arg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	cfg, rest, err := parseFlags(name, args, e, extra)
	if err != nil {
		return cfg, "", err
	}
	if arg == "" && len(rest) == 1 {
		arg, rest = rest[0], nil
	}
	if arg == "" || len(rest) > 0 {
		return cfg, "", errors.New(usage)
	}
	return cfg, arg, nil
}
