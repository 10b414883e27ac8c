package server

import (
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// diagramSrc matches the pipeline images the full-size view may show: the
// ones this server draws, by their path, each checking who may see it.
var diagramSrc = regexp.MustCompile(`^/(designs/[0-9]+/(pipeline|reference)|reviews/[0-9]+/pipeline|reviews/calibrate/[a-z0-9-]+/pipeline)\.svg(\?v=[0-9]+)?$`)

// diagramPage is the full-size view of a pipeline image.
type diagramPage struct {
	Src  string // the image, shown through <img>, never inlined
	Back string // the page it belongs to
}

func (diagramPage) PageTitle() string { return "Pipeline diagram" }

// handleDiagramView shows a pipeline image at full size, to zoom and pan
// when JavaScript is on and to scroll when it is off.
func (s *Server) handleDiagramView(c echo.Context) error {
	src := c.QueryParam("src")
	if !diagramSrc.MatchString(src) {
		return &appError{Status: http.StatusNotFound, Message: "There is no such diagram to show."}
	}
	file, _, _ := strings.Cut(src, "?")
	return s.renderPage(c, http.StatusOK, "diagram", diagramPage{Src: src, Back: path.Dir(file)})
}
