// Package admin is the running process's local control endpoints. They
// are served on a unix socket beside the database file that only its owner
// can reach, through which the commands that need the database while
// `serve` holds its lock (backup, report, export) ask, and on
// server.admin_listen, a loopback TCP address, for operators and tools
// that speak HTTP (curl, kubectl port-forward).
package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// SocketPath returns the control socket's path for a database file.
func SocketPath(dbPath string) string { return dbPath + ".sock" }

// Backuper writes a consistent copy of the database.
type Backuper interface {
	WriteBackup(w io.Writer) (int64, error)
}

// Handler serves GET /backup with a consistent copy of db (when db is not
// nil: a PostgreSQL store has no file to copy) and, when reload
// is not nil, POST /reload, which re-reads the config as SIGHUP does: 200
// with reload's message, or 422 with every problem on its own line while
// the running config stays.
func Handler(db Backuper, reload func() (string, error)) http.Handler {
	mux := http.NewServeMux()
	if db != nil {
		mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			if _, err := db.WriteBackup(w); err != nil {
				// Headers are gone; a short body makes the client's size check fail.
				panic(http.ErrAbortHandler)
			}
		})
	}
	if reload != nil {
		mux.HandleFunc("POST /reload", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			msg, err := reload()
			if err != nil {
				w.WriteHeader(http.StatusUnprocessableEntity)
				fmt.Fprintf(w, "config reload refused; the running config stays:\n%v\n", err)
				return
			}
			fmt.Fprintln(w, msg)
		})
	}
	return mux
}

// Loopback serves h only to requests that came over loopback and name a
// loopback host, and answers 403 to the rest: a web page open in a browser
// on the same machine could otherwise reach the listener through a DNS
// name that resolves to 127.0.0.1, and read a backup.
func Loopback(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.RemoteAddr) || !loopbackHost(r.Host) {
			http.Error(w, "the admin endpoints answer loopback requests to a loopback host only", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether hostport (or a bare host) is localhost or a
// loopback IP.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ListenTCP opens the admin listener on addr, and refuses an address that
// is not bound to loopback once resolved ("localhost" could resolve to
// anything).
func ListenTCP(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener on %s (server.admin_listen): %w", addr, err)
	}
	if tcp, ok := l.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		l.Close()
		return nil, fmt.Errorf("admin listener on %s (server.admin_listen) is bound to %s, not loopback; use 127.0.0.1:PORT", addr, l.Addr())
	}
	return l, nil
}

// Listen opens the control socket with mode 0600, replacing a stale socket
// file that no process answers on.
func Listen(path string) (net.Listener, error) {
	if _, err := os.Lstat(path); err == nil {
		if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
			c.Close()
			return nil, fmt.Errorf("control socket %s is answered by another process", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove stale control socket: %w", err)
		}
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("restrict control socket: %w", err)
	}
	return l, nil
}

// Serve serves h on l until ctx ends.
func Serve(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("admin endpoints on %s: %w", l.Addr(), err)
	}
	return nil
}

// FetchBackup asks the process listening on the control socket for a copy
// of its database and writes it to w.
func FetchBackup(ctx context.Context, socket string, w io.Writer) (int64, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://sprintguard/backup", nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("ask the running sprintguard on %s: %w", socket, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("ask the running sprintguard on %s: %s", socket, resp.Status)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("copy backup: %w", err)
	}
	return n, nil
}
