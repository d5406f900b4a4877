"""How compact is the history, and how fast is the trend query over it?

A synthetic world of N models (default 100,000) over D days (default 365) at the generator's realistic change
rates. Every distinct revision is extracted and graded once (as the crawl would on the day it changed); each
day's crawl_states rows are then exactly the states visible that day, as if the pipeline had crawled every day.
The history is built with the pipeline's own SQL (sql/history_rebuild.sql for all days but the last, then
sql/history_append.sql for the last, checked equal to a full rebuild), and the trend query
(sql/queries/class_shares.sql) is timed over the history against the same counts over the uncompacted daily rows.

    .venv/bin/python benchmarks/history_efficiency.py [--models 100000] [--days 365] [--seed 1] [--workdir DIR]
        [--reuse]   (with --workdir: reuse the daily rows laid out by an earlier run there)

Timings are for this run on this machine; compare the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from pipeline.extract.facts import extract
from pipeline.extract.model import ModelInput
from pipeline.hub.synth import generate_world
from pipeline.hub.world import World
from pipeline.openness.rubric import grade
from pipeline.history import can_append, history_sql, run_statements
from pipeline.paths import read_sql
from pipeline.queries import available_queries

# The trend over the daily rows, uncompacted: what an analyst would write without the history.
TREND_OVER_DAILY = """
SELECT snapshot_date, openness_class, count(*) AS models FROM crawl_states GROUP BY ALL ORDER BY ALL
"""


def revision_states(world: World) -> pl.DataFrame:
    """One state row per model revision: the facts and grades the crawl would record from that revision."""
    rows = []
    for rev in world.revisions.iter_rows(named=True):
        if rev["deleted"]:
            rows.append({"hub_id": rev["hub_id"], "commit_date": rev["commit_date"], "deleted": True})
            continue
        info = json.loads(rev["info_json"])
        readme = next((f for f in rev["files"] if f["path"] == "README.md"), None)
        text = world.blob(readme["blob_id"]).decode("utf-8", "replace") if readme and readme["blob_id"] else None
        gated = rev["gated"] if rev["gated"] in ("auto", "manual") else "no"
        facts = extract(ModelInput(
            repo_id=rev["repo_id"], readme=text, card_data=info.get("cardData"), tags=rev["tags"],
            siblings=[f["path"] for f in rev["files"]], branches=[r["name"] for r in rev["refs"] if r["kind"] == "branch"],
            gated=gated,
        )).row
        grades = grade(facts, gated=gated)
        rows.append({
            "hub_id": rev["hub_id"], "commit_date": rev["commit_date"], "deleted": False, "repo_id": rev["repo_id"],
            "license_id": facts["license_id"], "license_family": facts["license_family"],
            "license_osi_approved": facts["license_osi_approved"], "gated": gated,
            "has_training_code": facts["training_code"], "data_disclosure": facts["data_disclosure"],
            "checkpoint_disclosure": facts["checkpoints"], "datasets_named": len(facts["datasets"]),
            "papers_linked": len(facts["papers"]), "base_models": facts["base_models"],
            **{k: grades[k] for k in ("weights", "license", "training_code", "training_data", "data_composition",
                                      "checkpoints", "paper", "model_card", "access", "openness_class",
                                      "osaid_candidate", "mof_class", "eosai_score", "rubric_version")},
        })
    return pl.DataFrame(rows, infer_schema_length=None)


def best_of(conn: duckdb.DuckDBPyConnection, sql: str, runs: int = 5) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        n = len(conn.execute(sql).fetchall())
        times.append(time.perf_counter() - started)
    return min(times), n


def lay_out_daily_rows(conn: duckdb.DuckDBPyConnection, first: dt.date, days: int) -> int:
    """crawl_runs (the dates) and crawl_states (one row per date and visible repo) from the revision intervals."""
    conn.execute(f"""
        DROP TABLE IF EXISTS crawl_runs; DROP TABLE IF EXISTS crawl_states; DROP TABLE IF EXISTS all_states;
        DROP TABLE IF EXISTS all_runs; DROP TABLE IF EXISTS appended;
        CREATE TABLE crawl_runs AS
        SELECT (DATE '{first}' + i::INTEGER) AS snapshot_date FROM range({days}) t(i);
        CREATE TABLE crawl_states AS
        SELECT c.snapshot_date, i.* EXCLUDE (commit_date, deleted, day, shown_from, shown_to)
        FROM crawl_runs c JOIN intervals i
          ON i.shown_from <= c.snapshot_date AND (i.shown_to IS NULL OR c.snapshot_date < i.shown_to)
        WHERE NOT i.deleted AND i.day <= c.snapshot_date;
    """)
    return conn.execute("SELECT count(*) FROM crawl_states").fetchall()[0][0]


def measure_history(conn: duckdb.DuckDBPyConnection, first: dt.date, args: argparse.Namespace, daily: int) -> None:
    last = (first + dt.timedelta(days=args.days - 1)).isoformat()
    # The history as the daily runs build it: rebuilt up to the day before the last, then the last day appended.
    conn.execute("ALTER TABLE crawl_states RENAME TO all_states")
    conn.execute("CREATE TABLE crawl_states AS SELECT * FROM all_states WHERE snapshot_date < ?", [last])
    conn.execute("CREATE OR REPLACE TABLE all_runs AS SELECT * FROM crawl_runs")
    conn.execute("DELETE FROM crawl_runs WHERE snapshot_date = ?", [last])
    started = time.perf_counter()
    conn.execute(history_sql("history_rebuild.sql")).fetchall()
    rebuild = time.perf_counter() - started
    conn.execute("INSERT INTO crawl_states SELECT * FROM all_states WHERE snapshot_date = ?", [last])
    conn.execute("INSERT INTO crawl_runs VALUES (?)", [last])
    assert can_append(conn, last)
    started = time.perf_counter()
    run_statements(conn, history_sql("history_append.sql"), {"snapshot_date": last})
    append = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute(read_sql("history_changes.sql")).fetchall()
    changes = time.perf_counter() - started
    conn.execute("CREATE OR REPLACE TABLE appended AS SELECT * FROM model_history")
    conn.execute(history_sql("history_rebuild.sql")).fetchall()
    differ = conn.execute(
        "SELECT count(*) FROM ((SELECT * FROM appended EXCEPT ALL SELECT * FROM model_history) "
        "UNION ALL (SELECT * FROM model_history EXCEPT ALL SELECT * FROM appended))"
    ).fetchall()[0][0]
    history = conn.execute("SELECT count(*) FROM model_history").fetchall()[0][0]
    models = conn.execute("SELECT count(DISTINCT hub_id) FROM model_history").fetchall()[0][0]
    events = conn.execute("SELECT count(*) FROM openness_changes").fetchall()[0][0]
    print(f"model_history: {history:,} rows for {models:,} models ({events:,} change events)")
    print(f"history maintenance: rebuild of {args.days - 1} days {rebuild:.1f} s; appending day {args.days} "
          f"{append:.2f} s; events from the history {changes:.2f} s; appended == rebuilt: {differ == 0}")
    print(f"history rows / (snapshots x models) = {history:,} / {daily:,} = {history / daily:.4f}")

    conn.execute(read_sql("views.sql"))
    trend = next(q for q in available_queries().values() if q.name == "class_shares")
    over_history, n1 = best_of(conn, trend.sql.replace("$from", "NULL").replace("$to", "NULL"))
    over_daily, n2 = best_of(conn, TREND_OVER_DAILY)
    same = conn.execute(
        f"SELECT count(*) FROM ((SELECT snapshot_date, openness_class, models FROM "
        f"({trend.sql.replace('$from', 'NULL').replace('$to', 'NULL')})) EXCEPT ({TREND_OVER_DAILY}))"
    ).fetchall()[0][0]
    print(f"trend query (sql/queries/class_shares.sql, best of 5): history {over_history * 1000:.0f} ms "
          f"({n1:,} rows); the same counts from the daily rows {over_daily * 1000:.0f} ms ({n2:,} rows); "
          f"ratio history/daily = {over_history / over_daily:.2f}; results {'identical' if same == 0 and n1 == n2 else 'DIFFER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the world and database here (default: a temp folder)")
    parser.add_argument("--reuse", action="store_true", help="reuse the daily rows of an earlier run in --workdir")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="history-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.duckdb"
    if args.reuse and db.is_file():
        conn = duckdb.connect(str(db))
        first = conn.execute("SELECT min(shown_from) FROM intervals").fetchall()[0][0]
        daily = lay_out_daily_rows(conn, first, args.days)
        print(f"reusing the graded revisions in {db}: {daily:,} daily rows over {args.days} days")
        measure_history(conn, first, args, daily)
        conn.close()
        return

    started = time.perf_counter()
    summary = generate_world(work / "world", models=args.models, days=args.days, seed=args.seed)
    print(f"world: {summary['repos']:,} repos, {summary['revisions']:,} revisions over {args.days} days "
          f"({time.perf_counter() - started:.0f} s)")

    world = World(work / "world")
    started = time.perf_counter()
    states = revision_states(world)
    print(f"extracted and graded {states.height:,} revisions ({time.perf_counter() - started:.0f} s)")

    db.unlink(missing_ok=True)
    conn = duckdb.connect(str(db))
    conn.execute(read_sql("schema.sql"))
    conn.execute("DROP TABLE crawl_runs")  # the benchmark's crawl_runs holds only the dates
    conn.register("revision_states", states.to_arrow())
    first = dt.date.fromisoformat(world.dates[0])
    # Each repo's state on a day is its newest revision committed by the end of that day (the replay hub's rule).
    conn.execute(f"""
        CREATE TABLE visible AS
        SELECT *, commit_date[:10]::DATE AS day FROM revision_states
        QUALIFY row_number() OVER (PARTITION BY hub_id, commit_date[:10] ORDER BY commit_date DESC) = 1;
        CREATE TABLE intervals AS
        SELECT *, greatest(day, DATE '{first}') AS shown_from,
               lead(day) OVER (PARTITION BY hub_id ORDER BY day) AS shown_to
        FROM visible;
    """)
    started = time.perf_counter()
    daily = lay_out_daily_rows(conn, first, args.days)
    print(f"daily rows (snapshots x models): {daily:,} ({time.perf_counter() - started:.0f} s to lay out)")

    measure_history(conn, first, args, daily)
    print(f"database: {db} ({db.stat().st_size / 2**20:.0f} MiB)")
    conn.close()
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
