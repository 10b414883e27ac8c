package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/sqldrill"
)

// SQLTimeout bounds one query of a SQL drill check. Answers to drills
// run in milliseconds on the sample dataset; the limit stops runaway ones.
const SQLTimeout = 5 * time.Second

// sqlData is the SQL drills' dataset, opened on first use: loading the
// catalog to serve or to check a design never pays for it.
type sqlData struct {
	fsys fs.FS
	once sync.Once
	data *sqldrill.Dataset
	err  error
}

// get opens the dataset once and returns it.
func (z *sqlData) get() (*sqldrill.Dataset, error) {
	z.once.Do(func() { z.data, z.err = sqldrill.Open(z.fsys, sqldrill.SampleFile, sqldrill.Config{}) })
	return z.data, z.err
}

// sqlJudge runs a drill's queries on the catalog's dataset.
type sqlJudge struct {
	data *sqlData
	opts sqldrill.Options
}

// Compare runs answer against query on the dataset (see rubric.SQLJudge).
func (j sqlJudge) Compare(answer, query string) (rubric.SQLVerdict, error) {
	data, err := j.data.get()
	if err != nil {
		return rubric.SQLVerdict{}, fmt.Errorf("the SQL drills' dataset cannot be loaded: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*SQLTimeout)
	defer cancel()
	res, err := data.Check(ctx, answer, query, j.opts)
	if err != nil {
		return rubric.SQLVerdict{}, err
	}
	return rubric.SQLVerdict{Same: res.Pass, Ran: res.Got != nil, Closeness: res.Closeness, Explanation: res.Explanation}, nil
}

func (s *SQLSpec) options() sqldrill.Options {
	return sqldrill.Options{Ordered: s.Ordered, OrderKey: s.OrderKey, Timeout: SQLTimeout}
}

// sqlShare is the SQL drills' dataset of one load, shared by the loaders
// of every pack.
type sqlShare struct {
	once sync.Once
	data *sqlData
}

// dataset returns the catalog's SQL dataset, to be opened on first use.
// The file must exist; when the loader lints (deep), it is opened now and
// any problem in it is reported (by the loader that asked first).
func (l *loader) dataset() *sqlData {
	l.sql.once.Do(func() {
		z := &sqlData{fsys: l.fsys}
		l.sql.data = z
		if _, err := fs.Stat(l.fsys, sqldrill.SampleFile); err != nil {
			l.fail(sqldrill.SampleFile, 1, "", "the SQL drills' dataset is missing: %v", errors.Unwrap(err))
			return
		}
		if l.deep {
			if _, err := z.get(); err != nil {
				l.fail(sqldrill.SampleFile, 1, "", "the SQL drills' dataset cannot be loaded: %v", err)
			}
		}
	})
	return l.sql.data
}

// checkSQL returns the judge of a SQL drill. When the loader lints
// (deep), it also runs the reference query and the traps on the dataset:
// the reference must run, and every trap must run and return something
// else, or it could not tell a mistake from a right answer.
func (l *loader) checkSQL(fail func(at, format string, args ...any), d *Drill) rubric.SQLJudge {
	judge := sqlJudge{data: l.dataset(), opts: d.SQL.options()}
	results := 0
	for _, it := range d.Rubric.Items {
		for _, c := range it.Checks {
			if c.Check == rubric.CheckSQLResult {
				results++
			}
		}
	}
	if results == 0 {
		fail("$.rubric.items", "a SQL drill scores its query: give an item with a sql_result check on answer.sql")
	}
	if !l.deep || judge.data.err != nil {
		return judge
	}
	v, err := judge.Compare(d.Reference.SQL, d.Reference.SQL)
	same, why := v.Same, v.Explanation
	switch {
	case errors.Is(err, sqldrill.ErrReference):
		fail("$.reference.sql", "the reference query does not run on the dataset: %s", strings.TrimPrefix(err.Error(), sqldrill.ErrReference.Error()+": "))
		return judge
	case err != nil:
		fail("$.reference.sql", "the reference query could not be checked: %v", err)
		return judge
	case !same:
		fail("$.reference.sql", "the reference query does not match itself (%s): order it fully, or set sql.order_key", why)
		return judge
	}
	for i, it := range d.Rubric.Items {
		for j, c := range it.Checks {
			if c.Check != rubric.CheckSQLTrap {
				continue
			}
			at := fmt.Sprintf("$.rubric.items[%d].checks[%d].query", i, j)
			v, err := judge.Compare(c.Query, d.Reference.SQL)
			same, ran, why := v.Same, v.Ran, v.Explanation
			switch {
			case err != nil:
				fail(at, "the trap could not be checked: %v", err)
			case !ran:
				fail(at, "the trap's query does not run on the dataset: %s", why)
			case same:
				fail(at, "the trap's query returns the reference's result on the dataset, so it cannot tell a mistake from a right answer")
			}
		}
	}
	return judge
}

// checkSQLKinds refuses SQL checks in drills that have no query.
func checkSQLKinds(fail func(at, format string, args ...any), d *Drill) {
	if d.Kind == KindSQL || d.Rubric == nil {
		return
	}
	for i, it := range d.Rubric.Items {
		for j, c := range it.Checks {
			if slices.Contains([]string{rubric.CheckSQLResult, rubric.CheckSQLTrap}, c.Check) {
				fail(fmt.Sprintf("$.rubric.items[%d].checks[%d].check", i, j), "%s reads a query; only drills of a sql pack have one", c.Check)
			}
		}
	}
}

// Close releases what the catalog holds open: the SQL drills' dataset,
// when a check has opened it.
func (c *Catalog) Close() error { return c.sqlData.close() }

func (z *sqlData) close() error {
	if z == nil {
		return nil
	}
	z.once.Do(func() { z.err = errors.New("closed") }) // never open it after this
	if z.data == nil {
		return nil
	}
	return z.data.Close()
}

// ErrNoSQL is returned by RunSQL for a drill that has no query.
var ErrNoSQL = errors.New("this drill has no query to run")

// RunSQL runs query on the SQL drills' dataset under the sandbox and the
// limits of drill d's checks, for a learner to see what it returns. A
// refused, failing or stopped query is a Result that says why, not an
// error; the error is for a drill that is not a SQL drill or a dataset
// that cannot be loaded.
func (c *Catalog) RunSQL(ctx context.Context, d *Drill, query string) (sqldrill.Result, error) {
	if d.Kind != KindSQL || d.SQL == nil || c.sqlData == nil {
		return sqldrill.Result{}, ErrNoSQL
	}
	data, err := c.sqlData.get()
	if err != nil {
		return sqldrill.Result{}, fmt.Errorf("the SQL drills' dataset cannot be loaded: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 4*SQLTimeout)
	defer cancel()
	return data.Query(ctx, query, d.SQL.options())
}

// SQLTables returns the tables of the SQL drills' dataset and their
// columns, or nil when it cannot be loaded.
func (c *Catalog) SQLTables() []sqldrill.Table {
	if c.sqlData == nil {
		return nil
	}
	data, err := c.sqlData.get()
	if err != nil {
		return nil
	}
	return data.Tables()
}
