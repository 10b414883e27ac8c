package server

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/casebench/casebench/internal/design"
)

// The editor's tables (list fields, and the pipeline's nodes and edges) get
// a button per row to delete it, and list rows buttons to move them up and
// down. Without JavaScript each is a submit button of the editor form named
// "row", valued "OP:TABLE.N" (OP is del, up or down; TABLE is the inputs'
// name prefix, such as f.evaluation.metrics or p.nodes): the form is saved
// with the row deleted or moved, and the editor comes back at the table.
// With JavaScript the script does the same in the page and autosaves.
const rowOpField = "row"

// rowOp is one posted table operation.
type rowOp struct {
	Op    string // del, up or down
	Table string // the name prefix of the table's inputs
	Index int
}

// parseRowOp reads the "row" value of form, if any. Anything but a known
// operation on a table of the editor is a 400.
func parseRowOp(form url.Values, t *design.Template) (*rowOp, error) {
	v := form.Get(rowOpField)
	if v == "" {
		return nil, nil
	}
	bad := badRequest("The row action %.80q is not one the editor offers; reload the page.", v)
	op, rest, ok := strings.Cut(v, ":")
	if !ok || (op != "del" && op != "up" && op != "down") {
		return nil, bad
	}
	i := strings.LastIndex(rest, ".")
	if i < 0 {
		return nil, bad
	}
	table, idx := rest[:i], rest[i+1:]
	n, err := strconv.Atoi(idx)
	if err != nil || n < 0 || n > 4000 {
		return nil, bad
	}
	switch {
	case table == "p.nodes" || table == "p.edges":
		if op != "del" {
			return nil, bad
		}
	case isListTable(table, t):
	default:
		return nil, bad
	}
	return &rowOp{Op: op, Table: table, Index: n}, nil
}

// isListTable reports whether name is the input prefix of a list field.
func isListTable(name string, t *design.Template) bool {
	key, ok := strings.CutPrefix(name, fieldPrefix)
	if !ok {
		return false
	}
	sid, fid, ok := strings.Cut(key, ".")
	if !ok {
		return false
	}
	sec, ok := t.Section(sid)
	if !ok {
		return false
	}
	f, ok := sec.Field(fid)
	return ok && f.Type == design.TypeList
}

// apply deletes or moves the row in form, in place. A move past either
// end, or of a row that is not there, changes nothing.
func (op *rowOp) apply(form url.Values) {
	prefix := op.Table + "."
	rows := map[int]map[string][]string{}
	for k, vs := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		idx, col, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || strings.Contains(col, ".") {
			continue
		}
		if rows[n] == nil {
			rows[n] = map[string][]string{}
		}
		rows[n][col] = vs
	}
	if _, ok := rows[op.Index]; !ok {
		return
	}
	idxs := make([]int, 0, len(rows))
	for n := range rows {
		idxs = append(idxs, n)
	}
	slices.Sort(idxs)
	at := slices.Index(idxs, op.Index)
	switch op.Op {
	case "del":
		idxs = slices.Delete(idxs, at, at+1)
	case "up":
		if at == 0 {
			return
		}
		idxs[at-1], idxs[at] = idxs[at], idxs[at-1]
	case "down":
		if at == len(idxs)-1 {
			return
		}
		idxs[at], idxs[at+1] = idxs[at+1], idxs[at]
	}
	// Write the rows back numbered 0, 1, 2... in their new order.
	for k := range form {
		if strings.HasPrefix(k, prefix) {
			if _, ok := rows[rowIndexOf(k, prefix)]; ok {
				delete(form, k)
			}
		}
	}
	for i, n := range idxs {
		for col, vs := range rows[n] {
			form[prefix+strconv.Itoa(i)+"."+col] = vs
		}
	}
}

func rowIndexOf(key, prefix string) int {
	idx, _, _ := strings.Cut(strings.TrimPrefix(key, prefix), ".")
	n, err := strconv.Atoi(idx)
	if err != nil {
		return -1
	}
	return n
}

// anchor is where the editor opens after the operation: the table's field,
// or the pipeline.
func (op *rowOp) anchor() string {
	if strings.HasPrefix(op.Table, "p.") {
		return "#s-pipeline"
	}
	return "#field-" + strings.TrimPrefix(op.Table, fieldPrefix)
}
