package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// nginx serves saved copies of the pages, as the yardstick: the same bytes
// from a server that only sends files, in the same run.
type nginx struct {
	cmd  *exec.Cmd
	addr string
}

func startNginx(ctx context.Context, dir string, pages []page) (*nginx, error) {
	path, err := exec.LookPath("nginx")
	if err != nil {
		path = "/usr/sbin/nginx"
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("-nginx: nginx is not installed (Debian package nginx)")
		}
	}
	www := filepath.Join(dir, "www")
	if err := os.MkdirAll(www, 0o755); err != nil {
		return nil, err
	}
	os.Chmod(dir, 0o755)
	for _, p := range pages {
		if err := os.WriteFile(filepath.Join(www, p.name+".html"), p.body, 0o644); err != nil {
			return nil, err
		}
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	text := fmt.Sprintf(`worker_processes 1; daemon off; pid %s; error_log %s;
events { worker_connections 1024; }
http { access_log off; server { listen %s; root %s; default_type text/html; } }
`, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "nginx.err"), addr, www)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return nil, err
	}
	n := &nginx{cmd: exec.Command(path, "-c", conf), addr: addr}
	if err := n.cmd.Start(); err != nil {
		return nil, err
	}
	for range 100 {
		if res, err := http.Get(n.url(pages[0].name)); err == nil {
			res.Body.Close()
			return n, nil
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	n.stop()
	return nil, fmt.Errorf("nginx did not answer (see %s)", filepath.Join(dir, "nginx.err"))
}

func (n *nginx) url(name string) string { return "http://" + n.addr + "/" + name + ".html" }

func (n *nginx) stop() {
	n.cmd.Process.Signal(syscall.SIGQUIT)
	done := make(chan struct{})
	go func() { n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		n.cmd.Process.Kill()
		<-done
	}
}
