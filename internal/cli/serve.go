package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/sprintguard/sprintguard/internal/admin"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

func runServe(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "serve")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	cfg, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, nil))
	db, err := store.Open(cfg.Storage.Path, store.Options{Timeout: lockWait})
	if err != nil {
		return fail(env, err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	sock, err := admin.Listen(admin.SocketPath(cfg.Storage.Path))
	if err != nil {
		return fail(env, err)
	}
	defer os.Remove(admin.SocketPath(cfg.Storage.Path))
	errc := make(chan error, 3)
	go func() { errc <- admin.Serve(ctx, sock, db) }()

	svc := triage.NewService(db, st, env.Now)
	svc.DedupeTTL = cfg.Storage.DedupeTTL
	tr := local.New(db, cfg.Tracker.Local.Prefix, cfg.Tracker.Local.URL)
	worker := &triage.Worker{Store: db, Handlers: svc.TicketHandlers(tr, nil), Now: env.Now, Log: log}
	go func() { errc <- worker.Run(ctx, time.Second) }()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.View(func(triage.Tx) error { return nil }); err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	srv := &http.Server{Addr: cfg.Server.Listen, Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err)
		}
	}()
	go purgeLoop(ctx, db, env.Now, log)
	log.Info("sprintguard serving", "listen", cfg.Server.Listen, "store", cfg.Storage.Path, "teams", len(st.Teams))

	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, scancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout)
	defer scancel()
	srv.Shutdown(sctx)
	cancel()
	if err != nil {
		return fail(env, err)
	}
	log.Info("sprintguard stopped")
	return ExitOK
}

// purgeLoop drops expired dedupe keys every hour.
func purgeLoop(ctx context.Context, db *store.DB, now func() time.Time, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := db.PurgeExpired(now()); err != nil {
			log.Error("purge expired keys", "err", err)
		} else if n > 0 {
			log.Info("purged expired keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
