-- A job's request, for DueJobs: a replica is not handed a job while
-- another job of the same request is held by another replica, so that a
-- request's jobs run one at a time across replicas, in order, as they do
-- within one. Jobs about no request have 0 and are not indexed.
ALTER TABLE jobs ADD COLUMN request_id bigint NOT NULL
	GENERATED ALWAYS AS (COALESCE((data->>'request_id')::bigint, 0)) STORED;
CREATE INDEX jobs_request ON jobs (request_id) WHERE request_id <> 0;
