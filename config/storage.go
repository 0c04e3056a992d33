package config

import (
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// databaseURL decodes `storage.url`, a PostgreSQL URL (postgres://...) or
// key=value DSN. It may hold a password, so no error quotes it. It reports
// whether it reported a problem or warning about the value.
func (d *decoder) databaseURL(n *yaml.Node, dst *Secret) (reported bool) {
	before := len(d.errs) + len(d.warns)
	// Even a command that needs no credentials needs to know which store.
	d.requiredSecret("`url`", n, dst)
	if len(d.errs)+len(d.warns) != before {
		return true
	}
	if dst.IsSet() && !looksLikePostgres(dst.value) {
		d.errAt(n, "`url` must be a PostgreSQL URL or key=value connection string (its value is not shown: it may hold a password)",
			"for example url: ${DATABASE_URL} with DATABASE_URL=postgres://sprintguard@db:5432/sprintguard")
		*dst = Secret{}
		return true
	}
	return false
}

// looksLikePostgres accepts what pgx's ParseConfig accepts in form: a
// postgres:// or postgresql:// URL, or a DSN of key=value words. Whether
// it connects is for Open to find out.
func looksLikePostgres(s string) bool {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		_, err := url.Parse(s)
		return err == nil
	}
	for _, word := range strings.Fields(s) {
		if k, _, ok := strings.Cut(word, "="); !ok || k == "" {
			return false
		}
	}
	return strings.Contains(s, "=")
}

// needDatabaseURL reports driver postgres without a url, at the `driver`
// key (or the storage mapping). A url whose ${VAR} was unset was reported
// already, as an error or, offline, a warning.
func (d *decoder) needDatabaseURL(n *yaml.Node, seen map[string]*yaml.Node, s *Storage, urlReported bool) {
	if s.Driver != DriverPostgres || s.URL.IsSet() || urlReported {
		return
	}
	at := n
	if k := seen["driver"]; k != nil {
		at = k
	}
	d.errAt(at, "storage driver `postgres` needs `url`",
		"add url: ${DATABASE_URL} under storage and export DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DB")
}
