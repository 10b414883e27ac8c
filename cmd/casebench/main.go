// Command casebench serves the casebench web application and runs its
// command-line tools.
//
//	casebench                      (lists the commands; so do help and --help)
//	casebench serve [--addr HOST:PORT] [--db PATH|postgres://...] [--cases DIR]
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
//
// 'casebench COMMAND --help' shows a command's usage, arguments and flags.
// Flags may come before or after the arguments.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// env is what a command receives from the process: streams and variables.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	if err := run(ctx, os.Args[1:], e); err != nil {
		fmt.Fprintln(os.Stderr, "casebench:", err)
		os.Exit(1)
	}
}

// run runs the command that args name. A --help is not an error.
func run(ctx context.Context, args []string, e env) error {
	err := dispatch(ctx, args, e)
	if isHelp(err) {
		return nil
	}
	return err
}

func isHelpArg(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

func dispatch(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		printCommands(e.stdout)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch {
	case cmd == "help" || isHelpArg(cmd):
		if len(rest) > 0 && cmd == "help" {
			return dispatch(ctx, append(slices.Clone(rest), "--help"), e)
		}
		printCommands(e.stdout)
		return nil
	case strings.HasPrefix(cmd, "-"):
		// Flags before the command go after it; flags and no command
		// serve, as before there were commands.
		if flags, rest := leadingFlags(args); len(rest) > 0 {
			return dispatch(ctx, append(slices.Clone(rest), flags...), e)
		}
		return runServe(ctx, args, e)
	}
	switch cmd {
	case "serve":
		return runServe(ctx, rest, e)
	case "migrate":
		return runMigrate(ctx, rest, e)
	case "backup":
		return runBackup(ctx, rest, e)
	case "user":
		return runUser(ctx, rest, e)
	case "check":
		return runCheck(ctx, rest, e)
	case "rescore":
		return runRescore(ctx, rest, e)
	case "render":
		return runRender(ctx, rest, e)
	case "export":
		return runExport(ctx, rest, e)
	case "import":
		return runImport(ctx, rest, e)
	case "cases":
		if len(rest) == 0 || rest[0] != "lint" {
			if len(rest) > 0 && isHelpArg(rest[0]) {
				printGroup(e.stdout, "cases")
				return nil
			}
			printGroup(e.stderr, "cases")
			return errUsage{"give a cases command: lint"}
		}
		return runCasesLint(rest[1:], e)
	}
	return errUsage{fmt.Sprintf("unknown command %q; run 'casebench help' for the list", cmd)}
}

// leadingFlags splits args into the settings' flags that come first, and
// what follows them. Settings take a value, as the next argument or after
// "=", except --secure-cookies.
func leadingFlags(args []string) (flags, rest []string) {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" && !isHelpArg(args[i]) {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if hasValue || name == "secure-cookies" {
			i++
		} else {
			i += 2
		}
	}
	i = min(i, len(args))
	return args[:i], args[i:]
}

// printGroup lists the commands of a group, such as "user".
func printGroup(w io.Writer, group string) {
	fmt.Fprintf(w, "The %s commands:\n", group)
	for _, c := range commands {
		if strings.HasPrefix(c.Name, group+" ") {
			fmt.Fprintf(w, "  %-12s %s\n", c.Name, c.Summary)
		}
	}
	fmt.Fprintf(w, "Run 'casebench %s COMMAND --help' for one's arguments and flags.\n", group)
}
