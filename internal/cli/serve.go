package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/admin"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/logctx"
	"github.com/sprintguard/sprintguard/internal/metrics"
	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/triage"
)

func runServe(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "serve")
	logFormat := fs.String("log-format", "json", "`FORMAT` of the log on stderr: json or text")
	extra, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "serve", extra); code != ExitOK {
		return code
	}
	if *logFormat != "json" && *logFormat != "text" {
		return usageError(env, "serve", fmt.Sprintf("--log-format %q: use json or text", *logFormat))
	}
	if env.Now, err = faultClock(env.Getenv, env.Now); err != nil {
		return fail(env, err)
	}
	cfg, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	if err := checkCredentials(cfg); err != nil {
		return printErrors(env, err)
	}
	var log *slog.Logger
	switch *logFormat {
	case "json":
		log = slog.New(logctx.Handler{Handler: slog.NewJSONHandler(env.Stderr, nil)})
	case "text":
		log = slog.New(logctx.Handler{Handler: slog.NewTextHandler(env.Stderr, nil)})
	}
	tuneGC(env.Getenv, log)
	tuneProcs(env.Getenv, log)
	if off := env.Getenv(faultClockOffset); off != "" {
		log.Warn("clock shifted for a test; Slack's requests will be refused", "env", faultClockOffset, "offset", off, "now", env.Now())
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The listener comes first, so that /readyz can say why the store is
	// not open yet; Slack's routes join the mux once the bot can take
	// traffic, and until then Slack gets a 404 and retries.
	health := &readiness{socket: cfg.Slack.Mode == config.ModeSocket}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", health.serve)
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fail(env, fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err))
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	defer srv.Close()
	errc := make(chan error, 8)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err)
		}
	}()

	db, err := openStore(ctx, cfg, env.Now, log, health, killAfterAcks(env.Getenv, killSelf), pgGroupAccept(env.Getenv))
	if err != nil {
		return fail(env, err)
	}
	// The store closes after every goroutine that writes to it has
	// returned: the scheduler's sweeps, the leader's loops, the schedule
	// refresher and the admin endpoints run in background, the others
	// are waited for below. Closed earlier, the writer refused a sweep
	// still under way ("the store's writer is closed").
	var background sync.WaitGroup
	var sch *schedules
	closeStore := sync.OnceFunc(func() {
		cancel()
		if sch != nil {
			sch.halt()
		}
		log.Info("waiting for the background work to stop before closing the store")
		background.Wait()
		if err := db.Close(); err != nil {
			log.Error("close the store", "err", err)
		}
	})
	defer closeStore()
	scrub := scrubber(cfg)
	health.add("store", func() error { return scrub(storeCheck(db)()) })

	svc := triage.NewService(db, st, env.Now)
	reloads := &reloader{env: env, path: *path, svc: svc, log: log, cfg: cfg, named: st}
	// Only bolt has a file to copy, and a control socket beside it; the
	// replicas of a PostgreSQL store share no file.
	var backup admin.Backuper
	if b, ok := db.(admin.Backuper); ok {
		backup = b
	}
	adminHandler := admin.Handler(backup, reloads.reload)
	if cfg.Storage.Driver != config.DriverPostgres {
		sock, err := admin.Listen(admin.SocketPath(cfg.Storage.Path))
		if err != nil {
			return fail(env, err)
		}
		defer os.Remove(admin.SocketPath(cfg.Storage.Path))
		background.Go(func() { reportErr(errc, admin.Serve(ctx, sock, adminHandler)) })
	}
	if cfg.Server.AdminListen != "" {
		l, err := admin.ListenTCP(cfg.Server.AdminListen)
		if err != nil {
			return fail(env, err)
		}
		background.Go(func() { reportErr(errc, admin.Serve(ctx, l, admin.Loopback(adminHandler))) })
	}

	svc.DedupeTTL = cfg.Storage.DedupeTTL
	finder := learn.NewFinder(db)
	svc.Finder = finder
	buildIndex, indexed := indexSimilar(ctx, finder, health, log)
	background.Go(buildIndex)
	m := metrics.New(db, svc.Settings, env.Now, Version, Commit)
	api := slackClient(cfg.Slack)
	gw := bot.NewGateway(api, log)
	gw.Observe = m.SlackCall
	gw.Limit = slackLimits(db, cfg.Slack.Pacing, log, cfg.Storage.Lease)
	tr, err := buildTrackers(cfg, db, gw, env.Now, log, m.JiraCall)
	if err != nil {
		return fail(env, err)
	}
	if in, ok := tr.main.(triage.InlineTracker); ok {
		svc.Inline = in // local tickets commit with their request
	}
	worker := &triage.Worker{Store: db, Handlers: svc.TicketHandlers(tr.main, tr.fallback), Now: env.Now, Log: log, Observe: m.Job,
		Heartbeat: heartbeat(db, cfg.Storage.Lease)}
	channels := bot.NewChannels(gw)
	bt := bot.New(svc, db, gw, log, bot.Config{Command: cfg.Slack.Command, DedupeTTL: cfg.Storage.DedupeTTL,
		OnRequest: m.Request, OnAck: m.Ack, Channels: channels}, worker.Kick)
	maps.Copy(worker.Handlers, bt.Handlers())
	worker.Yield = bt.Yield
	maps.Copy(worker.Handlers, svc.SimilarHandlers())
	maps.Copy(worker.Handlers, bt.DutyHandlers())
	if page := app.Pager(cfg, db); page != nil {
		worker.Handlers[triage.JobPage] = page
	}
	duties, err := jobs.TeamDuties(st)
	if err != nil {
		return fail(env, err)
	}
	sweeps := []func(context.Context) (int, error){svc.Escalate}
	if env.sweep != nil {
		sweeps = append(sweeps, func(ctx context.Context) (int, error) { return env.sweep(ctx, db) })
	}
	sched := &jobs.Scheduler{Store: db, Now: env.Now, Log: log, Kick: worker.Kick, Duties: duties,
		Sweeps: sweeps, Observe: m.Duty}
	var dutyNames []string
	for _, d := range duties {
		dutyNames = append(dutyNames, d.Name)
	}
	m.Init(dutyNames, func(name string) (at time.Time) {
		_ = db.View(func(tx triage.Tx) error {
			at, _, _ = tx.LastRun(name)
			return nil
		})
		return at
	})
	m.InitLabels(seriesLabels(cfg, st, worker.Handlers))
	// Only the leader syncs trackers, refreshes schedules and purges; the
	// election starts once this replica can serve (below).
	elector := newElector(db, sched, scrub, log)
	sch, err = followSchedules(ctx, cfg, db, svc, gw, env.Now, log, m, leader(elector))
	if err != nil {
		return fail(env, err)
	}
	reloads.mu.Lock() // the admin socket may reload already
	reloads.schedules = sch
	reloads.mu.Unlock()
	if err := authenticate(ctx, gw, bt, health, log); err != nil {
		return fail(env, err)
	}
	lookup := newChannelLookup(channels, log)
	if err := reloads.startChannels(ctx, bt, lookup); err != nil {
		return printErrors(env, err)
	}
	background.Go(func() { lookup.follow(ctx, reloads.relook) })
	health.add("tracker", tr.ready)
	waitElection := elect(ctx, elector)

	// The processors start first: they replay what a crash left in the inbox.
	bt.Start(ctx)
	// The worker records the outcomes of the jobs it is running before it
	// returns, so the store is closed only after it.
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		if err := worker.Run(ctx, time.Second); err != nil {
			errc <- err
		}
	}()
	mux.Handle("GET /metrics", m.Handler())
	if cfg.Slack.Mode == config.ModeHTTP {
		bt.Routes(mux, &bot.Verifier{Secret: cfg.Slack.SigningSecret, Now: env.Now})
	}
	tr.routes(mux, svc)
	if cfg.Slack.Mode == config.ModeSocket {
		background.Go(func() {
			// Socket Mode's events come whatever /readyz says: the
			// socket opens once they would meet a built index.
			select {
			case <-indexed:
			case <-ctx.Done():
				return
			}
			reportErr(errc, bt.RunSocket(ctx, api, bot.SocketOptions{Up: health.socketUp.Store, Reconnect: m.SocketReconnect}))
		})
	}
	background.Go(func() {
		whileLeading(ctx, leader(elector), nil, func(ctx context.Context) { reportErr(errc, tr.run(ctx, svc)) })
	})
	background.Go(func() { reportErr(errc, sched.Run(ctx, 30*time.Second)) })
	background.Go(func() {
		whileLeading(ctx, leader(elector), nil, func(ctx context.Context) {
			purgeLoop(ctx, db, cfg.Storage.Retention, env.Now, log)
		})
	})
	where := cfg.Storage.Path
	if cfg.Storage.Driver == config.DriverPostgres {
		where = "postgres"
	}
	log.Info("sprintguard serving", "listen", cfg.Server.Listen, "slack_mode", cfg.Slack.Mode,
		"tracker", cfg.Tracker.Kind, "store", where, "teams", len(st.Teams))

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	health.serving.Store(true)
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case err = <-errc:
			break wait
		case <-hup:
			reloads.reload()
		}
	}
	sctx, scancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout)
	defer scancel()
	srv.Shutdown(sctx)
	cancel()
	bt.Wait()
	<-workerDone
	waitElection()
	closeStore()
	if err != nil {
		return fail(env, err)
	}
	log.Info("sprintguard stopped")
	return ExitOK
}

// reportErr hands a background goroutine's error to serve's errc, which
// stops serve; nil, or an error once serve is stopping (nobody reads errc
// any more), is dropped rather than block a goroutine serve waits for.
func reportErr(errc chan<- error, err error) {
	if err == nil {
		return
	}
	select {
	case errc <- err:
	default:
	}
}

// reloader re-reads the config on SIGHUP or POST /reload and swaps in its
// rules, rotations, budgets and teams. A config that fails validation is
// refused, with every problem logged, and the running one stays.
// Listeners, credentials and the scheduled duties' times change only at a
// restart. Its reload is safe for concurrent use; reloads run one at a time.
type reloader struct {
	env  Env
	path string
	svc  *triage.Service
	log  *slog.Logger
	mu   sync.Mutex
	// schedules, once set, follows a team's switch of schedule source.
	schedules *schedules
	// channels, once set, looks the config's "#name" channels up for
	// bot, which it tells when the names it waited for are known.
	channels *channelLookup
	bot      *bot.Bot
	// cfg and named are the config in use and its settings as loaded,
	// with the channel names as written; ids are the ids last put in use.
	cfg   *config.Config
	named *triage.Settings
	ids   map[string]string
}

func (r *reloader) reload() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cfg, st, err := loadSettings(r.env, r.path)
	if err == nil {
		st, err = r.useChannels(context.Background(), cfg, st)
	}
	if err != nil {
		var ce config.Errors
		if errors.As(err, &ce) {
			for _, e := range ce {
				r.log.Error("config problem", "problem", e.Error())
			}
		}
		r.log.Error("config reload refused; the running config stays", "config", r.path, "err", err)
		return "", err
	}
	if r.schedules != nil {
		r.schedules.reload(cfg, st)
	} else {
		carrySchedules(r.svc.Settings(), st)
		r.svc.Reload(st)
	}
	r.log.Info("config reloaded", "config", r.path, "teams", len(st.Teams))
	return fmt.Sprintf("config reloaded from %s (%s)", r.path, plural.Count(len(st.Teams), "team")), nil
}

// slackClient builds the Web API client: the bot token for calls, the app
// token for Socket Mode, and a timeout on every request.
func slackClient(s config.Slack) *slack.Client {
	return slack.New(s.BotToken.Reveal(),
		slack.OptionAPIURL(s.APIURL),
		slack.OptionAppLevelToken(s.AppToken.Reveal()),
		slack.OptionHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: slackTransport()}))
}

// slackTransport keeps enough idle connections to the Web API for every
// outbox worker: with net/http's default of 2 per host, the workers'
// calls closed and dialled connections all the time (a twentieth of
// serve's CPU while a burst drained, and a TLS handshake each toward
// Slack). 64, kept when the workers became 256, still left some calls
// dialling after a burst (net/http's dialConn, about 1% of serve's CPU in
// bench/slackload).
func slackTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = triage.DefaultWorkers
	return t
}

// authenticate learns the bot's user id. A token Slack refuses stops the
// start; an unreachable Slack does not, and readiness waits for it.
func authenticate(ctx context.Context, gw *bot.Gateway, bt *bot.Bot, h *readiness, log *slog.Logger) error {
	try := func() error {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		auth, err := gw.AuthTest(actx)
		if err != nil {
			return err
		}
		bt.SetBotUser(auth.UserID)
		h.authed.Store(true)
		log.Info("slack authenticated", "bot_user", auth.UserID, "team", auth.Team)
		return nil
	}
	err := try()
	if err == nil {
		return nil
	}
	if triage.IsPermanent(err) {
		return fmt.Errorf("slack refused the bot token (check slack.bot_token): %w", err)
	}
	log.Warn("slack unreachable; will keep trying", "err", err)
	go func() {
		for attempt := 1; ctx.Err() == nil; attempt++ {
			select {
			case <-ctx.Done():
				return
			case <-time.After(triage.Backoff(attempt, time.Second, time.Minute, rand.Float64())):
			}
			if try() == nil {
				return
			}
		}
	}()
	return nil
}

// readiness is what /readyz reports: why the store is not open yet, the
// checks of the parts built since (the store, the trackers), then Slack's
// state. It is safe for concurrent use.
type readiness struct {
	socket   bool
	authed   atomic.Bool
	socketUp atomic.Bool
	// serving is set once Slack's routes are on the mux and SIGHUP
	// reloads: ready before that, a load balancer's first event got a 404
	// and an operator's SIGHUP ended the process.
	serving atomic.Bool

	mu       sync.Mutex
	storeWhy string
	checks   []readyCheck
}

type readyCheck struct {
	name  string
	check func() error
}

// storeWaiting says why the store is not open yet.
func (h *readiness) storeWaiting(why string) {
	h.mu.Lock()
	h.storeWhy = why
	h.mu.Unlock()
}

// storeOpen clears storeWaiting's reason.
func (h *readiness) storeOpen() { h.storeWaiting("") }

// add makes /readyz also run check, reported under name.
func (h *readiness) add(name string, check func() error) {
	h.mu.Lock()
	h.checks = append(h.checks, readyCheck{name, check})
	h.mu.Unlock()
}

func (h *readiness) problem() string {
	h.mu.Lock()
	why, checks := h.storeWhy, h.checks
	h.mu.Unlock()
	if why != "" {
		return "store: " + why
	}
	if len(checks) == 0 {
		return "store: not open yet"
	}
	for _, c := range checks {
		if err := c.check(); err != nil {
			return c.name + ": " + err.Error()
		}
	}
	switch {
	case !h.authed.Load():
		return "slack: not authenticated yet"
	case h.socket && !h.socketUp.Load():
		return "slack: socket mode not connected"
	case !h.serving.Load():
		return "starting: routes and signal handlers not set up yet"
	}
	return ""
}

// serve answers /readyz: 200 "ready", or 503 with the first problem.
func (h *readiness) serve(w http.ResponseWriter, r *http.Request) {
	if msg := h.problem(); msg != "" {
		http.Error(w, msg, http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// purgeLoop drops expired dedupe keys every hour and, with a retention
// set, the text of requests older than it.
func purgeLoop(ctx context.Context, db serveStore, retention time.Duration, now func() time.Time, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := db.PurgeExpired(now()); err != nil {
			log.Error("purge expired keys", "err", err)
		} else if n > 0 {
			log.Info("purged expired keys", "count", n)
		}
		if retention > 0 {
			if n, err := db.PurgeText(now().Add(-retention)); err != nil {
				log.Error("purge request text", "err", err)
			} else if n > 0 {
				log.Info("purged the text of old requests", "count", n, "retention", retention.String())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// similarLoader builds the similar-request indexes (learn.Finder.Load).
type similarLoader interface {
	Load(ctx context.Context) error
}

// indexSimilar makes /readyz say not ready until the similar-request
// indexes are built, and returns the function that builds them, to run
// in the background beside the rest of the startup, and a channel closed
// once it has returned. Built on the first lookup instead, the walk of
// every stored request took the CPU from the acks of Slack's first events
// (issue 12). A build that fails is logged and readiness no longer waits
// for it: the first lookup tries again.
func indexSimilar(ctx context.Context, f similarLoader, health *readiness, log *slog.Logger) (build func(), done <-chan struct{}) {
	built := make(chan struct{})
	health.add("similar requests", func() error {
		select {
		case <-built:
			return nil
		default:
			return errors.New("indexing the stored requests")
		}
	})
	return func() {
		defer close(built)
		start := time.Now()
		if err := f.Load(ctx); err != nil {
			if ctx.Err() == nil {
				log.Error("index the stored requests for similar-request lookups", "err", err)
			}
			return
		}
		log.Info("indexed the stored requests for similar-request lookups", "took", time.Since(start).Round(time.Millisecond).String())
	}, built
}
