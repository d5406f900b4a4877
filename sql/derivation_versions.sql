-- The extractor and rubric versions the published dates were derived with, as runs of consecutive dates with the
-- same versions, oldest first (pipeline/history.py: the datasheet's table, and the warning of a publish that mixes
-- versions). Several versions within one date (never written by one run) are listed together.
WITH per_date AS (
    SELECT f.snapshot_date,
           string_agg(DISTINCT f.extractor_version, ', ' ORDER BY f.extractor_version) AS extractor_version,
           string_agg(DISTINCT o.rubric_version, ', ' ORDER BY o.rubric_version) AS rubric_version
    FROM model_facts f JOIN openness o USING (snapshot_date, hub_id)
    GROUP BY f.snapshot_date
),
runs AS (
    SELECT *, row_number() OVER (ORDER BY snapshot_date)
              - row_number() OVER (PARTITION BY extractor_version, rubric_version ORDER BY snapshot_date) AS run
    FROM per_date
)
SELECT extractor_version, rubric_version, min(snapshot_date) AS first_date, max(snapshot_date) AS last_date,
       count(*) AS dates
FROM runs
GROUP BY extractor_version, rubric_version, run
ORDER BY first_date
