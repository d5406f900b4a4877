-- The current state of every model (its open history row), optionally of one author: $author.
SELECT repo_id, hub_id, valid_from AS since, openness_class, eosai_score, license_id, gated,
       has_training_code, data_disclosure, checkpoint_disclosure, rubric_version
FROM model_history
WHERE valid_to IS NULL
  AND ($author IS NULL OR split_part(repo_id, '/', 1) = $author)
ORDER BY eosai_score DESC, repo_id
