-- A delivery's key is claimed once: Accept takes the claim 'event:' || key,
-- empty, and intake fills it with the request the delivery made. Each
-- claim Accept took before, 'delivery:' || key, is folded into it: a
-- Slack retry of a delivery accepted before the upgrade is still dropped,
-- and an event claim that exists already keeps its value and the later
-- of the two expiries.
INSERT INTO claims (key, value, expires_ns)
	SELECT 'event:' || substr(key, length('delivery:') + 1), value, expires_ns
	FROM claims WHERE key LIKE 'delivery:%'
	ON CONFLICT (key) DO UPDATE SET expires_ns = GREATEST(claims.expires_ns, EXCLUDED.expires_ns);
DELETE FROM claims WHERE key LIKE 'delivery:%';
