-- openness_changes: the events between consecutive states of model_history, per model (by its stable id).
-- Recomputed after every history update: it reads only the compact history, so it is cheap.
-- An event between a state read only from git history (no crawl saw it) and the first crawled one has source
-- 'boundary': git does not keep gating, branches, files or tags, so part of such a change may only be what git
-- could not show. A backfilled state that the crawl then saw unchanged is a crawled state for what follows.
-- Events that compare what we read from a model (license, training code, checkpoints, datasets, class) come
-- only from two states read by the same extractor and rubric versions (`same_reading`): a new version changes
-- our reading, not the model, so where the version changes the new row has no such event (`openness reprocess`
-- re-derives every date under one version). Presence, renames and gating are the Hub's own listing: always events.

DELETE FROM openness_changes;
INSERT INTO openness_changes BY NAME
WITH h AS (
    SELECT *,
           lag(valid_to) OVER w AS prev_valid_to,
           lag(valid_from) OVER w AS prev_valid_from,
           lead(valid_from) OVER w AS next_valid_from,
           lag(source) OVER w AS p_source,
           lag(snapshots) OVER w AS p_snapshots,
           lag(repo_id) OVER w AS p_repo,
           lag(license_id) OVER w AS p_license,
           lag(gated) OVER w AS p_gated,
           lag(has_training_code) OVER w AS p_code,
           lag(checkpoint_disclosure) OVER w AS p_ckpt,
           lag(data_disclosure) OVER w AS p_data,
           lag(openness_class) OVER w AS p_class,
           lag(extractor_version) OVER w AS p_extractor,
           lag(rubric_version) OVER w AS p_rubric
    FROM model_history
    WINDOW w AS (PARTITION BY hub_id ORDER BY valid_from)
),
first_crawl_date AS (SELECT min(valid_from) FILTER (WHERE source = 'crawl') AS day FROM model_history),
continued AS (  -- a state that directly follows the previous one
    SELECT * REPLACE (
        CASE WHEN p_source = 'backfill' AND p_snapshots = 0 AND source = 'crawl' THEN 'boundary' ELSE source END AS source
    ),
           extractor_version = p_extractor AND rubric_version = p_rubric AS same_reading
    FROM h WHERE prev_valid_from IS NOT NULL AND prev_valid_to = valid_from
)
-- Every model is "new" on the first crawl date: only later arrivals (and backfilled creations) are events.
SELECT valid_from AS change_date, hub_id, repo_id, 'appeared' AS change, NULL AS before, repo_id AS after, source
FROM h
WHERE (prev_valid_from IS NULL OR prev_valid_to < valid_from)
  AND NOT (source = 'crawl' AND prev_valid_from IS NULL AND valid_from = (SELECT day FROM first_crawl_date))
UNION ALL
SELECT valid_to, hub_id, repo_id, 'disappeared', repo_id, NULL, source
FROM h WHERE valid_to IS NOT NULL AND (next_valid_from IS NULL OR next_valid_from > valid_to)
UNION ALL
SELECT valid_from, hub_id, repo_id, 'renamed', p_repo, repo_id, source FROM continued WHERE repo_id <> p_repo
UNION ALL
SELECT valid_from, hub_id, repo_id, 'license_changed', coalesce(p_license, 'none'), coalesce(license_id, 'none'), source
FROM continued WHERE same_reading AND license_id IS DISTINCT FROM p_license
UNION ALL
SELECT valid_from, hub_id, repo_id, CASE WHEN gated = 'no' THEN 'became_ungated' ELSE 'became_gated' END,
       p_gated, gated, source
FROM continued WHERE (gated = 'no') <> (p_gated = 'no')
UNION ALL
SELECT valid_from, hub_id, repo_id, CASE WHEN has_training_code THEN 'training_code_added' ELSE 'training_code_removed' END,
       p_code::VARCHAR, has_training_code::VARCHAR, source
FROM continued WHERE same_reading AND has_training_code <> p_code
UNION ALL
SELECT valid_from, hub_id, repo_id, 'checkpoints_published', p_ckpt, checkpoint_disclosure, source
FROM continued WHERE same_reading AND checkpoint_disclosure = 'published' AND p_ckpt <> 'published'
UNION ALL
SELECT valid_from, hub_id, repo_id, 'datasets_disclosed', p_data, data_disclosure, source
FROM continued WHERE same_reading AND p_data = 'none' AND data_disclosure <> 'none'
UNION ALL
SELECT valid_from, hub_id, repo_id, 'class_changed', p_class, openness_class, source
FROM continued WHERE same_reading AND openness_class <> p_class;
