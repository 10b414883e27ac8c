package sqldrill

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"

	sqlite "modernc.org/sqlite"
)

// SampleFile is where the bundled sample dataset lies in casebench's cases
// folder (cases.FS or a --cases directory).
const SampleFile = "drills/data/sample.sql"

// Config bounds what one Dataset lets checks use. The zero Config takes
// every default.
type Config struct {
	// Concurrency is how many checks run at once; more wait their turn.
	// Default 1, which lets the memory watchdog blame the right query.
	Concurrency int
	// MaxMemory is how far the process's resident memory may grow while
	// checks run before the longest-running one is stopped. Default 64 MiB.
	MaxMemory int64
	// MaxResultBytes caps the TEMP database holding one result, through
	// PRAGMA temp.max_page_count. Default 16 MiB.
	MaxResultBytes int64
	// MaxQueryBytes is the longest answer, in bytes. Default 64 KiB.
	MaxQueryBytes int
	// MaxValueBytes caps any one string or blob a query builds
	// (SQLITE_LIMIT_LENGTH). Default 1 MiB.
	MaxValueBytes int
	// MaxScriptBytes is the largest dataset script Open reads. Default 64 MiB.
	MaxScriptBytes int64
}

func (c Config) withDefaults() Config {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.MaxQueryBytes <= 0 {
		c.MaxQueryBytes = 64 << 10
	}
	if c.MaxValueBytes <= 0 {
		c.MaxValueBytes = 1 << 20
	}
	def(&c.MaxMemory, 64<<20)
	def(&c.MaxResultBytes, 16<<20)
	def(&c.MaxScriptBytes, 64<<20)
	return c
}

// Dataset is a loaded dataset that answers are checked against. It is
// safe for concurrent use; Close releases it.
type Dataset struct {
	cfg    Config
	keeper *sql.DB   // read-write, for loading
	hold   *sql.Conn // held open for the dataset's life: the in-memory database lives while it does
	pool   *sql.DB   // read-only connections for checks
	tables []Table
	names  map[string]bool
	slots  chan struct{}
	watch  *watchdog

	refMu sync.Mutex
	refs  map[string]refResult
}

// Table describes one table of a dataset.
type Table struct {
	Name    string
	Columns []string
}

var datasetSeq atomic.Int64

// Open reads the SQL script name from fsys (CREATE TABLE, CREATE INDEX and
// INSERT statements only) into an in-memory database that checks then open
// read-only. It returns an error if the file cannot be read, is larger
// than cfg.MaxScriptBytes, or holds anything but those statements.
func Open(fsys fs.FS, name string, cfg Config) (*Dataset, error) {
	cfg = cfg.withDefaults()
	script, err := readLimited(fsys, name, cfg.MaxScriptBytes)
	if err != nil {
		return nil, err
	}
	memName := fmt.Sprintf("/casebench-sqldrill-%d", datasetSeq.Add(1))
	d := &Dataset{cfg: cfg, slots: make(chan struct{}, cfg.Concurrency), refs: map[string]refResult{}}
	d.watch = newWatchdog(cfg.MaxMemory)

	load := &guard{}
	drv := &sqlite.Driver{}
	drv.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		a, ok := c.(sqlite.AuthorizerRegisterer)
		if !ok {
			return errors.New("sqldrill: the SQLite driver has no authorizer")
		}
		return a.RegisterAuthorizer(load.authorize) // replaced per check; closed until then
	})
	d.keeper = sql.OpenDB(connector{drv, "file:" + memName + "?vfs=memdb&_defensive=1"})
	d.keeper.SetMaxOpenConns(1)
	if d.hold, err = d.keeper.Conn(context.Background()); err != nil {
		d.keeper.Close()
		return nil, fmt.Errorf("sqldrill: %w", err)
	}
	if err := d.load(script, load); err != nil {
		d.hold.Close()
		d.keeper.Close()
		return nil, fmt.Errorf("sqldrill: loading %s: %w", name, err)
	}
	pages := max(cfg.MaxResultBytes/4096, 16)
	d.pool = sql.OpenDB(connector{drv, "file:" + memName + "?vfs=memdb&mode=ro&_defensive=1" +
		"&_pragma=temp_store(memory)&_pragma=cache_size(-2048)&_pragma=trusted_schema(off)" +
		fmt.Sprintf("&_pragma=temp.max_page_count(%d)", pages)})
	d.pool.SetMaxOpenConns(cfg.Concurrency)
	d.pool.SetMaxIdleConns(cfg.Concurrency)
	return d, nil
}

func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("sqldrill: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("sqldrill: reading %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("sqldrill: %s is larger than %d bytes", name, limit)
	}
	return b, nil
}

// load runs the dataset script under the load policy, then records the
// tables it made.
func (d *Dataset) load(script []byte, g *guard) error {
	ctx := context.Background()
	c := d.hold
	g.set(modeLoad)
	if _, err := c.ExecContext(ctx, "BEGIN;\n"+string(script)+"\n;COMMIT;"); err != nil {
		if why := g.reason(); why != "" {
			return errors.New(why)
		}
		return err
	}
	g.set(modeHarness)
	defer g.set(modeClosed)
	rows, err := c.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	if len(names) == 0 {
		return errors.New("the script creates no table")
	}
	d.names = map[string]bool{}
	for _, n := range names {
		cols, err := columnNames(ctx, c, "SELECT * FROM "+quoteIdent(n))
		if err != nil {
			return err
		}
		d.tables = append(d.tables, Table{Name: n, Columns: cols})
		d.names[strings.ToLower(n)] = true
	}
	return nil
}

// Tables returns the dataset's tables and their columns, by name.
func (d *Dataset) Tables() []Table { return d.tables }

// Close releases the dataset. Checks running at the time fail.
func (d *Dataset) Close() error {
	return errors.Join(d.pool.Close(), d.hold.Close(), d.keeper.Close())
}

type connector struct {
	drv *sqlite.Driver
	dsn string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.drv }

// columnNames returns the names of the result columns of query without
// running it.
func columnNames(ctx context.Context, c *sql.Conn, query string) ([]string, error) {
	var names []string
	err := c.Raw(func(dc any) error {
		ci, ok := dc.(interface {
			ColumnInfo(string) ([]sqlite.ColumnInfo, error)
		})
		if !ok {
			return errors.New("sqldrill: the SQLite driver cannot describe columns")
		}
		info, err := ci.ColumnInfo(query)
		for _, col := range info {
			names = append(names, col.Name)
		}
		return err
	})
	return names, err
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
