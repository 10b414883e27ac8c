package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/store"
)

type accountForm struct {
	Name     string `form:"name"`
	Password string `form:"password"`
	Next     string `form:"next"`
}

type accountPage struct {
	Form    accountForm
	Errors  map[string]string
	Message string
	signup  bool
}

func (p accountPage) PageTitle() string {
	if p.signup {
		return "Sign up"
	}
	return "Log in"
}

// safeNext returns next when it is a path on this site, "/designs" otherwise,
// so that the login form cannot redirect elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/designs"
	}
	return next
}

func (s *Server) handleSignupForm(c echo.Context) error {
	return s.renderPage(c, http.StatusOK, "signup", accountPage{signup: true, Form: accountForm{Next: c.QueryParam("next")}})
}

func (s *Server) handleSignup(c echo.Context) error {
	var f accountForm
	if err := c.Bind(&f); err != nil {
		return badRequest("The form could not be read.")
	}
	f.Name = strings.TrimSpace(f.Name)
	errs := map[string]string{}
	if msg := auth.ValidateName(f.Name); msg != "" {
		errs["name"] = msg
	}
	if msg := auth.ValidatePassword(f.Password); msg != "" {
		errs["password"] = msg
	}
	if len(errs) == 0 {
		if !s.login.allow("signup:" + c.RealIP()) {
			return &appError{Status: http.StatusTooManyRequests, Message: "Too many attempts from your address. Wait a minute and try again."}
		}
		hash, err := auth.HashPassword(f.Password)
		if err != nil {
			return err
		}
		u, err := s.store.CreateUser(c.Request().Context(), f.Name, hash, auth.RoleMember)
		switch {
		case errors.Is(err, store.ErrExists):
			errs["name"] = "This name is taken. Choose another."
		case err != nil:
			return err
		default:
			return s.startSession(c, u, f.Next, "Welcome to casebench, "+u.Name+".")
		}
	}
	f.Password = ""
	return s.renderPage(c, http.StatusUnprocessableEntity, "signup", accountPage{signup: true, Form: f, Errors: errs})
}

func (s *Server) handleLoginForm(c echo.Context) error {
	return s.renderPage(c, http.StatusOK, "login", accountPage{Form: accountForm{Next: c.QueryParam("next")}})
}

func (s *Server) handleLogin(c echo.Context) error {
	var f accountForm
	if err := c.Bind(&f); err != nil {
		return badRequest("The form could not be read.")
	}
	f.Name = strings.TrimSpace(f.Name)
	name, addr := strings.ToLower(f.Name), c.RealIP()
	if wait := s.throttle.wait(name, addr); wait > 0 {
		s.metrics.logins.WithLabelValues("throttled").Inc()
		secs := int((wait + time.Second - 1) / time.Second)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return &appError{Status: http.StatusTooManyRequests, Message: fmt.Sprintf("Too many failed logins from your address. Wait %s and try again.", waitText(secs))}
	}
	fail := func() error {
		s.throttle.failed(name, addr)
		s.metrics.logins.WithLabelValues("failed").Inc()
		f.Password = ""
		return s.renderPage(c, http.StatusUnauthorized, "login", accountPage{Form: f, Message: "The name or the password is wrong."})
	}
	if len(f.Name) > auth.NameMax || len(f.Password) > auth.PasswordMax {
		return fail()
	}
	u, err := s.store.UserByName(c.Request().Context(), f.Name)
	if isNotFound(err) {
		auth.CheckDummy(f.Password)
		return fail()
	}
	if err != nil {
		return err
	}
	ok, err := auth.CheckPassword(u.PasswordHash, f.Password)
	if err != nil {
		return err
	}
	if !ok {
		return fail()
	}
	s.throttle.succeeded(name, addr)
	s.metrics.logins.WithLabelValues("ok").Inc()
	return s.startSession(c, u, f.Next, "")
}

// startSession signs u in with a fresh session token and redirects to next.
func (s *Server) startSession(c echo.Context, u *auth.User, next, flash string) error {
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "user_id", u.ID)
	s.sessions.Put(ctx, seenKey, time.Now().Unix())
	if flash != "" {
		s.sessions.Put(ctx, "flash", flash)
	}
	return c.Redirect(http.StatusSeeOther, safeNext(next))
}

func (s *Server) handleLogout(c echo.Context) error {
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// waitText says how long to wait: "12 seconds", "3 minutes".
func waitText(secs int) string {
	switch {
	case secs == 1:
		return "a second"
	case secs < 120:
		return strconv.Itoa(secs) + " seconds"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}
