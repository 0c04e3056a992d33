package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// Claim records key until expires. A claim is live while the store's clock
// (Options.Now) is before its expiry; an expired claim is replaced as if the
// key were new. Each claim also has an entry in the expiry index so that
// PurgeExpired only visits what has expired.
func (t *tx) Claim(key, value string, now, expires time.Time) (string, bool, error) {
	if key == "" {
		return "", false, fmt.Errorf("claim: empty key")
	}
	claims, index := t.bucket(bucketClaims), t.bucket(bucketClaimExp)
	if v := claims.Get([]byte(key)); len(v) >= timeLen {
		exp := decodeTime(v[:timeLen])
		if now.Before(exp) {
			return string(v[timeLen:]), false, nil
		}
		if err := index.Delete(expiryKey(exp, key)); err != nil {
			return "", false, fmt.Errorf("claim %s: %w", key, err)
		}
	}
	v := append(encodeTime(expires), value...)
	if err := claims.Put([]byte(key), v); err != nil {
		return "", false, fmt.Errorf("claim %s: %w", key, err)
	}
	if err := index.Put(expiryKey(expires, key), nil); err != nil {
		return "", false, fmt.Errorf("claim %s: %w", key, err)
	}
	return value, true, nil
}

// Claimed returns the value of a claim on key that is live at now.
func (t *tx) Claimed(key string, now time.Time) (string, bool, error) {
	v := t.bucket(bucketClaims).Get([]byte(key))
	if len(v) < timeLen || !now.Before(decodeTime(v[:timeLen])) {
		return "", false, nil
	}
	return string(v[timeLen:]), true, nil
}

// Ledger returns the team's ledger for sprint n, or an error wrapping
// triage.ErrNotFound.
func (t *tx) Ledger(team string, n int) (*sprint.Ledger, error) {
	if t.cache != nil {
		if l := t.cache.ledger(team, n); l != nil {
			return l, nil
		}
	}
	v := t.bucket(bucketLedgers).Get(ledgerKey(team, n))
	if v == nil {
		return nil, fmt.Errorf("ledger %s sprint %d: %w", team, n, triage.ErrNotFound)
	}
	l, err := decodeLedger(v)
	if err != nil {
		return nil, fmt.Errorf("decode ledger %s sprint %d: %w", team, n, err)
	}
	if t.cache != nil {
		t.cache.putLedger(l)
	}
	return l, nil
}

// PutLedger saves l under its team and sprint number.
func (t *tx) PutLedger(l *sprint.Ledger) error {
	if l == nil {
		return fmt.Errorf("put ledger: nil ledger")
	}
	if err := checkName("team", l.Team); err != nil {
		return fmt.Errorf("put ledger %s sprint %d: %w", l.Team, l.Sprint, err)
	}
	data, err := encodeLedger(l)
	if err != nil {
		return fmt.Errorf("put ledger %s sprint %d: encode: %w", l.Team, l.Sprint, err)
	}
	if err := t.bucket(bucketLedgers).Put(ledgerKey(l.Team, l.Sprint), data); err != nil {
		return fmt.Errorf("put ledger %s sprint %d: %w", l.Team, l.Sprint, err)
	}
	if t.cache != nil {
		t.cache.putLedger(l)
	}
	return nil
}

// Overrides returns the team's overrides ending after since, in creation
// order (CreatedAt, then ID), the order oncall applies them in. A team has
// few overrides, so this reads all of the team's and filters.
func (t *tx) Overrides(team string, since time.Time) ([]oncall.Override, error) {
	prefix := teamPrefix(team)
	var out []oncall.Override
	c := t.bucket(bucketOverrides).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var o oncall.Override
		if err := json.Unmarshal(v, &o); err != nil {
			return nil, fmt.Errorf("decode override %s: %w", k[len(prefix):], err)
		}
		if o.End.After(since) {
			out = append(out, o)
		}
	}
	oncall.SortByCreation(out)
	return out, nil
}

// PutOverride saves o under (o.Team, o.ID), replacing an override with the
// same id.
func (t *tx) PutOverride(o oncall.Override) error {
	if o.ID == "" || o.Team == "" {
		return fmt.Errorf("put override: it needs an id and a team")
	}
	if err := checkName("team", o.Team); err != nil {
		return fmt.Errorf("put override %s: %w", o.ID, err)
	}
	if err := o.Validate(); err != nil {
		return fmt.Errorf("put override %s: %w", o.ID, err)
	}
	data, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("put override %s: encode: %w", o.ID, err)
	}
	if err := t.bucket(bucketOverrides).Put(overrideKey(o.Team, o.ID), data); err != nil {
		return fmt.Errorf("put override %s: %w", o.ID, err)
	}
	return nil
}

// DeleteOverride removes an override; a missing one is an error wrapping
// triage.ErrNotFound, so that a mistyped id gets an answer.
func (t *tx) DeleteOverride(team, id string) error {
	b, k := t.bucket(bucketOverrides), overrideKey(team, id)
	if b.Get(k) == nil {
		return fmt.Errorf("delete override %s of %s: %w", id, team, triage.ErrNotFound)
	}
	if err := b.Delete(k); err != nil {
		return fmt.Errorf("delete override %s of %s: %w", id, team, err)
	}
	return nil
}
