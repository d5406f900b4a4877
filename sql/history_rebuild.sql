-- model_history rebuilt from scratch: from crawl_states (one row per crawl date and model, sql/crawl_states.sql)
-- and backfill_states (past states dated from git history). pipeline/history.py runs it when an older date was
-- re-run or backfilled; a new latest date is appended instead (sql/history_append.sql), which gives the same rows.
-- {state} is the state struct of the history columns, written out by pipeline/history.py from sql/schema.sql.

DELETE FROM model_history;
INSERT INTO model_history BY NAME
WITH dates AS (
    SELECT snapshot_date,
           row_number() OVER (ORDER BY snapshot_date) AS idx,
           lead(snapshot_date) OVER (ORDER BY snapshot_date) AS next_date
    FROM (SELECT DISTINCT snapshot_date FROM crawl_states)
),
first_crawl AS (
    SELECT hub_id, min(snapshot_date) AS first_date FROM crawl_states GROUP BY hub_id
),
-- Backfilled states count only before a model's first crawl; of several commits on one day, the last wins.
backfill AS (
    SELECT b.*, b.commit_date::DATE AS day
    FROM backfill_states b
    LEFT JOIN first_crawl f USING (hub_id)
    WHERE f.first_date IS NULL OR b.commit_date::DATE < f.first_date
    QUALIFY row_number() OVER (PARTITION BY b.hub_id, b.commit_date::DATE ORDER BY b.commit_date DESC) = 1
),
states AS (
    SELECT hub_id, snapshot_date AS day, 'crawl' AS source, d.idx,
           {state} AS state
    FROM crawl_states JOIN dates d USING (snapshot_date)
    UNION ALL
    SELECT hub_id, day, 'backfill', NULL,
           {state}
    FROM backfill
),
-- A new history row starts with a model's first state, when its state changes, and when it comes back after
-- being absent from a crawl (gaps-and-islands over the crawl dates).
marked AS (
    SELECT *,
           CASE WHEN lag(day) OVER w IS NULL THEN 1
                WHEN source = 'crawl' AND lag(source) OVER w = 'crawl' AND idx - lag(idx) OVER w > 1 THEN 1
                WHEN state IS DISTINCT FROM lag(state) OVER w THEN 1
                ELSE 0 END AS starts
    FROM states
    WINDOW w AS (PARTITION BY hub_id ORDER BY day)
),
islands AS (
    SELECT *, sum(starts) OVER (PARTITION BY hub_id ORDER BY day ROWS UNBOUNDED PRECEDING) AS island
    FROM marked
),
runs AS (
    SELECT hub_id, island,
           min(day) AS valid_from,
           arg_min(source, day) AS source,
           count(*) FILTER (WHERE source = 'crawl')::INTEGER AS snapshots,
           max(day) FILTER (WHERE source = 'crawl') AS last_seen,
           arg_min(state, day) AS state
    FROM islands
    GROUP BY hub_id, island
)
-- A state ends where the next one starts, or on the first crawl date the model was no longer seen.
SELECT r.hub_id, r.valid_from,
       CASE WHEN d.snapshot_date IS NOT NULL AND d.next_date IS NULL THEN NULL  -- seen on the latest crawl
            ELSE least(lead(r.valid_from) OVER (PARTITION BY r.hub_id ORDER BY r.valid_from), d.next_date)
       END AS valid_to,
       r.source, r.snapshots, r.last_seen, unnest(r.state)
FROM runs r
LEFT JOIN dates d ON d.snapshot_date = r.last_seen;
