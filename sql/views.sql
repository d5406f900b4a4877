-- Views for analysts, created with the schema in the published database.

-- Every model as it is now (its current history row).
CREATE OR REPLACE VIEW latest_state AS
SELECT * FROM model_history WHERE valid_to IS NULL;

-- Openness class counts and shares per crawl date, from the compact history (see sql/queries/class_shares.sql
-- for the same with a date range).
CREATE OR REPLACE VIEW class_shares_by_date AS
WITH deltas AS (
    SELECT valid_from AS day, openness_class, 1 AS delta FROM model_history
    UNION ALL
    SELECT valid_to, openness_class, -1 FROM model_history WHERE valid_to IS NOT NULL
),
running AS (
    SELECT day, openness_class, sum(sum(delta)) OVER (PARTITION BY openness_class ORDER BY day) AS models
    FROM deltas
    GROUP BY day, openness_class
),
grid AS (
    SELECT snapshot_date, openness_class
    FROM (SELECT DISTINCT snapshot_date FROM crawl_runs) CROSS JOIN (SELECT DISTINCT openness_class FROM model_history)
),
counts AS (
    SELECT g.snapshot_date, g.openness_class, r.models::BIGINT AS models
    FROM grid g
    ASOF JOIN running r ON g.openness_class = r.openness_class AND g.snapshot_date >= r.day
)
SELECT snapshot_date, openness_class, models,
       round(models / sum(models) OVER (PARTITION BY snapshot_date)::DOUBLE, 4) AS share
FROM counts
WHERE models > 0;
