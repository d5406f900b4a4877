"""How compact is the history, and how fast is the trend query over it?

A synthetic world of N models (default 100,000) over D days (default 365) at the generator's realistic change
rates. Every distinct revision is extracted and graded once (as the crawl would on the day it changed); each
day's crawl_states rows are then exactly the states visible that day, as if the pipeline had crawled every day.
The history is built with the pipeline's own SQL (sql/history.sql), and the trend query (class shares per date)
is timed over the history and over the uncompacted daily rows, in the same run.

    .venv/bin/python benchmarks/history_efficiency.py [--models 100000] [--days 365] [--seed 1] [--workdir DIR]

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
from pipeline.paths import read_sql

TREND_OVER_HISTORY = """
SELECT d.snapshot_date, h.openness_class, count(*) AS models
FROM (SELECT DISTINCT snapshot_date FROM crawl_runs) d
JOIN model_history h ON h.valid_from <= d.snapshot_date AND (h.valid_to IS NULL OR d.snapshot_date < h.valid_to)
GROUP BY ALL ORDER BY ALL
"""
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
        )).facts
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the world and database here (default: a temp folder)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="history-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    summary = generate_world(work / "world", models=args.models, days=args.days, seed=args.seed)
    print(f"world: {summary['repos']:,} repos, {summary['revisions']:,} revisions over {args.days} days "
          f"({time.perf_counter() - started:.0f} s)")

    world = World(work / "world")
    started = time.perf_counter()
    states = revision_states(world)
    print(f"extracted and graded {states.height:,} revisions ({time.perf_counter() - started:.0f} s)")

    db = work / "bench.duckdb"
    db.unlink(missing_ok=True)
    conn = duckdb.connect(str(db))
    conn.execute(read_sql("schema.sql"))
    conn.execute("DROP TABLE crawl_runs")  # the benchmark needs only its dates
    conn.register("revision_states", states.to_arrow())
    first = dt.date.fromisoformat(world.dates[0])
    # Each repo's state on a day is its newest revision committed by the end of that day (the replay hub's rule).
    started = time.perf_counter()
    conn.execute(f"""
        CREATE TABLE crawl_runs AS
        SELECT (DATE '{first}' + i::INTEGER) AS snapshot_date FROM range({args.days}) t(i);
        CREATE TABLE visible AS
        SELECT *, commit_date[:10]::DATE AS day FROM revision_states
        QUALIFY row_number() OVER (PARTITION BY hub_id, commit_date[:10] ORDER BY commit_date DESC) = 1;
        CREATE TABLE intervals AS
        SELECT *, greatest(day, DATE '{first}') AS shown_from,
               lead(day) OVER (PARTITION BY hub_id ORDER BY day) AS shown_to
        FROM visible;
        CREATE TABLE crawl_states AS
        SELECT c.snapshot_date, i.* EXCLUDE (commit_date, deleted, day, shown_from, shown_to)
        FROM crawl_runs c JOIN intervals i
          ON i.shown_from <= c.snapshot_date AND (i.shown_to IS NULL OR c.snapshot_date < i.shown_to)
        WHERE NOT i.deleted AND i.day <= c.snapshot_date;
    """)
    daily = conn.execute("SELECT count(*) FROM crawl_states").fetchall()[0][0]
    print(f"daily rows (snapshots x models): {daily:,} ({time.perf_counter() - started:.0f} s to lay out)")

    started = time.perf_counter()
    conn.execute(read_sql("history.sql")).fetchall()
    rebuild = time.perf_counter() - started
    history = conn.execute("SELECT count(*) FROM model_history").fetchall()[0][0]
    models = conn.execute("SELECT count(DISTINCT hub_id) FROM model_history").fetchall()[0][0]
    events = conn.execute("SELECT count(*) FROM openness_changes").fetchall()[0][0]
    distinct = conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT hub_id, shown_from FROM intervals WHERE NOT deleted)"
    ).fetchall()[0][0]
    print(f"model_history: {history:,} rows for {models:,} models ({events:,} change events), rebuilt in {rebuild:.1f} s")
    print(f"distinct daily states laid out (upper bound): {distinct:,}")
    print(f"history rows / (snapshots x models) = {history:,} / {daily:,} = {history / daily:.4f}")

    over_history, n1 = best_of(conn, TREND_OVER_HISTORY)
    over_daily, n2 = best_of(conn, TREND_OVER_DAILY)
    same = conn.execute(f"SELECT count(*) FROM (({TREND_OVER_HISTORY}) EXCEPT ({TREND_OVER_DAILY}))").fetchall()[0][0]
    print(f"trend query (class shares per date, best of 5): history {over_history * 1000:.0f} ms ({n1:,} rows), "
          f"daily rows {over_daily * 1000:.0f} ms ({n2:,} rows); ratio history/daily = {over_history / over_daily:.2f}; "
          f"results {'identical' if same == 0 and n1 == n2 else 'DIFFER'}")
    print(f"database: {db} ({db.stat().st_size / 2**20:.0f} MiB)")
    conn.close()
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
