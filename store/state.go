package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

// Claim records key until expires. A claim is live while the store's clock
// (Options.Now) is before its expiry; an expired claim is replaced as if the
// key were new. Each claim also has an entry in the expiry index so that
// PurgeExpired only visits what has expired.
func (t *tx) Claim(key, value string, now, expires time.Time) (string, bool, error) {
	return t.claim(key, value, now, expires, false)
}

// Settle is Claim that fills a live placeholder (a claim with an empty
// value), keeping its expiry. The value goes to the claim's entry in the
// expiry index, not to the claim: the index is in order of expiry, that
// is of the deliveries' arrival, so the placeholders a batch of intakes
// fills share a few of its pages, where the claims, keyed by random event
// ids, each took a page of their own.
func (t *tx) Settle(key, value string, now, expires time.Time) (string, bool, error) {
	return t.claim(key, value, now, expires, true)
}

func (t *tx) claim(key, value string, now, expires time.Time, settle bool) (string, bool, error) {
	if key == "" {
		return "", false, fmt.Errorf("claim: empty key")
	}
	claims, index := t.bucket(bucketClaims), t.bucket(bucketClaimExp)
	if v := claims.Get([]byte(key)); len(v) >= timeLen {
		exp := decodeTime(v[:timeLen])
		if now.Before(exp) {
			stored := t.claimValue(key, v)
			if !settle || stored != "" {
				return stored, false, nil
			}
			if err := index.Put(expiryKey(exp, key), []byte(value)); err != nil {
				return "", false, fmt.Errorf("settle claim %s: %w", key, err)
			}
			return value, true, nil
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
	t.wroteClaim(key, expires)
	return value, true, nil
}

// claimValue returns the value of claim key, stored as v in the claims
// bucket: what follows the expiry there, or else what Settle put in the
// claim's index entry.
func (t *tx) claimValue(key string, v []byte) string {
	if len(v) > timeLen {
		return string(v[timeLen:])
	}
	return string(t.bucket(bucketClaimExp).Get(expiryKey(decodeTime(v[:timeLen]), key)))
}

// Claimed returns the value of a claim on key that is live at now.
func (t *tx) Claimed(key string, now time.Time) (string, bool, error) {
	v := t.bucket(bucketClaims).Get([]byte(key))
	if len(v) < timeLen || !now.Before(decodeTime(v[:timeLen])) {
		return "", false, nil
	}
	return t.claimValue(key, v), true, nil
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
