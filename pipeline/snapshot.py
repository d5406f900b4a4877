"""The stages of one snapshot date, as plain functions over a Store: Dagster assets only call these.

listing -> details -> raw snapshot -> facts + evidence -> openness -> publish. Each stage reads what the
previous one wrote for the same date and replaces its own output for that date, so any stage can be
re-run on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from pipeline.extract.base_model import every_declared_base
from pipeline.extract.datasets import declared_datasets
from pipeline.extract.facts import extract
from pipeline.extract.licenses import is_open_license, least_open, normalise_license_id
from pipeline.extract.model import ModelInput
from pipeline.history import run_statements, transaction, update_history
from pipeline.hub.client import CrawlError, CrawlScope, HubClient
from pipeline.openness.agreement import rename_aliases
from pipeline.openness.lineage import inherit_grades, resolve_lineage
from pipeline.openness.rubric import grade
from pipeline.paths import read_sql
from pipeline.store.files import Store
from pipeline.store.tables import add_new_columns, date_column, frame

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
PROGRESS_SECONDS = 5.0
# A Hub repo id as cards write it: `org/name`, or a legacy one-segment id.
HUB_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}(/[\w.-]{1,96})?$")
HUB_DATASET_ID = HUB_REPO_ID

try:
    PIPELINE_VERSION = importlib.metadata.version("openness-observatory")
except importlib.metadata.PackageNotFoundError:  # running from a source tree that was not installed
    PIPELINE_VERSION = "0+unknown"

DETAILS_SCHEMA = {
    "hub_id": pl.String,
    "repo_id": pl.String,
    "status": pl.String,  # fetched | failed
    "branches": pl.List(pl.String),
    "git_tags": pl.List(pl.String),
    "readme_hash": pl.String,
    "license_file": pl.String,
    "license_text_hash": pl.String,
}
DETAIL_COLUMNS = ("branches", "git_tags", "readme_hash", "license_file", "license_text_hash")
LINEAGE_COLUMNS = (
    "lineage_status", "base_chain", "root_base", "lineage_depth", "card_training_data", "base_training_data",
    "base_data_composition", "base_training_code", "base_checkpoints", "base_paper", "base_license",
    "effective_training_data",
)
# Tables published for a date, and where each is staged before its checks pass.
PUBLISHED_FROM = {
    "crawl_runs": "raw",
    "crawl_errors": "raw",
    "models_raw": "raw",
    "datasets_raw": "raw",
    "cards": "raw",
    "license_texts": "raw",
    "model_facts": "staging",
    "evidence": "staging",
    "openness": "staging",
}


def _quiet(_: str) -> None:
    return None


def every(seconds: float, report: Progress) -> Callable[[str, bool], None]:
    """Passes a progress message on at most every `seconds`, and always when it is the last one."""
    last = [float("-inf")]

    def maybe(message: str, final: bool = False) -> None:
        now = time.monotonic()
        if final or now - last[0] >= seconds:
            last[0] = now
            report(message)

    return maybe


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


# ---- 1. listing ---------------------------------------------------------------------------------------


def crawl_listing(
    store: Store,
    client: HubClient,
    scope: CrawlScope,
    date: str,
    *,
    run_id: str | None = None,
    fetch_bases: bool = True,
    max_base_depth: int = 3,
    base_refresh_days: int = 7,
    progress: Progress = _quiet,
) -> dict:
    """One sweep of the listing for the scope, streamed into raw/listing."""
    started = _now()
    before = client.request_counts()
    progress(f"listing: sweeping {client.endpoint} ({scope.to_json()})")
    tick = every(PROGRESS_SECONDS, progress)
    result = client.list_scope(scope, progress=lambda n: tick(f"listing: {n:,} models so far"))
    progress(f"listing: {len(result.rows):,} models in scope")
    rows = [{**r, "scope_reason": "scope"} for r in result.rows]
    bases_not_found: dict[str, str] = {}
    if fetch_bases:
        lookups = previous_base_lookups(store, date, base_refresh_days)
        bases, bases_not_found = fetch_missing_bases(
            client, rows, result.errors, lookups, date, max_depth=max_base_depth
        )
        progress(f"listing: {len(bases):,} base models outside the scope added, for lineage")
        rows += bases
    counts = _delta(before, client.request_counts())
    store.write_frame("raw", "listing", date, frame("models_raw", [{**r, "snapshot_date": date} for r in rows])
                      .with_columns(pl.lit("listed").alias("details_status")))
    store.write_frame("raw", "listing_errors", date, frame("crawl_errors", _error_rows(result.errors, date)))
    stats = {
        "run_id": run_id,
        "source": client.endpoint,
        "scope": scope.to_json(),
        "started_at": started.isoformat(),
        "finished_at": _now().isoformat(),
        "models_listed": len(rows),
        "requests": counts["requests"],
        "retries": counts["retries"],
        "errors": len(result.errors),
        "bases_not_found": bases_not_found,
    }
    store.write_json("raw", "listing_stats", date, stats)
    return stats


def named_base_models(card_data: str | None, tags: list[str] | None) -> list[str]:
    """Base model ids a repo declares in its front matter or the Hub's tags, read by the extractor's own rules."""
    bases = every_declared_base(_card_data_dict(card_data), [t for t in tags or [] if isinstance(t, str)])
    return [n for n in bases if HUB_REPO_ID.match(n)]


def _card_data_dict(card_data: str | None) -> dict[str, Any]:
    data = json.loads(card_data) if card_data else {}
    return data if isinstance(data, dict) else {}


@dataclass
class BaseLookups:
    """What earlier crawls learnt about base models outside the scope, reused for `refresh_days`."""

    found: dict[str, dict[str, Any]]  # lower-cased id -> its listing row (fetched within the window)
    not_found: dict[str, str]  # lower-cased id -> date it was first found missing


def previous_base_lookups(store: Store, date: str, refresh_days: int) -> BaseLookups:
    previous_date = store.previous_date("raw", "listing", date)
    if previous_date is None:
        return BaseLookups({}, {})
    oldest = dt.date.fromisoformat(date) - dt.timedelta(days=refresh_days)
    bases = store.read("raw", "listing", previous_date).filter(
        (pl.col("scope_reason") == "base_model") & (pl.col("listed_at").dt.date() >= oldest)
    )
    found = {}
    for row in bases.iter_rows(named=True):
        found[row["repo_id"].lower()] = found[row["requested_id"].lower()] = row
    not_found = store.read_json("raw", "listing_stats", previous_date).get("bases_not_found", {})
    return BaseLookups(found, {k: v for k, v in not_found.items() if v >= oldest.isoformat()})


def fetch_missing_bases(
    client: HubClient, rows: list[dict[str, Any]], errors: list[CrawlError], lookups: BaseLookups, date: str,
    *, max_depth: int,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Base models named in scope but not in it, with their own bases up to `max_depth` levels, so that lineage
    resolves. Bases known from a recent crawl are reused, not asked for again; a base that does not exist is
    recorded once as a non-transient `base_model` error and then remembered as missing."""
    known = {r["repo_id"].lower() for r in rows} | {r["requested_id"].lower() for r in rows}
    hub_ids = {r["hub_id"] for r in rows}
    not_found = dict(lookups.not_found)
    added: list[dict[str, Any]] = []
    frontier = rows
    for _ in range(max_depth):
        wanted = list(dict.fromkeys(
            base for r in frontier for base in named_base_models(r.get("card_data"), r.get("tags"))
            if base.lower() not in known and base.lower() not in not_found
        ))
        if not wanted:
            break
        known.update(w.lower() for w in wanted)
        reused = [lookups.found[w.lower()] for w in wanted if w.lower() in lookups.found]
        fetched = client.list_repos([w for w in wanted if w.lower() not in lookups.found], stage="base_model")
        errors.extend(fetched.errors)
        for error in fetched.errors:
            if not error.transient:
                not_found[error.repo_id.lower()] = date
        frontier = [r for r in [*reused, *fetched.rows] if r["hub_id"] not in hub_ids]
        hub_ids.update(r["hub_id"] for r in frontier)
        known.update(r["repo_id"].lower() for r in frontier)
        added += [{**r, "scope_reason": "base_model"} for r in frontier]
    return added, not_found


# ---- 2. details ---------------------------------------------------------------------------------------


def repos_needing_details(listing: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Repos new since the previous snapshot, or whose sha or last-modified time moved, or whose details failed.

    lastModified is compared as well as sha because pushing a branch (a new checkpoint) changes the repo
    without moving main's sha.
    """
    prev = previous.select(
        "hub_id",
        pl.col("sha").alias("prev_sha"),
        pl.col("last_modified").alias("prev_modified"),
        pl.col("details_status").alias("prev_status"),
    )
    joined = listing.join(prev, on="hub_id", how="left")
    changed = (
        pl.col("prev_status").is_null()  # new in scope
        | pl.col("sha").ne_missing(pl.col("prev_sha"))
        | pl.col("last_modified").ne_missing(pl.col("prev_modified"))
        | (pl.col("prev_status") == "failed")
    )
    return joined.filter(changed).select(listing.columns)


def crawl_details(store: Store, client: HubClient, date: str, progress: Progress = _quiet) -> dict:
    """README, refs and LICENSE for changed repos only; texts stored once per content hash."""
    listing = store.read("raw", "listing", date)
    previous_date = store.previous_date("raw", "models_raw", date)
    previous = store.read_or_empty("raw", "models_raw", previous_date)
    todo = repos_needing_details(listing, previous)
    progress(f"details: {todo.height:,} of {listing.height:,} repos changed since {previous_date or 'the start'}")

    started = _now()
    before = client.request_counts()
    tick = every(PROGRESS_SECONDS, progress)
    fetched = client.fetch_all_details(
        todo.to_dicts(),
        progress=lambda done, total, failed: tick(f"details: {done:,}/{total:,} ({failed} failed)", done == total),
    )
    counts = _delta(before, client.request_counts())

    rows, errors, cards, licenses = [], [], {}, {}
    for repo in todo.iter_rows(named=True):
        details = fetched[repo["hub_id"]]
        readme_hash = remember_text(cards, details.readme)
        license_hash = remember_text(licenses, details.license_text)
        rows.append(
            {
                "hub_id": repo["hub_id"],
                "repo_id": repo["repo_id"],
                "status": "failed" if details.failed else "fetched",
                "branches": details.branches,
                "git_tags": details.git_tags,
                "readme_hash": readme_hash,
                "license_file": details.license_file,
                "license_text_hash": license_hash,
            }
        )
        errors.extend(details.errors)

    store.write_frame("raw", "details", date, pl.DataFrame(rows, schema=DETAILS_SCHEMA))
    store.write_frame("raw", "details_errors", date, frame("crawl_errors", _error_rows(errors, date)))
    new_cards = _texts_first_seen(store, "cards", cards, date)
    new_licenses = _texts_first_seen(store, "license_texts", licenses, date)
    store.write("raw", "cards", date, new_cards)
    store.write("raw", "license_texts", date, new_licenses)
    stats = {
        "started_at": started.isoformat(),
        "finished_at": _now().isoformat(),
        "details_fetched": sum(1 for r in rows if r["status"] == "fetched"),
        "details_failed": sum(1 for r in rows if r["status"] == "failed"),
        "requests": counts["requests"],
        "retries": counts["retries"],
        "errors": len(errors),
        "new_cards": len(new_cards),
    }
    store.write_json("raw", "details_stats", date, stats)
    return stats


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remember_text(texts: dict[str, bytes], data: bytes | None) -> str | None:
    """Keeps the text under its content hash and returns the hash (None for no text)."""
    if data is None:
        return None
    key = content_hash(data)
    texts[key] = data
    return key


def _texts_first_seen(store: Store, table: str, texts: dict[str, bytes], date: str) -> list[dict[str, Any]]:
    """Texts not already stored under an earlier date: each distinct content is kept once."""
    if not texts:
        return []
    previous = store.previous_date("raw", table, date)
    known: set[str] = set()
    if previous is not None:  # every date before this one
        known = set(
            store.scan_dates("raw", table, until=previous)
            .select("content_hash")
            .filter(pl.col("content_hash").is_in(list(texts)))
            .collect()["content_hash"]
        )
    return text_rows({h: b for h, b in texts.items() if h not in known}, date)


def text_rows(texts: dict[str, bytes], date: str) -> list[dict[str, Any]]:
    """Rows of `cards` / `license_texts`: bytes that are not UTF-8 are replaced (the byte length is kept)."""
    return [
        {"content_hash": h, "first_seen": date, "byte_length": len(b), "text": b.decode("utf-8", errors="replace")}
        for h, b in sorted(texts.items())
    ]


# ---- 2b. named datasets -------------------------------------------------------------------------------


DATASET_COLUMNS = ("hub_id", "status", "license_declared", "license_id", "open", "gated", "details_date")


def named_datasets(card_data: str | None, tags: list[str] | None) -> list[str]:
    """Hub dataset ids a model declares, read by the extractor's own rule (front matter `datasets`, `dataset:` tags)."""
    declared = declared_datasets(_card_data_dict(card_data), [t for t in tags or [] if isinstance(t, str)])
    return list(dict.fromkeys(name.strip() for name, _ in declared if HUB_DATASET_ID.match(name.strip())))


def dataset_license(license_declared: str | None) -> str | None:
    """The normalised license of a dataset card's `license` value (a list is as open as its least open member)."""
    if not license_declared:
        return None
    value = json.loads(license_declared)
    values = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    ids = [normalise_license_id(v) or "other" for v in values]
    return least_open(ids) if ids else None


def crawl_datasets(
    store: Store, client: HubClient, date: str, *, refresh_days: int = 30, progress: Progress = _quiet
) -> dict:
    """The Hub datasets that models name, each looked up once and then carried for `refresh_days`."""
    listing = store.read("raw", "listing", date)
    named: dict[str, int] = {}
    for card_data, tags in listing.select("card_data", "tags").iter_rows():
        for dataset_id in named_datasets(card_data, tags):
            named[dataset_id] = named.get(dataset_id, 0) + 1
    previous = store.read_or_empty("raw", "datasets_raw", store.previous_date("raw", "datasets_raw", date))
    known = {row["dataset_id"]: row for row in previous.iter_rows(named=True)}
    oldest_kept = dt.date.fromisoformat(date) - dt.timedelta(days=refresh_days)
    todo = [
        d for d in named
        if d not in known or known[d]["status"] == "failed" or known[d]["details_date"] < oldest_kept
    ]
    progress(f"datasets: {len(named):,} named, {len(todo):,} to look up")
    before = client.request_counts()
    tick = every(PROGRESS_SECONDS, progress)
    fetched = client.fetch_dataset_infos(
        todo, progress=lambda done, total, failed: tick(f"datasets: {done:,}/{total:,} ({failed} failed)", done == total)
    )
    counts = _delta(before, client.request_counts())
    rows, errors = [], []
    today = dt.date.fromisoformat(date)
    for dataset_id, models in named.items():
        if dataset_id in fetched:
            info = fetched[dataset_id]
            if info.error is not None:
                errors.append(info.error)
            license_id = dataset_license(info.license_declared)
            row = {
                "hub_id": info.hub_id, "status": info.status, "license_declared": info.license_declared,
                "license_id": license_id, "open": dataset_open(info.status, license_id), "gated": info.gated,
                "details_date": today,
            }
        else:
            row = {c: known[dataset_id][c] for c in DATASET_COLUMNS}
            row["status"] = "carried" if row["status"] in ("fetched", "carried") else row["status"]
        rows.append({"snapshot_date": today, "dataset_id": dataset_id, "models": models, **row})
    store.write("raw", "datasets_raw", date, rows)
    store.write_frame("raw", "dataset_errors", date, frame("crawl_errors", _error_rows(errors, date)))
    stats = {
        "datasets_fetched": sum(1 for i in fetched.values() if i.status != "failed"),
        "datasets_carried": len(named) - len(todo),
        "requests": counts["requests"],
        "retries": counts["retries"],
        "errors": len(errors),
    }
    store.write_json("raw", "dataset_stats", date, stats)
    return stats


def dataset_open(status: str, license_id: str | None) -> bool | None:
    if status != "fetched":
        return None
    return is_open_license(license_id) if license_id else False


# ---- 3. raw snapshot ----------------------------------------------------------------------------------


def build_raw_snapshot(store: Store, date: str) -> dict:
    """models_raw for the date: the listing, with details fetched today or carried from the previous snapshot."""
    listing = store.read("raw", "listing", date)
    details = store.read("raw", "details", date)
    previous_date = store.previous_date("raw", "models_raw", date)
    previous = store.read_or_empty("raw", "models_raw", previous_date)

    fetched = details.select("hub_id", pl.col("status").alias("fetch_status"), *DETAIL_COLUMNS)
    carried = previous.select(
        "hub_id", pl.col("details_date").alias("prev_details_date"),
        *[pl.col(c).alias(f"prev_{c}") for c in DETAIL_COLUMNS],
    )
    joined = listing.drop(*DETAIL_COLUMNS, "details_status", "details_date").join(fetched, on="hub_id", how="left")
    joined = joined.join(carried, on="hub_id", how="left")
    was_fetched = pl.col("fetch_status") == "fetched"
    has_previous = pl.col("prev_details_date").is_not_null()
    # A failed fetch keeps yesterday's details (marked failed) rather than erasing what was known.
    use_fetched = was_fetched | (pl.col("fetch_status").is_not_null() & ~has_previous)
    models_raw = joined.with_columns(
        *[pl.when(use_fetched).then(pl.col(c)).otherwise(pl.col(f"prev_{c}")).alias(c) for c in DETAIL_COLUMNS],
        pl.when(pl.col("fetch_status").is_null())
        .then(pl.lit("carried"))
        .otherwise(pl.col("fetch_status"))
        .alias("details_status"),
        pl.when(use_fetched)
        .then(pl.lit(dt.date.fromisoformat(date)))
        .otherwise(pl.col("prev_details_date"))
        .alias("details_date"),
    )
    store.write("raw", "models_raw", date, models_raw)

    listing_stats = store.read_json("raw", "listing_stats", date)
    details_stats = store.read_json("raw", "details_stats", date)
    dataset_stats = store.read_json("raw", "dataset_stats", date)
    errors = pl.concat(
        [store.read_or_empty("raw", table, date) for table in ("listing_errors", "details_errors", "dataset_errors")]
    )
    store.write("raw", "crawl_errors", date, errors)
    status_counts = dict(models_raw.group_by("details_status").len().iter_rows())
    run = {
        "snapshot_date": date,
        "run_id": listing_stats.get("run_id"),
        "source": listing_stats.get("source", ""),
        "scope": listing_stats.get("scope", "{}"),
        "started_at": dt.datetime.fromisoformat(listing_stats["started_at"]),
        "finished_at": dt.datetime.fromisoformat(details_stats.get("finished_at", listing_stats["finished_at"])),
        "models_listed": models_raw.height,
        "details_fetched": status_counts.get("fetched", 0),
        "details_carried": status_counts.get("carried", 0),
        "details_failed": status_counts.get("failed", 0),
        "datasets_fetched": dataset_stats.get("datasets_fetched", 0),
        "datasets_carried": dataset_stats.get("datasets_carried", 0),
        "requests": sum(stats.get("requests", 0) for stats in (listing_stats, details_stats, dataset_stats)),
        "retries": sum(stats.get("retries", 0) for stats in (listing_stats, details_stats, dataset_stats)),
        "errors": errors.height,
        # partial: some repo could not be crawled for server or network trouble; a missing file is not that.
        "status": "partial" if errors["transient"].any() else "ok",
        "pipeline_version": PIPELINE_VERSION,
    }
    store.write("raw", "crawl_runs", date, [run])
    return {k: v for k, v in run.items() if k not in ("started_at", "finished_at", "snapshot_date")}


# ---- 4. facts -----------------------------------------------------------------------------------------


def load_texts(store: Store, table: str, hashes: list[str], date: str) -> dict[str, str]:
    wanted = [h for h in set(hashes) if h]
    if not wanted:
        return {}
    found = (
        store.scan_dates("raw", table, until=date)
        .filter(pl.col("content_hash").is_in(wanted))
        .select("content_hash", "text")
        .unique("content_hash")
        .collect()
    )
    return dict(found.iter_rows())


def known_dataset_licenses(store: Store, date: str) -> dict[str, str | None]:
    """Lower-cased Hub dataset id -> its license id (None: declares none), for datasets found on the Hub."""
    datasets = store.read_or_empty("raw", "datasets_raw", date)
    found = datasets.filter(pl.col("status").is_in(["fetched", "carried"]))
    return {d.lower(): license_id for d, license_id in found.select("dataset_id", "license_id").iter_rows()}


def model_input(
    row: dict[str, Any], readme: str | None, license_text: str | None, dataset_licenses: dict[str, str | None]
) -> ModelInput:
    card_data = json.loads(row["card_data"]) if row.get("card_data") else None
    return ModelInput(
        repo_id=row["repo_id"],
        readme=readme,
        card_data=card_data if isinstance(card_data, dict) else None,
        tags=list(row.get("tags") or []),
        siblings=list(row.get("siblings") or []),
        branches=list(row.get("branches") or []),
        gated=row.get("gated") or "no",
        license_text=license_text,
        license_file=row.get("license_file"),
        pipeline_tag=row.get("pipeline_tag"),
        library_name=row.get("library_name"),
        dataset_licenses=dataset_licenses,
    )


def build_facts(store: Store, date: str) -> dict:
    """model_facts and evidence for every model of the date (staged until their checks pass)."""
    models = store.read("raw", "models_raw", date)
    readmes = load_texts(store, "cards", models["readme_hash"].to_list(), date)
    licenses = load_texts(store, "license_texts", models["license_text_hash"].to_list(), date)
    dataset_licenses = known_dataset_licenses(store, date)
    facts_rows, evidence_rows = [], []
    key = {"snapshot_date": dt.date.fromisoformat(date)}
    for row in models.iter_rows(named=True):
        found = extract(
            model_input(row, readmes.get(row["readme_hash"]), licenses.get(row["license_text_hash"]), dataset_licenses)
        )
        ids = {**key, "hub_id": row["hub_id"], "repo_id": row["repo_id"]}
        facts_rows.append({**found.row, **ids})
        evidence_rows.extend({**e, **ids} for e in found.evidence)
    store.write("staging", "model_facts", date, facts_rows)
    store.write("staging", "evidence", date, evidence_rows)
    return {"models": len(facts_rows), "evidence_rows": len(evidence_rows)}


# ---- 5. openness --------------------------------------------------------------------------------------


def build_openness(store: Store, date: str) -> dict:
    """Grades per model, then lineage: each derivative's base chain and what its root base discloses."""
    facts = store.read("staging", "model_facts", date)
    rows = [
        {"snapshot_date": f["snapshot_date"], "hub_id": f["hub_id"], "repo_id": f["repo_id"], **grade(f, gated=f["gated"])}
        for f in facts.iter_rows(named=True)
    ]
    grades = frame("openness", rows).drop(LINEAGE_COLUMNS)
    # Old names the Hub redirected (renames) still name bases in older cards.
    aliases = rename_aliases(store.read("raw", "models_raw", date, columns=["requested_id", "repo_id", "hub_id"]))
    with_lineage = inherit_grades(grades, resolve_lineage(facts, aliases=aliases)).rename({"depth": "lineage_depth"})
    store.write("staging", "openness", date, with_lineage)
    classes = with_lineage.group_by("openness_class").len().sort("openness_class")
    statuses = with_lineage.group_by("lineage_status").len().sort("lineage_status")
    return {"models": len(rows), **dict(classes.iter_rows()), **{f"lineage_{k}": v for k, v in statuses.iter_rows()}}


# ---- 6. publish ---------------------------------------------------------------------------------------


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(read_sql("schema.sql"))
    add_new_columns(conn)  # a database made before a column was added to schema.sql
    conn.execute(read_sql("views.sql"))


def publish(store: Store, conn: duckdb.DuckDBPyConnection, date: str) -> dict[str, int]:
    """Replaces the date in every DuckDB table in one transaction, then writes the date's Parquet snapshot."""
    ensure_schema(conn)
    with transaction(conn):
        counts = replace_date(store, conn, date)
        counts.update(update_history(conn, store, date))
    write_snapshot(store, date)
    return counts


def replace_date(store: Store, conn: duckdb.DuckDBPyConnection, date: str) -> dict[str, int]:
    """The date's rows of every published table, replaced from its checked files (in the caller's transaction)."""
    statements = _sql_statements(read_sql("publish_snapshot.sql"))
    counts: dict[str, int] = {}
    for table, area in PUBLISHED_FROM.items():
        run_statements(conn, statements[table], {"snapshot_date": date, "path": str(store.path(area, table, date))})
        counts[table] = conn.execute(f"SELECT count(*) FROM {table} WHERE {date_column(table)} = ?", [date]).fetchall()[0][0]
    return counts


def write_snapshot(store: Store, date: str) -> None:
    """The date's Parquet snapshot for researchers: written once its rows are committed to the database."""
    for table, area in PUBLISHED_FROM.items():
        store.copy(area, "snapshots", table, date)


def _sql_statements(text: str) -> dict[str, str]:
    """publish_snapshot.sql holds one `-- table: NAME` block of statements per table."""
    parts = re.split(r"^-- table: (\w+)\s*$", text, flags=re.MULTILINE)[1:]
    blocks = dict(zip(parts[::2], parts[1::2]))
    missing = set(PUBLISHED_FROM) - set(blocks)
    if missing:
        raise ValueError(f"publish_snapshot.sql has no block for {sorted(missing)}")
    return blocks


# ---- helpers ------------------------------------------------------------------------------------------


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after}


def _error_rows(errors: list[CrawlError], date: str) -> list[dict[str, Any]]:
    return [{"snapshot_date": date, **e.__dict__} for e in errors]


__all__ = [
    "crawl_listing",
    "crawl_details",
    "build_raw_snapshot",
    "build_facts",
    "build_openness",
    "publish",
]
