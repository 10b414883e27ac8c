package design

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/pipeline"
)

// ErrTooLarge is returned by Decode when the input is over its limit.
var ErrTooLarge = errors.New("the design is too large")

// Decode reads one design in the JSON export format from r, reading at most
// limit bytes. Unknown fields, trailing data and a wrong format are errors;
// json.SyntaxError is returned as is so callers can name a line.
func Decode(r io.Reader, limit int64) (*Design, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, ErrTooLarge
	}
	if err := input.JSON(b); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d Design
	if err := dec.Decode(&d); err != nil {
		return nil, describeJSONError(err)
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the design")
	}
	if d.Format != Format {
		return nil, fmt.Errorf("format is %q; casebench reads %q", d.Format, Format)
	}
	if d.Sections == nil {
		d.Sections = Answers{}
	}
	for sid, fields := range d.Sections {
		if fields == nil {
			delete(d.Sections, sid)
		}
	}
	return &d, nil
}

// describeJSONError turns decoder errors into messages a user can act on.
func describeJSONError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return se
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Errorf("field %q must be %s", te.Field, input.TypeName(te.Type))
		}
		return fmt.Errorf("the design must be %s", input.TypeName(te.Type))
	case errors.Is(err, io.EOF):
		return fmt.Errorf("the body is empty; send a design as JSON")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the JSON ends too early")
	}
	return err
}

// Encode writes d as indented JSON in the export format, ending with a newline.
// The same design always gives the same bytes.
func Encode(w io.Writer, d *Design) error {
	out := *d
	out.Format = Format
	if out.Sections == nil {
		out.Sections = Answers{}
	}
	if out.Pipeline.Nodes == nil {
		out.Pipeline.Nodes = []pipelineNode{}
	}
	if out.Pipeline.Edges == nil {
		out.Pipeline.Edges = []pipelineEdge{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

type (
	pipelineNode = pipeline.Node
	pipelineEdge = pipeline.Edge
)
