package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/transfer"
)

// runMigrateCopy copies a whole store from one driver to another:
//
//	sprintguard migrate --from bolt:FILE --to postgres://...
//
// Every kind of record is copied, then counted and checksummed on both
// sides. A second run copies nothing and says so. The target's records
// under the same keys must be the source's, or --force overwrites them.
// Without --to, the target is the config's storage.url, so the password can
// stay in the environment rather than on the command line.
func runMigrateCopy(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "migrate")
	from := fs.String("from", "", "the source: `bolt:FILE` or a postgres:// URL")
	to := fs.String("to", "", "the target: a postgres:// `URL` or bolt:FILE (default: storage.url of the config)")
	force := fs.Bool("force", false, "overwrite target records that differ from the source's")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "migrate", pos); code != ExitOK {
		return code
	}
	if *from == "" {
		return usageError(env, "migrate", "give migrate status [--url URL], or --from bolt:FILE [--to URL] to copy a store")
	}
	target := config.NewSecret(*to)
	if !target.IsSet() {
		cfg, err := loadConfig(env, *path)
		if err != nil {
			return printErrors(env, err)
		}
		if cfg.Storage.Driver != config.DriverPostgres {
			return usageError(env, "migrate", fmt.Sprintf("give the target with --to postgres://..., or a config with storage.driver: postgres (%s uses %s)",
				cfg.Path, cfg.Storage.Driver))
		}
		target = cfg.Storage.URL
	}
	// Both ends are checked before either is opened, which for PostgreSQL
	// applies the schema's migrations.
	for _, e := range []struct{ what, spec string }{{"source", *from}, {"target", target.Reveal()}} {
		if err := checkEnd(e.spec); err != nil {
			return usageError(env, "migrate", fmt.Sprintf("%s %s", e.what, err))
		}
	}
	src, closeSrc, err := openEnd(ctx, *from, true)
	if err != nil {
		return fail(env, fmt.Errorf("migrate: source: %w", err))
	}
	defer closeSrc()
	dst, closeDst, err := openEnd(ctx, target.Reveal(), false)
	if err != nil {
		return fail(env, fmt.Errorf("migrate: target: %w", err))
	}
	defer closeDst()
	fmt.Fprintf(env.Stdout, "migrate %s -> %s\n", describeEnd(*from), describeEnd(target.Reveal()))
	res, err := transfer.Copy(ctx, src, dst, transfer.Options{Force: *force})
	printCopy(env, res)
	if err != nil {
		return fail(env, fmt.Errorf("migrate: %w", postgres.Scrub(target.Reveal(), postgres.Scrub(*from, err))))
	}
	var total, written, extra int
	for _, r := range res {
		total += r.Source.Count
		written += r.Added + r.Changed
		extra += r.Extra
	}
	kinds := plural.Count(len(res), "kind")
	if written == 0 {
		fmt.Fprintf(env.Stdout, "nothing to copy: the target already holds all %s of %s; counts and checksums match\n",
			plural.Count(total, "record"), kinds)
	} else {
		fmt.Fprintf(env.Stdout, "copied %s of %s; counts and checksums of %s match\n",
			plural.Count(written, "record"), plural.Count(total, "record"), kinds)
	}
	if extra > 0 {
		fmt.Fprintf(env.Stdout, "the target also holds %s the source lacks, left as they are\n", plural.Count(extra, "record"))
	}
	return ExitOK
}

// printCopy writes one line per kind: counts, what was written and the
// checksum both sides agree on.
func printCopy(env Env, res []transfer.KindResult) {
	if len(res) == 0 {
		return
	}
	const row = "%-12s %7v %7v %7v %7v  %-12s  %s\n"
	fmt.Fprintf(env.Stdout, row, "kind", "source", "added", "changed", "same", "checksum", "")
	for _, r := range res {
		state := "verified"
		if !r.Verified() {
			state = fmt.Sprintf("MISMATCH (target %d, %.12s)", r.Target.Count, r.Target.SHA)
		}
		fmt.Fprintf(env.Stdout, row, r.Kind, r.Source.Count, r.Added, r.Changed, r.Same, r.Source.SHA[:12], state)
	}
}

// openEnd opens one end of a migration: bolt:FILE or a PostgreSQL URL. The
// source is opened read-only when it is a bbolt file, which also fails
// while `serve` has it open.
func openEnd(ctx context.Context, spec string, source bool) (transfer.Target, func(), error) {
	if file, ok := strings.CutPrefix(spec, "bolt:"); ok {
		if _, err := os.Stat(file); source && err != nil {
			return nil, nil, fmt.Errorf("no bbolt database at %s", file)
		}
		db, err := store.Open(file, store.Options{ReadOnly: source, Timeout: lockWait})
		if errors.Is(err, store.ErrLocked) {
			return nil, nil, fmt.Errorf("%s is in use: stop `sprintguard serve` first", file)
		}
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	db, err := postgres.Open(ctx, spec, postgres.Options{})
	if err != nil {
		return nil, nil, postgres.Scrub(spec, err)
	}
	return db, func() { db.Close() }, nil
}

// checkEnd says what is wrong with spec as an end of a migration, or nil.
func checkEnd(spec string) error {
	if file, ok := strings.CutPrefix(spec, "bolt:"); ok {
		if file == "" {
			return errors.New("bolt: needs a file: bolt:/data/sprintguard.db")
		}
		return nil
	}
	if !strings.HasPrefix(spec, "postgres://") && !strings.HasPrefix(spec, "postgresql://") {
		return fmt.Errorf("%s: use bolt:FILE or a postgres:// URL", describeEnd(spec))
	}
	return nil
}

// describeEnd is spec fit to print: a URL's password replaced by xxxxx.
func describeEnd(spec string) string {
	if strings.HasPrefix(spec, "bolt:") {
		return spec
	}
	u, err := url.Parse(spec)
	if err != nil {
		return "(a PostgreSQL URL that does not parse)"
	}
	return u.Redacted()
}
