"""Re-deriving published dates from the raw layer (`openness reprocess`), so that a new extractor or rubric version
never shows up as openness events: those must mean the model changed, not our reading of it.

Every published date in the range is re-extracted and re-graded from what its crawl stored (the listing, the README
and LICENSE texts by content hash, the named datasets' licenses), with no Hub request, and the suites a crawl runs on
those tables decide whether it is republished. The dates that pass are republished in one transaction with the
history rebuilt once (which re-derives the backfilled states too, pipeline.history), and the analysts' file is
released whole. A date whose raw inputs are incomplete, or whose checks fail, is reported and keeps what was
published.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from pipeline.defs.resources import build_resources
from pipeline.history import backfill_versions, mixed_versions, rebuild_history, transaction, version_ranges
from pipeline.quality import blocks, check_table
from pipeline.snapshot import PUBLISHED_FROM, build_facts, build_openness, ensure_schema, replace_date, write_snapshot
from pipeline.store.files import Store
from pipeline.store.release import writing_then_release

# Derived again from the raw layer; a date's other tables are the crawl's own record, republished as they are.
DERIVED = tuple(table for table, area in PUBLISHED_FROM.items() if area == "staging")
RAW = tuple(table for table, area in PUBLISHED_FROM.items() if area == "raw")
TEXTS = (("cards", "readme_hash", "README"), ("license_texts", "license_text_hash", "LICENSE"))


class ReprocessError(Exception):
    """There is nothing to reprocess: reported in one line."""


@dataclass
class ReprocessRun:
    dates: list[str] = field(default_factory=list)  # re-derived and republished
    not_done: dict[str, str] = field(default_factory=dict)  # date -> why it keeps what was published
    models: int = 0  # model rows re-derived, over the dates done
    before: dict[str, Any] = field(default_factory=dict)  # versions and history sizes (derivation_summary)
    after: dict[str, Any] = field(default_factory=dict)
    history: dict[str, int] = field(default_factory=dict)  # what the rebuild counted
    mixed_versions: str | None = None  # what to tell the operator when the history still mixes versions


def reprocess(
    home: str | os.PathLike,
    *,
    first: str | None = None,
    last: str | None = None,
    connection: AbstractContextManager[duckdb.DuckDBPyConnection] | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> ReprocessRun:
    """Re-derives the published dates from `first` to `last` (default: all), republishes them and rebuilds the
    history once. `connection` opens the working database (default: HOME's)."""
    store = Store.at(home)
    if not store.duckdb_path.is_file():
        raise ReprocessError(f"nothing published in {store.home} (no observatory.duckdb): run `openness run` first")
    run = ReprocessRun()
    with writing_then_release(store, connection or build_resources(home)["duckdb"].get_connection()) as conn:
        # Read before ensure_schema, which may empty an older database's history (to rebuild it); a database too old
        # to be read that way is read once it is brought up to the schema.
        try:
            run.before = derivation_summary(conn)
        except duckdb.CatalogException:
            run.before = {}
        ensure_schema(conn)
        run.before = run.before or derivation_summary(conn)
        dates = published_dates(conn, first, last)
        if not dates:
            raise ReprocessError(f"no published snapshot date between {first or 'the first'} and {last or 'the latest'}")
        for index, date in enumerate(dates, 1):
            prefix = f"[{index}/{len(dates)}] {date}"
            models, problem = rederive_date(store, date)
            if problem is not None:
                run.not_done[date] = problem
                progress(f"{prefix}: NOT re-derived, keeps what was published: {problem}")
                continue
            run.dates.append(date)
            run.models += models
            progress(f"{prefix}: {models:,} models re-derived")
        with transaction(conn):  # every date and the history, or none of them
            for date in run.dates:
                replace_date(store, conn, date)
            run.history = rebuild_history(conn, store)
        for date in run.dates:
            write_snapshot(store, date)
        run.after = derivation_summary(conn)
        run.mixed_versions = mixed_versions(conn)
    return run


def published_dates(conn: duckdb.DuckDBPyConnection, first: str | None, last: str | None) -> list[str]:
    rows = conn.execute(
        "SELECT snapshot_date FROM crawl_runs WHERE snapshot_date BETWEEN coalesce(?::DATE, DATE '1900-01-01') "
        "AND coalesce(?::DATE, DATE '9999-12-31') ORDER BY 1",
        [first, last],
    ).fetchall()
    return [day.isoformat() for (day,) in rows]


def rederive_date(store: Store, date: str) -> tuple[int, str | None]:
    """The date's facts and grades derived again into staging and checked: (models, None), or why it cannot be
    republished."""
    problem = missing_inputs(store, date)
    if problem is not None:
        return 0, problem
    models = build_facts(store, date)["models"]
    build_openness(store, date)
    return models, failed_checks(store, date)


def missing_inputs(store: Store, date: str) -> str | None:
    """What the raw layer lacks to derive and publish the date again (None: nothing). Without this check a README
    text that is gone would silently be read as a model without a card, and an unreadable file would stop the
    publishing transaction of every date."""
    for table in RAW:
        path = store.path("raw", table, date)
        if not path.is_file():
            return f"no raw/{table} for this date"
        try:
            pl.read_parquet_schema(path)  # the footer: a file cut short or overwritten does not have one
        except pl.exceptions.PolarsError as error:
            return f"raw/{table} cannot be read ({' '.join(str(error).split())[:200]})"
    models = store.read("raw", "models_raw", date, columns=[column for _, column, _ in TEXTS])
    gaps = []
    for table, column, name in TEXTS:
        wanted = set(models[column].drop_nulls())
        stored = set(
            store.scan_dates("raw", table, until=date).select("content_hash")
            .filter(pl.col("content_hash").is_in(list(wanted))).collect()["content_hash"]
        )
        missing = sorted(wanted - stored)
        if missing:
            gaps.append(f"{len(missing):,} {name} text{'s' if len(missing) > 1 else ''} missing from raw/{table} "
                        f"(sha256 {', '.join(h[:12] for h in missing[:3])}{', ...' if len(missing) > 3 else ''})")
    return "; ".join(gaps) or None


def failed_checks(store: Store, date: str) -> str | None:
    """The suites a crawl runs on the derived tables, blocking as in Dagster (None: all passed)."""
    failed = [result for result in (check_table(store, table, date) for table in DERIVED) if blocks(result)]
    return "; ".join(
        f"check {r.suite}_expectations failed: "
        + ", ".join(f"{f['expectation']}({f['column'] or ''})" for f in r.failed if f["severity"] != "warning")
        for r in failed
    ) or None


def derivation_summary(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The extractor and rubric versions of the published dates and backfilled states, and the history's size."""
    ranges, backfilled = version_ranges(conn), backfill_versions(conn)
    rows, events = conn.execute(
        "SELECT (SELECT count(*) FROM model_history), (SELECT count(*) FROM openness_changes)"
    ).fetchall()[0]
    return {
        "extractor": list(dict.fromkeys([e for e, *_ in ranges] + [e for e, _, _ in backfilled])),
        "rubric": list(dict.fromkeys([r for _, r, *_ in ranges] + [r for _, r, _ in backfilled])),
        "history_rows": rows,
        "events": events,
    }
