-- Openness class shares per crawl date (the trend), from the compact history; between $from and $to.
-- Each state adds one model to its class on valid_from and removes it on valid_to: a running sum per class,
-- read off at each crawl date (an ASOF join), touches each history row twice instead of once per date.
WITH dates AS (
    SELECT DISTINCT snapshot_date FROM crawl_runs
    WHERE snapshot_date BETWEEN coalesce($from::DATE, DATE '1900-01-01') AND coalesce($to::DATE, DATE '9999-12-31')
),
deltas AS (
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
    SELECT snapshot_date, openness_class FROM dates CROSS JOIN (SELECT DISTINCT openness_class FROM model_history)
),
counts AS (
    SELECT g.snapshot_date, g.openness_class, r.models::BIGINT AS models
    FROM grid g
    ASOF JOIN running r ON g.openness_class = r.openness_class AND g.snapshot_date >= r.day
)
SELECT snapshot_date, openness_class, models,
       round(models / sum(models) OVER (PARTITION BY snapshot_date)::DOUBLE, 4) AS share
FROM counts
WHERE models > 0
ORDER BY snapshot_date, openness_class
