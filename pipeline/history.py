"""History you can query: model_history and openness_changes, rebuilt from the published dated tables.

The rebuild is SQL (sql/crawl_states.sql, sql/history.sql) run inside the publishing transaction, so the
history always matches the dates that are published, whatever order they were crawled, re-run or backfilled in.
"""

from __future__ import annotations

import os

import duckdb

from pipeline.paths import read_sql
from pipeline.store.files import Store

BACKFILL_GLOB = "raw/backfill_states/*/backfill_states.parquet"


def load_backfill_states(conn: duckdb.DuckDBPyConnection, store: Store) -> int:
    """Replaces backfill_states with every backfilled repo's Parquet file (written by `openness backfill`),
    and adds the texts those states point to (README, LICENSE) to the text tables."""
    conn.execute("DELETE FROM backfill_states")
    if not any(store.home.glob(BACKFILL_GLOB)):
        return 0
    conn.execute(
        "INSERT INTO backfill_states BY NAME SELECT * FROM read_parquet(?, hive_partitioning = false)",
        [str(store.home / BACKFILL_GLOB)],
    )
    texts = store.home / "raw" / "backfill_texts"
    for table in ("cards", "license_texts"):
        if any(texts.glob(f"*/{table}.parquet")):
            conn.execute(
                f"INSERT OR IGNORE INTO {table} BY NAME SELECT * FROM read_parquet(?, hive_partitioning = false)",
                [str(texts / "*" / f"{table}.parquet")],
            )
    return conn.execute("SELECT count(*) FROM backfill_states").fetchall()[0][0]


def rebuild_history(conn: duckdb.DuckDBPyConnection, store: Store) -> dict[str, int]:
    """Rebuilds model_history and openness_changes from the dated tables and the backfilled states."""
    backfilled = load_backfill_states(conn, store)
    conn.execute(read_sql("crawl_states.sql")).fetchall()
    conn.execute(read_sql("history.sql")).fetchall()
    rows = conn.execute("SELECT count(*) FROM model_history").fetchall()[0][0]
    events = conn.execute("SELECT count(*) FROM openness_changes").fetchall()[0][0]
    return {"backfill_states": backfilled, "model_history": rows, "openness_changes": events}


def publish_history(home: str | os.PathLike) -> dict[str, int]:
    """Rebuilds the history in the working database and releases it (after a backfill, outside any crawl)."""
    from pipeline.defs.resources import DUCKDB_CONFIG
    from pipeline.snapshot import ensure_schema
    from pipeline.store.release import ensure_working_copy, release_database

    store = Store.at(home)
    working = ensure_working_copy(store)
    conn = duckdb.connect(str(working), config=DUCKDB_CONFIG)
    try:
        ensure_schema(conn)
        conn.execute("BEGIN TRANSACTION")
        try:
            counts = rebuild_history(conn, store)
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    release_database(store)
    return counts
