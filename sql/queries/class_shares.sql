-- Openness class shares per crawl date (the trend), from the compact history; between $from and $to.
WITH dates AS (
    SELECT DISTINCT snapshot_date FROM crawl_runs
    WHERE snapshot_date BETWEEN coalesce($from::DATE, DATE '1900-01-01') AND coalesce($to::DATE, DATE '9999-12-31')
)
SELECT d.snapshot_date, h.openness_class, count(*) AS models,
       round(count(*) / sum(count(*)) OVER (PARTITION BY d.snapshot_date)::DOUBLE, 4) AS share
FROM dates d
JOIN model_history h ON h.valid_from <= d.snapshot_date AND (h.valid_to IS NULL OR d.snapshot_date < h.valid_to)
GROUP BY d.snapshot_date, h.openness_class
ORDER BY d.snapshot_date, h.openness_class
