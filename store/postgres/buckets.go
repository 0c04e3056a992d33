package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// takeToken reserves one token in one statement: the row is locked by the
// upsert, so replicas taking from one bucket queue on it, and the
// database's clock is the only clock, so replicas' clocks need not agree.
// A reservation that would wait past $4 seconds changes nothing.
const takeToken = `
WITH c AS (SELECT clock_timestamp() AS t)
INSERT INTO rate_buckets AS b (name, tokens, at)
SELECT $1, $3::float8 - 1, c.t FROM c
ON CONFLICT (name) DO UPDATE SET
	tokens = LEAST($3::float8, b.tokens + EXTRACT(EPOCH FROM EXCLUDED.at - b.at)::float8 * $2::float8) - 1,
	at = EXCLUDED.at
WHERE LEAST($3::float8, b.tokens + EXTRACT(EPOCH FROM EXCLUDED.at - b.at)::float8 * $2::float8) - 1 >= -$2::float8 * $4::float8
RETURNING tokens`

// peekToken is how many tokens the bucket holds now, for the wait of a
// reservation that takeToken refused.
const peekToken = `SELECT LEAST($2::float8, tokens + EXTRACT(EPOCH FROM clock_timestamp() - at)::float8 * $3::float8) FROM rate_buckets WHERE name = $1`

// Take reserves one token of the bucket name, which holds up to burst
// tokens and refills at rate per second, and returns how long the caller
// must wait before using it (0 when a token is there now). When that wait
// would be longer than max it takes nothing and returns the wait with ok
// false. A token reserved and then not used is lost, which errs on the
// side of the limit. Take is safe for concurrent use by many replicas.
func (db *DB) Take(ctx context.Context, name string, rate float64, burst int, max time.Duration) (wait time.Duration, ok bool, err error) {
	if rate <= 0 || burst < 1 {
		return 0, false, fmt.Errorf("rate bucket %s: rate %v and burst %d must be positive", name, rate, burst)
	}
	var tokens float64
	err = db.pool.QueryRow(ctx, takeToken, name, rate, burst, max.Seconds()).Scan(&tokens)
	if errors.Is(err, pgx.ErrNoRows) {
		if err := db.pool.QueryRow(ctx, peekToken, name, burst, rate).Scan(&tokens); err != nil {
			return 0, false, fmt.Errorf("rate bucket %s: %w", name, err)
		}
		return seconds((1 - tokens) / rate), false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("rate bucket %s: %w", name, err)
	}
	if tokens >= 0 {
		return 0, true, nil
	}
	return seconds(-tokens / rate), true, nil
}

func seconds(s float64) time.Duration {
	return time.Duration(math.Ceil(s * float64(time.Second)))
}
