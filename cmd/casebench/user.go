package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/store"
)

func runUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && isHelpArg(args[0]) {
			printGroup(e.stdout, "user")
			return nil
		}
		printGroup(e.stderr, "user")
		return errUsage{"give a user command: add, token, tokens, revoke or role"}
	}
	sub := args[0]
	var spec cmdSpec
	switch sub {
	case "add":
		spec = cmdUserAdd
	case "token":
		spec = cmdUserToken
	case "tokens":
		spec = cmdUserTokens
	case "revoke":
		spec = cmdUserRevoke
	case "role":
		spec = cmdUserRole
	default:
		return errUsage{fmt.Sprintf("unknown user command %q (add, token, tokens, revoke or role); run 'casebench user --help'", sub)}
	}
	var label, expires string
	var all bool
	cfg, rest, err := parseCmd(spec, args[1:], e, func(fs *flag.FlagSet) {
		switch sub {
		case "token":
			fs.StringVar(&label, "name", "", "what the token is for: a `LABEL` such as laptop")
			fs.StringVar(&expires, "expires", "90d", "how long the token lasts: days (90d) or a `DURATION` (12h)")
		case "revoke":
			fs.BoolVar(&all, "all", false, "revoke every token of the user")
		}
	})
	if err != nil {
		return err
	}
	if sub == "revoke" {
		if all && len(rest) != 1 {
			return errUsage{"give a token ID or --all, not both; run 'casebench user revoke --help'"}
		}
		if !all && len(rest) != 2 {
			return errUsage{"give the token's ID, or --all; run 'casebench user tokens NAME' for the ids"}
		}
	}
	var ttl time.Duration
	if sub == "token" {
		if ttl, err = parseTTL(expires); err != nil {
			return err
		}
		if msg := auth.ValidateTokenName(label); msg != "" {
			return fmt.Errorf("--name: %s", msg)
		}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	name := rest[0]
	if sub == "add" {
		return userAdd(ctx, st, name, e)
	}
	u, err := st.UserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user named %q", name)
	}
	if err != nil {
		return err
	}
	switch sub {
	case "token":
		token, t, err := st.NewToken(ctx, u.ID, label, ttl)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, token)
		fmt.Fprintf(e.stderr, "token %d for %s expires %s\n", t.ID, u.Name, t.ExpiresAt.Format(time.RFC3339))
	case "tokens":
		return listTokens(ctx, st, u, e)
	case "revoke":
		if all {
			n, err := st.RevokeTokens(ctx, u.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "revoked %d token(s) of %s\n", n, u.Name)
			return nil
		}
		id, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil {
			return fmt.Errorf("token id %q is not a number: see 'casebench user tokens %s'", rest[1], u.Name)
		}
		if err := st.RevokeToken(ctx, u.ID, id); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s has no token %d: see 'casebench user tokens %s'", u.Name, id, u.Name)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked token %d of %s\n", id, u.Name)
	case "role":
		role := auth.Role(rest[1])
		if !auth.ValidRole(role) {
			return fmt.Errorf("role must be member or mentor, not %q", role)
		}
		if err := st.SetRole(ctx, u.ID, role); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is now a %s\n", u.Name, role)
	}
	return nil
}

// listTokens prints the user's tokens as a table.
func listTokens(ctx context.Context, st *store.Store, u *auth.User, e env) error {
	list, err := st.Tokens(ctx, u.ID)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "%s has no API tokens\n", u.Name)
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tCREATED\tLAST USED\tEXPIRES")
	now := time.Now()
	for _, t := range list {
		used := "never"
		if t.LastUsed != nil {
			used = t.LastUsed.Format(time.RFC3339)
		}
		exp := t.ExpiresAt.Format(time.RFC3339)
		if t.Expired(now) {
			exp += " (expired)"
		}
		name := t.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.ID, name, t.CreatedAt.Format(time.RFC3339), used, exp)
	}
	return w.Flush()
}

// parseTTL reads a token lifetime: whole days ("90d") or a Go duration
// ("36h").
func parseTTL(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > int(auth.TokenTTLMax/(24*time.Hour)) {
			return 0, fmt.Errorf("--expires %q: give whole days from 1 to %d, such as 90d", s, auth.TokenTTLMax/(24*time.Hour))
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			return 0, fmt.Errorf("--expires %q: give days (90d) or a duration (12h)", s)
		}
	}
	if d > auth.TokenTTLMax {
		return 0, fmt.Errorf("--expires %q: at most %d days", s, auth.TokenTTLMax/(24*time.Hour))
	}
	return d, nil
}

func userAdd(ctx context.Context, st *store.Store, name string, e env) error {
	if msg := auth.ValidateName(name); msg != "" {
		return fmt.Errorf("name %q: %s", name, msg)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("give the password as one line on stdin")
	}
	password := strings.TrimRight(line, "\r\n")
	if msg := auth.ValidatePassword(password); msg != "" {
		return fmt.Errorf("password: %s", msg)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u, err := st.CreateUser(ctx, name, hash, auth.RoleMember)
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("the name %q is taken", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added user %s (id %d)\n", u.Name, u.ID)
	return nil
}
