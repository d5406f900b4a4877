import dagster as dg

from pipeline.defs.partitions import snapshot_dates

daily_snapshot_job = dg.define_asset_job(
    "daily_snapshot",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("history"),  # the backfill runs on demand
    partitions_def=snapshot_dates,
    description="Crawl, extract, grade, check and publish one snapshot date.",
)

# Every day at 04:00 UTC, snapshot the Hub as of that day.
daily_snapshot_schedule = dg.build_schedule_from_partitioned_job(daily_snapshot_job, hour_of_day=4)
