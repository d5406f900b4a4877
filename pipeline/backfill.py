"""Backfill: a repo's past states, dated by its git history, for the time before the first crawl.

One `model_info` (today's gate, files and id), one commit listing, then, oldest commit first, README.md and the
LICENSE-like file the repo has today, read at each commit. `hf_hub_download` keeps blobs by ETag, so a file that
did not change between two commits costs only its HEAD, and a distinct file version costs one GET. A state row is
written for every commit whose README or LICENSE content differs from the commit before. See docs/backfill.md.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from huggingface_hub import _CACHED_NO_EXIST, try_to_load_from_cache
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    RepositoryNotFoundError,
)
from huggingface_hub.file_download import repo_folder_name

from pipeline.extract import facts as extractor
from pipeline.extract.facts import extract
from pipeline.extract.model import ModelInput
from pipeline.hub.client import (
    HubClient,
    RetriesExhausted,
    error_message,
    license_file_to_read,
    naive_utc,
    underlying_error,
)
from pipeline.openness import rubric
from pipeline.openness.rubric import grade
from pipeline.snapshot import remember_text, text_rows
from pipeline.store.files import Store, today, write_parquet
from pipeline.store.tables import TEXT_TABLES, frame

TABLE = "backfill_states"
TEXTS = "backfill_texts"  # the folder of the README and LICENSE texts the states point to
log = logging.getLogger(__name__)


class BackfillError(Exception):
    """A repo could not be backfilled; `not_found` when the Hub does not know it (a mistake in the id)."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


@dataclass
class RequestCounts:
    """HTTP requests of one backfill, by kind. `model_info` and `commits` include any retries of those calls;
    `head` counts file reads that reached the server (one HEAD each, answered 200 or 404), `get` the file
    versions actually downloaded (new non-empty blobs in the download cache); `retries` are repeated attempts of
    any kind (also inside `total`, not inside `head` or `get`)."""

    model_info: int = 0
    commits: int = 0
    head: int = 0
    get: int = 0
    retries: int = 0
    total: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class BackfillResult:
    hub_id: str
    repo_id: str
    gated: str  # today's gate: git history does not record gating
    license_file: str | None  # the LICENSE-like file the repo has today, read at every commit
    commits: int  # commits listed
    readme_versions: int  # distinct README contents over the history
    license_versions: int  # distinct LICENSE contents
    rows: list[dict[str, Any]] = field(default_factory=list)  # backfill_states rows, oldest first
    texts: dict[str, dict[str, bytes]] = field(default_factory=dict)  # cards / license_texts: hash -> bytes
    requests: RequestCounts = field(default_factory=RequestCounts)


@dataclass
class BackfillRun:
    """A backfill of several repos: what was written for each repo, and the repos that could not be done."""

    written: list[tuple[BackfillResult, dict[str, int]]] = field(default_factory=list)  # (result, rows written)
    not_found: list[str] = field(default_factory=list)  # ids the Hub does not know
    failed: list[str] = field(default_factory=list)  # one message per repo whose history could not be read

    def totals(self) -> dict[str, int]:
        totals = {"repos": len(self.written), "failed": len(self.failed), "not_found": len(self.not_found),
                  "commits": 0, "readme_versions": 0, "license_versions": 0, "states": 0}
        for result, written in self.written:
            totals["commits"] += result.commits
            totals["readme_versions"] += result.readme_versions
            totals["license_versions"] += result.license_versions
            totals["states"] += written["states"]
            for kind, n in result.requests.as_dict().items():
                totals[f"requests_{kind}"] = totals.get(f"requests_{kind}", 0) + n
        return totals


def backfill_repos(
    client: HubClient, store: Store, repo_ids: list[str], *, report: Callable[[str, str], None] = lambda line, status: None
) -> BackfillRun:
    """Backfills each repo in turn and writes its states; a repo that fails is reported and the others go on.
    `report(line, status)` gets one line per repo as it is done, with status written | not_found | failed."""
    dataset_licenses = latest_dataset_licenses(store)
    run = BackfillRun()
    for index, repo_id in enumerate(repo_ids, 1):
        prefix = f"[{index}/{len(repo_ids)}] " if len(repo_ids) > 1 else ""
        try:
            result = backfill_repo(client, repo_id, dataset_licenses=dataset_licenses)
        except BackfillError as error:
            if error.not_found:
                run.not_found.append(repo_id)
            else:
                run.failed.append(str(error))
            report(f"{prefix}{error}", "not_found" if error.not_found else "failed")
            continue
        written = write_backfill(store, result.hub_id, result.rows, result.texts)
        run.written.append((result, written))
        report(prefix + summary_line(result, written), "written")
    return run


def summary_line(result: BackfillResult, written: dict[str, int]) -> str:
    r = result.requests
    license_part = (f"{result.license_versions} {result.license_file} versions" if result.license_file
                    else "no LICENSE file today")
    return (
        f"{result.repo_id}: {result.commits} commits listed, {result.readme_versions} README versions, "
        f"{license_part}, {written['states']} states written; requests: {r.model_info} model_info, "
        f"{r.commits} commit listing, {r.head} HEAD, {r.get} GET ({r.total} in all, {r.retries} retries)"
    )


def repos_to_backfill(store: Store, repo_ids: list[str], *, whole_scope: bool = False) -> list[str]:
    """The repos named, then (with whole_scope) every other repo of the latest crawl's scope; never none."""
    repos = list(repo_ids)
    if whole_scope:
        named = set(repos)
        repos += [repo_id for repo_id in repos_in_scope(store) if repo_id not in named]
    if not repos:
        raise BackfillError("no repos to backfill: name them, or ask for the whole scope of the latest crawl "
                            "(`--scope`; `whole_scope` in the Dagster run config)")
    return repos


def repos_in_scope(store: Store) -> list[str]:
    """The repos of the crawl scope on the latest published date (not the bases fetched only for lineage)."""
    if not store.duckdb_path.is_file():
        raise BackfillError(f"nothing published in {store.home} yet: run `openness run` first, or name the repos")
    with duckdb.connect(str(store.duckdb_path), read_only=True) as conn:
        rows = conn.execute(
            "SELECT repo_id FROM models_raw WHERE scope_reason = 'scope' "
            "AND snapshot_date = (SELECT max(snapshot_date) FROM crawl_runs) ORDER BY repo_id"
        ).fetchall()
    return [repo_id for (repo_id,) in rows]


def backfill_repo(
    client: HubClient, repo_id: str, *, dataset_licenses: dict[str, str | None] | None = None
) -> BackfillResult:
    """The dated past states of one repo. `dataset_licenses` (lower-cased dataset id -> license id, as the crawl
    knows them) grades named datasets as the crawl does; without it they count as not looked up."""
    counts = RequestCounts()
    start = client.request_counts()
    listed = client.list_repos([repo_id])
    counts.model_info = client.request_counts()["requests"] - start["requests"]
    if listed.errors:
        error = listed.errors[0]
        if error.error_kind == RepositoryNotFoundError.__name__:
            raise BackfillError(f"{repo_id}: no such model repo on the Hub", not_found=True)
        raise BackfillError(f"{repo_id}: model_info failed: {error.message}")
    today_row = listed.rows[0]
    hub_id, current_id, gated = today_row["hub_id"], today_row["repo_id"], today_row["gated"]
    license_path = license_file_to_read(today_row["siblings"], today_row["card_data"])

    before = client.request_counts()["requests"]
    try:
        # list_repo_commits follows the Link pages itself (and retries 429/5xx): one call, newest first.
        commits = client._retrying(lambda: client.api.list_repo_commits(current_id), f"commits {current_id}", retry=False)
    except RetriesExhausted as failure:
        raise BackfillError(f"{current_id}: listing commits failed: {error_message(failure.error)}") from None
    counts.commits = client.request_counts()["requests"] - before

    result = BackfillResult(hub_id, current_id, gated, license_path, commits=len(commits), readme_versions=0,
                            license_versions=0, texts={"cards": {}, "license_texts": {}}, requests=counts)
    backfilled_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    previous: tuple[str | None, str | None] = (None, None)  # before the first commit there is nothing
    for commit in reversed(commits):
        readme = _read_at(client, current_id, "README.md", commit.commit_id, counts)
        license_text = _read_at(client, current_id, license_path, commit.commit_id, counts) if license_path else None
        hashes = (
            remember_text(result.texts["cards"], readme),
            remember_text(result.texts["license_texts"], license_text),
        )
        if hashes == previous:
            continue
        previous = hashes
        result.rows.append(state_row(
            hub_id=hub_id, repo_id=current_id, commit_sha=commit.commit_id, commit_date=naive_utc(commit.created_at),
            readme=_decode(readme), readme_hash=hashes[0], license_text=_decode(license_text),
            license_text_hash=hashes[1], license_file=license_path if license_text is not None else None,
            gated=gated, dataset_licenses=dataset_licenses or {}, backfilled_at=backfilled_at,
        ))

    result.readme_versions = len(result.texts["cards"])
    result.license_versions = len(result.texts["license_texts"])
    end = client.request_counts()
    counts.total = end["requests"] - start["requests"]
    counts.retries = end["retries"] - start["retries"]
    return result


def state_row(
    *, hub_id: str, repo_id: str, commit_sha: str, commit_date: dt.datetime, readme: str | None,
    readme_hash: str | None, license_text: str | None, license_text_hash: str | None, license_file: str | None,
    gated: str, dataset_licenses: dict[str, str | None], backfilled_at: dt.datetime,
) -> dict[str, Any]:
    """One backfill_states row: the facts and grades of the repo as its README and LICENSE stood at a commit
    (the texts decoded as stored, with their content hashes).

    Only the texts are historical: tags, branches, files and card metadata at that commit are not read (the
    README's own front matter is), and the gate is today's."""
    facts = extract(ModelInput(
        repo_id=repo_id,
        readme=readme,
        license_text=license_text,
        license_file=license_file,
        gated=gated,
        dataset_licenses=dataset_licenses,
    )).row
    return {
        "hub_id": hub_id,
        "repo_id": repo_id,
        "commit_sha": commit_sha,
        "commit_date": commit_date,
        "readme_hash": readme_hash,
        "license_text_hash": license_text_hash,
        "license_id": facts["license_id"],
        "license_family": facts["license_family"],
        "license_osi_approved": facts["license_osi_approved"],
        "gated": facts["gated"],
        "has_training_code": facts["training_code"],
        "data_disclosure": facts["data_disclosure"],
        "checkpoint_disclosure": facts["checkpoints"],
        "datasets_named": len(facts["datasets"]),
        "papers_linked": len(facts["papers"]),
        "base_models": facts["base_models"],
        "extractor_version": facts["extractor_version"],
        **grade(facts, gated=facts["gated"]),  # grades keep openness' names (training_code, checkpoints, ...)
        "backfilled_at": backfilled_at,
    }


def _read_at(client: HubClient, repo_id: str, filename: str, sha: str, counts: RequestCounts) -> bytes | None:
    """The file at a commit, or None when it did not exist there. Costs nothing when already cached, one HEAD
    when the file (or its absence) is new to the cache, plus one GET when its content is."""
    cached = try_to_load_from_cache(repo_id, filename, cache_dir=client.cache_dir, revision=sha)
    if cached is _CACHED_NO_EXIST:
        return None  # a 404 at this commit, remembered by huggingface_hub's cache
    if cached is None:
        counts.head += 1
    blobs = Path(client.cache_dir) / repo_folder_name(repo_id=repo_id, repo_type="model") / "blobs"
    blobs_before = _count_blobs(blobs)
    try:
        data = client._download(repo_id, filename, sha)
    except Exception as error:  # a missing file is an answer; anything else stops this repo
        # Absent at this commit, or gated for us (then at every commit, as the crawl would also miss it).
        if isinstance(underlying_error(error), (EntryNotFoundError, GatedRepoError)):
            return None
        raise BackfillError(f"{repo_id}: reading {filename} at {sha[:12]} failed: {error_message(error)}") from None
    if data:  # huggingface_hub stores an empty file without a GET
        counts.get += _count_blobs(blobs) - blobs_before
    return data


def _count_blobs(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.iterdir() if not p.name.endswith(".incomplete"))


def _decode(data: bytes | None) -> str | None:
    # As the crawl stores texts (pipeline.snapshot.text_rows): bytes that are not UTF-8 are replaced.
    return data.decode("utf-8", errors="replace") if data is not None else None


# ---- storage ------------------------------------------------------------------------------------------


def backfill_path(store: Store, hub_id: str) -> Path:
    return store.backfill_file(TABLE, TABLE, hub_id)


def write_backfill(
    store: Store, hub_id: str, rows: list[dict[str, Any]], texts: dict[str, dict[str, bytes]],
    *, date: str | None = None,
) -> dict[str, int]:
    """Replaces the repo's backfilled states and the texts they point to.

    The texts go beside the states (raw/backfill_texts/hub_id=.../), not into a crawl date's partition, which a
    crawl of that date would replace; publishing loads them into the `cards` and `license_texts` tables.
    """
    date = date or today()
    write_parquet(frame(TABLE, rows), backfill_path(store, hub_id))
    written = {"states": len(rows)}
    for table in TEXT_TABLES:
        stored = text_rows(texts.get(table, {}), date)
        write_parquet(frame(table, stored), store.backfill_file(TEXTS, table, hub_id))
        written[table] = len(stored)
    return written


def latest_dataset_licenses(store: Store) -> dict[str, str | None]:
    """Named datasets' licenses as the latest crawl found them, so backfilled grades agree with the crawl's."""
    from pipeline.snapshot import known_dataset_licenses

    dates = store.dates("raw", "datasets_raw")
    return known_dataset_licenses(store, dates[-1]) if dates else {}


def rederive_states(store: Store) -> dict[str, int]:
    """Re-extracts and re-grades the states of every backfilled repo read by another extractor or rubric version
    than the current ones, from the README and LICENSE texts stored beside them: no Hub request. A repo whose
    texts are missing keeps its states as they were (counted in `backfill_repos_kept`)."""
    counts = {"backfill_states_rederived": 0, "backfill_repos_kept": 0}
    states_glob = store.backfill_glob(TABLE, TABLE)
    if not glob.glob(states_glob):
        return counts
    with duckdb.connect() as conn:
        stale = [Path(path) for (path,) in conn.execute(
            "SELECT DISTINCT filename FROM read_parquet(?, filename = true, hive_partitioning = false) "
            "WHERE extractor_version <> ? OR rubric_version <> ? ORDER BY 1",
            [states_glob, extractor.EXTRACTOR_VERSION, rubric.RUBRIC_VERSION],
        ).fetchall()]
    if not stale:
        return counts
    dataset_licenses = latest_dataset_licenses(store)
    backfilled_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for path in stale:
        states = pl.read_parquet(path)
        hub_id = states["hub_id"][0]
        texts = {table: _stored_texts(store, table, hub_id) for table in TEXT_TABLES}
        pointed = {"cards": states["readme_hash"], "license_texts": states["license_text_hash"]}
        missing = sum(len(set(pointed[table].drop_nulls()) - set(texts[table])) for table in TEXT_TABLES)
        if missing:
            log.warning("%s: backfilled states kept as they were: %d stored texts missing", hub_id, missing)
            counts["backfill_repos_kept"] += 1
            continue
        rows = [
            state_row(
                hub_id=hub_id, repo_id=state["repo_id"], commit_sha=state["commit_sha"],
                commit_date=state["commit_date"], readme=texts["cards"].get(state["readme_hash"]),
                readme_hash=state["readme_hash"], license_text=texts["license_texts"].get(state["license_text_hash"]),
                license_text_hash=state["license_text_hash"],
                license_file=None,  # not stored with the states; the extractor names it in evidence only
                gated=state["gated"], dataset_licenses=dataset_licenses, backfilled_at=backfilled_at,
            )
            for state in states.iter_rows(named=True)
        ]
        write_parquet(frame(TABLE, rows), path)
        counts["backfill_states_rederived"] += len(rows)
    return counts


def _stored_texts(store: Store, table: str, hub_id: str) -> dict[str, str]:
    path = store.backfill_file(TEXTS, table, hub_id)
    return dict(pl.read_parquet(path, columns=["content_hash", "text"]).iter_rows()) if path.is_file() else {}


def read_backfill_states(store: Store) -> pl.DataFrame:
    """Every backfilled repo's states, in backfill_states' columns."""
    paths = sorted(glob.glob(store.backfill_glob(TABLE, TABLE)))
    if not paths:
        return frame(TABLE, [])
    return pl.concat([pl.read_parquet(p) for p in paths])
