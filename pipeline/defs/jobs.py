"""Re-deriving past partitions from their stored crawl data, without crawling again (see `openness reprocess`)."""

import dagster as dg

from pipeline.defs.assets import model_facts, openness, published_snapshot

# The selection takes the assets' blocking checks along: a partition that fails them is not republished.
reprocess_snapshots_job = dg.define_asset_job(
    "reprocess_snapshots",
    selection=dg.AssetSelection.assets(model_facts, openness, published_snapshot),
    description="Re-derive past snapshot dates with the current extractor and rubric from what their crawl stored "
    "(no Hub request): facts, grades, their checks, then publish, which rebuilds the history and re-derives the "
    "backfilled states. Launch it as a backfill over the partitions to re-derive; re-derive every published date to "
    "have the whole history under one version.",
)
