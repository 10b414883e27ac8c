// Package sqldrill runs a learner's SQL answer for real, against a small
// bundled dataset, and compares its result with a reference query's.
//
// # Use
//
//	d, err := sqldrill.Open(cases.FS, sqldrill.SampleFile, sqldrill.Config{})
//	...
//	res, err := d.Check(ctx, answer, reference, sqldrill.Options{Ordered: true})
//	// res.Pass, res.Verdict, res.Explanation, res.Got, res.Want
//
// Open loads a SQL script of CREATE TABLE, CREATE INDEX and INSERT
// statements (anything else is refused) into a named in-memory database
// (SQLite's memdb VFS) held by one read-write connection. Checks run on a
// small pool of other connections that open that same database read-only,
// so no copy is made per check and SQLite itself refuses any write to it
// (a private copy by sqlite3_deserialize would cost 0.25 to 0.5 ms a check;
// see BenchmarkCopyPerCheck). The bundled dataset is
// cases/drills/data/sample.sql (SampleFile), written by `go run
// ./internal/sqldrill/gen` (or go generate) from a fixed seed; its README
// describes the tables.
//
// Check returns an error only for what the learner cannot fix: the
// reference fails (ErrReference) or the context ends. Everything else is
// a Result with a Verdict (Passed, Mismatch, SQLError, Refused, TimedOut,
// TooManyRows, TooMuchMemory) and an Explanation in plain words. Reference
// results are kept per query text, so a drill's reference runs once.
//
// # Comparing
//
// The column count must match, and the names too, ignoring case, unless
// Options.IgnoreColumnNames (a result whose values match but whose names
// differ is told so). Rows are compared as multisets unless
// Options.Ordered; with Options.OrderKey only those columns must line up,
// so ties may come in any order. Numbers compare by value (1 equals 1.0)
// within a relative tolerance (1e-6 by default); NULL equals NULL; text
// and numbers never equal each other. A mismatch is explained with the
// row counts and an example of each kind of difference: rows missing,
// rows not in the reference, rows repeated too often (a missing DISTINCT)
// or too rarely, the closest row to a missing one, and the first row out
// of order.
//
// # Sandbox
//
// An answer runs only if all of these let it:
//
//   - Its text: at most Config.MaxQueryBytes, valid UTF-8, no NUL byte (the
//     driver would cut the text there), exactly one statement by SQLite's
//     lexical rules (semicolons in strings, quoted names and comments do
//     not count), beginning with SELECT or WITH.
//   - An authorizer (sqlite3_set_authorizer) that SQLite consults while it
//     compiles each statement: it allows SELECT, recursive CTEs, reads of
//     the dataset's tables, json_each and json_tree, and an allowlist of
//     built-in functions; it refuses PRAGMA, ATTACH (so VACUUM INTO),
//     DETACH, transactions, every write and schema change, reads of any
//     other table or virtual table (sqlite_dbpage, dbstat, pragma_*), and
//     any other function (load_extension and the extensions' functions
//     among them; readfile and writefile do not exist in this build).
//   - The connection: the dataset opened with mode=ro, defensive mode
//     (SQLITE_DBCONFIG_DEFENSIVE), trusted_schema off, and sqlite3_limit
//     values: ATTACHED 0, a short SQL length, LENGTH (the largest string or
//     blob) Config.MaxValueBytes, and lower column, expression depth,
//     compound select, program size and LIKE pattern limits.
//   - Time: the statement runs under a context deadline (Options.Timeout),
//     which the driver turns into sqlite3_interrupt. The whole query runs
//     in one sqlite3_step, as INSERT INTO a TEMP table of SELECT * FROM
//     (answer) LIMIT MaxRows+1, so the interrupt reaches every row, not
//     only the first; the rows are read back from that table afterwards.
//   - Rows and size: the LIMIT above caps the rows, and PRAGMA
//     temp.max_page_count (Config.MaxResultBytes) caps the TEMP database
//     holding them.
//   - Memory: SQLite has no per-connection heap limit
//     (sqlite3_hard_heap_limit64 is process-wide and would also fail
//     casebench's own database), and the sorter and temporary b-trees of
//     DISTINCT, GROUP BY, ORDER BY and window functions are not bounded by
//     cache_size: a DISTINCT over a cross join grew by 250 MB a second in
//     our measurement. So a watchdog samples the process's resident memory
//     every 2 ms while checks run and, past Config.MaxMemory of growth,
//     cancels the longest-running check. Checks run Config.Concurrency at a
//     time (default 1), which keeps that blame exact.
package sqldrill

//go:generate go run ./gen -o ../../cases/drills/data/sample.sql
