-- Per organisation (the repo id's namespace) on $date (default: the latest crawl date): models, class counts,
-- mean EOSAI-style score, and how many publish training code or checkpoints.
WITH day AS (SELECT coalesce($date::DATE, max(snapshot_date)) AS d FROM crawl_runs)
SELECT split_part(h.repo_id, '/', 1) AS organisation,
       count(*) AS models,
       count(*) FILTER (WHERE openness_class = 'osaid_candidate') AS osaid_candidates,
       count(*) FILTER (WHERE openness_class = 'open_weights_permissive') AS open_weights_permissive,
       count(*) FILTER (WHERE openness_class = 'open_weights_restricted') AS open_weights_restricted,
       count(*) FILTER (WHERE openness_class = 'gated_or_closed') AS gated_or_closed,
       round(avg(eosai_score), 3) AS mean_score,
       count(*) FILTER (WHERE has_training_code) AS with_training_code,
       count(*) FILTER (WHERE checkpoint_disclosure = 'published') AS with_checkpoints
FROM model_history h, day
WHERE h.valid_from <= day.d AND (h.valid_to IS NULL OR day.d < h.valid_to)
GROUP BY organisation
ORDER BY models DESC, organisation
