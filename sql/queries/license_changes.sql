-- Models whose license changed between $from and $to (inclusive), with the license before and after.
SELECT change_date, repo_id, before AS license_before, after AS license_after, source, hub_id
FROM openness_changes
WHERE change = 'license_changed'
  AND change_date BETWEEN coalesce($from::DATE, DATE '1900-01-01') AND coalesce($to::DATE, DATE '9999-12-31')
ORDER BY change_date, repo_id
