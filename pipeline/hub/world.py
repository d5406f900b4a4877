"""Replay worlds: a folder holding the history of a Hub, for the replay hub to serve "as of" any date.

A world is what the replay hub answers from. It is written once (by the recorded-data loader or the
synthetic generator) and read many times. The layout is documented in docs/replay-hub.md:

    WORLD/
      world.json          manifest: format, kind, description, dates, aliases, notes
      revisions.parquet   one row per commit of a repo (model or dataset): the repo's state from that commit on
      blobs.parquet       file contents keyed by git blob id (each distinct content stored once)

A repo's state on date D is its newest revision whose commit_date falls on or before D. A revision
flagged `deleted` makes the repo disappear from that date on. A revision that changes `repo_id` while
keeping `hub_id` is a rename: the old id answers with a 307 to the new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

FORMAT = "openness-replay-world/1"
MANIFEST = "world.json"
REVISIONS = "revisions.parquet"
BLOBS = "blobs.parquet"

# model_info keys that the world derives from a revision's own columns, so `info` must not carry them.
DERIVED_INFO_KEYS = frozenset({"_id", "id", "modelId", "sha", "lastModified", "siblings"})

FILE_TYPE = pa.struct(
    [
        ("path", pa.string()),
        ("blob_id", pa.string()),
        ("size", pa.int64()),
        ("lfs_sha256", pa.string()),
        ("lfs_size", pa.int64()),
    ]
)
REF_TYPE = pa.struct([("kind", pa.string()), ("name", pa.string()), ("target", pa.string())])
REVISION_SCHEMA = pa.schema(
    [
        ("repo_type", pa.string()),  # model | dataset; ids are unique within a type, as on the Hub
        ("hub_id", pa.string()),
        ("repo_id", pa.string()),
        ("commit_sha", pa.string()),
        ("commit_date", pa.string()),
        ("commit_title", pa.string()),
        ("deleted", pa.bool_()),
        # Listing columns, copied out of `info` so that the server can filter and sort without parsing JSON.
        ("author", pa.string()),
        ("pipeline_tag", pa.string()),
        ("library_name", pa.string()),
        ("downloads", pa.int64()),
        ("likes", pa.int64()),
        ("created_at", pa.string()),
        ("gated", pa.string()),
        ("private", pa.bool_()),
        ("tags", pa.list_(pa.string())),
        ("info_json", pa.string()),
        ("files", pa.list_(FILE_TYPE)),
        ("refs", pa.list_(REF_TYPE)),
    ]
)
REPO_TYPES = ("model", "dataset")
BLOB_SCHEMA = pa.schema([("blob_id", pa.string()), ("content", pa.large_binary())])


def git_blob_id(content: bytes) -> str:
    """The id git (and the Hub's ETag) gives a non-LFS file: sha1 of "blob <len>\\0" + content."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The git-lfs pointer file git stores in place of an LFS file; its git blob id is the file's git oid."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


def end_of_day(date: str | dt.date) -> str:
    """The last instant of a date in the Hub's timestamp format; a state "as of D" includes all of D."""
    return f"{dt.date.fromisoformat(str(date)).isoformat()}T23:59:59.999Z"


@dataclass(frozen=True)
class FileEntry:
    """A file of a revision. `blob_id`/`size` are None when a recording lists the file without them
    (model_info siblings); `size` is the git size, i.e. the pointer's size for an LFS file."""

    path: str
    blob_id: str | None
    size: int | None
    lfs_sha256: str | None = None
    lfs_size: int | None = None


@dataclass(frozen=True)
class Ref:
    kind: str  # "branch" or "tag"; the main branch is implicit (it is the revision itself)
    name: str
    target: str


@dataclass
class Revision:
    """One commit of a repo, and the repo's state from that commit on."""

    hub_id: str
    repo_id: str
    commit_sha: str
    commit_date: str
    commit_title: str
    info: dict[str, Any]
    files: list[FileEntry] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    deleted: bool = False
    repo_type: str = "model"

    def to_row(self) -> dict[str, Any]:
        if self.repo_type not in REPO_TYPES:
            raise ValueError(f"repo_type must be one of {REPO_TYPES}, not {self.repo_type!r}")
        info = {k: v for k, v in self.info.items() if k not in DERIVED_INFO_KEYS}
        gated = info.get("gated", False)
        return {
            "repo_type": self.repo_type,
            "hub_id": self.hub_id,
            "repo_id": self.repo_id,
            "commit_sha": self.commit_sha,
            "commit_date": self.commit_date,
            "commit_title": self.commit_title,
            "deleted": self.deleted,
            "author": info.get("author") or (self.repo_id.split("/")[0] if "/" in self.repo_id else None),
            "pipeline_tag": info.get("pipeline_tag"),
            "library_name": info.get("library_name"),
            "downloads": _as_int(info.get("downloads")),
            "likes": _as_int(info.get("likes")),
            "created_at": info.get("createdAt"),
            "gated": "false" if gated is False or gated is None else str(gated),
            "private": bool(info.get("private", False)),
            "tags": [str(t) for t in info.get("tags") or []],
            "info_json": json.dumps(info, ensure_ascii=False, separators=(",", ":")),
            "files": [f.__dict__ for f in self.files],
            "refs": [r.__dict__ for r in self.refs],
        }


def _as_int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


class WorldWriter:
    """Streams revisions and blobs into a world folder; `close()` writes world.json last.

    A folder without world.json is an unfinished world: readers refuse it, so a crashed generator
    never leaves something that looks complete.
    """

    def __init__(
        self,
        folder: str | os.PathLike,
        *,
        kind: str,
        description: str,
        dates: Iterable[str],
        seed: int | None = None,
        notes: Iterable[str] = (),
        batch_rows: int = 20_000,
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / MANIFEST).unlink(missing_ok=True)
        self.manifest: dict[str, Any] = {
            "format": FORMAT,
            "kind": kind,
            "description": description,
            "dates": sorted({str(d) for d in dates}),
            "seed": seed,
            "aliases": [],
            "notes": list(notes),
        }
        self._batch_rows = batch_rows
        self._revisions: list[dict[str, Any]] = []
        self._blobs: list[tuple[str, bytes]] = []
        self._blob_bytes = 0
        self._seen_blobs: set[str] = set()
        self._rev_writer = pq.ParquetWriter(self.folder / REVISIONS, REVISION_SCHEMA, compression="zstd")
        self._blob_writer = pq.ParquetWriter(self.folder / BLOBS, BLOB_SCHEMA, compression="zstd")
        self.revision_count = 0
        self.blob_count = 0

    def add_blob(self, content: bytes) -> FileEntry:
        """Stores a file's content once and returns an entry for it (path left empty for the caller)."""
        blob_id = git_blob_id(content)
        if blob_id not in self._seen_blobs:
            self._seen_blobs.add(blob_id)
            self._blobs.append((blob_id, content))
            self._blob_bytes += len(content)
            self.blob_count += 1
            if len(self._blobs) >= self._batch_rows or self._blob_bytes > 64 << 20:
                self._flush_blobs()
        return FileEntry(path="", blob_id=blob_id, size=len(content))

    def add_file(self, path: str, content: bytes) -> FileEntry:
        entry = self.add_blob(content)
        return FileEntry(path=path, blob_id=entry.blob_id, size=entry.size)

    def add_revision(self, revision: Revision) -> None:
        self._revisions.append(revision.to_row())
        self.revision_count += 1
        if len(self._revisions) >= self._batch_rows:
            self._flush_revisions()

    def add_alias(self, alias: str, hub_id: str, mode: str = "redirect") -> None:
        """An old id of a repo: `redirect` answers 307 to the current id, `same` answers 200 under the alias."""
        if mode not in ("redirect", "same"):
            raise ValueError(f"alias mode must be 'redirect' or 'same', not {mode!r}")
        self.manifest["aliases"].append({"alias": alias, "hub_id": hub_id, "mode": mode})

    def _flush_revisions(self) -> None:
        if self._revisions:
            self._rev_writer.write_table(pa.Table.from_pylist(self._revisions, schema=REVISION_SCHEMA))
            self._revisions = []

    def _flush_blobs(self) -> None:
        if self._blobs:
            ids, contents = zip(*self._blobs)
            self._blob_writer.write_table(
                pa.table({"blob_id": list(ids), "content": list(contents)}, schema=BLOB_SCHEMA)
            )
            self._blobs = []
            self._blob_bytes = 0

    def close(self) -> Path:
        self._flush_revisions()
        self._flush_blobs()
        self._rev_writer.close()
        self._blob_writer.close()
        self.manifest["revisions"] = self.revision_count
        self.manifest["blobs"] = self.blob_count
        tmp = self.folder / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(self.manifest, indent=2) + "\n")
        tmp.replace(self.folder / MANIFEST)
        return self.folder

    def __enter__(self) -> "WorldWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:  # leave no world.json behind: the folder stays visibly unfinished
            self._rev_writer.close()
            self._blob_writer.close()


class WorldError(Exception):
    """A folder that is not a readable world."""


class World:
    """A world loaded for serving. States per date are computed once and cached."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        manifest_path = self.folder / MANIFEST
        if not manifest_path.is_file():
            raise WorldError(
                f"{self.folder} is not a replay world (no {MANIFEST}); create one with "
                "`openness hub synth` or `openness hub import-recorded`"
            )
        self.manifest = json.loads(manifest_path.read_text())
        if self.manifest.get("format") != FORMAT:
            raise WorldError(f"{manifest_path}: unsupported format {self.manifest.get('format')!r}, expected {FORMAT!r}")
        revisions = pl.read_parquet(self.folder / REVISIONS).sort(["commit_date", "commit_sha"])
        if "repo_type" not in revisions.columns:  # worlds written before datasets were served hold models only
            revisions = revisions.with_columns(repo_type=pl.lit("model"))
        blobs = pq.read_table(self.folder / BLOBS)
        self._blob_ids = blobs.column("blob_id").to_pylist()
        self._blob_content = blobs.column("content")
        self._blob_index: dict[str, int] | None = None
        self._states: dict[str, pl.DataFrame] = {}
        self._lock = threading.Lock()
        # Models are the world itself; datasets are a world of their own that shares the manifest and blobs.
        self.revisions = revisions.filter(pl.col("repo_type") == "model")
        self.datasets = self._sibling(revisions.filter(pl.col("repo_type") == "dataset"))

    def _sibling(self, revisions: pl.DataFrame) -> "World":
        other = object.__new__(World)
        other.__dict__.update(self.__dict__)
        other.manifest = {**self.manifest, "aliases": []}  # aliases in world.json name models
        other.revisions = revisions
        other._states = {}
        other._lock = threading.Lock()
        return other

    @property
    def dates(self) -> list[str]:
        return list(self.manifest.get("dates") or [])

    @property
    def latest_date(self) -> str:
        if self.dates:
            return self.dates[-1]
        last = self.revisions["commit_date"].max()
        return str(last)[:10] if last else dt.date.today().isoformat()

    @property
    def aliases(self) -> list[dict[str, str]]:
        return list(self.manifest.get("aliases") or [])

    def blob(self, blob_id: str) -> bytes | None:
        if self._blob_index is None:
            with self._lock:
                if self._blob_index is None:
                    self._blob_index = {b: i for i, b in enumerate(self._blob_ids)}
        i = self._blob_index.get(blob_id)
        return None if i is None else self._blob_content[i].as_py()

    def history(self, as_of: str) -> pl.DataFrame:
        """Every revision committed on or before the date, oldest first."""
        return self.revisions.filter(pl.col("commit_date") <= end_of_day(as_of))

    def state(self, as_of: str) -> pl.DataFrame:
        """The repos visible on a date: each hub_id's newest revision, minus deleted repos."""
        with self._lock:
            cached = self._states.get(as_of)
        if cached is not None:
            return cached
        state = (
            self.history(as_of)
            .group_by("hub_id", maintain_order=True)
            .last()
            .filter(~pl.col("deleted"))
            .sort("hub_id")
        )
        with self._lock:
            self._states[as_of] = state
        return state


def model_info_body(row: dict[str, Any], *, expand: list[str] | None = None, repo_id: str | None = None) -> dict[str, Any]:
    """The JSON body of GET /api/models/{repo} for a revision row, as the Hub would send it.

    With `expand`, only `_id`, `id` and the requested keys come back, as on the Hub.
    """
    info = json.loads(row["info_json"])
    body: dict[str, Any] = {"_id": row["hub_id"], "id": repo_id or row["repo_id"]}
    body.update(info)
    body["id"] = repo_id or row["repo_id"]
    body["modelId"] = body["id"]
    body["sha"] = row["commit_sha"]
    body["lastModified"] = row["commit_date"]
    body.setdefault("author", row["repo_id"].split("/")[0] if "/" in row["repo_id"] else None)
    body["siblings"] = [{"rfilename": f["path"]} for f in row["files"] or []]
    if expand:
        keep = set(expand) | {"_id", "id"}
        body = {k: v for k, v in body.items() if k in keep}
    return body
