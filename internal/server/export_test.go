package server

import "github.com/labstack/echo/v4"

// Routes lists the registered routes, for tests that must cover them all.
func (s *Server) Routes() []*echo.Route { return s.e.Routes() }
