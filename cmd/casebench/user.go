package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

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
		return errUsage{"give a user command: add, token or role"}
	}
	sub := args[0]
	var spec cmdSpec
	switch sub {
	case "add":
		spec = cmdUserAdd
	case "token":
		spec = cmdUserToken
	case "role":
		spec = cmdUserRole
	default:
		return errUsage{fmt.Sprintf("unknown user command %q (add, token or role); run 'casebench user --help'", sub)}
	}
	cfg, rest, err := parseCmd(spec, args[1:], e, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	name := rest[0]
	switch sub {
	case "add":
		return userAdd(ctx, st, name, e)
	case "token":
		u, err := st.UserByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no user named %q", name)
		}
		if err != nil {
			return err
		}
		token, err := st.CreateToken(ctx, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, token)
		return nil
	case "role":
		role := auth.Role(rest[1])
		if !auth.ValidRole(role) {
			return fmt.Errorf("role must be member or mentor, not %q", role)
		}
		u, err := st.UserByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no user named %q", name)
		}
		if err != nil {
			return err
		}
		if err := st.SetRole(ctx, u.ID, role); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is now a %s\n", u.Name, role)
		return nil
	}
	return fmt.Errorf("unknown user command %q (add, token or role)", sub)
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
