"""The `openness` command: run a snapshot, run the offline demo, serve or generate replay hubs."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PUBLIC_HUB = "https://huggingface.co"
MAX_EXTRACT_WORKERS = 8


class UserError(Exception):
    """A mistake in how the command was called: reported in one line, without a traceback."""


def _date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def default_extract_workers() -> int:
    """The CPUs this process may run on (its affinity, as taskset or a container's cpuset set it), at most
    MAX_EXTRACT_WORKERS: the process that reads the cards and writes the rows spends about a seventh of the
    workers' CPU time, so it could not keep up with many more."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, MAX_EXTRACT_WORKERS)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openness",
        description="Openness observatory: a longitudinal dataset of how open Hugging Face models really are.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="crawl, grade, check and publish one snapshot date")
    run.add_argument("--date", type=_date, default=dt.datetime.now(dt.timezone.utc).date().isoformat(),
                     help="snapshot date (default: today, UTC)")
    run.add_argument("--endpoint", default=os.environ.get("OPENNESS_HUB_ENDPOINT", PUBLIC_HUB),
                     help="Hub endpoint, e.g. a replay hub http://127.0.0.1:8000 (default: the public Hub); "
                     "{snapshot_date} in it is replaced by --date")
    run.add_argument("--home", default=os.environ.get("OPENNESS_HOME", "data"),
                     help="folder for raw data, snapshots and observatory.duckdb (default: ./data)")
    run.add_argument("--repo", action="append", default=[], metavar="ID", help="crawl this repo id (repeatable)")
    run.add_argument("--author", action="append", default=[], help="only repos of this author (repeatable)")
    run.add_argument("--search", help="only repo ids containing this text")
    run.add_argument("--pipeline-tag", help="only models with this task, e.g. text-generation")
    run.add_argument("--sort", default="downloads",
                     choices=["downloads", "likes", "created_at", "last_modified", "trending_score"])
    limit = run.add_mutually_exclusive_group()
    limit.add_argument("--limit", type=_positive, default=100, help="top N after sorting (default: 100)")
    limit.add_argument("--all", action="store_true", help="every repo that matches, no limit")
    run.add_argument("--workers", type=_positive, default=4, help="parallel detail fetches (default: 4)")

    demo = sub.add_parser("demo", help="generate a synthetic hub, serve it on loopback, crawl every day, summarise")
    demo.add_argument("--home", default="demo", help="folder for the demo world and its outputs (default: ./demo)")
    demo.add_argument("--models", type=_positive, default=1000, help="fictional models on the first day (default 1000)")
    demo.add_argument("--days", type=_positive, default=5, help="days of history to crawl (default 5)")
    demo.add_argument("--seed", type=int, default=7)

    query = sub.add_parser("query", help="run a named analyst query (sql/queries) on the published database")
    query.add_argument("name", nargs="?", help="query name; omit to list them")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a query parameter, e.g. --param from=2026-01-01 (repeatable)")
    query.add_argument("--db", type=Path, default=Path(os.environ.get("OPENNESS_HOME", "data")) / "observatory.duckdb",
                       help="the DuckDB file (default: $OPENNESS_HOME/observatory.duckdb, i.e. data/observatory.duckdb)")
    query.add_argument("--format", choices=["table", "csv", "parquet"], default="table")
    query.add_argument("--out", type=Path, help="write the result to this file (required for parquet)")

    backfill = sub.add_parser("backfill", help="date a repo's past states from its git history (README, LICENSE)")
    backfill.add_argument("repo_ids", nargs="*", metavar="REPO_ID", help="model repo id(s) to backfill")
    backfill.add_argument("--scope", action="store_true",
                          help="also every repo of the crawl scope on the latest published date")
    backfill.add_argument("--endpoint", default=os.environ.get("OPENNESS_HUB_ENDPOINT", PUBLIC_HUB),
                          help="Hub endpoint (default: the public Hub); {snapshot_date} in it is replaced by today")
    backfill.add_argument("--home", default=os.environ.get("OPENNESS_HOME", "data"),
                          help="folder for raw data, snapshots and observatory.duckdb (default: ./data)")

    rep = sub.add_parser("reprocess", help="re-derive published dates from the stored crawl data with the current "
                         "extractor and rubric, then rebuild the history (no Hub request)")
    rep.add_argument("--from", dest="first", type=_date, metavar="YYYY-MM-DD",
                     help="first snapshot date to re-derive (default: the first published)")
    rep.add_argument("--to", dest="last", type=_date, metavar="YYYY-MM-DD",
                     help="last snapshot date to re-derive (default: the latest published)")
    rep.add_argument("--home", default=os.environ.get("OPENNESS_HOME", "data"),
                     help="folder for raw data, snapshots and observatory.duckdb (default: ./data)")

    hub = sub.add_parser("hub", help="replay hubs: serve, generate, import recorded data")
    hub_sub = hub.add_subparsers(dest="hub_command", required=True, metavar="HUB_COMMAND")
    serve = hub_sub.add_parser("serve", help="serve a world folder on 127.0.0.1 with the Hub's routes")
    serve.add_argument("folder", type=Path, help="a world folder, or ../shared/data/hub-recorded")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port; default 8000)")
    serve.add_argument("--as-of", type=_date, help="date served without an /as-of/ prefix (default: the world's last)")
    serve.add_argument("--faults", help='fault injection, e.g. "429=0.1,5xx=0.02,cut=0.01,seed=7"')
    synth = hub_sub.add_parser("synth", help="generate a synthetic world of fictional models")
    synth.add_argument("folder", type=Path)
    synth.add_argument("--models", type=_positive, required=True)
    synth.add_argument("--days", type=_positive, default=1)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--start", type=_date, default="2026-01-01", help="first date of the world (default 2026-01-01)")
    imp = hub_sub.add_parser("import-recorded", help="build a world from the recorded Hub data")
    imp.add_argument("out", type=Path)
    imp.add_argument("--source", type=Path, default=Path("../shared/data/hub-recorded"))

    ext = sub.add_parser("extract", help="extract facts from a folder of README files or a Parquet card dump")
    ext.add_argument("source", type=Path,
                     help="folder of README files, subfolders included (org__name.md, org__name.README.md, "
                     "name_README.md, org/name/README.md), or a Parquet card dump in the librarian-bots layout "
                     "(a file, or a folder of shards)")
    ext.add_argument("--out", type=Path, required=True,
                     help="model_facts rows to write (FILE.parquet); evidence goes to FILE.evidence.parquet")
    ext.add_argument("--limit", type=_positive, help="stop after N cards")
    ext.add_argument("--workers", type=_positive,
                     help=f"extraction processes (default: the usable CPUs, at most {MAX_EXTRACT_WORKERS}); "
                     "1 extracts in this process")

    ev = sub.add_parser("eval", help="score extraction against hand labels (and the Hub's curated license lists)")
    ev.add_argument("--labels", type=Path,
                    help="labels_fixture.jsonl (default: ../shared/data/ground-truth/), or a real-card label file "
                    "keyed by `path` (ground-truth/cs577_dev/labels.jsonl), which needs --cards SRC")
    ev.add_argument("--peatmoss", type=Path,
                    help="PeaTMOSS ground truth (default: ../shared/data/ground-truth/peatmoss/Accurate_Pipeline__groundTruth.json)")
    ev.add_argument("--cards", type=Path, action="append", default=[], metavar="SRC",
                    help="a folder of README files (org__name.md) searched before the recorded cards (repeatable); "
                    "with real-card labels: the card corpus, as a folder or the bare git directory it was fetched into")
    ev.add_argument("--licenses", action="store_true",
                    help="also score license normalisation on the Hub's curated license:other / no-license lists")
    ev.add_argument("--json", type=Path, metavar="OUT", help="write every figure as JSON to OUT")

    agree = sub.add_parser("agreement", help="compare our grades with the EOSAI and MOF ground truth and the OSI list")
    agree.add_argument("--db", type=Path, default=Path(os.environ.get("OPENNESS_HOME", "data")) / "observatory.duckdb",
                       help="the DuckDB file (default: $OPENNESS_HOME/observatory.duckdb, i.e. data/observatory.duckdb)")
    agree.add_argument("--date", type=_date, help="snapshot date (default: the latest in the file)")
    agree.add_argument("--ground-truth", type=Path, help="folder of the ground-truth CSVs "
                       "(default: ../shared/data/ground-truth)")
    agree.add_argument("--json", type=Path, metavar="OUT", help="write every table and disagreement as JSON to OUT")

    exp = sub.add_parser("export", help="write the published data, Croissant metadata, datasheet and rubric to a folder")
    exp.add_argument("outdir", type=Path, help="a new or empty folder")
    exp.add_argument("--home", default=os.environ.get("OPENNESS_HOME", "data"),
                     help="the observatory folder to export from (default: ./data)")
    exp.add_argument("--force", action="store_true", help="replace OUTDIR even if it is not empty")
    exp.add_argument("--url", help="where the export will be published (Croissant `url`, datasheet, citation)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging()
    try:
        if args.command == "run":
            return command_run(args)
        if args.command == "demo":
            return command_demo(args)
        if args.command == "extract":
            return command_extract(args)
        if args.command == "eval":
            return command_eval(args)
        if args.command == "agreement":
            return command_agreement(args)
        if args.command == "export":
            return command_export(args)
        if args.command == "query":
            return command_query(args)
        if args.command == "backfill":
            return command_backfill(args)
        if args.command == "reprocess":
            return command_reprocess(args)
        if args.hub_command == "serve":
            return command_serve(args)
        if args.hub_command == "synth":
            return command_synth(args)
        return command_import(args)
    except UserError as error:
        print(f"openness: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("openness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stdout = open(os.devnull, "w")
        return 0


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    progress = logging.getLogger("openness.progress")
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False
    # huggingface_hub warns about every card whose model-index it cannot parse, and about each retry; the crawl
    # records cards as they are and counts retries in crawl_runs. (Its own setup would undo a plain setLevel.)
    from huggingface_hub.utils import logging as hf_logging

    hf_logging.set_verbosity_error()


# ---- run ----------------------------------------------------------------------------------------------


def command_run(args: argparse.Namespace) -> int:
    from pipeline.defs.resources import HubResource
    from pipeline.runner import run_snapshot

    _check_endpoint(args.endpoint)
    hub = HubResource(
        endpoint=args.endpoint,
        repo_ids=args.repo,
        authors=args.author,
        search=args.search,
        pipeline_tag=args.pipeline_tag,
        sort=args.sort,
        limit=None if args.all else args.limit,
        detail_workers=args.workers,
    )
    try:
        hub.scope()
    except ValueError as error:
        raise UserError(str(error)) from None
    outcome = run_snapshot(args.date, home=args.home, hub=hub)
    _report_outcome(outcome, Path(args.home))
    return 0 if outcome.published else 1


def _check_endpoint(endpoint: str) -> None:
    if not endpoint.startswith(("http://", "https://")):
        raise UserError(f"--endpoint must be an http(s) URL, not {endpoint!r}")


def _report_outcome(outcome, home: Path) -> None:
    import duckdb

    if outcome.published:
        with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
            run = conn.execute(
                "SELECT models_listed, details_fetched, details_carried, details_failed, requests, retries, status "
                "FROM crawl_runs WHERE snapshot_date = ?",
                [outcome.date],
            ).fetchone()
        listed, fetched, carried, failed, requests, retries, status = run
        print(
            f"{outcome.date}: published {listed:,} models ({fetched:,} fetched, {carried:,} unchanged, "
            f"{failed:,} failed; {requests:,} requests, {retries:,} retries; status {status})"
        )
        for warning in outcome.warnings:
            print(f"openness: warning: {warning}", file=sys.stderr)
        return
    print(f"{outcome.date}: NOT published", file=sys.stderr)
    for check in outcome.failed_checks:
        print(f"  check {check['check']} failed on {check['asset']}:", file=sys.stderr)
        for failure in check["failures"]:
            print(
                f"    {failure['expectation']}({failure.get('column') or ''}): "
                f"{failure.get('unexpected_count')} unexpected, e.g. {failure.get('sample')}",
                file=sys.stderr,
            )
    for error in outcome.errors:
        print(f"  error: {error}", file=sys.stderr)


# ---- demo ---------------------------------------------------------------------------------------------


def command_demo(args: argparse.Namespace) -> int:
    import duckdb

    from pipeline.defs.resources import HubResource
    from pipeline.hub.replay import ReplayHub
    from pipeline.hub.synth import generate_world
    from pipeline.hub.world import World
    from pipeline.runner import run_snapshot

    home = Path(args.home).resolve()
    world_dir = home / "world"
    started = time.monotonic()
    print(f"Generating a synthetic hub: {args.models:,} fictional models over {args.days} days (seed {args.seed})")
    generate_world(world_dir, models=args.models, days=args.days, seed=args.seed)
    world = World(world_dir)
    outcomes = []
    with ReplayHub(world) as hub:  # serves on a free loopback port until the block ends
        url = hub.url
        print(f"Replay hub serving on {url}")
        for date in world.dates:
            resource = HubResource(endpoint=f"{url}/as-of/{{snapshot_date}}", limit=None, detail_workers=4,
                                   backoff_base_seconds=0.2)
            outcome = run_snapshot(date, home=home, hub=resource)
            _report_outcome(outcome, home)
            outcomes.append(outcome)
    if not all(o.published for o in outcomes):
        print("demo: some dates were not published (see above)", file=sys.stderr)
        return 1
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        print_demo_summary(conn, world.dates[-1])
    print(f"\nDuckDB file:        {home / 'observatory.duckdb'}")
    print(f"Parquet snapshots:  {home / 'snapshots'}/<table>/snapshot_date=YYYY-MM-DD/")
    print(f"Replay world:       {world_dir}")
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


def print_demo_summary(conn, last_date: str) -> None:
    print(f"\nModels per openness class on {last_date}:")
    rows = conn.execute(
        "SELECT openness_class, count(*) AS models, round(avg(eosai_score), 2) AS mean_score "
        "FROM openness WHERE snapshot_date = ? GROUP BY 1 ORDER BY models DESC",
        [last_date],
    ).fetchall()
    for cls, models, score in rows:
        print(f"  {cls:<26} {models:>6,}   mean EOSAI-style score {score}")
    changes = conn.execute(
        "SELECT change, count(*) FROM openness_changes WHERE source = 'crawl' GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    print("\nChanges seen between consecutive days:")
    if not changes:
        print("  none")
    for change, count in changes:
        print(f"  {change:<26} {count:>6,}")


# ---- agreement ----------------------------------------------------------------------------------------


def command_agreement(args: argparse.Namespace) -> int:
    from pipeline.openness import agreement

    if not args.db.is_file():
        raise UserError(f"{args.db} does not exist (run `openness run` first, or pass --db)")
    folder = args.ground_truth or agreement.GROUND_TRUTH
    if not (folder / "ground_truth_eosai.csv").is_file():
        raise UserError(f"{folder} has no ground_truth_eosai.csv (pass --ground-truth)")
    try:
        date, frames = agreement.load_snapshot(args.db, args.date)
    except ValueError as error:
        raise UserError(str(error)) from None
    report = agreement.compare(
        frames["openness"], frames["model_facts"], frames["evidence"], agreement.load_ground_truth(folder),
        aliases=agreement.rename_aliases(frames["models_raw"]), snapshot_date=date,
    )
    print(agreement.format_report(report))
    if args.json:
        agreement.write_json(report, args.json)
        print(f"\nWrote {args.json}")
    return 0


# ---- query --------------------------------------------------------------------------------------------


def command_query(args: argparse.Namespace) -> int:
    import duckdb
    import polars as pl

    from pipeline.queries import available_queries, run_query

    queries = available_queries()
    if args.name is None:
        for query in queries.values():
            params = " ".join(f"[--param {p}=...]" for p in query.parameters)
            print(f"{query.name}\n    {query.description}" + (f"\n    {params}" if params else ""))
        return 0
    if args.name not in queries:
        raise UserError(f"no query named {args.name!r}; run `openness query` to list them")
    values = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UserError(f"--param must be NAME=VALUE, not {item!r}")
        values[name] = value
    if args.format == "parquet" and args.out is None:
        raise UserError("--format parquet needs --out FILE")
    if not args.db.is_file():
        raise UserError(f"{args.db} does not exist (run `openness run` first, or pass --db)")
    with duckdb.connect(str(args.db), read_only=True) as conn:
        try:
            result = run_query(conn, queries[args.name], values)
        except (ValueError, duckdb.Error) as error:
            raise UserError(str(error).splitlines()[0]) from None
    if args.format == "parquet":
        result.write_parquet(args.out)
    elif args.format == "csv":
        if args.out:
            result.write_csv(args.out)
        else:
            sys.stdout.write(result.write_csv().rstrip("\n") + "\n")
    else:
        with pl.Config(tbl_rows=50, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200, tbl_hide_dataframe_shape=True):
            print(result)
        print(f"{result.height:,} rows")
    if args.out:
        print(f"Wrote {result.height:,} rows to {args.out}", file=sys.stderr)
    return 0


# ---- backfill -----------------------------------------------------------------------------------------


def command_backfill(args: argparse.Namespace) -> int:
    from pipeline import backfill, history
    from pipeline.hub.client import HubClient
    from pipeline.store.files import Store, today

    _check_endpoint(args.endpoint)
    store = Store.at(args.home)
    try:
        repo_ids = backfill.repos_to_backfill(store, args.repo_ids, whole_scope=args.scope)
    except backfill.BackfillError as error:
        raise UserError(str(error)) from None
    client = HubClient(args.endpoint.replace("{snapshot_date}", today()), cache_dir=store.hf_cache)

    def report(line: str, status: str) -> None:  # unknown ids are listed once more at the end, as the error
        failed = status == "failed"
        print(f"openness: error: {line}" if failed else line, file=sys.stderr if failed else sys.stdout, flush=True)

    run = backfill.backfill_repos(client, store, repo_ids, report=report)
    if run.written:  # the history takes the new states in, and the analysts' file is released with them
        counts = history.publish_history(args.home)
        print("history rebuilt: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
    if run.not_found:
        raise UserError(f"no such model repo on the Hub: {', '.join(run.not_found)}")
    return 1 if run.failed else 0


# ---- reprocess ----------------------------------------------------------------------------------------


def command_reprocess(args: argparse.Namespace) -> int:
    from pipeline.reprocess import ReprocessError, reprocess

    started = time.monotonic()
    try:
        run = reprocess(args.home, first=args.first, last=args.last, progress=lambda line: print(line, flush=True))
    except ReprocessError as error:
        raise UserError(str(error)) from None
    before, after, history = run.before, run.after, run.history
    print(
        f"Re-derived {len(run.dates)} of {len(run.dates) + len(run.not_done)} dates ({run.models:,} models) in "
        f"{time.monotonic() - started:.1f} s, with no Hub request\n"
        f"  extractor {', '.join(before['extractor'])} → {', '.join(after['extractor'])}; "
        f"rubric {', '.join(before['rubric'])} → {', '.join(after['rubric'])}\n"
        f"  backfilled states: {history.get('backfill_states', 0):,} "
        f"({history.get('backfill_states_rederived', 0):,} re-derived)\n"
        f"  history: {before['history_rows']:,} → {after['history_rows']:,} rows, "
        f"{before['events']:,} → {after['events']:,} events"
    )
    if history.get("backfill_repos_kept"):
        print(f"openness: warning: {history['backfill_repos_kept']:,} backfilled repos keep their earlier reading: "
              "stored texts missing", file=sys.stderr)
    for date, problem in run.not_done.items():
        print(f"openness: error: {date} not re-derived: {problem}", file=sys.stderr)
    if run.mixed_versions:
        print(f"openness: warning: {run.mixed_versions}", file=sys.stderr)
    return 1 if run.not_done else 0


# ---- export -------------------------------------------------------------------------------------------


def command_export(args: argparse.Namespace) -> int:
    from pipeline.publishing import ExportError, export

    try:
        summary = export(args.home, args.outdir, force=args.force, url=args.url)
    except ExportError as error:
        print(f"openness: error: {error}", file=sys.stderr)
        return 1
    for warning in summary["croissant_warnings"]:
        print(f"croissant.json: warning: {warning}", file=sys.stderr)
    dates = summary["dates"]
    print(
        f"Exported {len(summary['tables'])} tables for {len(dates)} snapshot dates ({dates[0]} to {dates[-1]}) to "
        f"{summary['outdir']}: snapshots/, {'history/, ' if summary['history_tables'] else ''}observatory.duckdb, "
        "croissant.json (checked with mlcroissant), DATASHEET.md, RUBRIC.md"
    )
    return 0


# ---- hub ----------------------------------------------------------------------------------------------


def command_serve(args: argparse.Namespace) -> int:
    from pipeline.hub.recorded import ensure_world
    from pipeline.hub.replay import FaultSpec, ReplayHub
    from pipeline.hub.world import WorldError

    try:
        faults = FaultSpec.parse(args.faults) if args.faults else None
    except ValueError as error:
        raise UserError(f"--faults: {error}") from None
    if not args.folder.exists():
        raise UserError(f"{args.folder} does not exist")
    try:
        world = ensure_world(args.folder)
    except WorldError as error:
        raise UserError(str(error)) from None
    hub = ReplayHub(world, as_of=args.as_of, faults=faults)
    try:
        url = hub.start(args.port)
    except OSError as error:
        raise UserError(f"cannot listen on 127.0.0.1:{args.port}: {error.strerror or error}") from None
    print(f"Replay hub on {url} (dates {', '.join(world.dates)}; time travel: {url}/as-of/YYYY-MM-DD)")
    print("Press Ctrl+C to stop.")
    try:
        while True:
            time.sleep(3600)
    finally:
        hub.stop()


def command_synth(args: argparse.Namespace) -> int:
    from pipeline.hub.synth import generate_world

    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        print(f"\r  {done:,}/{total:,} models", end="", file=sys.stderr, flush=True)

    summary = generate_world(args.folder, models=args.models, days=args.days, seed=args.seed,
                             start_date=args.start, progress=progress)
    print(file=sys.stderr)
    changes = ", ".join(f"{kind} {n:,}" for kind, n in sorted(summary["changes"].items())) or "none"
    print(
        f"Wrote {args.folder} in {time.monotonic() - started:.1f} s: {summary['repos']:,} repos, "
        f"{summary['revisions']:,} revisions, {summary['dataset_repos']:,} dataset repos, "
        f"{summary['blobs']:,} distinct files, "
        f"dates {summary['dates'][0]}..{summary['dates'][-1]}; changes: {changes}"
    )
    return 0


def command_import(args: argparse.Namespace) -> int:
    from pipeline.hub.recorded import load_recorded

    if not (args.source / "model_info").is_dir():
        raise UserError(f"{args.source} does not look like the recorded Hub data (no model_info/ folder)")
    out = load_recorded(args.source, args.out)
    print(f"Wrote the recorded world to {out}")
    return 0


# ---- extract and eval ---------------------------------------------------------------------------------


def command_extract(args: argparse.Namespace) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from pipeline.corpus import CorpusError, extract_corpus

    if args.source.exists() and args.out.resolve() == args.source.resolve():
        raise UserError(f"--out {args.out} would overwrite the corpus it reads")
    started = time.monotonic()
    progress_shown = False

    def progress(done: int) -> None:
        nonlocal progress_shown
        progress_shown = True
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"\r  {done:,} cards ({rate:,.0f} cards/s)", end="", file=sys.stderr, flush=True)

    try:
        summary = extract_corpus(args.source, args.out, limit=args.limit, progress=progress,
                                 workers=args.workers or default_extract_workers())
    except CorpusError as error:
        raise UserError(str(error)) from None
    except BrokenProcessPool:
        raise UserError("an extraction worker process died (out of memory?); nothing was written") from None
    except OSError as error:
        raise UserError(f"{error.filename or args.out}: {error.strerror or error}") from None
    finally:
        if progress_shown:  # end the progress line, before the summary or an error
            print(file=sys.stderr)
    print(
        f"Extracted {summary['cards']:,} cards in {summary['seconds']:.1f} s ({summary['cards_per_second']:,.0f} "
        f"cards/s), {summary['with_parse_problems']:,} with parse problems -> {summary['out']} "
        f"(+ {summary['evidence_rows']:,} evidence rows in {summary['evidence_out']})"
    )
    return 0


def command_eval(args: argparse.Namespace) -> int:
    import json

    from pipeline import evaluation

    labels = args.labels or evaluation.LABELS
    if labels.is_file() and evaluation.is_real_card_labels(labels):
        report = _real_card_eval(labels, args.cards)
        if args.licenses:
            report["licenses"] = evaluation.score_license_lists()
    else:
        report = _fixture_eval(args, labels)
    print(evaluation.format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"\nWrote {args.json}")
    return 0


def _real_card_eval(labels: Path, sources: list[Path]) -> dict:
    from pipeline.card_eval import CardSource, CardSourceError, score_cards

    if len(sources) != 1:
        raise UserError("--labels with real-card labels needs one --cards SRC: the card corpus, as a folder or the "
                        "bare git directory it was fetched into")
    try:
        return {"real_cards": score_cards(labels, CardSource(sources[0]))}
    except CardSourceError as error:
        raise UserError(str(error)) from None
    except (ValueError, KeyError) as error:
        raise UserError(f"cannot read the labels: {type(error).__name__}: {error}") from None


def _fixture_eval(args: argparse.Namespace, labels: Path) -> dict:
    from pipeline import evaluation

    peatmoss = args.peatmoss or evaluation.PEATMOSS
    needed = [("--labels", labels), ("--peatmoss", peatmoss)]
    needed += [("--licenses", path) for path in evaluation.LICENSE_LISTS.values()] if args.licenses else []
    for option, path in needed:
        if not path.is_file():
            raise UserError(f"{option}: {path} does not exist (the shared data belongs in ../shared/data)")
    for folder in args.cards:
        if not folder.is_dir():
            raise UserError(f"--cards: {folder} is not a folder")
    try:
        return evaluation.evaluate(labels, peatmoss, args.cards, licenses=args.licenses)
    except (ValueError, KeyError, AttributeError) as error:  # json.JSONDecodeError is a ValueError
        raise UserError(f"cannot read the labels: {type(error).__name__}: {error}") from None

if __name__ == "__main__":
    sys.exit(main())
