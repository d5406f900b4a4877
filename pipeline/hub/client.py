"""Crawling the Hub through `huggingface_hub`: one listing sweep, then details only for repos that changed.

Everything goes through the real client (`HfApi`, `hf_hub_download`), so the same code crawls the live Hub
and the replay hub on loopback. The client retries listing pages itself but not `model_info` or
`list_repo_refs` (hub-api.md §1.6), so those two calls go through `call_with_retries`; downloads are
retried by `hf_hub_download` itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub import constants as hf_constants
from huggingface_hub.utils import _http as hf_http

log = logging.getLogger(__name__)

PUBLIC_HUB = "https://huggingface.co"

# Exactly the listing fields the pipeline stores (hub-api.md §1.2): with `expand`, nothing else is sent.
LISTING_EXPAND = [
    "author",
    "sha",
    "createdAt",
    "lastModified",
    "gated",
    "private",
    "disabled",
    "downloads",
    "likes",
    "tags",
    "pipeline_tag",
    "library_name",
    "cardData",
    "siblings",
]
SORT_KEYS = ("downloads", "likes", "created_at", "last_modified", "trending_score")
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
LICENSE_FILE = re.compile(r"^(licen[cs]e|copying)([-_.][\w.-]*)?(\.(md|txt|rst))?$", re.IGNORECASE)
MAX_TEXT_BYTES = 1 << 20  # a README or LICENSE larger than this is stored truncated

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class CrawlScope:
    """Which repos a crawl covers: explicit ids, or one listing sweep filtered by author, search and task."""

    repo_ids: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    search: str | None = None
    pipeline_tag: str | None = None
    sort: str | None = "downloads"
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.sort is not None and self.sort not in SORT_KEYS:
            raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, not {self.sort!r}")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be at least 1, not {self.limit}")

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: honour the server's RateLimit/Retry-After, else exponential backoff with a cap."""

    max_attempts: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 60.0

    def wait_seconds(self, attempt: int, error: BaseException) -> float:
        hinted = server_hinted_wait(error)
        if hinted is not None:
            return min(hinted, self.cap_seconds)
        backoff = min(self.base_seconds * 2 ** (attempt - 1), self.cap_seconds)
        return backoff * (0.5 + random.random() / 2)  # jitter, so parallel workers do not retry in lockstep


def underlying_error(error: BaseException) -> BaseException:
    """hf_hub_download reports a failed HEAD (429, 5xx, dropped connection) as LocalEntryNotFoundError
    chained to the real error; judge that real error."""
    if isinstance(error, LocalEntryNotFoundError) and error.__cause__ is not None:
        return error.__cause__
    return error


def server_hinted_wait(error: BaseException) -> float | None:
    """Seconds the server asked us to wait: `RateLimit: "api";r=0;t=N` first, then `Retry-After: N`."""
    response = getattr(underlying_error(error), "response", None)
    if response is None:
        return None
    rate_limit = response.headers.get("RateLimit", "")
    match = re.search(r"\bt=(\d+)", rate_limit)
    if match:
        return float(match.group(1))
    retry_after = response.headers.get("Retry-After", "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    return None


def is_retryable(error: BaseException) -> bool:
    error = underlying_error(error)
    if isinstance(error, (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)):
        return True
    if isinstance(error, (RepositoryNotFoundError, RevisionNotFoundError, EntryNotFoundError, GatedRepoError)):
        return False
    if isinstance(error, HfHubHTTPError):
        response = getattr(error, "response", None)
        return response is not None and response.status_code in RETRY_STATUSES
    return False


class HttpCounter:
    """Counts every HTTP attempt the Hub client makes, including its own internal retries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.retryable_failures = 0  # 408/429/5xx responses and dropped connections

    def record(self, *, failed_retryably: bool) -> None:
        with self._lock:
            self.requests += 1
            self.retryable_failures += int(failed_retryably)

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self.requests, self.retryable_failures


HTTP_COUNTER = HttpCounter()


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# When the crawler talks to a replay hub, nothing may leave loopback (see HubClient).
_loopback_only = False


class OffLoopbackRequest(RuntimeError):
    """huggingface_hub tried to reach a host other than the loopback replay hub."""


class _CountingTransport(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if _loopback_only and request.url.host not in LOOPBACK_HOSTS:
            raise OffLoopbackRequest(f"refused a request to {request.url.host}: crawling a loopback replay hub")
        try:
            response = self._inner.handle_request(request)
        except (httpx2.TransportError,):
            HTTP_COUNTER.record(failed_retryably=True)
            raise
        HTTP_COUNTER.record(failed_retryably=response.status_code in RETRY_STATUSES)
        return response

    def close(self) -> None:
        self._inner.close()


_installed_timeout: float | None = None
_install_lock = threading.Lock()


def install_http_client(timeout_seconds: float) -> None:
    """Give huggingface_hub's shared client a timeout (its default has none) and our request counter."""
    global _installed_timeout
    with _install_lock:
        if _installed_timeout == timeout_seconds:
            return

        def factory() -> httpx2.Client:
            return httpx2.Client(
                event_hooks={"request": [hf_http.hf_request_event_hook]},
                follow_redirects=True,
                timeout=httpx2.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds)),
                transport=_CountingTransport(httpx2.HTTPTransport()),
            )

        hf_http.set_client_factory(factory)
        hf_http.close_session()
        # In case huggingface_hub was imported before pipeline set HF_HUB_DISABLE_TELEMETRY (pipeline/__init__.py).
        hf_constants.HF_HUB_DISABLE_TELEMETRY = True
        _installed_timeout = timeout_seconds


@dataclass
class CrawlError:
    repo_id: str
    hub_id: str | None
    stage: str
    error_kind: str
    message: str
    attempts: int
    transient: bool  # 429/5xx/network after every retry; a missing or gated file is not transient


class RetriesExhausted(Exception):
    def __init__(self, error: BaseException, attempts: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.attempts = attempts


def call_with_retries(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Calls fn until it succeeds, a non-retryable error occurs, or the attempts run out."""
    attempt = 1
    while True:
        try:
            return fn()
        except Exception as error:  # noqa: BLE001 - classified just below
            if not is_retryable(error):
                raise RetriesExhausted(error, attempt) from error
            if attempt >= policy.max_attempts:
                raise RetriesExhausted(error, attempt) from error
            wait = policy.wait_seconds(attempt, error)
            if on_retry is not None:
                on_retry(attempt, error, wait)
            sleep(wait)
            attempt += 1


def error_message(error: BaseException) -> str:
    """One line, no credentials: huggingface_hub messages can span lines and include request ids."""
    text = " ".join(str(underlying_error(error)).split())
    return re.sub(r"hf_[A-Za-z0-9]{20,}", "hf_***", text)[:500]


@dataclass
class ListingResult:
    rows: list[dict[str, Any]]
    errors: list[CrawlError] = field(default_factory=list)


@dataclass
class Details:
    """What a repo's details fetch produced: texts by kind, refs, and any errors."""

    readme: bytes | None = None
    license_file: str | None = None
    license_text: bytes | None = None
    branches: list[str] = field(default_factory=list)
    git_tags: list[str] = field(default_factory=list)
    errors: list[CrawlError] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Failed means worth fetching again next time; a file that is missing or gated will stay so."""
        return any(e.transient for e in self.errors)


@dataclass
class DatasetInfo:
    """What the Hub says of a dataset a model card names: does it exist, and under which license."""

    dataset_id: str
    status: str  # fetched | not_found | failed
    hub_id: str | None = None
    license_declared: str | None = None  # JSON of the card's `license` (or the license: tags)
    gated: str | None = None
    error: CrawlError | None = None


class HubClient:
    """The crawler's view of the Hub. Token from HF_TOKEN only; never logged, never stored."""

    def __init__(
        self,
        endpoint: str = PUBLIC_HUB,
        *,
        cache_dir: str | os.PathLike,
        retry: RetryPolicy = RetryPolicy(),
        timeout_seconds: float = 60.0,
        workers: int = 4,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.cache_dir = Path(cache_dir)
        self.retry = retry
        self.workers = max(1, workers)
        self._token = os.environ.get("HF_TOKEN") or None
        install_http_client(timeout_seconds)
        global _loopback_only
        _loopback_only = httpx2.URL(self.endpoint).host in LOOPBACK_HOSTS
        self.api = HfApi(endpoint=self.endpoint, token=self._token or False, library_name="openness-observatory")
        self._lock = threading.Lock()
        self._final_retryable_failures = 0
        self._start = HTTP_COUNTER.snapshot()

    # ---- counters -------------------------------------------------------------------------------------

    def request_counts(self) -> dict[str, int]:
        """HTTP requests and retries since this client was created (attempts that failed and were repeated)."""
        requests, failures = HTTP_COUNTER.snapshot()
        with self._lock:
            given_up = self._final_retryable_failures
        return {
            "requests": requests - self._start[0],
            "retries": max(0, failures - self._start[1] - given_up),
        }

    def _retrying(self, fn: Callable[[], T], what: str, *, retry: bool = True) -> T:
        """Calls fn with our retry policy, or once when the client already retries that call itself."""

        def on_retry(attempt: int, error: BaseException, wait: float) -> None:
            log.info("%s: attempt %d failed (%s); retrying in %.1fs", what, attempt, type(error).__name__, wait)

        policy = self.retry if retry else dataclasses.replace(self.retry, max_attempts=1)
        try:
            return call_with_retries(fn, policy, on_retry=on_retry)
        except RetriesExhausted as exhausted:
            if is_retryable(exhausted.error):
                with self._lock:
                    self._final_retryable_failures += 1
            raise

    # ---- listing --------------------------------------------------------------------------------------

    def list_scope(self, scope: CrawlScope, progress: Callable[[int], None] | None = None) -> ListingResult:
        """One listing row per repo in scope (deduplicated by the Hub's stable id)."""
        result = ListingResult(rows=[])
        seen: set[str] = set()
        for row in self._iter_listing(scope, result.errors):
            if row["hub_id"] in seen:
                continue
            seen.add(row["hub_id"])
            result.rows.append(row)
            if progress is not None and len(result.rows) % 1000 == 0:
                progress(len(result.rows))
        return result

    def list_repos(self, repo_ids: list[str], *, stage: str = "model_info") -> ListingResult:
        """Listing rows for explicit ids, one model_info each (renamed ids are followed to the new name)."""
        result = ListingResult(rows=[])
        result.rows.extend(self._model_infos(repo_ids, result.errors, stage=stage))
        return result

    def _model_infos(self, repo_ids, errors: list[CrawlError], *, stage: str = "model_info") -> Iterator[dict[str, Any]]:
        listed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for repo_id in repo_ids:
            try:
                info = self._retrying(
                    lambda: self.api.model_info(repo_id, expand=LISTING_EXPAND), f"model_info {repo_id}"
                )
            except RetriesExhausted as failure:
                errors.append(_crawl_error(repo_id, None, stage, failure))
                continue
            yield listing_row(info, requested_id=repo_id, listed_at=listed_at)

    def _iter_listing(self, scope: CrawlScope, errors: list[CrawlError]) -> Iterator[dict[str, Any]]:
        listed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        if scope.repo_ids:
            yield from self._model_infos(scope.repo_ids, errors)
            return
        for author in scope.authors or (None,):
            models = self.api.list_models(
                author=author,
                search=scope.search,
                pipeline_tag=scope.pipeline_tag,
                sort=scope.sort,
                limit=scope.limit,
                expand=LISTING_EXPAND,
            )
            for info in models:
                yield listing_row(info, requested_id=info.id, listed_at=listed_at)

    # ---- details --------------------------------------------------------------------------------------

    def fetch_details(self, row: dict[str, Any]) -> Details:
        """README (resolve route, pinned to the listed sha), branches and tags, and a LICENSE-like file."""
        repo_id, hub_id, sha = row["repo_id"], row["hub_id"], row["sha"]
        details = Details()
        siblings = row.get("siblings") or []

        def attempt(stage: str, fn: Callable[[], T], *, retry: bool = True) -> T | None:
            try:
                return self._retrying(fn, f"{stage} {repo_id}", retry=retry)
            except RetriesExhausted as failure:
                details.errors.append(_crawl_error(repo_id, hub_id, stage, failure))
                return None

        if "README.md" in siblings:
            # hf_hub_download retries 429/5xx itself (with backoff, honouring RateLimit): no second loop around it.
            details.readme = attempt("readme", lambda: self._download(repo_id, "README.md", sha), retry=False)
        refs = attempt("refs", lambda: self.api.list_repo_refs(repo_id))
        if refs is not None:
            details.branches = sorted(b.name for b in refs.branches if b.name != "main")
            details.git_tags = sorted(t.name for t in refs.tags)
        license_path = license_file_to_read(siblings, row.get("card_data"))
        if license_path is not None:
            details.license_file = license_path
            details.license_text = attempt(
                "license", lambda: self._download(repo_id, license_path, sha), retry=False
            )
        return details

    def fetch_all_details(
        self, rows: list[dict[str, Any]], progress: Callable[[int, int, int], None] | None = None
    ) -> dict[str, Details]:
        """Details for many repos on a few threads; each repo's failure is recorded, never raised."""
        return self._fan_out(self.fetch_details, rows, lambda row: row["hub_id"], lambda details: details.failed,
                             "hub-details", progress)

    def fetch_dataset_infos(
        self, dataset_ids: list[str], progress: Callable[[int, int, int], None] | None = None
    ) -> dict[str, DatasetInfo]:
        """Each named Hub dataset's own license and gate (`dataset_info`, retried here: the client does not)."""

        def fetch(dataset_id: str) -> DatasetInfo:
            try:
                info = self._retrying(lambda: self.api.dataset_info(dataset_id), f"dataset_info {dataset_id}")
            except RetriesExhausted as failure:
                missing = isinstance(underlying_error(failure.error), RepositoryNotFoundError)
                return DatasetInfo(dataset_id, status="not_found" if missing else "failed",
                                   error=None if missing else _crawl_error(dataset_id, None, "dataset_info", failure))
            card = info.card_data.to_dict() if info.card_data is not None else {}
            declared = card.get("license") or [t.split(":", 1)[1] for t in info.tags or [] if t.startswith("license:")]
            return DatasetInfo(
                dataset_id,
                status="fetched",
                hub_id=getattr(info, "_id", None),
                license_declared=json.dumps(declared) if declared else None,
                gated=info.gated if info.gated in ("auto", "manual") else "no",
            )

        return self._fan_out(fetch, dataset_ids, lambda dataset_id: dataset_id, lambda info: info.status == "failed",
                             "hub-datasets", progress)

    def _fan_out(
        self, fetch: Callable[[Any], R], items: list, key: Callable[[Any], str], failed: Callable[[R], bool],
        thread_name: str, progress: Callable[[int, int, int], None] | None,
    ) -> dict[str, R]:
        """fetch(item) for every item on `workers` threads, keyed by key(item); progress(done, total, failed)."""
        results: dict[str, R] = {}
        failures = 0
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=thread_name) as pool:
            futures = {pool.submit(fetch, item): key(item) for item in items}
            for done, future in enumerate(as_completed(futures), start=1):
                result = results[futures[future]] = future.result()
                failures += int(failed(result))
                if progress is not None:
                    progress(done, len(items), failures)
        return results

    def _download(self, repo_id: str, filename: str, sha: str | None) -> bytes:
        path = hf_hub_download(
            repo_id,
            filename,
            revision=sha or "main",
            endpoint=self.endpoint,
            cache_dir=self.cache_dir,
            token=self._token or False,
            library_name="openness-observatory",
        )
        with open(path, "rb") as handle:
            return handle.read(MAX_TEXT_BYTES)


def license_file_to_read(siblings: list[str], card_data: str | dict | None) -> str | None:
    """The LICENSE-like file at the repo root, or the repo file that `license_link` names for `license: other`."""
    root_files = [s for s in siblings if "/" not in s]
    for name in sorted(root_files, key=lambda s: (len(s), s)):
        if LICENSE_FILE.match(name):
            return name
    data = json.loads(card_data) if isinstance(card_data, str) else (card_data or {})
    if not isinstance(data, dict):
        return None
    link = data.get("license_link")
    if isinstance(link, str) and link in siblings:
        return link
    return None


def listing_row(info: Any, *, requested_id: str, listed_at: dt.datetime) -> dict[str, Any]:
    """The listing fields of one ModelInfo, in models_raw's column names."""
    card_data = info.card_data.to_dict() if info.card_data is not None else None
    gated = info.gated
    return {
        "hub_id": getattr(info, "_id", None) or info.id,
        "repo_id": info.id,
        "requested_id": requested_id,
        "author": info.author,
        "sha": info.sha,
        "created_at": naive_utc(info.created_at),
        "last_modified": naive_utc(info.last_modified),
        "gated": gated if gated in ("auto", "manual") else "no",
        "private": bool(info.private),
        "disabled": bool(info.disabled),
        "downloads": info.downloads,
        "likes": info.likes,
        "pipeline_tag": info.pipeline_tag,
        "library_name": info.library_name,
        "tags": list(info.tags or []),
        "card_data": json.dumps(card_data, sort_keys=True, default=str) if card_data is not None else None,
        "siblings": [s.rfilename for s in info.siblings or []],
        "listed_at": listed_at,
    }


def naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp in UTC without tzinfo, as the tables store them."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _crawl_error(repo_id: str, hub_id: str | None, stage: str, failure: RetriesExhausted) -> CrawlError:
    return CrawlError(
        repo_id=repo_id,
        hub_id=hub_id,
        stage=stage,
        error_kind=type(underlying_error(failure.error)).__name__,
        message=error_message(failure.error),
        attempts=failure.attempts,
        transient=is_retryable(failure.error),
    )
