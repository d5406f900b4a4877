-- model_history extended by one new latest crawl date ($snapshot_date), touching only what changed: the same
-- rows as a rebuild (sql/history_rebuild.sql) when every earlier date is already in the history.
-- {state} is the state struct of the history columns, written out by pipeline/history.py from sql/schema.sql.

CREATE OR REPLACE TEMP TABLE day_states AS
SELECT hub_id, {state} AS state FROM crawl_states WHERE snapshot_date = $snapshot_date;

CREATE OR REPLACE TEMP TABLE open_states AS
SELECT hub_id, {state} AS state FROM model_history WHERE valid_to IS NULL;

-- Seen again, unchanged: the state goes on.
UPDATE model_history AS h
SET snapshots = h.snapshots + 1, last_seen = $snapshot_date
FROM day_states d JOIN open_states o USING (hub_id)
WHERE h.hub_id = d.hub_id AND h.valid_to IS NULL AND d.state IS NOT DISTINCT FROM o.state;

-- Changed, or no longer seen: the state ends on this date.
UPDATE model_history AS h
SET valid_to = $snapshot_date
FROM open_states o LEFT JOIN day_states d USING (hub_id)
WHERE h.hub_id = o.hub_id AND h.valid_to IS NULL AND d.state IS DISTINCT FROM o.state;

-- New, changed, or back after an absence: a state starts on this date.
INSERT INTO model_history BY NAME
SELECT d.hub_id, $snapshot_date::DATE AS valid_from, NULL::DATE AS valid_to, 'crawl' AS source, 1 AS snapshots,
       $snapshot_date::DATE AS last_seen, unnest(d.state)
FROM day_states d LEFT JOIN open_states o USING (hub_id)
WHERE o.hub_id IS NULL OR d.state IS DISTINCT FROM o.state;

DROP TABLE day_states;
DROP TABLE open_states;
