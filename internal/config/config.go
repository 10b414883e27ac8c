// Package config holds casebench's settings, their defaults, and how they
// are read from command-line flags and CASEBENCH_* environment variables.
package config

import (
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a casebench process.
type Config struct {
	Addr          string        // HOST:PORT to listen on
	DB            string        // SQLite file path or postgres:// URL
	CasesDir      string        // folder of case packs; empty means the bundled cases
	SecureCookies bool          // mark cookies Secure (set when behind a TLS proxy)
	TLSCert       string        // serve HTTPS with this certificate...
	TLSKey        string        // ...and key
	LogLevel      string        // debug, info, warn, error
	RenderWorkers int           // diagram worker processes; 0 means one per CPU
	RenderTimeout time.Duration // deadline of one diagram render
	RenderPerMin  int           // renders per minute per client on POST /api/v1/render
	RenderBin     string        // the render worker's binary; empty: casebench-render beside this one, else on PATH
	LoginPerMin   int           // failed logins per name and address before delays start
	LogFormat     string        // text or json
	MetricsAllow  string        // addresses and CIDR ranges that may read /metrics
	MetricsToken  string        // a bearer token that may read /metrics from anywhere
	MemoryLimit   int           // soft limit of the Go runtime's memory in MiB; 0: none
}

// Default returns the settings used when nothing is set.
func Default() Config {
	return Config{
		Addr:          "localhost:8080",
		DB:            "casebench.db",
		LogLevel:      "info",
		RenderTimeout: 5 * time.Second,
		RenderPerMin:  120,
		LoginPerMin:   10,
		LogFormat:     "text",
		MetricsAllow:  "127.0.0.0/8,::1",
		MemoryLimit:   112,
	}
}

// EnvPrefix starts every environment variable casebench reads.
const EnvPrefix = "CASEBENCH_"

type setting struct {
	name  string
	usage string
	ptr   any
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "address to listen on, HOST:PORT", &c.Addr},
		{"db", "SQLite file path, or a postgres:// URL", &c.DB},
		{"cases", "folder of case packs (default: the bundled cases)", &c.CasesDir},
		{"secure-cookies", "mark cookies Secure (behind a TLS proxy)", &c.SecureCookies},
		{"tls-cert", "serve HTTPS with this certificate file", &c.TLSCert},
		{"tls-key", "serve HTTPS with this key file", &c.TLSKey},
		{"log-level", "debug, info, warn or error", &c.LogLevel},
		{"log-format", "text, or json for one JSON object per line", &c.LogFormat},
		{"metrics-allow", "addresses and CIDR ranges, comma-separated, that may read /metrics (empty: only with --metrics-token)", &c.MetricsAllow},
		{"metrics-token", "a bearer token that may read /metrics from any address (better set as CASEBENCH_METRICS_TOKEN)", &c.MetricsToken},
		{"render-workers", "diagram worker processes (0: one per CPU)", &c.RenderWorkers},
		{"render-timeout", "deadline of one diagram render (a layout past it is tried once more with straight edges)", &c.RenderTimeout},
		{"render-per-minute", "diagram renders allowed per minute per user, or per address when anonymous", &c.RenderPerMin},
		{"render-bin", "the diagram render worker's binary, built from ./cmd/casebench-render (default: casebench-render beside this binary, else on PATH)", &c.RenderBin},
		{"memory-limit", "soft limit of the server's Go memory in MiB, which the garbage collector keeps to (0: none; GOMEMLIMIT wins when set)", &c.MemoryLimit},
		{"login-per-minute", "failed logins per name and address before delays start (3 times as many per address); delays start at 2s and double up to 15m", &c.LoginPerMin},
	}
}

// EnvName returns the environment variable of a flag: db -> CASEBENCH_DB.
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Apply reads the environment through getenv into c, then registers c's
// settings as flags on fs, so that flags parsed later override the
// environment, which overrides the defaults.
func (c *Config) Apply(fs *flag.FlagSet, getenv func(string) string) error {
	return c.Register(fs, getenv)
}

// Names lists every setting's flag name, in the order of the settings.
func Names() []string {
	var c Config
	var out []string
	for _, s := range c.settings() {
		out = append(out, s.name)
	}
	return out
}

// Register is Apply for the named settings only (all when none are
// named), so that a command offers just the flags it uses and reads just
// their variables. An unknown name panics: it is a programming error.
func (c *Config) Register(fs *flag.FlagSet, getenv func(string) string, names ...string) error {
	all := c.settings()
	chosen := all
	if len(names) > 0 {
		chosen = nil
		for _, n := range names {
			found := false
			for _, s := range all {
				if s.name == n {
					chosen, found = append(chosen, s), true
				}
			}
			if !found {
				panic("config: no setting " + n)
			}
		}
	}
	for _, s := range chosen {
		if v := getenv(EnvName(s.name)); v != "" {
			if err := set(s.ptr, v); err != nil {
				return fmt.Errorf("%s: %w", EnvName(s.name), err)
			}
		}
		switch p := s.ptr.(type) {
		case *string:
			fs.StringVar(p, s.name, *p, s.usage)
		case *bool:
			fs.BoolVar(p, s.name, *p, s.usage)
		case *int:
			fs.IntVar(p, s.name, *p, s.usage)
		case *time.Duration:
			fs.DurationVar(p, s.name, *p, s.usage)
		}
	}
	return nil
}

func set(ptr any, v string) error {
	switch p := ptr.(type) {
	case *string:
		*p = v
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*p = b
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*p = n
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 5s", v)
		}
		*p = d
	}
	return nil
}

// Validate returns an error naming the first setting that cannot work.
func (c *Config) Validate() error {
	switch {
	case c.DB == "":
		return fmt.Errorf("--db is empty: give a SQLite file path or a postgres:// URL")
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return fmt.Errorf("--tls-cert and --tls-key go together")
	case c.RenderWorkers < 0:
		return fmt.Errorf("--render-workers must be 0 or more")
	case c.RenderTimeout <= 0:
		return fmt.Errorf("--render-timeout must be positive")
	case c.RenderPerMin < 1:
		return fmt.Errorf("--render-per-minute must be at least 1")
	case c.LoginPerMin < 1:
		return fmt.Errorf("--login-per-minute must be at least 1")
	}
	if _, err := Nets(c.MetricsAllow); err != nil {
		return fmt.Errorf("--metrics-allow: %w", err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level must be debug, info, warn or error")
	}
	return nil
}

// Secure reports whether cookies must be marked Secure.
func (c *Config) Secure() bool { return c.SecureCookies || c.TLSCert != "" }

// Nets reads addresses and CIDR ranges separated by commas, such as
// "127.0.0.0/8,::1,10.1.2.3"; an address alone is a range of one. An
// empty list is no range.
func Nets(s string) ([]*net.IPNet, error) {
	out := []*net.IPNet{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, n, err := net.ParseCIDR(part); err == nil {
			out = append(out, n)
			continue
		}
		ip := net.ParseIP(part)
		if ip == nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR range", part)
		}
		bits := 128
		if v4 := ip.To4(); v4 != nil {
			ip, bits = v4, 32
		}
		out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
	}
	return out, nil
}
