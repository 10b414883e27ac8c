package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/casebench/casebench/internal/config"
)

// cmdSpec describes a command: what the list of commands says of it, and
// what its --help shows. Its own flags are added by the command when it
// parses, so that they bind to its variables.
type cmdSpec struct {
	Name     string // "user token"
	Summary  string // one line in the list of commands
	About    string // what it does, for its --help
	Args     []argSpec
	Settings []string // the settings of internal/config it takes as flags
}

type argSpec struct {
	Name     string // as the usage line shows it: NAME, DIR
	Help     string
	Optional bool
}

// The commands, in the order the list shows them.
var (
	cmdServe = cmdSpec{Name: "serve", Summary: "run the web application",
		About:    "Serve casebench on --addr (default localhost:8080; set CASEBENCH_ADDR or --addr to use another port). The database is created and migrated on the first start.",
		Settings: config.Names()}
	cmdMigrate = cmdSpec{Name: "migrate", Summary: "create or upgrade the database",
		About: "Apply the database migrations that are not applied yet, and say how many were.", Settings: []string{"db"}}
	cmdBackup = cmdSpec{Name: "backup", Summary: "copy the SQLite database consistently, even while it serves",
		About: "Write a consistent copy of the SQLite database to FILE, even while the server runs. FILE must not exist yet. On PostgreSQL, use pg_dump instead.",
		Args:  []argSpec{{Name: "FILE", Help: "the copy to write; it must not exist"}}, Settings: []string{"db"}}
	cmdUserAdd = cmdSpec{Name: "user add", Summary: "add a user; the password is read as one line on stdin",
		About: "Add a member named NAME. The password is read as one line on standard input, so that it stays out of the shell's history.",
		Args:  []argSpec{{Name: "NAME", Help: "3 to 32 letters, digits, '.', '-' or '_'"}}, Settings: []string{"db"}}
	cmdUserToken = cmdSpec{Name: "user token", Summary: "print a new API token for a user",
		About: "Print a new API token for NAME, on one line, for 'Authorization: Bearer TOKEN'. It lasts 90 days unless --expires says otherwise; its id and expiry go to stderr.",
		Args:  []argSpec{{Name: "NAME", Help: "the user's name"}}, Settings: []string{"db"}}
	cmdUserTokens = cmdSpec{Name: "user tokens", Summary: "list a user's API tokens: id, name, made, last used, expiry",
		About: "List NAME's API tokens, newest first: id, name, when made, when last used, and when it expires.",
		Args:  []argSpec{{Name: "NAME", Help: "the user's name"}}, Settings: []string{"db"}}
	cmdUserRevoke = cmdSpec{Name: "user revoke", Summary: "revoke one of a user's API tokens, or all of them",
		About: "Revoke NAME's token ID, or every token of NAME with --all. A revoked token gets 401 at once on every server.",
		Args: []argSpec{{Name: "NAME", Help: "the user's name"},
			{Name: "ID", Help: "the token's id, as 'casebench user tokens NAME' lists it; leave it out with --all", Optional: true}},
		Settings: []string{"db"}}
	cmdUserRole = cmdSpec{Name: "user role", Summary: "set a user's role: member or mentor",
		About: "Set NAME's role. Mentors read every submitted design and settle disputed review items.",
		Args:  []argSpec{{Name: "NAME", Help: "the user's name"}, {Name: "ROLE", Help: "member or mentor"}}, Settings: []string{"db"}}
	cmdCasesLint = cmdSpec{Name: "cases lint", Summary: "check case packs and drill packs and print every error with its file and line",
		About: "Check the case packs and the drill packs (drills/) in DIR, running every SQL drill's reference query and traps on its dataset, and print each error as file:line: field: message. Exit 1 when there is any; otherwise print the number of cases and of drills per kind.",
		Args:  []argSpec{{Name: "DIR", Help: "the folder of case packs (default: cases)", Optional: true}}}
	cmdCheck = cmdSpec{Name: "check", Summary: "score a design or a drill answer JSON file against its rubric",
		About:    "Score a design, as exported, against its case's rubric, or a drill answer against its drill's rubric, and print the report. Exit 1 when the score is below --min-score.",
		Args:     []argSpec{{Name: "FILE.json", Help: "a design (casebench.design/v1) or a drill answer (casebench.drill-answer/v1)"}},
		Settings: []string{"cases"}}
	cmdRescore = cmdSpec{Name: "rescore", Summary: "re-score submitted designs after a rubric changes",
		About:    "Re-score the submitted designs whose report is of an older rubric version; the old report is kept beside the new.",
		Settings: []string{"db", "cases"}}
	cmdRender = cmdSpec{Name: "render", Summary: "draw a DOT file as SVG, PNG or canonical DOT",
		About:    "Draw a pipeline written as DOT. The output's extension picks the format: .svg, .png, or .dot for the canonical DOT that Graphviz is fed. What the import leaves out is listed on stderr.",
		Args:     []argSpec{{Name: "IN.dot", Help: "the DOT file to draw"}},
		Settings: []string{"render-timeout", "render-bin", "log-level"}}
	cmdExport = cmdSpec{Name: "export", Summary: "export a design as Markdown, JSON or a zip bundle",
		About:    "Export design ID, to standard output or to -o FILE.",
		Args:     []argSpec{{Name: "ID", Help: "the design's id"}},
		Settings: []string{"db", "cases", "render-timeout", "render-bin"}}
	cmdImport = cmdSpec{Name: "import", Summary: "import a design JSON file for a user",
		About:    "Import a design JSON file (as exported) for --user, and print its new id.",
		Args:     []argSpec{{Name: "FILE", Help: "a design in the casebench JSON format"}},
		Settings: []string{"db", "cases"}}
)

var commands = []cmdSpec{cmdServe, cmdMigrate, cmdBackup, cmdUserAdd, cmdUserToken, cmdUserTokens, cmdUserRevoke, cmdUserRole, cmdCasesLint, cmdCheck, cmdRescore, cmdRender, cmdExport, cmdImport}

// printCommands writes the list of commands, one line each.
func printCommands(w io.Writer) {
	fmt.Fprint(w, "casebench: practise and review ML system design.\n\nUsage: casebench COMMAND [ARGUMENTS] [FLAGS]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(w, "  %-12s %s\n", "help", "list the commands, or show one's usage: casebench help COMMAND")
	fmt.Fprint(w, `
Run 'casebench COMMAND --help' for a command's arguments and flags. Flags
may come before or after the arguments. Every setting can also come from a
CASEBENCH_* variable (--db from CASEBENCH_DB, --addr from CASEBENCH_ADDR);
flags win over variables.
`)
}

// usageLine is "casebench NAME ARGS [flags]".
func (c cmdSpec) usageLine(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("casebench " + c.Name)
	for _, a := range c.Args {
		if a.Optional {
			b.WriteString(" [" + a.Name + "]")
		} else {
			b.WriteString(" " + a.Name)
		}
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString(" [flags]")
	}
	return b.String()
}

func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// printHelp writes the command's usage, what it does, its arguments and
// its flags, and nothing else.
func (c cmdSpec) printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", c.usageLine(fs), c.About)
	if len(c.Args) > 0 {
		fmt.Fprint(w, "\nArguments:\n")
		for _, a := range c.Args {
			fmt.Fprintf(w, "  %-22s %s\n", a.Name, a.Help)
		}
	}
	settings := map[string]bool{}
	for _, s := range c.Settings {
		settings[s] = true
	}
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nFlags:\n")
			first = false
		}
		kind, usage := flag.UnquoteUsage(f)
		name := flagName(f.Name)
		if kind != "" {
			name += " " + kind
		}
		var extra []string
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			extra = append(extra, "default "+f.DefValue)
		}
		if settings[f.Name] {
			extra = append(extra, "$"+config.EnvName(f.Name))
		}
		if len(extra) > 0 {
			usage += " [" + strings.Join(extra, "; ") + "]"
		}
		fmt.Fprintf(w, "  %s\n      %s\n", name, usage)
	})
}

// errUsage is a command line that cannot be read; the message says how
// to write it.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

// parseCmd reads args for the command c: the settings it takes (from the
// environment, then from flags), its own flags (added by own), and its
// positional arguments, with flags before, between or after them; "--"
// ends the flags. --help (or -h) anywhere prints the command's help on
// stdout and returns flag.ErrHelp.
func parseCmd(c cmdSpec, args []string, e env, own func(*flag.FlagSet)) (config.Config, []string, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet("casebench "+c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if len(c.Settings) > 0 {
		if err := cfg.Register(fs, e.getenv, c.Settings...); err != nil {
			return cfg, nil, err
		}
	}
	if own != nil {
		own(fs)
	}
	more := fmt.Sprintf("run 'casebench %s --help' for its arguments and flags", c.Name)
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			c.printHelp(e.stdout, fs)
			return cfg, nil, flag.ErrHelp
		}
		f := fs.Lookup(name)
		if f == nil {
			return cfg, nil, errUsage{fmt.Sprintf("%s takes no flag %s; %s", c.Name, flagName(name), more)}
		}
		flags = append(flags, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); hasValue || (ok && b.IsBoolFlag()) {
			continue
		}
		if i+1 >= len(args) {
			return cfg, nil, errUsage{fmt.Sprintf("%s needs a value; %s", flagName(name), more)}
		}
		i++
		flags = append(flags, args[i])
	}
	if err := fs.Parse(flags); err != nil {
		return cfg, nil, errUsage{fmt.Sprintf("%v; %s", err, more)}
	}
	min := 0
	for _, a := range c.Args {
		if !a.Optional {
			min++
		}
	}
	if len(pos) < min || len(pos) > len(c.Args) {
		return cfg, nil, errUsage{fmt.Sprintf("usage: %s\n%s", c.usageLine(fs), more)}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, nil, err
	}
	return cfg, pos, nil
}

// isHelp reports whether err is the end of a --help.
func isHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }
