package sqldrill

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// resultTable is the temporary table an answer's rows are written to. It
// lives in the connection's own TEMP database, the only one the sandbox
// lets a statement write.
const resultTable = "drill_result"

// connLimits are the sqlite3_limit values set on every connection before a
// learner's query is prepared, besides the length limits from Options.
var connLimits = map[int]int{
	sqlite3.SQLITE_LIMIT_ATTACHED:            0,   // no ATTACH, even if the authorizer were bypassed
	sqlite3.SQLITE_LIMIT_COLUMN:              100, // columns in a result or table
	sqlite3.SQLITE_LIMIT_EXPR_DEPTH:          200,
	sqlite3.SQLITE_LIMIT_COMPOUND_SELECT:     50,
	sqlite3.SQLITE_LIMIT_VDBE_OP:             250_000,
	sqlite3.SQLITE_LIMIT_FUNCTION_ARG:        100,
	sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1000,
	sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER:     0, // answers take no parameters
	sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH:       1,
	sqlite3.SQLITE_LIMIT_WORKER_THREADS:      0,
}

// allowedFunctions are the SQL functions an answer may call: SQLite's
// core scalar, date, aggregate, window, math and JSON functions. Anything
// else, load_extension first of all, and the functions of the FTS5,
// R*Tree and Geopoly extensions compiled into the driver, is refused.
var allowedFunctions = setOf(
	// core scalar
	"abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "if", "ifnull", "iif",
	"instr", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif",
	"octet_length", "printf", "quote", "random", "randomblob", "replace", "round", "rtrim", "sign",
	"soundex", "substr", "substring", "trim", "typeof", "unhex", "unicode", "unistr", "unistr_quote",
	"unlikely", "upper", "zeroblob", "sqlite_version",
	// date and time
	"date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",
	"current_date", "current_time", "current_timestamp",
	// aggregate
	"avg", "count", "group_concat", "string_agg", "sum", "total",
	"json_group_array", "json_group_object", "jsonb_group_array", "jsonb_group_object",
	// window
	"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
	"first_value", "last_value", "nth_value",
	// math
	"acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh",
	"degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians",
	"sin", "sinh", "sqrt", "tan", "tanh", "trunc",
	// JSON
	"json", "jsonb", "json_array", "jsonb_array", "json_array_length", "json_error_position",
	"json_extract", "jsonb_extract", "json_insert", "jsonb_insert", "json_object", "jsonb_object",
	"json_patch", "jsonb_patch", "json_pretty", "json_quote", "json_remove", "jsonb_remove",
	"json_replace", "jsonb_replace", "json_set", "jsonb_set", "json_type", "json_valid", "->", "->>",
)

// tableFunctions are the table-valued functions an answer may read.
var tableFunctions = setOf("json_each", "json_tree")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// mode is who is preparing statements on a connection.
type mode int

const (
	modeClosed  mode = iota // nothing may be prepared
	modeLearner             // the learner's query (or a reference): read the dataset, write only the result table
	modeHarness             // casebench's own statements around it: create, read and drop the result table
	modeLoad                // loading the dataset script into the template
)

// guard is the SQLite authorizer of one connection. SQLite asks it about
// every action of every statement while the statement is compiled, so a
// statement that would do anything outside the policy fails to prepare,
// whatever its text looks like.
type guard struct {
	mu     sync.Mutex
	mode   mode
	tables map[string]bool // the dataset's tables, lower case
	denied string          // the first refused action, in plain words
}

func (g *guard) set(m mode) {
	g.mu.Lock()
	g.mode, g.denied = m, ""
	g.mu.Unlock()
}

// reason returns the first action refused since the mode was set.
func (g *guard) reason() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.denied
}

func (g *guard) authorize(action sqlite.AuthorizerActionCode, arg1, arg2, db, _ string) sqlite.AuthorizerReturnCode {
	g.mu.Lock()
	defer g.mu.Unlock()
	why := g.check(action, strings.ToLower(arg1), strings.ToLower(arg2), strings.ToLower(db))
	if why == "" {
		return sqlite.AuthorizerOK
	}
	if g.denied == "" {
		g.denied = why
	}
	return sqlite.AuthorizerDeny
}

// check returns "" when the action is allowed in the current mode, or why
// it is not.
func (g *guard) check(action sqlite.AuthorizerActionCode, arg1, arg2, db string) string {
	switch g.mode {
	case modeHarness:
		return ""
	case modeLoad:
		return loadPolicy(action, arg1, db)
	case modeLearner:
		return g.learnerPolicy(action, arg1, arg2, db)
	}
	return "the connection is closed"
}

func (g *guard) learnerPolicy(action sqlite.AuthorizerActionCode, arg1, arg2, db string) string {
	switch action {
	case sqlite.AuthSelect, sqlite.AuthRecursive:
		return ""
	case sqlite.AuthRead:
		if (db == "main" || db == "") && (g.tables[arg1] || tableFunctions[arg1] || arg1 == "sqlite_master" || arg1 == "sqlite_schema") {
			return ""
		}
		if db == "" && arg2 == "" {
			return "" // count(*) over a common table expression: no column is read
		}
		return fmt.Sprintf("Reading %s is not allowed: a drill reads only the dataset's tables (%s).", arg1, g.tableList())
	case sqlite.AuthFunction:
		if allowedFunctions[arg2] {
			return ""
		}
		return fmt.Sprintf("The function %s is not available in drills.", arg2)
	case sqlite.AuthInsert:
		if db == "temp" && arg1 == resultTable {
			return "" // the harness's INSERT INTO temp.drill_result around the query
		}
	case sqlite.AuthPragma:
		return fmt.Sprintf("PRAGMA %s is not allowed in a drill.", arg1)
	case sqlite.AuthAttach:
		return "ATTACH (and VACUUM INTO) is not allowed in a drill: it would open a file."
	case sqlite.AuthDetach:
		return "DETACH is not allowed in a drill."
	case sqlite.AuthTransaction, sqlite.AuthSavepoint:
		return "Transactions are not allowed in a drill: the answer is a single SELECT."
	}
	return "Your query tries to change the database; a drill answer only reads it."
}

func loadPolicy(action sqlite.AuthorizerActionCode, arg1, db string) string {
	switch action {
	case sqlite.AuthCreateTable, sqlite.AuthCreateIndex, sqlite.AuthInsert, sqlite.AuthRead,
		sqlite.AuthSelect, sqlite.AuthTransaction, sqlite.AuthReindex:
		if db == "main" || db == "" {
			return ""
		}
	case sqlite.AuthUpdate:
		if db == "main" && arg1 == "sqlite_master" {
			return ""
		}
	}
	return fmt.Sprintf("the dataset script may only create tables and indexes and insert rows (action %d on %q)", action, arg1)
}

func (g *guard) tableList() string {
	names := make([]string, 0, len(g.tables))
	for t := range g.tables {
		names = append(names, t)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
