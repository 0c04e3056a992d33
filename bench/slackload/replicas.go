package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/pgtest"

	"github.com/sprintguard/sprintguard/triage"
)

// The -replicas mode (issue 15): the durable ack rate of two serve
// replicas on one PostgreSQL database, the load spread over both, as a
// ratio to one serve on bbolt measured in the same run. Each round runs
// every variant once, one after the other, for -max-duration each, closed
// loop; the medians over -rounds are the figures.

// variant is one system under test of the -replicas mode.
type variant struct {
	name     string
	replicas int
	postgres bool
	group    bool // postgres.Options.GroupAccept
}

var replicaVariants = []variant{
	{name: "postgres, 2 replicas", replicas: 2, postgres: true},
	{name: "postgres, 2 replicas, group accept", replicas: 2, postgres: true, group: true},
	{name: "bbolt, 1 serve", replicas: 1},
}

// runReplicas runs the -replicas mode. Without PostgreSQL it prints a
// note and returns 0: `make bench` runs where PostgreSQL is not installed.
func runReplicas(ctx context.Context, o options, bin string, key []byte, dir string) (int, error) {
	cluster, err := pgtest.StartCluster(true)
	if err != nil {
		if _, lookErr := pgtest.Binaries(); lookErr != nil {
			fmt.Printf("slackload -replicas: skipped, PostgreSQL not found: %v\n", lookErr)
			return 0, nil
		}
		return 1, fmt.Errorf("start the PostgreSQL cluster: %w", err)
	}
	defer cluster.Stop()
	fake, stopAPI, apiAddr, err := startFake()
	if err != nil {
		return 1, err
	}
	defer stopAPI()
	fmt.Printf("slackload -replicas: PostgreSQL (fsync and synchronous_commit on, Unix socket) against bbolt (fsync), %d rounds of %v per variant, %d senders, fake Slack Web API on %s\n",
		o.rounds, o.maxDuration, o.senders, apiAddr)
	gen := events{base: fake.base}
	rates := map[string][]float64{}
	next := int64(0)
	for round := 1; round <= o.rounds; round++ {
		for _, v := range replicaVariants {
			out, err := runVariant(ctx, o, v, bin, key, dir, apiAddr, cluster, gen, next, round)
			if err != nil {
				return 1, fmt.Errorf("round %d, %s: %w", round, v.name, err)
			}
			next += int64(out.sent) + 1
			rates[v.name] = append(rates[v.name], out.rate())
			printPhase(fmt.Sprintf("round %d: %s", round, v.name), out)
			if ctx.Err() != nil {
				return 1, ctx.Err()
			}
		}
	}
	bolt := median(rates[replicaVariants[len(replicaVariants)-1].name])
	fmt.Printf("\nfigures, medians of %d rounds, as ratios to one serve on bbolt in the same run (%.1f/s)\n", o.rounds, bolt)
	for _, v := range replicaVariants {
		m := median(rates[v.name])
		fmt.Printf("%-46s %10.1f/s %6.2f×  (rounds: %s)\n", "figure durable ack, "+v.name, m, m/max(bolt, 1e-9), perRound(rates[v.name]))
	}
	return 0, nil
}

// startFake serves the fake Web API on loopback.
func startFake() (*fakeSlack, func(), string, error) {
	e := &benchEnv{base: time.Now().Unix()}
	if err := e.startAPI(); err != nil {
		return nil, nil, "", err
	}
	return e.fake, func() { e.api.Close() }, e.apiAddr, nil
}

// runVariant starts v's serve processes, loads them for -max-duration
// with the events spread over them in turn, and stops them.
func runVariant(ctx context.Context, o options, v variant, bin string, key []byte, dir, apiAddr string,
	cluster *pgtest.Cluster, gen events, first int64, round int) (*outcome, error) {
	vdir := filepath.Join(dir, fmt.Sprintf("round%d-%d", round, slices.Index(replicaVariants, v)))
	if err := os.MkdirAll(vdir, 0o700); err != nil {
		return nil, err
	}
	var dbURL string
	if v.postgres {
		var err error
		if dbURL, err = cluster.CreateDB(); err != nil {
			return nil, err
		}
	}
	var before walStats
	if v.postgres {
		var err error
		if before, err = readWAL(ctx, dbURL); err != nil {
			return nil, err
		}
	}
	var urls []string
	var serves []*child
	defer func() {
		for _, c := range serves {
			if !c.exited() {
				_ = c.cmd.Process.Kill()
				<-c.done
			}
		}
	}()
	for i := range v.replicas {
		listen, err := freeAddr()
		if err != nil {
			return nil, err
		}
		cfg, err := benchConfig(examples.Config, "http://"+apiAddr+"/", listen, filepath.Join(vdir, "sprintguard.db"))
		if err == nil {
			cfg, err = forReplica(cfg, v.postgres)
		}
		if err != nil {
			return nil, err
		}
		cfgPath := filepath.Join(vdir, fmt.Sprintf("sprintguard-%d.yaml", i))
		if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
			return nil, err
		}
		logf, err := os.Create(filepath.Join(vdir, fmt.Sprintf("serve-%d.log", i)))
		if err != nil {
			return nil, err
		}
		defer logf.Close()
		env := []string{"SLACK_BOT_TOKEN=xoxb-bench", "SLACK_SIGNING_SECRET=" + string(key), "SLACK_APP_TOKEN=",
			"DATABASE_URL=" + dbURL, fmt.Sprintf("%s=%t", groupAcceptEnv, v.group)}
		c, err := startServe(bin, cfgPath, env, logf)
		if err != nil {
			return nil, err
		}
		serves = append(serves, c)
		if err := c.waitReady("http://"+listen+"/readyz", 60*time.Second); err != nil {
			return nil, fmt.Errorf("%w (see %s)", err, logf.Name())
		}
		urls = append(urls, "http://"+listen+"/slack/events")
	}
	s := &sender{urls: urls, secret: key, client: newClient(o.senders), gen: gen}
	out := closedLoop(ctx, s, first, o.maxDuration, o.senders)
	var errs []error
	for _, c := range serves {
		if err := c.stop(30 * time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if v.postgres && len(errs) == 0 {
		errs = append(errs, checkStored(ctx, dbURL, len(out.acked)))
		if after, err := readWAL(ctx, dbURL); err == nil {
			d := after.minus(before)
			n := float64(max(len(out.acked), 1))
			fmt.Printf("%-40s %d commits and %d WAL flushes (fsync) for %d acknowledged events: %.2f and %.2f per event, acks and processing together\n",
				"", d.commits, d.syncs, len(out.acked), float64(d.commits)/n, float64(d.syncs)/n)
		}
	}
	return out, errors.Join(errs...)
}

// walStats are the cluster's commits and WAL flushes so far.
type walStats struct{ commits, syncs int64 }

func (a walStats) minus(b walStats) walStats {
	return walStats{a.commits - b.commits, a.syncs - b.syncs}
}

// readWAL reads the cluster-wide counts (only one variant runs at a time).
// PostgreSQL counts wal_sync in pg_stat_wal up to version 17.
func readWAL(ctx context.Context, url string) (walStats, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return walStats{}, fmt.Errorf("read WAL statistics: %w", err)
	}
	defer conn.Close(ctx)
	var w walStats
	err = conn.QueryRow(ctx, `SELECT (SELECT sum(xact_commit)::bigint FROM pg_stat_database),
		(SELECT wal_sync FROM pg_stat_wal)`).Scan(&w.commits, &w.syncs)
	if err != nil {
		return walStats{}, fmt.Errorf("read WAL statistics: %w", err)
	}
	return w, nil
}

// checkStored fails when the database holds fewer accepted event ids than
// the replicas acknowledged: an acknowledgement without a commit.
func checkStored(ctx context.Context, url string, acked int) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("count stored deliveries: %w", err)
	}
	defer conn.Close(ctx)
	var stored int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM claims WHERE key LIKE $1", triage.EventClaim("")+"%").Scan(&stored); err != nil {
		return fmt.Errorf("count stored deliveries: %w", err)
	}
	if stored < acked {
		return fmt.Errorf("%d events acknowledged but only %d stored", acked, stored)
	}
	return nil
}

// groupAcceptEnv is the variable serve reads GroupAccept from (see
// internal/cli's openStore).
const groupAcceptEnv = "SPRINTGUARD_PG_GROUP_ACCEPT"

// forReplica gives a bench config an admin listener of its own, since
// replicas run side by side, and with postgres switches it to the
// PostgreSQL driver, its URL from DATABASE_URL as the docs write it.
func forReplica(cfg []byte, postgres bool) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(cfg, &doc); err != nil {
		return nil, err
	}
	admin, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := setScalar(&doc, "server.admin_listen", admin); err != nil {
		return nil, err
	}
	if !postgres {
		return yaml.Marshal(&doc)
	}
	if err := setScalar(&doc, "storage.driver", "postgres"); err != nil {
		return nil, err
	}
	storage := lookup(doc.Content[0], "storage")
	if storage == nil {
		return nil, fmt.Errorf("config has no storage")
	}
	storage.Content = append(storage.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Value: "url"},
		&yaml.Node{Kind: yaml.ScalarNode, Value: "${DATABASE_URL}"})
	return yaml.Marshal(&doc)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func perRound(xs []float64) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.1f", x)
	}
	return out
}
