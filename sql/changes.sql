-- Changes between consecutive snapshot dates, per model, keyed by the Hub's stable id (survives renames).
-- One row per (snapshot_date, hub_id, change): the state on snapshot_date compared with the previous crawl.
WITH dates AS (
    SELECT snapshot_date,
           lag(snapshot_date) OVER w  AS previous_date,
           lead(snapshot_date) OVER w AS next_date
    FROM crawl_runs
    WINDOW w AS (ORDER BY snapshot_date)
),
state AS (
    SELECT r.snapshot_date, r.hub_id, r.repo_id, r.gated,
           f.license_id, f.training_code, f.checkpoints, f.data_disclosure, o.openness_class
    FROM models_raw r
    JOIN model_facts f USING (snapshot_date, hub_id)
    JOIN openness o USING (snapshot_date, hub_id)
),
cur AS (
    SELECT s.* FROM state s JOIN dates d USING (snapshot_date) WHERE d.previous_date IS NOT NULL
),
prev AS (
    SELECT s.*, d.next_date FROM state s JOIN dates d USING (snapshot_date) WHERE d.next_date IS NOT NULL
),
pairs AS (
    SELECT coalesce(c.snapshot_date, p.next_date) AS snapshot_date,
           coalesce(c.hub_id, p.hub_id)           AS hub_id,
           coalesce(c.repo_id, p.repo_id)         AS repo_id,
           c.hub_id IS NOT NULL AS now_present,   p.hub_id IS NOT NULL AS was_present,
           p.repo_id AS p_repo,  c.repo_id AS c_repo,
           p.gated AS p_gated,   c.gated AS c_gated,
           p.license_id AS p_license, c.license_id AS c_license,
           p.training_code AS p_code, c.training_code AS c_code,
           p.checkpoints AS p_ckpt,   c.checkpoints AS c_ckpt,
           p.data_disclosure AS p_data, c.data_disclosure AS c_data,
           p.openness_class AS p_class, c.openness_class AS c_class
    FROM cur c
    FULL JOIN prev p ON c.hub_id = p.hub_id AND c.snapshot_date = p.next_date
),
changes AS (
    SELECT snapshot_date, hub_id, repo_id, 'appeared' AS change, NULL AS before, c_repo AS after
    FROM pairs WHERE now_present AND NOT was_present
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, 'disappeared', p_repo, NULL
    FROM pairs WHERE was_present AND NOT now_present
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, 'renamed', p_repo, c_repo
    FROM pairs WHERE now_present AND was_present AND c_repo <> p_repo
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, 'license_changed', coalesce(p_license, 'none'), coalesce(c_license, 'none')
    FROM pairs WHERE now_present AND was_present AND c_license IS DISTINCT FROM p_license
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, CASE WHEN c_gated = 'no' THEN 'became_ungated' ELSE 'became_gated' END, p_gated, c_gated
    FROM pairs WHERE now_present AND was_present AND (c_gated = 'no') <> (p_gated = 'no')
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, CASE WHEN c_code THEN 'training_code_added' ELSE 'training_code_removed' END,
           p_code::VARCHAR, c_code::VARCHAR
    FROM pairs WHERE now_present AND was_present AND c_code <> p_code
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, 'checkpoints_published', p_ckpt, c_ckpt
    FROM pairs WHERE now_present AND was_present AND c_ckpt = 'published' AND p_ckpt <> 'published'
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, 'datasets_disclosed', p_data, c_data
    FROM pairs WHERE now_present AND was_present AND p_data = 'none' AND c_data <> 'none'
    UNION ALL
    SELECT snapshot_date, hub_id, repo_id, 'class_changed', p_class, c_class
    FROM pairs WHERE now_present AND was_present AND c_class <> p_class
)
SELECT * FROM changes ORDER BY snapshot_date, change, repo_id
