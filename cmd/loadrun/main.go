// Command loadrun runs casebench under load and breaks it as an operator
// might, then reports what held: kill -9 under an autosave load (every
// acknowledged save must survive), SIGTERM under load (requests in flight
// finish, exit status 0), a backup under load (restored and compared with
// the saves acknowledged before it began), and /metrics after the load.
//
//	go run ./cmd/loadrun [-scenario all|kill9|sigterm|backup] [-clients 16] [-for 8s] [-rounds 3]
//
// It builds casebench and its render worker, runs it on a SQLite file in a
// temporary folder on 127.0.0.1, and stops by itself. Its figures are for
// the operator and for notes; nothing in it is a timed assertion.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	scenario := flag.String("scenario", "all", "all, kill9, sigterm or backup")
	clients := flag.Int("clients", 16, "clients saving at once")
	dur := flag.Duration("for", 8*time.Second, "how long each load runs before the fault")
	rounds := flag.Int("rounds", 3, "kill -9 rounds")
	flag.Parse()
	r, err := newRun(*clients, *dur)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadrun:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(r.dir)
	failed := false
	for _, s := range []struct {
		name string
		fn   func() error
	}{{"kill9", func() error { return r.kill9(*rounds) }}, {"sigterm", r.sigterm}, {"backup", r.backup}} {
		if *scenario != "all" && *scenario != s.name {
			continue
		}
		fmt.Printf("== %s\n", s.name)
		if err := s.fn(); err != nil {
			fmt.Printf("FAIL %s: %v\n", s.name, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// run is one casebench binary, its database and its users.
type run struct {
	dir, bin, db string
	clients      int
	dur          time.Duration
	addr         string
	srv          *exec.Cmd
	exited       chan error
	users        []*user
}

// user is one client: a signed-in browser (even) or an API script (odd),
// with its own design and the saves acknowledged for it.
type user struct {
	name, token string
	id          int64
	http        *http.Client
	csrf        string

	mu      sync.Mutex
	version int64            // the version of the last save acknowledged
	acked   map[int64]string // version -> the objective saved with it
}

func newRun(clients int, dur time.Duration) (*run, error) {
	dir, err := os.MkdirTemp("", "casebench-loadrun-")
	if err != nil {
		return nil, err
	}
	r := &run{dir: dir, bin: filepath.Join(dir, "casebench"), db: filepath.Join(dir, "casebench.db"), clients: clients, dur: dur}
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/casebench", "./cmd/casebench-render")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if out, err := exec.Command(r.bin, "migrate", "--db", r.db).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("migrate: %v %s", err, out)
	}
	for i := range clients {
		u := &user{name: fmt.Sprintf("load%02d", i), acked: map[int64]string{}}
		add := exec.Command(r.bin, "user", "add", u.name, "--db", r.db)
		add.Stdin = strings.NewReader("correct horse battery\n")
		if out, err := add.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("user add: %v %s", err, out)
		}
		out, err := exec.Command(r.bin, "user", "token", u.name, "--name", "loadrun", "--db", r.db).Output()
		if err != nil {
			return nil, fmt.Errorf("user token: %v", err)
		}
		u.token = strings.TrimSpace(string(out))
		r.users = append(r.users, u)
	}
	return r, nil
}

// start runs the server on the database at db and waits until it answers.
func (r *run) start(db string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	r.addr = ln.Addr().String()
	ln.Close()
	logf, err := os.OpenFile(filepath.Join(r.dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	r.srv = exec.Command(r.bin, "serve", "--addr", r.addr, "--db", db, "--render-workers", "1", "--log-format", "json",
		"--login-per-minute", "1000", "--render-per-minute", "100000")
	r.srv.Stderr, r.srv.Stdout = logf, logf
	if err := r.srv.Start(); err != nil {
		return err
	}
	r.exited = make(chan error, 1)
	go func() { r.exited <- r.srv.Wait(); logf.Close() }()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if res, err := http.Get(r.url("/healthz")); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("the server did not start within a minute")
}

func (r *run) url(path string) string { return "http://" + r.addr + path }

// signIn logs every browser user in and gives every user a design, once.
func (r *run) signIn() error {
	for i, u := range r.users {
		jar, _ := cookiejar.New(nil)
		u.http = &http.Client{Jar: jar, Timeout: time.Minute}
		if i%2 == 0 {
			if err := u.login(r); err != nil {
				return err
			}
		}
		var d struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		}
		if u.id == 0 {
			if err := u.api(r, "POST", "/api/v1/designs", `{"case":"artwork-personalization","title":"Load"}`, &d); err != nil {
				return err
			}
		} else if err := u.api(r, "GET", fmt.Sprintf("/api/v1/designs/%d", u.id), "", &d); err != nil {
			return err
		}
		// After a kill the design may hold a save whose answer was cut.
		u.mu.Lock()
		u.id, u.version = d.ID, d.Version
		u.mu.Unlock()
	}
	return nil
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (u *user) login(r *run) error {
	page, err := u.get(r.url("/login"))
	if err != nil {
		return err
	}
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		return errors.New("no CSRF token on the login page")
	}
	res, err := u.http.PostForm(r.url("/login"), url.Values{"name": {u.name}, "password": {"correct horse battery"}, "_csrf": {m[1]}})
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if m := csrfInput.FindStringSubmatch(string(body)); m != nil {
		u.csrf = m[1]
	}
	if res.StatusCode != http.StatusOK || u.csrf == "" {
		return fmt.Errorf("login %s: %d", u.name, res.StatusCode)
	}
	return nil
}

func (u *user) get(addr string) (string, error) {
	res, err := u.http.Get(addr)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

func (u *user) api(r *run, method, path, body string, v any) error {
	req, _ := http.NewRequest(method, r.url(path), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if v != nil {
		return json.Unmarshal(b, v)
	}
	return nil
}

// save sends one save: browsers as the editor's autosave does (a form post
// asking for JSON), scripts by PUT. It returns the version acknowledged.
func (u *user) save(r *run, objective string) (int64, error) {
	u.mu.Lock()
	version := u.version
	u.mu.Unlock()
	var req *http.Request
	if u.csrf != "" {
		form := url.Values{"version": {fmt.Sprint(version)}, "title": {"Load"}, "f.framing.objective": {objective}}
		req, _ = http.NewRequest("POST", r.url(fmt.Sprintf("/designs/%d", u.id)), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", u.csrf)
	} else {
		body, _ := json.Marshal(map[string]any{"version": version, "sections": map[string]any{"framing": map[string]string{"objective": objective}}})
		req, _ = http.NewRequest("PUT", r.url(fmt.Sprintf("/api/v1/designs/%d", u.id)), strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+u.token)
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := send(u.http, req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("save: %d %.200s", res.StatusCode, b)
	}
	var saved struct {
		Version int64 `json:"version"`
	}
	if err := json.Unmarshal(b, &saved); err != nil {
		return 0, err
	}
	u.mu.Lock()
	u.version = saved.Version
	u.acked[saved.Version] = objective
	u.mu.Unlock()
	return saved.Version, nil
}

// sendError is a request that got no answer, and whether it went out on a
// kept-alive connection that had been idle: one the server may have closed
// as the request was sent, which a client retries.
type sendError struct {
	err      error
	idleConn bool
}

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// send does req, telling in its error whether it went out on an idle
// kept-alive connection.
func send(c *http.Client, req *http.Request) (*http.Response, error) {
	var idle bool
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { idle = info.Reused && info.WasIdle }}
	res, err := c.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	if err != nil {
		return nil, &sendError{err: err, idleConn: idle}
	}
	return res, nil
}

// load saves from every user until stop is closed or the server goes away,
// and returns how many saves were acknowledged and how many failed.
func (r *run) load(stop <-chan struct{}) (acked, failed int64) {
	var wg sync.WaitGroup
	var a, f atomic.Int64
	for k, u := range r.users {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if k%4 == 0 && i%5 == 4 {
					// A preview now and then: three graphs, so that the
					// cache answers most of them.
					req, _ := http.NewRequest("POST", r.url("/api/v1/render?format=svg"), strings.NewReader(heavyDOT(i%3)))
					req.Header.Set("Authorization", "Bearer "+u.token)
					if res, err := http.DefaultClient.Do(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
					continue
				}
				if _, err := u.save(r, fmt.Sprintf("%s save %d at %s", u.name, i, time.Now().Format(time.RFC3339Nano))); err != nil {
					f.Add(1)
					time.Sleep(20 * time.Millisecond)
					continue
				}
				a.Add(1)
			}
		})
	}
	wg.Wait()
	return a.Load(), f.Load()
}

// compare reads each user's design from the server and checks it holds
// the save acknowledged in acked, or a later one.
func (r *run) compare(what string, acked map[*user]int64) error {
	lost, checked, exact := 0, 0, 0
	for _, u := range r.users {
		var d struct {
			Version  int64 `json:"version"`
			Sections struct {
				Framing struct {
					Objective string `json:"objective"`
				} `json:"framing"`
			} `json:"sections"`
		}
		if err := u.api(r, "GET", fmt.Sprintf("/api/v1/designs/%d", u.id), "", &d); err != nil {
			return err
		}
		want := acked[u]
		u.mu.Lock()
		text, known := u.acked[d.Version]
		wantText := u.acked[want]
		u.mu.Unlock()
		checked++
		switch {
		case d.Version < want:
			lost++
			fmt.Printf("  LOST %s: version %d stored, %d acknowledged\n", u.name, d.Version, want)
		case d.Version == want && d.Sections.Framing.Objective != wantText:
			lost++
			fmt.Printf("  LOST %s: version %d holds %q, acknowledged %q\n", u.name, d.Version, d.Sections.Framing.Objective, wantText)
		case known && d.Sections.Framing.Objective != text:
			lost++
			fmt.Printf("  WRONG %s: version %d holds %q, acknowledged %q\n", u.name, d.Version, d.Sections.Framing.Objective, text)
		}
		if d.Version == want {
			exact++
		}
	}
	fmt.Printf("  %s: %d designs checked, %d at exactly the version acknowledged, %d at a later one, %d lost\n", what, checked, exact, checked-exact-lost, lost)
	if lost > 0 {
		return fmt.Errorf("%d acknowledged saves lost", lost)
	}
	return nil
}

func (r *run) snapshot() map[*user]int64 {
	out := map[*user]int64{}
	for _, u := range r.users {
		u.mu.Lock()
		out[u] = u.version
		u.mu.Unlock()
	}
	return out
}

// kill9 kills the server with SIGKILL in the middle of the load, restarts
// it, and finds every acknowledged save.
func (r *run) kill9(rounds int) error {
	total := int64(0)
	for round := 1; round <= rounds; round++ {
		if err := r.start(r.db); err != nil {
			return err
		}
		if err := r.signIn(); err != nil {
			return err
		}
		stop := make(chan struct{})
		var acked, failed int64
		done := make(chan struct{})
		go func() { acked, failed = r.load(stop); close(done) }()
		time.Sleep(r.dur)
		r.srv.Process.Signal(syscall.SIGKILL)
		<-r.exited
		close(stop)
		<-done
		total += acked
		fmt.Printf("  round %d: kill -9 after %v: %d saves acknowledged, %d failed (cut by the kill)\n", round, r.dur, acked, failed)
		snap := r.snapshot()
		if err := r.start(r.db); err != nil {
			return err
		}
		err := r.compare(fmt.Sprintf("round %d after restart", round), snap)
		r.stop()
		if err != nil {
			return err
		}
	}
	fmt.Printf("  kill -9: %d rounds, %d acknowledged saves, 0 lost\n", rounds, total)
	return nil
}

// stop ends the server with SIGTERM and returns its exit status.
func (r *run) stop() error {
	r.srv.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-r.exited:
		return err
	case <-time.After(time.Minute):
		r.srv.Process.Kill()
		return errors.New("the server did not stop within a minute of SIGTERM")
	}
}

// heavyDOT is a graph that takes a render worker a noticeable time, made
// unique by n so that the cache does not answer it.
func heavyDOT(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph load%d {\n", n)
	for i := range 60 {
		fmt.Fprintf(&b, "  n%d [label=\"stage %d of request %d with a long label\" kind=etl];\n", i, i, n)
	}
	for i := range 150 {
		fmt.Fprintf(&b, "  n%d -> n%d;\n", (i*7)%60, (i*13+5)%60)
	}
	b.WriteString("}\n")
	return b.String()
}

// sigterm sends SIGTERM while saves, pages and slow renders are in flight,
// and counts how the requests in flight ended and how the server exited.
func (r *run) sigterm() error {
	if err := r.start(r.db); err != nil {
		return err
	}
	if err := r.signIn(); err != nil {
		return err
	}
	type result struct {
		kind       string
		start, end time.Time
		status     int
		err        error
	}
	var mu sync.Mutex
	var results []result
	record := func(kind string, start time.Time, status int, err error) {
		mu.Lock()
		results = append(results, result{kind, start, time.Now(), status, err})
		mu.Unlock()
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, u := range r.users {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				var status int
				var err error
				kind := "save"
				switch {
				case i%4 == 0 && n%4 == 0:
					var res *http.Response
					req, _ := http.NewRequest("POST", r.url("/api/v1/render?format=svg"), strings.NewReader(heavyDOT(i*100000+n)))
					req.Header.Set("Authorization", "Bearer "+u.token)
					kind = "render"
					res, err = send(http.DefaultClient, req)
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						status = res.StatusCode
					}
				case n%4 == 1:
					var res *http.Response
					kind = "page"
					req, _ := http.NewRequest("GET", r.url("/cases/artwork-personalization"), nil)
					res, err = send(u.http, req)
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						status = res.StatusCode
					}
				default:
					if _, err = u.save(r, fmt.Sprintf("sigterm %d", n)); err == nil {
						status = 200
					}
				}
				record(kind, start, status, err)
				if err != nil {
					var op *net.OpError
					if errors.As(err, &op) {
						return // the server has stopped listening
					}
				}
			}
		})
	}
	time.Sleep(r.dur)
	signalled := time.Now()
	r.srv.Process.Signal(syscall.SIGTERM)
	var exitErr error
	select {
	case exitErr = <-r.exited:
	case <-time.After(time.Minute):
		r.srv.Process.Kill()
		exitErr = errors.New("no exit within a minute")
	}
	exited := time.Now()
	close(stop)
	wg.Wait()
	inFlight, completed, cut, raced, before, after, refused := 0, 0, 0, 0, 0, 0, 0
	statuses := map[string]int{}
	for _, res := range results {
		switch {
		case res.start.Before(signalled) && res.end.After(signalled):
			inFlight++
			var se *sendError
			switch {
			case res.err == nil:
				completed++
				statuses[fmt.Sprintf("%s %d", res.kind, res.status)]++
			case errors.As(res.err, &se) && se.idleConn:
				// Sent on a kept-alive connection just as the server closed
				// it for being idle: no handler had it, and it is not
				// acknowledged; a client sends it again.
				raced++
				fmt.Printf("  not read: %s on an idle kept-alive connection the server was closing: %v\n", res.kind, res.err)
			default:
				cut++
				fmt.Printf("  cut: %v %d\n", res.err, res.status)
			}
		case res.end.Before(signalled):
			before++
		default:
			after++
			if res.err != nil {
				refused++
			}
		}
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(exitErr, &ee) {
		code = ee.ExitCode()
	} else if exitErr != nil {
		code = -1
	}
	fmt.Printf("  %d requests answered before SIGTERM; %d in flight at SIGTERM: %d completed (statuses %v), %d cut, %d sent on an idle connection as it closed; %d sent after it (%d refused, as the listener was closed)\n",
		before, inFlight, completed, statuses, cut, raced, after, refused)
	fmt.Printf("  the server exited %v after SIGTERM with status %d\n", exited.Sub(signalled).Round(time.Millisecond), code)
	if code != 0 || cut > 0 {
		return fmt.Errorf("exit status %d, %d requests cut", code, cut)
	}
	// Every acknowledged save is there after the restart.
	snap := r.snapshot()
	if err := r.start(r.db); err != nil {
		return err
	}
	defer r.stop()
	return r.compare("after SIGTERM and a restart", snap)
}

// backup takes casebench backup while the load runs, restores the copy (a
// server on it), and finds in it every save acknowledged before the backup
// began. It prints /metrics after the load.
func (r *run) backup() error {
	if err := r.start(r.db); err != nil {
		return err
	}
	if err := r.signIn(); err != nil {
		return err
	}
	stop := make(chan struct{})
	var acked, failed int64
	done := make(chan struct{})
	go func() { acked, failed = r.load(stop); close(done) }()
	time.Sleep(r.dur / 2)
	before := r.snapshot()
	file := filepath.Join(r.dir, "backup.db")
	began := time.Now()
	out, err := exec.Command(r.bin, "backup", file, "--db", r.db).CombinedOutput()
	took := time.Since(began)
	time.Sleep(r.dur / 2)
	close(stop)
	<-done
	if err != nil {
		r.stop()
		return fmt.Errorf("backup: %v %s", err, out)
	}
	fmt.Printf("  %s", out)
	fmt.Printf("  the backup took %v under load; %d saves acknowledged during the run, %d failed\n", took.Round(time.Millisecond), acked, failed)
	if err := r.metrics(); err != nil {
		return err
	}
	if err := r.stop(); err != nil {
		return fmt.Errorf("SIGTERM after the load: %w", err)
	}
	// Restore: the documented way is to stop the server and put the copy in
	// place of the database; here a server runs on a restored copy.
	restored := filepath.Join(r.dir, "restored.db")
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := os.WriteFile(restored, b, 0o644); err != nil {
		return err
	}
	if err := r.start(restored); err != nil {
		return err
	}
	defer r.stop()
	return r.compare("restored backup", before)
}

// metrics prints a few lines of /metrics.
func (r *run) metrics() error {
	res, err := http.Get(r.url("/metrics"))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("/metrics: %d", res.StatusCode)
	}
	fmt.Println("  curl /metrics (selected lines):")
	keep := regexp.MustCompile(`^(casebench_http_requests_total\{method="(POST|PUT)",route="/(designs|api/v1/designs)/:id"|casebench_http_request_duration_seconds_(sum|count)\{method="(POST|PUT)",route="/(designs|api/v1/designs)/:id"|casebench_design_save|casebench_render_|casebench_logins_total|casebench_database_unavailable|go_sql_(open_connections|in_use|wait_count|max_open)|process_resident_memory_bytes|go_goroutines)`)
	for _, line := range strings.Split(string(b), "\n") {
		if keep.MatchString(line) {
			fmt.Println("    " + line)
		}
	}
	return nil
}
