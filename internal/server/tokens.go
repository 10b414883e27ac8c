package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/auth"
)

// TokenStore is what the profile page needs to list, make and revoke a
// user's API tokens.
type TokenStore interface {
	Tokens(ctx context.Context, userID int64) ([]auth.Token, error)
	NewToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, *auth.Token, error)
	RevokeToken(ctx context.Context, userID, tokenID int64) error
}

// tokenDays are the lifetimes the profile page offers, in days.
var tokenDays = []int{7, 30, 90, 365}

// tokensView is the API tokens part of the profile page.
type tokensView struct {
	List    []auth.Token
	Days    []int
	Now     time.Time
	New     string // a token just made, shown once
	NewName string
	Error   string
}

func (s *Server) routesTokens(g *echo.Group) {
	g.POST("/profile/tokens", s.handleTokenCreate, s.requireUser)
	g.POST("/profile/tokens/:id/revoke", s.handleTokenRevoke, s.requireUser)
}

// tokensOf lists the user's tokens for the profile page.
func (s *Server) tokensOf(c echo.Context, u *auth.User) (tokensView, error) {
	list, err := s.tokens.Tokens(c.Request().Context(), u.ID)
	return tokensView{List: list, Days: tokenDays, Now: time.Now().UTC()}, err
}

func (s *Server) handleTokenCreate(c echo.Context) error {
	u := currentUser(c)
	name := strings.TrimSpace(c.FormValue("name"))
	days, err := strconv.Atoi(c.FormValue("days"))
	msg := auth.ValidateTokenName(name)
	if err != nil || days < 1 || days > int(auth.TokenTTLMax/(24*time.Hour)) {
		msg = "Choose how long the token lasts."
	}
	var tok string
	if msg == "" {
		tok, _, err = s.tokens.NewToken(c.Request().Context(), u.ID, name, time.Duration(days)*24*time.Hour)
		if err != nil {
			return err
		}
	}
	status := http.StatusOK
	if msg != "" {
		status = http.StatusUnprocessableEntity
	}
	return s.renderProfile(c, status, func(v *tokensView) { v.New, v.NewName, v.Error = tok, name, msg })
}

func (s *Server) handleTokenRevoke(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound("This token")
	}
	if err := s.tokens.RevokeToken(c.Request().Context(), currentUser(c).ID, id); err != nil {
		if isNotFound(err) {
			return notFound("This token")
		}
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "The token is revoked: it no longer works, on any server.")
	return c.Redirect(http.StatusSeeOther, "/profile#tokens")
}
