import dagster as dg

# Partition by snapshot (crawl) date only: date x model partitions overwhelm Dagster at Hub scale.
# end_offset=1 makes today's date a valid partition, so the daily run snapshots the Hub as of today.
snapshot_dates = dg.DailyPartitionsDefinition(start_date="2023-01-01", end_offset=1)
