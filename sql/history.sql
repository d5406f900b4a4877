-- History: model_history (one row per model per distinct state) and openness_changes (events), rebuilt from
-- crawl_states (one row per crawl date and model: sql/crawl_states.sql) and backfill_states (past states dated
-- from git history).
-- Run by pipeline/history.py after every publish, in the same transaction. Rebuilding from the dated rows,
-- rather than patching, keeps the history right when an older date is re-run or backfilled later.

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
           {'repo_id': repo_id, 'license_id': license_id, 'license_family': license_family,
            'license_osi_approved': license_osi_approved, 'gated': gated, 'has_training_code': has_training_code,
            'data_disclosure': data_disclosure, 'checkpoint_disclosure': checkpoint_disclosure,
            'datasets_named': datasets_named, 'papers_linked': papers_linked, 'base_models': base_models,
            'weights': weights, 'license': license, 'training_code': training_code, 'training_data': training_data,
            'data_composition': data_composition, 'checkpoints': checkpoints, 'paper': paper,
            'model_card': model_card, 'access': access, 'openness_class': openness_class,
            'osaid_candidate': osaid_candidate, 'mof_class': mof_class, 'eosai_score': eosai_score,
            'rubric_version': rubric_version} AS state
    FROM crawl_states JOIN dates d USING (snapshot_date)
    UNION ALL
    SELECT hub_id, day, 'backfill', NULL,
           {'repo_id': repo_id, 'license_id': license_id, 'license_family': license_family,
            'license_osi_approved': license_osi_approved, 'gated': gated, 'has_training_code': has_training_code,
            'data_disclosure': data_disclosure, 'checkpoint_disclosure': checkpoint_disclosure,
            'datasets_named': datasets_named, 'papers_linked': papers_linked, 'base_models': base_models,
            'weights': weights, 'license': license, 'training_code': training_code, 'training_data': training_data,
            'data_composition': data_composition, 'checkpoints': checkpoints, 'paper': paper,
            'model_card': model_card, 'access': access, 'openness_class': openness_class,
            'osaid_candidate': osaid_candidate, 'mof_class': mof_class, 'eosai_score': eosai_score,
            'rubric_version': rubric_version}
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

DELETE FROM openness_changes;
INSERT INTO openness_changes BY NAME
WITH h AS (
    SELECT *,
           lag(valid_to) OVER w AS prev_valid_to,
           lag(valid_from) OVER w AS prev_valid_from,
           lead(valid_from) OVER w AS next_valid_from,
           lag(repo_id) OVER w AS p_repo,
           lag(license_id) OVER w AS p_license,
           lag(gated) OVER w AS p_gated,
           lag(has_training_code) OVER w AS p_code,
           lag(checkpoint_disclosure) OVER w AS p_ckpt,
           lag(data_disclosure) OVER w AS p_data,
           lag(openness_class) OVER w AS p_class
    FROM model_history
    WINDOW w AS (PARTITION BY hub_id ORDER BY valid_from)
),
first_crawl_date AS (SELECT min(valid_from) FILTER (WHERE source = 'crawl') AS day FROM model_history),
continued AS (  -- a state that directly follows the previous one
    SELECT * FROM h WHERE prev_valid_from IS NOT NULL AND prev_valid_to = valid_from
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
FROM continued WHERE license_id IS DISTINCT FROM p_license
UNION ALL
SELECT valid_from, hub_id, repo_id, CASE WHEN gated = 'no' THEN 'became_ungated' ELSE 'became_gated' END,
       p_gated, gated, source
FROM continued WHERE (gated = 'no') <> (p_gated = 'no')
UNION ALL
SELECT valid_from, hub_id, repo_id, CASE WHEN has_training_code THEN 'training_code_added' ELSE 'training_code_removed' END,
       p_code::VARCHAR, has_training_code::VARCHAR, source
FROM continued WHERE has_training_code <> p_code
UNION ALL
SELECT valid_from, hub_id, repo_id, 'checkpoints_published', p_ckpt, checkpoint_disclosure, source
FROM continued WHERE checkpoint_disclosure = 'published' AND p_ckpt <> 'published'
UNION ALL
SELECT valid_from, hub_id, repo_id, 'datasets_disclosed', p_data, data_disclosure, source
FROM continued WHERE p_data = 'none' AND data_disclosure <> 'none'
UNION ALL
SELECT valid_from, hub_id, repo_id, 'class_changed', p_class, openness_class, source
FROM continued WHERE openness_class <> p_class;
