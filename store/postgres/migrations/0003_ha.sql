-- rate_buckets are token buckets that every replica shares, such as the
-- pacing of calls to one Slack method or of posts to one channel. tokens
-- is the count at `at` (the database's clock); it goes below zero when
-- callers have reserved tokens that have not refilled yet.
CREATE TABLE rate_buckets (
	name   text PRIMARY KEY,
	tokens double precision NOT NULL,
	at     timestamptz NOT NULL
);
