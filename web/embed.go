// Package web embeds casebench's HTML templates and static assets.
package web

import "embed"

// Templates holds templates/*.html: layout.html and one file per page.
//
//go:embed templates
var Templates embed.FS

// Static holds static/css and static/js, served under /static/.
//
//go:embed static
var Static embed.FS
