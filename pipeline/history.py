"""History you can query: model_history (one row per model per distinct state) and openness_changes (events).

Both follow the published dated tables. Publishing a new latest date appends to the history, touching only the
models that changed (sql/history_append.sql); re-running an older date, or new backfilled states, rebuild it from
every dated row (sql/history_rebuild.sql). Both give the same rows; the tests check it. A rebuild first re-derives the
backfilled states read by another extractor or rubric version than the current ones (from their stored texts). The
events are then recomputed from the compact history (sql/history_changes.sql), only between states read by the same
versions for what depends on our reading. Everything runs inside the publishing transaction.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache

import duckdb

from pipeline.paths import read_sql
from pipeline.store.files import Store
from pipeline.store.tables import TEXT_TABLES, table_schema

# model_history's bookkeeping columns; every other column is part of a model's state.
BOOKKEEPING = ("hub_id", "valid_from", "valid_to", "source", "snapshots", "last_seen")


@cache
def state_columns() -> tuple[str, ...]:
    return tuple(c for c in table_schema("model_history") if c not in BOOKKEEPING)


def history_sql(name: str) -> str:
    """A history SQL file with {state} written out as the struct of the state columns (one list: the schema's)."""
    state = "{" + ", ".join(f"'{c}': {c}" for c in state_columns()) + "}"
    return read_sql(name).replace("{state}", state)


def run_statements(conn: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> None:
    """Runs a file's statements one by one: DuckDB binds named parameters in single statements only."""
    for statement in re.split(r";\s*$", sql, flags=re.MULTILINE):
        code = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--")).strip()
        if code:
            conn.execute(code, {k: v for k, v in params.items() if f"${k}" in code}).fetchall()


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Everything in the block is committed together, or rolled back together."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def load_backfill_states(conn: duckdb.DuckDBPyConnection, store: Store) -> int:
    """Replaces backfill_states with every backfilled repo's Parquet file (written by `openness backfill`),
    and adds the texts those states point to (README, LICENSE) to the text tables."""
    conn.execute("DELETE FROM backfill_states")
    states = store.backfill_glob("backfill_states", "backfill_states")
    if not glob.glob(states):
        return 0
    conn.execute("INSERT INTO backfill_states BY NAME SELECT * FROM read_parquet(?, hive_partitioning = false)", [states])
    for table in TEXT_TABLES:
        texts = store.backfill_glob("backfill_texts", table)
        if glob.glob(texts):
            conn.execute(
                f"INSERT OR IGNORE INTO {table} BY NAME SELECT * FROM read_parquet(?, hive_partitioning = false)",
                [texts],
            )
    return conn.execute("SELECT count(*) FROM backfill_states").fetchall()[0][0]


def can_append(conn: duckdb.DuckDBPyConnection, date: str) -> bool:
    """True when `date` is a new latest crawl date and the history already holds every earlier one."""
    latest_in_history, latest_before, later = conn.execute(
        "SELECT (SELECT max(last_seen) FROM model_history), "
        "(SELECT max(snapshot_date) FROM crawl_runs WHERE snapshot_date < ?), "
        "(SELECT count(*) FROM crawl_runs WHERE snapshot_date > ?)",
        [date, date],
    ).fetchall()[0]
    return later == 0 and latest_before is not None and latest_in_history == latest_before


def backfill_changed(conn: duckdb.DuckDBPyConnection, store: Store) -> bool:
    """True when the backfilled states on disk are not the ones in backfill_states (a backfill has written or
    replaced a repo's states since the history was last rebuilt): then only a rebuild takes them in."""
    loaded = conn.execute("SELECT count(*), max(backfilled_at) FROM backfill_states").fetchall()[0]
    states = store.backfill_glob("backfill_states", "backfill_states")
    if not glob.glob(states):
        return loaded[0] > 0
    on_disk = conn.execute(
        "SELECT count(*), max(backfilled_at) FROM read_parquet(?, hive_partitioning = false)", [states]
    ).fetchall()[0]
    return on_disk != loaded


def update_history(conn: duckdb.DuckDBPyConnection, store: Store, date: str | None = None) -> dict[str, int]:
    """Brings model_history and openness_changes up to date after publishing `date` (None: rebuild)."""
    conn.execute(read_sql("crawl_states.sql")).fetchall()
    counts: dict[str, int] = {}
    if date is not None and can_append(conn, date) and not backfill_changed(conn, store):
        run_statements(conn, history_sql("history_append.sql"), {"snapshot_date": date})
        mode = "appended"
    else:
        # pipeline.backfill imports pipeline.snapshot, which imports this module: imported here.
        from pipeline.backfill import rederive_states

        # A rebuild reads every backfilled state with the current extractor and rubric, as the crawl reads dates.
        rederived = rederive_states(store)
        counts["backfill_states"] = load_backfill_states(conn, store)
        counts.update({name: n for name, n in rederived.items() if n})
        conn.execute(history_sql("history_rebuild.sql")).fetchall()
        mode = "rebuilt"
    conn.execute(read_sql("history_changes.sql")).fetchall()
    counts[f"model_history_{mode}"] = conn.execute("SELECT count(*) FROM model_history").fetchall()[0][0]
    counts["openness_changes"] = conn.execute("SELECT count(*) FROM openness_changes").fetchall()[0][0]
    return counts


def rebuild_history(conn: duckdb.DuckDBPyConnection, store: Store) -> dict[str, int]:
    """Rebuilds model_history and openness_changes from every dated row and backfilled state."""
    return update_history(conn, store, None)


def version_ranges(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, dt.date, dt.date, int]]:
    """(extractor version, rubric version, first date, last date, dates) per run of published dates derived with
    the same versions, oldest first."""
    return conn.execute(read_sql("derivation_versions.sql")).fetchall()


def backfill_versions(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(extractor version, rubric version, states) of the backfilled states in the history."""
    return conn.execute(
        "SELECT extractor_version, rubric_version, count(*) FROM backfill_states GROUP BY ALL ORDER BY ALL"
    ).fetchall()


def mixed_versions(conn: duckdb.DuckDBPyConnection) -> str | None:
    """What to tell the operator when the history's states were read by more than one extractor or rubric version
    (None when they were all read alike): the history makes no reading event across a version change."""
    ranges, backfilled = version_ranges(conn), backfill_versions(conn)
    if len({(e, r) for e, r, *_ in ranges} | {(e, r) for e, r, _ in backfilled}) <= 1:
        return None
    parts = [f"{first}" + (f" to {last}" if last != first else "") + f": extractor {e}, rubric {r}"
             for e, r, first, last, _ in ranges]
    parts += [f"{n:,} backfilled states: extractor {e}, rubric {r}" for e, r, n in backfilled]
    return ("the history mixes extractor and rubric versions (" + "; ".join(parts) + "), so it derives no "
            "license, code, checkpoint, dataset or class event where the version changes: run `openness reprocess` "
            "to re-derive every date with the current versions")


def publish_history(
    home: str | os.PathLike, connection: AbstractContextManager[duckdb.DuckDBPyConnection] | None = None
) -> dict[str, int]:
    """Rebuilds the history in the working database and releases it (after a backfill, outside any crawl).
    `connection` opens the working database (a DuckDBResource's get_connection(); default: HOME's)."""
    from pipeline.defs.resources import build_resources
    from pipeline.snapshot import ensure_schema
    from pipeline.store.release import writing_then_release

    store = Store.at(home)
    with writing_then_release(store, connection or build_resources(home)["duckdb"].get_connection()) as conn:
        ensure_schema(conn)
        with transaction(conn):
            counts = rebuild_history(conn, store)
    return counts
