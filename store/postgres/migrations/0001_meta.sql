-- meta holds single values of the store, such as when it was created.
CREATE TABLE meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);
INSERT INTO meta (key, value) VALUES ('created_at', now()::text);
