// Package pgtest starts a throw-away PostgreSQL cluster for a test binary
// and hands each test a fresh database in it.
//
// The cluster is made with Debian's initdb in a temporary directory and
// listens only on a Unix socket there, with fsync off: it holds nothing
// worth keeping. It starts on the first call to DB and stops when Main's
// m.Run returns; the postmaster also gets SIGQUIT if the test binary dies,
// so no cluster outlives its test run.
//
// When SPRINTGUARD_TEST_DATABASE_URL is set, tests use that server
// instead (it must allow CREATE DATABASE). When neither it nor the
// PostgreSQL binaries are found, tests that need them are skipped, unless
// SPRINTGUARD_REQUIRE_POSTGRES=1 (CI sets it) makes that a failure.
//
// DB is safe to call from parallel tests.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/internal/pgbin"
)

// cluster is the one server of this test binary.
type cluster struct {
	dir   string    // temp dir holding data and socket, "" for an external server
	base  *url.URL  // connection URL of the maintenance database
	proc  *exec.Cmd // the postmaster, nil for an external server
	errIn error     // why the cluster could not start
}

var (
	once    sync.Once
	current *cluster
	seq     atomic.Int64
)

// Main runs the tests of m and then stops the cluster, if one was started.
// Call it from TestMain: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain with more to clean up: it runs the tests,
// stops the cluster and returns the exit code.
func Run(m *testing.M) int {
	code := m.Run()
	if current != nil {
		current.stop()
	}
	return code
}

// Required reports whether a missing PostgreSQL must fail the tests.
func Required() bool { return os.Getenv("SPRINTGUARD_REQUIRE_POSTGRES") == "1" }

// DB creates an empty database for t and returns its connection URL. It
// skips t (or fails it, see Required) when no PostgreSQL is available.
func DB(t testing.TB) string {
	t.Helper()
	once.Do(func() { current = start() })
	if current.errIn != nil {
		skipOrFail(t, current.errIn)
	}
	u, err := createDB()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

func skipOrFail(t testing.TB, why error) {
	t.Helper()
	if Required() {
		t.Fatalf("PostgreSQL required (SPRINTGUARD_REQUIRE_POSTGRES=1): %v", why)
	}
	t.Skipf("skipping the PostgreSQL suite: %v", why)
}

// createDB creates a database on the started cluster and returns its URL.
func createDB() (string, error) {
	once.Do(func() { current = start() })
	if current.errIn != nil {
		return "", current.errIn
	}
	return current.createDB()
}

func (current *cluster) createDB() (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, current.base.String())
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	u := *current.base
	u.Path = "/" + name
	return u.String(), nil
}

var (
	sharedOnce sync.Once
	shared     string // URL of the database Schema makes schemas in
	sharedErr  error
)

// Schema creates an empty schema for t in one database that the test
// binary's tests share, and returns a URL whose search_path is that
// schema, so that everything a store creates lands in it. It skips or
// fails t as DB does. Tests that each need a fresh store should prefer it
// to DB: PostgreSQL copies a whole template for each CREATE DATABASE, one
// at a time, which costs about a second on a busy machine, while a schema
// costs milliseconds. Advisory locks are per database, so stores in
// schemas of one database share them.
func Schema(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = createDB() })
	if sharedErr != nil {
		if current.errIn == nil {
			t.Fatalf("pgtest: %v", sharedErr)
		}
		skipOrFail(t, current.errIn)
	}
	name := fmt.Sprintf("s%d", seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, shared)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	u, err := url.Parse(shared)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Binaries returns the directory holding initdb and postgres (see pgbin).
func Binaries() (string, error) {
	p, err := pgbin.Find("initdb")
	if err != nil {
		return "", fmt.Errorf("initdb %w (apt-get install postgresql)", err)
	}
	// A linked initdb (as in /usr/local/bin) has postgres beside its target.
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	dir := filepath.Dir(p)
	if _, err := os.Stat(filepath.Join(dir, "postgres")); err != nil {
		return "", fmt.Errorf("no postgres beside %s (apt-get install postgresql)", p)
	}
	return dir, nil
}

func start() *cluster {
	return startCluster(false)
}

// Cluster is a throw-away server for a program rather than a test
// binary: the benchmarks of bench/. Its methods are safe for concurrent
// use.
type Cluster struct{ c *cluster }

// StartCluster starts a throw-away cluster as the tests' (initdb in a
// temporary directory, a Unix socket there, SIGQUIT to the postmaster if
// this process dies). Durable turns fsync, synchronous_commit and
// full_page_writes on, as a production server has them, so that a commit
// waits for the disk; the tests' cluster has them off. Stop removes it.
// SPRINTGUARD_TEST_DATABASE_URL is not used: a benchmark's server must be
// one whose settings it knows.
func StartCluster(durable bool) (*Cluster, error) {
	bin, err := Binaries()
	if err != nil {
		return nil, err
	}
	c, err := initCluster(bin, durable)
	if err != nil {
		return nil, err
	}
	return &Cluster{c: c}, nil
}

// CreateDB creates an empty database and returns its URL.
func (c *Cluster) CreateDB() (string, error) { return c.c.createDB() }

// Stop stops the server and removes its files.
func (c *Cluster) Stop() { c.c.stop() }

func startCluster(durable bool) *cluster {
	if raw := os.Getenv("SPRINTGUARD_TEST_DATABASE_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			return &cluster{errIn: fmt.Errorf("SPRINTGUARD_TEST_DATABASE_URL: %w", err)}
		}
		return &cluster{base: u}
	}
	bin, err := Binaries()
	if err != nil {
		return &cluster{errIn: err}
	}
	c, err := initCluster(bin, durable)
	if err != nil {
		return &cluster{errIn: err}
	}
	return c
}

func initCluster(bin string, durable bool) (*cluster, error) {
	dir, err := os.MkdirTemp("", "sprintguard-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &cluster{dir: dir}
	cred, err := runAs(dir)
	if err != nil {
		c.stop()
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		c.stop()
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	// The socket path must stay under the 107-byte Unix limit, so it is the
	// temp dir itself rather than a deeper folder.
	safety := "off"
	if durable {
		safety = "on"
	}
	c.proc = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir,
		"-c", "listen_addresses=", "-c", "fsync="+safety, "-c", "synchronous_commit="+safety,
		"-c", "full_page_writes="+safety, "-c", "max_connections=300", "-c", "shared_buffers=64MB")
	c.proc.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	logf, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c.proc.Stdout, c.proc.Stderr = logf, logf
	if err := c.proc.Start(); err != nil {
		c.stop()
		return nil, fmt.Errorf("pgtest: start postgres: %w", err)
	}
	c.base = &url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres",
		RawQuery: "host=" + url.QueryEscape(dir) + "&sslmode=disable"}
	if err := c.waitReady(30 * time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		c.stop()
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return c, nil
}

// runAs returns the credential postgres runs with: the current user, or
// the system user postgres when the tests run as root, which initdb
// refuses. dir is handed to that user.
func runAs(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root needs the postgres system user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (c *cluster) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.base.String())
		if err == nil {
			conn.Close(ctx)
			cancel()
			return nil
		}
		cancel()
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres not ready after %v: %w", limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *cluster) stop() {
	if c.proc != nil && c.proc.Process != nil {
		// SIGINT is PostgreSQL's fast shutdown: it ends sessions and exits.
		_ = c.proc.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = c.proc.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-c.proc.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	if c.dir != "" && !strings.Contains(os.Getenv("SPRINTGUARD_KEEP_PG"), "1") {
		_ = os.RemoveAll(c.dir)
	}
}
