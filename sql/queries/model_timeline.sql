-- Every state one model went through ($repo: its repo id, any of its names; or $hub_id), oldest first.
WITH target AS (
    SELECT DISTINCT hub_id FROM model_history WHERE lower(repo_id) = lower($repo) OR hub_id = $hub_id
)
SELECT valid_from, valid_to, source, repo_id, openness_class, eosai_score, license_id, gated, has_training_code,
       data_disclosure, checkpoint_disclosure, snapshots, rubric_version
FROM model_history JOIN target USING (hub_id)
ORDER BY valid_from
