-- Openness events between $from and $to, optionally of one kind ($change, e.g. became_gated), newest first.
SELECT change_date, change, repo_id, before, after, source, hub_id
FROM openness_changes
WHERE change_date BETWEEN coalesce($from::DATE, DATE '1900-01-01') AND coalesce($to::DATE, DATE '9999-12-31')
  AND ($change IS NULL OR change = $change)
ORDER BY change_date DESC, change, repo_id
