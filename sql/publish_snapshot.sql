-- Publishing one snapshot date into the analysts' database, run in one transaction by pipeline/snapshot.py.
-- Per-date tables: delete the date, then insert it again, so re-running a date replaces it.
-- Text tables: keyed by content hash, inserted once; a text already stored is left as it is.
-- $snapshot_date is the date, $path the date's Parquet file for the table.

-- table: crawl_runs
DELETE FROM crawl_runs WHERE snapshot_date = $snapshot_date;
INSERT INTO crawl_runs BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: crawl_errors
DELETE FROM crawl_errors WHERE snapshot_date = $snapshot_date;
INSERT INTO crawl_errors BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: models_raw
DELETE FROM models_raw WHERE snapshot_date = $snapshot_date;
INSERT INTO models_raw BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: datasets_raw
DELETE FROM datasets_raw WHERE snapshot_date = $snapshot_date;
INSERT INTO datasets_raw BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: cards
INSERT OR IGNORE INTO cards BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: license_texts
INSERT OR IGNORE INTO license_texts BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: model_facts
DELETE FROM model_facts WHERE snapshot_date = $snapshot_date;
INSERT INTO model_facts BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: evidence
DELETE FROM evidence WHERE snapshot_date = $snapshot_date;
INSERT INTO evidence BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);

-- table: openness
DELETE FROM openness WHERE snapshot_date = $snapshot_date;
INSERT INTO openness BY NAME SELECT * FROM read_parquet($path, hive_partitioning = false);
