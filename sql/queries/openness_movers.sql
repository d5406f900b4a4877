-- Models that became more or less open between $from and $to (default: the first and the latest crawl dates),
-- by EOSAI-style score; direction is 'more open' or 'less open'.
WITH bounds AS (
    SELECT coalesce($from::DATE, min(snapshot_date)) AS d0, coalesce($to::DATE, max(snapshot_date)) AS d1
    FROM crawl_runs
),
at_date AS (
    SELECT h.*, b.d0, b.d1 FROM model_history h, bounds b
)
SELECT a.repo_id, a.openness_class AS class_before, z.openness_class AS class_after,
       a.eosai_score AS score_before, z.eosai_score AS score_after,
       CASE WHEN z.eosai_score > a.eosai_score THEN 'more open' ELSE 'less open' END AS direction, a.hub_id
FROM at_date a
JOIN at_date z ON a.hub_id = z.hub_id
WHERE a.valid_from <= a.d0 AND (a.valid_to IS NULL OR a.d0 < a.valid_to)
  AND z.valid_from <= z.d1 AND (z.valid_to IS NULL OR z.d1 < z.valid_to)
  AND z.eosai_score <> a.eosai_score
ORDER BY abs(z.eosai_score - a.eosai_score) DESC, a.repo_id
