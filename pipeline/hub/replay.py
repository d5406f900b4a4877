"""The replay hub: a loopback HTTP server that answers the Hugging Face Hub's routes from a world.

The real `huggingface_hub` client is pointed at it by endpoint (`HfApi(endpoint=hub.url)`), so tests and the
offline demo run exactly the code that crawls the live Hub. Routes and headers follow hub-api.md §2; the
details are in docs/replay-hub.md. A request under `/as-of/YYYY-MM-DD/` is answered from the world's state on
that date, and faults (rate limits, 5xx, dropped connections, slow answers) can be injected to exercise the
crawler's retries.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import random
import re
import socket
import socketserver
import threading
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit

import numpy as np
import polars as pl

from pipeline.hub.world import World, end_of_day, git_blob_id, lfs_pointer, model_info_body

log = logging.getLogger(__name__)

ROUTE_KINDS = (
    "listing", "model_info", "dataset_info", "refs", "commits", "tree", "resolve_head", "resolve_get", "other"
)
FAULT_KINDS = ("429", "5xx", "cut", "slow", "burst", "fail")
REPO_ACTIONS = frozenset({"revision", "refs", "commits", "tree", "paths-info"})
# Listing sort keys (always descending, as the client has no `direction`) and the state column each sorts on.
LISTING_SORTS = {
    "createdAt": "created_at",
    "downloads": "downloads",
    "lastModified": "commit_date",
    "likes": "likes",
    "trendingScore": "trending_score",
}
# The state columns a default (compact) listing record is built from, without parsing the stored model_info.
COMPACT_COLUMNS = [
    "hub_id", "repo_id", "likes", "downloads", "private", "tags", "pipeline_tag", "library_name", "created_at"
]
FULL_LISTING_KEYS = ("author", "sha", "lastModified", "gated", "disabled", "siblings")
COMMITS_PAGE = 100
TREE_PAGE = 1000
TREE_PAGE_EXPANDED = 50
SMALL_JSON_BYTES = 64 * 1024
LICENSE_LIKE = re.compile(r"^(licen[cs]e|copying|notice|use_policy)([-_.][\w.-]*)?(\.(md|txt|rst))?$", re.IGNORECASE)
SHA1_HEX = re.compile(r"^[0-9a-f]{40}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AS_OF_PREFIX = re.compile(r"^/as-of/([^/]*)(/.*)?$")
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"


# ---- answers ------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return Reply(status, body, {"Content-Type": JSON_TYPE, **(headers or {})})


class Answer(Exception):
    """Raised by a route to answer early (an error or a redirect)."""

    def reply(self) -> Reply:
        raise NotImplementedError


class HubError(Answer):
    """An error as the Hub sends it: X-Error-Code and X-Error-Message headers (the client maps the code to an
    exception; on http:// it cannot guess one from the status) and a JSON body."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def reply(self) -> Reply:
        headers = {"X-Error-Code": self.code, "X-Error-Message": self.message, **self.headers}
        return json_reply({"error": self.message}, self.status, headers)


class Redirect(Answer):
    """The Hub's answer for a renamed repo: 307 to the same route under the new id."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location

    def reply(self) -> Reply:
        body = f"Temporary Redirect. Redirecting to {self.location}".encode()
        return Reply(307, body, {"Location": self.location, "Content-Type": TEXT_TYPE})


def parse_date(value: str) -> str:
    """A YYYY-MM-DD date, checked; ValueError otherwise."""
    if not ISO_DATE.match(value or ""):
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return dt.date.fromisoformat(value).isoformat()


# ---- faults -------------------------------------------------------------------------------------------


def _probability(key: str, value: str) -> float:
    number = _number(key, value, float)
    if not 0 <= number <= 1:
        raise ValueError(f"fault {key}={value}: a probability must be between 0 and 1")
    return number


def _count(key: str, value: str) -> int:
    number = _number(key, value, int)
    if number < 0:
        raise ValueError(f"fault {key}={value} must not be negative")
    return number


def _seconds(key: str, value: str) -> float:
    number = _number(key, value, float)
    if number < 0:
        raise ValueError(f"fault {key}={value} must not be negative")
    return number


def _number(key: str, value: str, kind: type) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"fault {key}={value}: not a number") from None


def _route_kinds(key: str, value: str) -> frozenset[str]:
    kinds = frozenset(v.strip() for v in value.split("+") if v.strip())
    unknown = kinds - set(ROUTE_KINDS)
    if not kinds or unknown:
        raise ValueError(f"fault routes={value}: route kinds are {', '.join(ROUTE_KINDS)}")
    return kinds


def _repo_ids(key: str, value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split("+") if v.strip())


# spec key -> (FaultSpec field, parser)
_SPEC_KEYS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "429": ("rate_limit", _probability),
    "5xx": ("unavailable", _probability),
    "cut": ("cut", _probability),
    "slow": ("slow", _probability),
    "delay": ("delay", _seconds),
    "retry_after": ("retry_after", _count),
    "burst": ("burst", _count),
    "seed": ("seed", partial(_number, kind=int)),
    "routes": ("routes", _route_kinds),
    "fail": ("fail", _repo_ids),
}


@dataclass(frozen=True)
class FaultSpec:
    """Faults the replay hub injects into Hub routes (never into /_replay/ routes).

    Text form, parsed by `FaultSpec.parse`: comma-separated `key=value` items, e.g.
    `429=0.2,5xx=0.05,cut=0.02,slow=0.1,delay=2,seed=7,retry_after=1,routes=model_info+refs,fail=org/a+org/b,burst=3`.
    """

    rate_limit: float = 0.0  # `429=P`: answer 429 with RateLimit headers
    unavailable: float = 0.0  # `5xx=P`: answer 503
    cut: float = 0.0  # `cut=P`: close the connection without answering
    slow: float = 0.0  # `slow=P`: sleep `delay` seconds, then answer normally
    delay: float = 1.0
    retry_after: int = 1  # the `t=` of RateLimit and the Retry-After of a 429
    burst: int = 0  # the first N matching requests answer 429, deterministically
    seed: int = 0
    routes: frozenset[str] = frozenset(ROUTE_KINDS)  # route kinds the faults apply to
    fail: frozenset[str] = frozenset()  # repo ids whose routes always answer 500

    @classmethod
    def parse(cls, spec: str | None) -> FaultSpec:
        values: dict[str, Any] = {}
        for item in (spec or "").split(","):
            if not item.strip():
                continue
            key, sep, value = (part.strip() for part in item.partition("="))
            if not sep or not value:
                raise ValueError(f"fault spec item {item.strip()!r} is not key=value (in {spec!r})")
            if key not in _SPEC_KEYS:
                raise ValueError(f"unknown fault {key!r} in {spec!r}; known: {', '.join(_SPEC_KEYS)}")
            name, parser = _SPEC_KEYS[key]
            if name in values:
                raise ValueError(f"fault {key!r} given twice in {spec!r}")
            values[name] = parser(key, value)
        return cls(**values)

    @property
    def active(self) -> bool:
        return bool(self.rate_limit or self.unavailable or self.cut or self.slow or self.burst or self.fail)


class FaultInjector:
    """Decides, per request, which fault (if any) to inject. Seeded, and locked so that threads share one stream."""

    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._rng = random.Random(spec.seed)
        self._burst_left = spec.burst
        self._lock = threading.Lock()

    def pick(self, kind: str, repo_id: str | None) -> str | None:
        spec = self.spec
        if not spec.active or kind not in spec.routes:
            return None
        if repo_id is not None and repo_id in spec.fail:
            return "fail"
        with self._lock:
            if self._burst_left > 0:
                self._burst_left -= 1
                return "burst"
            chances = (("429", spec.rate_limit), ("5xx", spec.unavailable), ("cut", spec.cut), ("slow", spec.slow))
            for fault, probability in chances:
                if probability and self._rng.random() < probability:
                    return fault
        return None


def fault_reply(fault: str, spec: FaultSpec, kind: str) -> Reply:
    if fault in ("429", "burst"):
        # The Hub counts resolve calls in their own, larger bucket (hub-api.md §1.6).
        bucket, quota = ("resolvers", 3000) if kind.startswith("resolve") else ("api", 500)
        wait = spec.retry_after
        headers = {
            "RateLimit": f'"{bucket}";r=0;t={wait}',
            "RateLimit-Policy": f'"fixed window";"{bucket}";q={quota};w=300',
            "Retry-After": str(wait),
        }
        message = f"you have reached your '{bucket}' rate limit (injected fault)"
        return HubError(429, "RateLimited", message, headers).reply()
    if fault == "5xx":
        return HubError(503, "ServiceUnavailable", "Service temporarily unavailable (injected fault)").reply()
    return HubError(500, "InternalError", "Internal error (injected fault: this repo always fails)").reply()


# ---- counters -----------------------------------------------------------------------------------------


class ReplayStats:
    """Thread-safe counts of Hub requests by route kind, and of injected faults by kind."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._routes = dict.fromkeys(ROUTE_KINDS, 0)
            self._faults = dict.fromkeys(FAULT_KINDS, 0)

    def record(self, kind: str, fault: str | None = None) -> None:
        with self._lock:
            self._routes[kind] += 1
            if fault is not None:
                self._faults[fault] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {**self._routes, "total": sum(self._routes.values()), "faults": dict(self._faults)}


# ---- the world as of one date -------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    row: int  # index into the date's state
    served_id: str  # the id to answer with (an alias in mode `same` answers under its own id)


@dataclass(frozen=True)
class Moved:
    repo_id: str  # the current id of a renamed repo


@dataclass(frozen=True)
class ListingQuery:
    author: str | None = None
    search: str | None = None
    tags: tuple[str, ...] = ()
    pipeline_tag: str | None = None
    gated: bool | None = None
    sort: str | None = None


class DateView:
    """The world as of one date, indexed for serving: id lookups, renames, aliases and cached listing orders."""

    MAX_CACHED_ORDERS = 32

    def __init__(self, world: World, as_of: str) -> None:
        self.world = world
        self.as_of = as_of
        self._end = end_of_day(as_of)
        self.state = world.state(as_of)
        # Ids sorted once, then binary search: a million ids cost one string column, not a Python dict.
        by_id = self.state.select("repo_id").with_row_index("row").sort("repo_id")
        self._sorted_ids = by_id["repo_id"]
        self._sorted_rows = by_id["row"].to_numpy()
        self.renamed = self._renamed_ids()
        self.aliases = self._aliases()
        self._orders: OrderedDict[ListingQuery, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def row_index(self, repo_id: str) -> int | None:
        if not len(self._sorted_ids):
            return None
        pos = int(self._sorted_ids.search_sorted(repo_id))
        if pos < len(self._sorted_ids) and self._sorted_ids[pos] == repo_id:
            return int(self._sorted_rows[pos])
        return None

    def row(self, index: int) -> dict[str, Any]:
        return self.state.row(index, named=True)

    def locate(self, repo_id: str) -> Found | Moved | None:
        """Current ids first, then world aliases, then earlier ids of renamed repos."""
        index = self.row_index(repo_id)
        if index is not None:
            return Found(index, repo_id)
        if repo_id in self.aliases:
            mode, index = self.aliases[repo_id]
            return Found(index, repo_id) if mode == "same" else Moved(self.state["repo_id"][index])
        if repo_id in self.renamed:
            return Moved(self.renamed[repo_id])
        return None

    def history(self, hub_id: str) -> pl.DataFrame:
        """A repo's revisions up to this date, oldest first."""
        return self.world.revisions.filter(
            (pl.col("hub_id") == hub_id) & (pl.col("commit_date") <= self._end) & ~pl.col("deleted")
        )

    def _renamed_ids(self) -> dict[str, str]:
        """Earlier ids of visible repos whose id has changed since; an id in use again belongs to its new owner."""
        earlier = (
            self.world.revisions.lazy()
            .filter(pl.col("commit_date") <= self._end)
            .select("hub_id", pl.col("repo_id").alias("old_id"))
            .unique()
            .join(self.state.lazy().select("hub_id", "repo_id"), on="hub_id")
            .filter(pl.col("old_id") != pl.col("repo_id"))
            .collect()
        )
        return {
            old: new
            for old, new in zip(earlier["old_id"].to_list(), earlier["repo_id"].to_list())
            if self.row_index(old) is None
        }

    def _aliases(self) -> dict[str, tuple[str, int]]:
        aliases = self.world.aliases
        if not aliases:
            return {}
        rows = (
            self.state.select("hub_id")
            .with_row_index("row")
            .filter(pl.col("hub_id").is_in([a["hub_id"] for a in aliases]))
        )
        row_of_hub = dict(zip(rows["hub_id"].to_list(), rows["row"].to_list()))
        return {a["alias"]: (a["mode"], row_of_hub[a["hub_id"]]) for a in aliases if a["hub_id"] in row_of_hub}

    def listing_order(self, query: ListingQuery) -> np.ndarray:
        """State row indices of the repos a listing returns, in order; computed once per query and date."""
        with self._lock:
            order = self._orders.get(query)
            if order is not None:
                self._orders.move_to_end(query)
                return order
        order = self._compute_order(query)
        with self._lock:
            self._orders[query] = order
            while len(self._orders) > self.MAX_CACHED_ORDERS:
                self._orders.popitem(last=False)
        return order

    def _compute_order(self, query: ListingQuery) -> np.ndarray:
        frame = self.state.lazy().with_row_index("row")
        if query.author:
            frame = frame.filter(pl.col("author").str.to_lowercase() == query.author.lower())
        if query.search:
            frame = frame.filter(pl.col("repo_id").str.to_lowercase().str.contains(query.search.lower(), literal=True))
        for tag in query.tags:
            frame = frame.filter(pl.col("tags").list.contains(tag))
        if query.pipeline_tag:
            frame = frame.filter(pl.col("pipeline_tag") == query.pipeline_tag)
        if query.gated is not None:
            frame = frame.filter((pl.col("gated") != "false") == query.gated)
        if query.sort:
            column = LISTING_SORTS[query.sort]
            if column == "trending_score":  # not a listing column: read it out of the stored model_info
                score = pl.col("info_json").str.json_path_match("$.trendingScore")
                frame = frame.with_columns(trending_score=score.cast(pl.Float64, strict=False))
            # The state is sorted by hub_id, so a stable sort breaks ties by hub_id: pages never overlap.
            frame = frame.sort(column, descending=True, nulls_last=True, maintain_order=True)
        return frame.select("row").collect()["row"].to_numpy()

    def rows_at(self, indices: np.ndarray, columns: list[str] | None = None) -> list[dict[str, Any]]:
        frame = self.state if columns is None else self.state.select(columns)
        return frame.select(pl.all().gather(indices)).to_dicts()


# ---- helpers for routes -------------------------------------------------------------------------------


def resolve_revision(view: DateView, row: dict[str, Any], rev: str | None) -> tuple[dict[str, Any], str]:
    """The revision row to serve for `rev`, and the commit sha to report.

    `main` is the head; another branch or a tag serves the head state under its own target sha; a 40-hex sha
    serves that commit's state, if the repo had it by this date.
    """
    head_sha = row["commit_sha"]
    if rev in (None, "", "main", "refs/heads/main", head_sha):
        return row, head_sha
    name = rev.removeprefix("refs/heads/").removeprefix("refs/tags/")
    for ref in row["refs"] or ():
        if ref["name"] == name:
            return row, ref["target"]
    if SHA1_HEX.match(rev):
        older = view.history(row["hub_id"]).filter(pl.col("commit_sha") == rev)
        if older.height:
            return older.row(0, named=True), rev
    raise HubError(404, "RevisionNotFound", f"Invalid rev id: {rev}")


def readable_when_gated(path: str, entry: dict[str, Any] | None) -> bool:
    """What a gated repo shows without access: the card, LICENSE-like files and small json configs."""
    name = path.rsplit("/", 1)[-1]
    if name == "README.md" or LICENSE_LIKE.match(name):
        return True
    size = entry["size"] if entry else None
    return name.endswith(".json") and (size is None or size <= SMALL_JSON_BYTES)


def file_size(entry: dict[str, Any]) -> int | None:
    """The size the Hub reports: the real size for LFS files, not the pointer's."""
    return entry["lfs_size"] if entry["lfs_sha256"] else entry["size"]


def sibling_with_blob(entry: dict[str, Any]) -> dict[str, Any]:
    """A `siblings` item as `model_info(files_metadata=True)` (`blobs=true`) gets it."""
    item: dict[str, Any] = {"rfilename": entry["path"]}
    if entry["blob_id"]:
        item["blobId"] = entry["blob_id"]
    if file_size(entry) is not None:
        item["size"] = file_size(entry)
    if entry["lfs_sha256"]:
        item["lfs"] = {"size": entry["lfs_size"], "sha256": entry["lfs_sha256"], "pointerSize": entry["size"]}
    return item


def git_tree_id(entries: list[tuple[str, str, str | None]]) -> str | None:
    """The git id of a tree of (name, mode, oid) entries; None when an oid is unknown."""
    if any(oid is None for _, _, oid in entries):
        return None
    # git orders a directory as if its name ended with "/"
    ordered = sorted(entries, key=lambda e: e[0] + "/" if e[1] == "40000" else e[0])
    body = b"".join(f"{mode} {name}".encode() + b"\0" + bytes.fromhex(oid) for name, mode, oid in ordered)
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()


def directory_ids(files: list[dict[str, Any]]) -> dict[str, str | None]:
    """Every directory of a revision ("" is the root) with its git tree id, derived from the file paths."""
    children: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    directories = {""}
    for entry in files:
        parent, _, name = entry["path"].rpartition("/")
        children[parent].append((name, "100644", entry["blob_id"]))
        while parent:
            directories.add(parent)
            parent = parent.rpartition("/")[0]
    ids: dict[str, str | None] = {}
    for directory in sorted(directories, key=lambda d: d.count("/") + bool(d), reverse=True):  # deepest first
        ids[directory] = git_tree_id(children[directory])
        if directory:
            parent, _, name = directory.rpartition("/")
            children[parent].append((name, "40000", ids[directory]))
    return ids


def tree_items(files: list[dict[str, Any]], root: str, recursive: bool) -> list[dict[str, Any]] | None:
    """The entries of `list_repo_tree` under a folder; None when the folder does not exist."""
    directories = directory_ids(files)
    if root not in directories:
        return None
    prefix = f"{root}/" if root else ""

    def listed(path: str) -> bool:
        return path.startswith(prefix) and (recursive or "/" not in path[len(prefix) :])

    items: list[dict[str, Any]] = [
        {"type": "directory", "oid": oid, "size": 0, "path": path}
        for path, oid in directories.items()
        if path and listed(path)
    ]
    for entry in files:
        if listed(entry["path"]):
            item = {"type": "file", "oid": entry["blob_id"], "size": file_size(entry), "path": entry["path"]}
            if entry["lfs_sha256"]:
                item["lfs"] = {"oid": entry["lfs_sha256"], "size": entry["lfs_size"], "pointerSize": entry["size"]}
            items.append(item)
    return sorted(items, key=lambda item: item["path"])


def listing_item(
    row: dict[str, Any], *, expand: list[str], full: bool, card_data: bool, config: bool
) -> dict[str, Any]:
    """One model of a listing page: `_id`, `id` and the expand keys; else the compact record, plus the keys
    that full/cardData/config add."""
    if expand:
        return model_info_body(row, expand=expand)
    item = {
        "_id": row["hub_id"],
        "id": row["repo_id"],
        "likes": row["likes"],
        "downloads": row["downloads"],
        "private": row["private"],
        "tags": row["tags"],
        "pipeline_tag": row["pipeline_tag"],
        "library_name": row["library_name"],
        "createdAt": row["created_at"],
        "modelId": row["repo_id"],
    }
    item = {key: value for key, value in item.items() if value is not None}
    extra = (FULL_LISTING_KEYS if full else ()) + (("cardData",) if card_data else ()) + (("config",) if config else ())
    if extra:
        body = model_info_body(row)
        item.update({key: body[key] for key in extra if key in body})
    return item


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        offset = int(text.removeprefix("offset:")) if text.startswith("offset:") else -1
    except (binascii.Error, UnicodeDecodeError, ValueError):
        offset = -1
    if offset < 0:
        raise HubError(400, "BadRequest", f"invalid cursor {cursor!r}")
    return offset


def content_type(content: bytes) -> str:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return TEXT_TYPE


# ---- requests -----------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str  # raw (still percent-encoded) path, without the as-of prefix
    raw_query: str
    prefix: str  # "/as-of/YYYY-MM-DD" when the request had one, else ""
    view: DateView
    base_url: str
    # the raw path around the repo id, to rebuild the URL under a new id for a redirect
    repo_before: str = ""
    repo_after: str = ""

    @cached_property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.raw_query, keep_blank_values=True)

    def get(self, name: str) -> str | None:
        values = self.all(name)
        return values[-1] if values else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    def flag(self, name: str) -> bool:
        return (self.get(name) or "").lower() in ("1", "true")

    def url(self, path: str, raw_query: str = "") -> str:
        """An absolute URL on this server that keeps the request's as-of prefix."""
        return f"{self.base_url}{self.prefix}{path}" + (f"?{raw_query}" if raw_query else "")

    def next_link(self, param: str, value: str) -> dict[str, str]:
        """The Link header of the next page: the same URL, all original params, the page param replaced."""
        query = [(k, v) for k, v in self.query if k != param] + [(param, value)]
        return {"Link": f'<{self.url(self.path, urlencode(query))}>; rel="next"'}

    def positive_int(self, name: str) -> int | None:
        value = self.get(name)
        if value is None or value == "":
            return None
        if not value.isdigit() or int(value) < 1:
            raise HubError(400, "BadRequest", f"{name} must be a positive integer, not {value!r}")
        return int(value)


def repo_segment_count(segments: list[str], view: DateView, is_marker: Callable[[str], bool]) -> int:
    """How many path segments the repo id takes: two (`org/name`) or one (legacy `gpt2`).

    The reading that names a known repo wins; otherwise one segment when the next one is a route word.
    """
    if len(segments) >= 2 and view.locate(f"{unquote(segments[0])}/{unquote(segments[1])}") is not None:
        return 2
    if len(segments) == 1 or is_marker(segments[1]):
        return 1
    return 2


# ---- the server ---------------------------------------------------------------------------------------


class ReplayHub:
    """Serves a world over HTTP on 127.0.0.1, like the Hub; see the module docstring."""

    def __init__(
        self, world: World, *, as_of: str | None = None, faults: FaultSpec | None = None, page_size: int = 1000
    ) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        self.world = world
        self.as_of = parse_date(as_of) if as_of else world.latest_date
        self.faults = faults or FaultSpec()
        self.page_size = page_size
        self.stats = ReplayStats()
        self._injector = FaultInjector(self.faults)
        self._views: dict[tuple[str, str], DateView] = {}
        self._views_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --

    def start(self, port: int = 0) -> str:
        """Serves in a background thread; returns the base URL (port 0 picks a free port)."""
        if self._server is not None:
            raise RuntimeError(f"replay hub already serving at {self.url}")
        self._server = _Server(port, self)
        # a short poll interval makes stop() quick: shutdown() waits for the serving loop's next poll
        serve = partial(self._server.serve_forever, poll_interval=0.05)
        self._thread = threading.Thread(target=serve, name="replay-hub", daemon=True)
        self._thread.start()
        log.info("replay hub serving %s (as of %s)", self.url, self.as_of)
        return self.url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.drop_connections()  # idle keep-alive connections would otherwise outlive the server
        server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("replay hub is not serving; call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stats_snapshot(self) -> dict[str, Any]:
        return self.stats.snapshot()

    def reset_stats(self) -> None:
        self.stats.reset()

    def __enter__(self) -> ReplayHub:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def view(self, as_of: str, repo_type: str = "model") -> DateView:
        with self._views_lock:
            view = self._views.get((as_of, repo_type))
            if view is None:
                world = self.world if repo_type == "model" else self.world.datasets
                view = self._views[(as_of, repo_type)] = DateView(world, as_of)
        return view

    # -- dispatch --

    def handle(self, method: str, target: str) -> tuple[str, Reply | None]:
        """Answers one request: (route kind, reply). A None reply means: drop the connection (injected `cut`)."""
        split = urlsplit(target)
        if split.path.startswith("/_replay/"):
            return "replay", self._replay_route(method, split.path)
        try:
            request = self._request(method, split)
            kind, repo_id, action = self._route(request)
        except HubError as error:
            self.stats.record("other")
            return "other", error.reply()
        fault = self._injector.pick(kind, repo_id)
        self.stats.record(kind, fault)
        if fault == "cut":
            return kind, None
        if fault == "slow":
            time.sleep(self.faults.delay)
        elif fault is not None:
            return kind, fault_reply(fault, self.faults, kind)
        try:
            return kind, action()
        except Answer as answer:
            return kind, answer.reply()
        except Exception:
            log.exception("replay hub failed on %s %s", method, target)
            return kind, HubError(500, "InternalError", "replay hub internal error").reply()

    def _request(self, method: str, split: SplitResult) -> Request:
        match = AS_OF_PREFIX.match(split.path)
        if match:
            try:
                as_of = parse_date(match[1])
            except ValueError:
                raise HubError(400, "BadRequest", f"invalid as-of date {match[1]!r}; expected YYYY-MM-DD") from None
            prefix, path = f"/as-of/{as_of}", match[2] or "/"
        else:
            as_of, prefix, path = self.as_of, "", split.path
        repo_type = "dataset" if path.startswith("/api/datasets/") else "model"
        return Request(method, path, split.query, prefix, self.view(as_of, repo_type), self.url)

    def _route(self, req: Request) -> tuple[str, str | None, Callable[[], Reply]]:
        """(route kind, repo id or None, action) for a request; parsing never fails, actions answer errors."""
        segments = req.path.split("/")[1:]
        if req.method not in ("GET", "HEAD"):
            return "other", None, partial(self._not_found, req)
        if segments[:2] == ["api", "datasets"] and len(segments) > 2 and segments[2]:
            # Dataset metadata only: the crawler asks whether the datasets a card names are themselves open.
            rest = segments[2:]
            count = 2 if len(rest) >= 2 and rest[1] not in ("revision", "") else 1
            repo_id = "/".join(unquote(s) for s in rest[:count])
            req.repo_before, req.repo_after = "/api/datasets/", "".join(f"/{s}" for s in rest[count:])
            if len(rest) == count:
                return "dataset_info", repo_id, partial(self._model_info, req, repo_id, None)
            return "other", repo_id, partial(self._not_found, req)
        if segments[:2] == ["api", "models"]:
            rest = segments[2:]
            if not rest or rest == [""]:
                return "listing", None, partial(self._list_models, req)
            count = repo_segment_count(rest, req.view, lambda s: s in REPO_ACTIONS)
            repo_id = "/".join(unquote(s) for s in rest[:count])
            tail = [unquote(s) for s in rest[count:]]
            req.repo_before, req.repo_after = "/api/models/", "".join(f"/{s}" for s in rest[count:])
            action = tail[0] if tail else None
            if action is None:
                return "model_info", repo_id, partial(self._model_info, req, repo_id, None)
            if action == "revision" and len(tail) >= 2:
                return "model_info", repo_id, partial(self._model_info, req, repo_id, "/".join(tail[1:]))
            if action == "refs" and len(tail) == 1:
                return "refs", repo_id, partial(self._refs, req, repo_id)
            if action == "commits":
                return "commits", repo_id, partial(self._commits, req, repo_id, "/".join(tail[1:]) or "main")
            if action == "tree" and len(tail) >= 2:
                return "tree", repo_id, partial(self._tree, req, repo_id, tail[1], "/".join(tail[2:]).strip("/"))
            return "other", repo_id, partial(self._not_found, req)
        count = repo_segment_count(segments, req.view, lambda s: s == "resolve")
        if len(segments) >= count + 3 and segments[count] == "resolve":
            repo_id = "/".join(unquote(s) for s in segments[:count])
            rev = unquote(segments[count + 1])
            path = "/".join(unquote(s) for s in segments[count + 2 :])
            req.repo_before, req.repo_after = "/", "".join(f"/{s}" for s in segments[count:])
            kind = "resolve_head" if req.method == "HEAD" else "resolve_get"
            return kind, repo_id, partial(self._resolve, req, repo_id, rev, path)
        return "other", None, partial(self._not_found, req)

    def _replay_route(self, method: str, path: str) -> Reply:
        if method in ("GET", "HEAD") and path == "/_replay/stats":
            return json_reply(self.stats.snapshot())
        if method == "POST" and path == "/_replay/reset":
            self.stats.reset()
            return json_reply(self.stats.snapshot())
        if method in ("GET", "HEAD") and path == "/_replay/world":
            return json_reply({"manifest": self.world.manifest, "dates": self.world.dates, "as_of": self.as_of})
        return HubError(404, "NotFound", f"no replay route {method} {path}").reply()

    # -- routes --

    def _not_found(self, req: Request) -> Reply:
        raise HubError(404, "NotFound", f"the replay hub does not serve {req.method} {req.path}")

    def _find(self, req: Request, repo_id: str) -> tuple[dict[str, Any], str]:
        """The repo's state row and the id to answer under; a renamed repo's old id answers 307."""
        found = req.view.locate(repo_id)
        if found is None:
            raise HubError(404, "RepoNotFound", f"Repository not found: {repo_id}")
        if isinstance(found, Moved):
            raise Redirect(req.url(req.repo_before + quote(found.repo_id, safe="/") + req.repo_after, req.raw_query))
        return req.view.row(found.row), found.served_id

    def _list_models(self, req: Request) -> Reply:
        sort = req.get("sort")
        if sort is not None and sort not in LISTING_SORTS:
            raise HubError(400, "BadRequest", f"sort must be one of {', '.join(LISTING_SORTS)}, not {sort!r}")
        gated = req.get("gated")
        if gated is not None and gated.lower() not in ("true", "false"):
            raise HubError(400, "BadRequest", f"gated must be true or false, not {gated!r}")
        query = ListingQuery(
            author=req.get("author") or None,
            search=req.get("search") or None,
            tags=tuple(sorted(set(req.all("filter")) - {""})),
            pipeline_tag=req.get("pipeline_tag") or None,
            gated=None if gated is None else gated.lower() == "true",
            sort=sort,
        )
        order = req.view.listing_order(query)
        size = min(req.positive_int("limit") or self.page_size, self.page_size)
        offset = decode_cursor(req.get("cursor"))
        expand = req.all("expand")
        full, card_data, config = req.flag("full"), req.flag("cardData"), req.flag("config")
        compact = not (expand or full or card_data or config)
        rows = req.view.rows_at(order[offset : offset + size], COMPACT_COLUMNS if compact else None)
        items = [listing_item(row, expand=expand, full=full, card_data=card_data, config=config) for row in rows]
        more = offset + size < len(order)
        return json_reply(items, headers=req.next_link("cursor", encode_cursor(offset + size)) if more else None)

    def _model_info(self, req: Request, repo_id: str, rev: str | None) -> Reply:
        head, served_id = self._find(req, repo_id)
        row, sha = resolve_revision(req.view, head, rev)
        body = model_info_body(row, expand=req.all("expand") or None, repo_id=served_id)
        if "sha" in body:
            body["sha"] = sha
        if req.flag("blobs") and "siblings" in body:
            body["siblings"] = [sibling_with_blob(entry) for entry in row["files"] or ()]
        return json_reply(body)

    def _refs(self, req: Request, repo_id: str) -> Reply:
        row, _ = self._find(req, repo_id)
        refs = [{"kind": "branch", "name": "main", "target": row["commit_sha"]}, *(row["refs"] or [])]

        def listed(kind: str, folder: str) -> list[dict[str, str]]:
            return [
                {"name": r["name"], "ref": f"refs/{folder}/{r['name']}", "targetCommit": r["target"]}
                for r in refs
                if r["kind"] == kind
            ]

        body: dict[str, Any] = {"branches": listed("branch", "heads"), "converts": [], "tags": listed("tag", "tags")}
        if req.flag("include_prs"):
            body["pullRequests"] = []
        return json_reply(body)

    def _commits(self, req: Request, repo_id: str, rev: str) -> Reply:
        head, _ = self._find(req, repo_id)
        _, sha = resolve_revision(req.view, head, rev)
        history = req.view.history(head["hub_id"])
        shas = history["commit_sha"].to_list()
        # Commits up to the resolved one, newest first; a branch whose commit the world does not hold has none.
        upto = history.head(shas.index(sha) + 1).reverse() if sha in shas else history.clear()
        size = min(req.positive_int("limit") or COMMITS_PAGE, self.page_size)
        page_param = req.get("p") or "0"
        if not page_param.isdigit():
            raise HubError(400, "BadRequest", f"invalid page {page_param!r}")
        page_number = int(page_param)
        page = upto.slice(page_number * size, size)
        formatted = "formatted" in req.all("expand[]")
        items = []
        for commit in page.select("commit_sha", "commit_title", "commit_date").iter_rows(named=True):
            # the world keeps no commit messages or authors
            item = {
                "id": commit["commit_sha"],
                "title": commit["commit_title"],
                "message": "",
                "authors": [],
                "date": commit["commit_date"],
            }
            if formatted:
                item["formatted"] = {"title": commit["commit_title"], "message": ""}
            items.append(item)
        more = (page_number + 1) * size < upto.height
        return json_reply(items, headers=req.next_link("p", str(page_number + 1)) if more else None)

    def _tree(self, req: Request, repo_id: str, rev: str, path: str) -> Reply:
        head, _ = self._find(req, repo_id)
        row, sha = resolve_revision(req.view, head, rev)
        items = tree_items(row["files"] or [], path, req.flag("recursive"))
        if items is None:
            raise HubError(404, "EntryNotFound", f"{path} does not exist on {rev!r}", {"X-Repo-Commit": sha})
        size = min(TREE_PAGE_EXPANDED if req.flag("expand") else TREE_PAGE, self.page_size)
        offset = decode_cursor(req.get("cursor"))
        more = offset + size < len(items)
        link = req.next_link("cursor", encode_cursor(offset + size)) if more else None
        return json_reply(items[offset : offset + size], headers=link)

    def _resolve(self, req: Request, repo_id: str, rev: str, path: str) -> Reply:
        head, _ = self._find(req, repo_id)
        row, sha = resolve_revision(req.view, head, rev)
        entry = next((f for f in row["files"] or () if f["path"] == path), None)
        if row["gated"] != "false" and not readable_when_gated(path, entry):
            message = f"Access to model {repo_id} is restricted. You must have access to it and be authenticated."
            raise HubError(401, "GatedRepo", message)
        commit = {"X-Repo-Commit": sha}
        if entry is None:
            raise HubError(404, "EntryNotFound", f"{path} does not exist on {rev!r}", commit)
        content = self.world.blob(entry["blob_id"]) if entry["blob_id"] else None
        if content is None and entry["lfs_sha256"] and entry["lfs_size"] is not None:
            content = lfs_pointer(entry["lfs_sha256"], entry["lfs_size"])
        if content is None:
            raise HubError(404, "EntryNotFound", f"the content of {path} is not recorded in this replay world", commit)
        etag = entry["blob_id"] or git_blob_id(content)
        headers = {**commit, "ETag": f'"{etag}"', "Content-Type": content_type(content)}
        if entry["lfs_sha256"]:
            headers["X-Linked-Etag"] = f'"{entry["lfs_sha256"]}"'
            headers["X-Linked-Size"] = str(entry["lfs_size"])
        return Reply(200, content, headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client pools connections
    server_version = "openness-replay-hub"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    timeout = 120  # idle keep-alive connections are closed after this many seconds
    server: _Server

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))  # keep the connection in sync
        self._answer("POST")

    def _answer(self, method: str) -> None:
        kind, reply = self.server.hub.handle(method, self.path)
        if reply is None:
            log.debug("%s %s -> connection cut [%s]", method, self.path, kind)
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            # header values must be latin-1; repo ids and messages may not be
            self.send_header(name, value.encode("latin-1", "replace").decode("latin-1"))
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(reply.body)
        log.debug("%s %s -> %d [%s]", method, self.path, reply.status, kind)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # `_answer` logs one line per request, with its route kind

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - " + format, self.address_string(), *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, hub: ReplayHub) -> None:
        self.hub = hub
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, a name lookup that a loopback server does not need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.exception("replay hub: error while serving %s", client_address)  # not socketserver's print to stderr

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
