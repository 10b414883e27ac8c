package server

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/casebench/casebench/internal/pipeline"
)

// The editor's tables hold hundreds of inputs. They are written here, with
// every value escaped, rather than by template loops, which cost a reflect
// call per attribute and made a full design's page ten times slower.

// esc escapes s for HTML text and double-quoted attributes.
func esc(s string) string { return template.HTMLEscapeString(s) }

func writeInput(b *strings.Builder, name, value, label string, max int, extra string) {
	b.WriteString(`<input name="`)
	b.WriteString(esc(name))
	b.WriteString(`" value="`)
	b.WriteString(esc(value))
	b.WriteString(`" aria-label="`)
	b.WriteString(esc(label))
	b.WriteString(`" maxlength="`)
	b.WriteString(strconv.Itoa(max))
	b.WriteString(`"`)
	b.WriteString(extra)
	b.WriteString(`>`)
}

func writeSelect(b *strings.Builder, name, label string, options []string, selected string) {
	b.WriteString(`<select name="`)
	b.WriteString(esc(name))
	b.WriteString(`" aria-label="`)
	b.WriteString(esc(label))
	b.WriteString(`"><option value="">—</option>`)
	b.WriteString(string(optionsHTML(options, selected)))
	b.WriteString(`</select>`)
}

func writeError(b *strings.Builder, msg string) {
	if msg != "" {
		b.WriteString(`<span class="field-error" role="alert">`)
		b.WriteString(esc(msg))
		b.WriteString(`</span>`)
	}
}

// listRowsHTML writes the rows of a list field of the editor.
func listRowsHTML(f editorField) template.HTML {
	var b strings.Builder
	b.Grow(len(f.Rows) * (len(f.Columns)*320 + 700))
	for _, r := range f.Rows {
		b.WriteString(`<tr data-row="`)
		b.WriteString(strconv.Itoa(r.Index))
		b.WriteString(`">`)
		for _, c := range r.Cells {
			b.WriteString(`<td>`)
			if len(c.Options) > 0 {
				writeSelect(&b, c.Name, c.Label, c.Options, c.Value)
			} else {
				writeInput(&b, c.Name, c.Value, c.Label, c.CellMax(), "")
			}
			writeError(&b, c.Error)
			b.WriteString(`</td>`)
		}
		writeRowOps(&b, f.Name, r.Index, true)
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// writeRowOps writes the cell of a row's buttons: move up and down (when
// the rows have an order) and delete. Each submits the editor form with
// the operation, so that it works without JavaScript; the script does the
// same in the page.
func writeRowOps(b *strings.Builder, table string, index int, ordered bool) {
	row := strconv.Itoa(index)
	n := strconv.Itoa(index + 1)
	b.WriteString(`<td class="row-ops">`)
	button := func(op, text, label string) {
		b.WriteString(`<button type="submit" class="row-op" name="` + rowOpField + `" value="`)
		b.WriteString(op)
		b.WriteString(`:`)
		b.WriteString(esc(table))
		b.WriteString(`.`)
		b.WriteString(row)
		b.WriteString(`" data-op="`)
		b.WriteString(op)
		b.WriteString(`" title="`)
		b.WriteString(label)
		b.WriteString(`" aria-label="`)
		b.WriteString(label)
		b.WriteString(` (row `)
		b.WriteString(n)
		b.WriteString(`)">`)
		b.WriteString(text)
		b.WriteString(`</button>`)
	}
	if ordered {
		button("up", "↑", "Move up")
		button("down", "↓", "Move down")
	}
	button("del", "✕", "Delete")
	b.WriteString(`</td>`)
}

const idInput = ` autocomplete="off" spellcheck="false"`

// nodeRowsHTML writes the pipeline's node table rows.
func nodeRowsHTML(v pipelineView) template.HTML {
	var b strings.Builder
	b.Grow(len(v.Nodes) * 1600)
	for i, n := range v.Nodes {
		p := "p.nodes." + strconv.Itoa(i) + "."
		b.WriteString(`<tr data-row="`)
		b.WriteString(strconv.Itoa(i))
		b.WriteString(`"><td>`)
		writeInput(&b, p+"id", n.ID, "Node id", 64, idInput)
		writeError(&b, v.NodeErrors[i])
		b.WriteString(`</td><td>`)
		label := n.Label
		if label == "" && n.Name != "" {
			label = n.Name
		}
		writeInput(&b, p+"label", tableLabel(label), "Label", 2*pipeline.DefaultLimits.MaxLabel, "")
		b.WriteString(`</td><td>`)
		writeSelect(&b, p+"kind", "Kind", v.KindNames, string(n.Kind))
		b.WriteString(`</td><td>`)
		writeSelect(&b, p+"stage", "Stage", v.StageNames, string(n.Stage))
		writeHidden(&b, p+"attrs", n.Attrs)
		b.WriteString("</td>")
		writeRowOps(&b, "p.nodes", i, false)
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// edgeRowsHTML writes the pipeline's edge table rows.
func edgeRowsHTML(v pipelineView) template.HTML {
	var b strings.Builder
	b.Grow(len(v.Edges) * 520)
	for i, e := range v.Edges {
		p := "p.edges." + strconv.Itoa(i) + "."
		b.WriteString(`<tr data-row="`)
		b.WriteString(strconv.Itoa(i))
		b.WriteString(`"><td>`)
		writeInput(&b, p+"from", e.From, "From node", 64, ` list="pipe-node-ids"`+idInput)
		writeError(&b, v.EdgeErrors[i])
		b.WriteString(`</td><td>`)
		writeInput(&b, p+"to", e.To, "To node", 64, ` list="pipe-node-ids"`+idInput)
		b.WriteString(`</td><td>`)
		writeInput(&b, p+"label", tableLabel(e.Label), "Edge label", 2*pipeline.DefaultLimits.MaxLabel, "")
		writeHidden(&b, p+"attrs", e.Attrs)
		b.WriteString("</td>")
		writeRowOps(&b, "p.edges", i, false)
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// fieldHTML writes one field of the editor: its label, help, input and error.
func fieldHTML(f editorField) template.HTML {
	var b strings.Builder
	b.Grow(len(f.Value) + 600 + len(f.Rows)*len(f.Columns)*320)
	name, label := esc(f.Name), esc(f.Label)
	b.WriteString(`<div class="field field-`)
	b.WriteString(esc(string(f.Type)))
	b.WriteString(`" id="field-`)
	b.WriteString(esc(f.Key))
	b.WriteString(`">`)
	help := func() {
		if f.Help != "" {
			b.WriteString(`<small class="help">`)
			b.WriteString(esc(f.Help))
			b.WriteString(`</small>`)
		}
	}
	labelFor := func() {
		b.WriteString(`<label for="`)
		b.WriteString(name)
		b.WriteString(`">`)
		b.WriteString(label)
		b.WriteString(`</label>`)
	}
	switch f.Type {
	case "text":
		labelFor()
		help()
		b.WriteString(`<textarea id="`)
		b.WriteString(name)
		b.WriteString(`" name="`)
		b.WriteString(name)
		// Short fields, such as the "why" of a decision, get a short box.
		if f.TextMax() <= 1200 {
			b.WriteString(`" rows="2" maxlength="`)
		} else {
			b.WriteString(`" rows="6" maxlength="`)
		}
		b.WriteString(strconv.Itoa(f.TextMax()))
		b.WriteString(`"`)
		if f.Placeholder != "" {
			b.WriteString(` placeholder="`)
			b.WriteString(esc(f.Placeholder))
			b.WriteString(`"`)
		}
		// A newline right after <textarea> is dropped by HTML parsers, so
		// one is written to keep a value's own leading newline.
		b.WriteString(">\n")
		b.WriteString(esc(f.Value))
		b.WriteString(`</textarea>`)
	case "choice":
		labelFor()
		b.WriteString(`<select id="`)
		b.WriteString(name)
		b.WriteString(`" name="`)
		b.WriteString(name)
		b.WriteString(`"><option value="">—</option>`)
		b.WriteString(string(optionsHTML(f.Options, f.Value)))
		b.WriteString(`</select>`)
	case "number":
		labelFor()
		b.WriteString(`<span class="number"><input id="`)
		b.WriteString(name)
		b.WriteString(`" name="`)
		b.WriteString(name)
		b.WriteString(`" inputmode="decimal" value="`)
		b.WriteString(esc(f.Value))
		b.WriteString(`" maxlength="32">`)
		if f.Unit != "" {
			b.WriteString(` <span class="unit">`)
			b.WriteString(esc(f.Unit))
			b.WriteString(`</span>`)
		}
		b.WriteString(`</span>`)
	case "list":
		b.WriteString(`<span class="label">`)
		b.WriteString(label)
		b.WriteString(`</span>`)
		help()
		b.WriteString(`<div class="table-wrap"><table class="rows" data-list="`)
		b.WriteString(name)
		b.WriteString(`"><thead><tr>`)
		for _, c := range f.Columns {
			b.WriteString(`<th scope="col">`)
			b.WriteString(esc(c.Label))
			b.WriteString(`</th>`)
		}
		b.WriteString(`<th scope="col"><span class="sr-only">Order and delete</span></th>`)
		b.WriteString("</tr></thead><tbody>\n")
		b.WriteString(string(listRowsHTML(f)))
		b.WriteString(`</tbody></table></div><button type="button" class="link add-row" data-add-row="`)
		b.WriteString(name)
		b.WriteString(`" hidden>+ Add row</button>`)
	}
	writeError(&b, f.Error)
	b.WriteString("</div>\n")
	return template.HTML(b.String())
}

// writeHidden writes a hidden input that carries a value the table does
// not show, such as a node's presentational attributes.
func writeHidden(b *strings.Builder, name, value string) {
	b.WriteString(`<input type="hidden" name="`)
	b.WriteString(esc(name))
	b.WriteString(`" value="`)
	b.WriteString(esc(value))
	b.WriteString(`">`)
}

// tableLabel shows a label's line breaks as \n in a one-line input;
// formLabel reads them back.
func tableLabel(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }

func formLabel(s string) string { return strings.ReplaceAll(s, `\n`, "\n") }
