// Package admin is the running process's local control socket: a unix
// socket beside the database file that only its owner can reach. Commands
// that need the database while `serve` holds its lock (backup, report,
// export) ask through it instead.
package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// SocketPath returns the control socket's path for a database file.
func SocketPath(dbPath string) string { return dbPath + ".sock" }

// Backuper writes a consistent copy of the database.
type Backuper interface {
	WriteBackup(w io.Writer) (int64, error)
}

// Handler serves GET /backup with a consistent copy of db.
func Handler(db Backuper) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := db.WriteBackup(w); err != nil {
			// Headers are gone; a short body makes the client's size check fail.
			panic(http.ErrAbortHandler)
		}
	})
	return mux
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

// Serve runs the control socket until ctx ends.
func Serve(ctx context.Context, l net.Listener, db Backuper) error {
	srv := &http.Server{Handler: Handler(db), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("control socket: %w", err)
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
