"""Read a corpus of model cards without any Hub access, and extract every card into Parquet.

Two kinds of corpus:
- a folder of README files, one per model, in it or in its subfolders: `org__name.md` or
  `org__name.README.md` (the repo id with `/` written as `__`), as in ../shared/data/hub-recorded/model_cards,
  `name_README.md` (a repo id without its namespace), or `org/name/README.md` (see read_readme_folder);
- a Parquet card dump in the layout of `librarian-bots/model_cards_with_metadata` (modelId, author,
  last_modified, downloads, likes, library_name, tags, pipeline_tag, createdAt, card), as one file or a folder
  of shards. It is streamed in record batches, so a multi-GB dump never sits whole in memory.

Bytes that are not UTF-8 are handed to the extractor as bytes: it replaces them, records `invalid_utf8` in
`parse_problems` and still extracts the card.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import gc
import importlib.abc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.extract.card import one_line
from pipeline.extract.facts import extract
from pipeline.extract.model import ModelInput

DUMP_COLUMNS = ("modelId", "author", "last_modified", "downloads", "likes", "library_name", "tags",
                "pipeline_tag", "createdAt", "card")
REQUIRED_DUMP_COLUMNS = ("modelId", "card")  # the rest are used when present
LISTING_COLUMNS = ("tags", "pipeline_tag", "library_name")  # what extraction reads besides the card
README_SUFFIXES = ("_README.md", ".README.md", ".md")
DUMP_BATCH_ROWS = 2_000
RUN_CARDS = 250  # extract_corpus reads this many cards (at most RUN_CHARS of text), then extracts them together
RUN_CHARS = 16 * 1024 * 1024
RUNS_PER_WORKER = 2  # runs read ahead per worker process: one being extracted, one waiting, at most
WRITE_BATCH_ROWS = 5_000
KEY_COLUMNS = ("snapshot_date", "hub_id")  # a corpus has no crawl date and no Hub id: rows are keyed by repo_id


class CorpusError(Exception):
    """A corpus that cannot be read: reported to the user in one line."""


# ---- reading ------------------------------------------------------------------------------------------


def read_corpus(source: str | Path, *, defer_reading: bool = False) -> Iterator[ModelInput | CardFile]:
    """ModelInputs from a README folder, a Parquet dump, or a folder of Parquet shards. With `defer_reading`,
    a folder's cards come as CardFiles, read by whoever extracts them (a worker process, not the writer)."""
    path = Path(source)
    if not path.exists():
        raise CorpusError(f"{path} does not exist")
    if path.is_dir():
        shards = sorted(path.glob("*.parquet"))
        if shards:  # first: a dump's folder may hold the dataset's own README.md
            return read_card_dump(shards)
        if next(_card_files(path), None):
            return read_readme_folder(path, defer_reading=defer_reading)
        raise CorpusError(f"{path} holds neither README files (*.md) nor a Parquet card dump (*.parquet)")
    if path.suffix == ".parquet":
        return read_card_dump([path])
    raise CorpusError(f"{path} is neither a folder of README files nor a .parquet card dump")


def repo_id_from_file_name(name: str) -> str:
    """`EleutherAI__pythia-70m.README.md` -> `EleutherAI/pythia-70m`: only the first `__` is the slash. Without
    `__`, the name without its README suffix: `SEBIS_legal_t5_README.md` -> `SEBIS_legal_t5`."""
    for suffix in README_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("__", "/", 1)


@dataclass(frozen=True, slots=True)
class CardFile:
    """A README file of a folder corpus, not read yet."""

    repo_id: str
    path: str

    def read(self) -> ModelInput:
        with open(self.path, "rb") as file:
            return ModelInput(repo_id=self.repo_id, readme=_text_or_bytes(file.read()))


def read_readme_folder(folder: Path, *, defer_reading: bool = False) -> Iterator[ModelInput | CardFile]:
    """One ModelInput per `*.md` file in the folder and its subfolders, in path order (sorted folder by folder).

    The repo id is the file's (repo_id_from_file_name), except that a file named `README.md` is named after its
    folder (`org/name/README.md` -> `org/name`; the corpus's own README.md, at the top, is no card). A repo id
    that an earlier file gave already is replaced by the file's relative path (`_train/name_README.md`), so that
    the two cards stay apart: subfolders that sort a corpus by kind may hold the same name twice.
    """
    seen: set[str] = set()
    for relative in _card_files(folder):
        if relative == "README.md":
            continue
        parent, _, name = relative.rpartition("/")
        repo_id = parent if name == "README.md" else repo_id_from_file_name(name)
        if repo_id in seen:
            repo_id = relative
        seen.add(repo_id)
        card = CardFile(repo_id, os.path.join(folder, relative))
        yield card if defer_reading else card.read()


def _card_files(folder: Path | str, prefix: str = "") -> Iterator[str]:
    """The `/`-separated paths of the `*.md` files under `folder`, sorted name by name at each level (as sorted
    rglob would give them, at a fraction of pathlib's cost). Links to folders are not followed."""
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _card_files(entry.path, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".md") and entry.is_file():
            yield prefix + entry.name


def read_card_dump(paths: list[Path]) -> Iterator[ModelInput]:
    """One ModelInput per row of a librarian-bots style dump. Every shard is opened and its columns checked
    now, so that a wrong file fails before any output is written; rows are then streamed batch by batch."""
    files = [_open_parquet(path) for path in paths]
    for path, parquet in zip(paths, files):
        names = parquet.schema_arrow.names
        missing = [column for column in REQUIRED_DUMP_COLUMNS if column not in names]
        if missing:
            raise CorpusError(
                f"{path}: not a card dump: missing column(s) {', '.join(missing)} "
                f"(expected the librarian-bots layout: {', '.join(DUMP_COLUMNS)}; found: {', '.join(names[:12])})"
            )
    return _dump_rows(paths, files)


def _dump_rows(paths: list[Path], files: list[pq.ParquetFile]) -> Iterator[ModelInput]:
    for path, parquet in zip(paths, files):
        columns = ["modelId", "card"] + [c for c in LISTING_COLUMNS if c in parquet.schema_arrow.names]
        try:
            for batch in parquet.iter_batches(batch_size=DUMP_BATCH_ROWS, columns=columns):
                yield from _dump_batch(batch)
        except (OSError, pa.ArrowException) as error:
            raise CorpusError(f"{path}: unreadable Parquet: {one_line(error)}") from None


def _open_parquet(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise CorpusError(f"{path}: unreadable Parquet: {one_line(error)}") from None


def _dump_batch(batch: pa.RecordBatch) -> Iterator[ModelInput]:
    data = {name: batch.column(name) for name in batch.schema.names}
    repo_ids = data["modelId"].to_pylist()
    cards = _cards(data["card"])
    tags = data["tags"].to_pylist() if "tags" in data else [None] * len(repo_ids)
    tasks = data["pipeline_tag"].to_pylist() if "pipeline_tag" in data else [None] * len(repo_ids)
    libraries = data["library_name"].to_pylist() if "library_name" in data else [None] * len(repo_ids)
    for repo_id, card, tag_list, task, library in zip(repo_ids, cards, tags, tasks, libraries):
        if not repo_id:
            continue  # a row without a model id cannot be keyed
        yield ModelInput(repo_id=str(repo_id), readme=card, tags=_tag_list(tag_list),
                         pipeline_tag=task, library_name=library)


def _cards(column: pa.Array) -> list:
    """The card texts; a batch holding bytes that are not UTF-8 is decoded card by card instead."""
    try:
        return column.to_pylist()
    except UnicodeDecodeError:
        binary = pa.large_binary() if pa.types.is_large_string(column.type) else pa.binary()
        return [None if raw is None else _text_or_bytes(raw) for raw in column.view(binary).to_pylist()]


def _tag_list(value) -> list[str]:
    """Tags as a list of strings (dumps hold a list; some exports hold one string)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [tag for tag in value if isinstance(tag, str)]


def _text_or_bytes(raw: bytes) -> str | bytes:
    """Text when the bytes are UTF-8; otherwise the bytes, which parse_card decodes and records."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


# ---- extracting -----------------------------------------------------------------------------------------


@functools.cache  # _extract_run asks for it once per run of cards
def output_schema(table: str) -> pa.Schema:
    """The table's Arrow schema from sql/schema.sql, keyed by repo_id instead of (snapshot_date, hub_id)."""
    from pipeline.store.arrow import arrow_schemas

    return pa.schema([field for field in arrow_schemas()[table] if field.name not in KEY_COLUMNS])


def evidence_path(out: Path) -> Path:
    """`facts.parquet` -> `facts.evidence.parquet`, next to it."""
    return out.with_name(out.name.removesuffix(".parquet") + ".evidence.parquet")


def extract_corpus(
    source: str | Path,
    out: str | Path,
    *,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> dict:
    """Extract every card of a corpus into OUT (model_facts rows) and OUT.evidence.parquet; returns a summary.

    With workers > 1, runs of cards are extracted by that many processes; the files are the same either way.
    """
    out = Path(out)
    inputs = read_corpus(source, defer_reading=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    facts_schema, evidence_schema = output_schema("model_facts"), output_schema("evidence")
    started = time.perf_counter()
    cards = with_problems = evidence_rows = 0
    facts_tables: list[pa.Table] = []
    evidence_tables: list[pa.Table] = []
    waiting = 0  # facts rows in facts_tables
    try:
        with _fewer_full_collections(), _extracted(_runs(inputs, limit), workers) as results, \
                pq.ParquetWriter(out, facts_schema, compression="zstd") as facts_writer, \
                pq.ParquetWriter(evidence_path(out), evidence_schema, compression="zstd") as evidence_writer:
            for facts, evidence, problems in results:
                facts_tables.append(facts)
                evidence_tables.append(evidence)
                cards += facts.num_rows  # one facts row per card
                evidence_rows += evidence.num_rows
                waiting += facts.num_rows
                with_problems += problems
                if waiting >= WRITE_BATCH_ROWS:
                    _write(facts_writer, facts_tables)
                    _write(evidence_writer, evidence_tables)
                    waiting = 0
                    if progress:
                        progress(cards)
            _write(facts_writer, facts_tables)
            _write(evidence_writer, evidence_tables)
    except BaseException:
        # A half-written pair of files would look like a finished extraction.
        out.unlink(missing_ok=True)
        evidence_path(out).unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    return {
        "cards": cards,
        "seconds": seconds,
        "cards_per_second": cards / seconds if seconds > 0 else 0.0,
        "with_parse_problems": with_problems,
        "evidence_rows": evidence_rows,
        "out": str(out),
        "evidence_out": str(evidence_path(out)),
    }


def _runs(inputs: Iterator[ModelInput | CardFile], limit: int | None) -> Iterator[list[ModelInput | CardFile]]:
    """The inputs in order, `limit` at most, in runs of RUN_CARDS (or RUN_CHARS of text).

    Reading one README file between two extractions costs about a tenth more than reading a run of them and
    then extracting the run: the file system calls evict the extractor's working set from the CPU caches.
    A run is also what a worker process is handed: enough cards that a hand-over's own cost (a round trip
    through the pool's queues) is lost in the extraction's, few enough that memory stays low.
    """
    remaining = limit
    while remaining is None or remaining > 0:
        run: list[ModelInput] = []
        chars = 0
        for model in inputs:
            run.append(model)
            chars += len(model.readme) if isinstance(model, ModelInput) and model.readme is not None else 0
            if len(run) == RUN_CARDS or chars >= RUN_CHARS or len(run) == remaining:
                break
        if not run:
            return
        if remaining is not None:
            remaining -= len(run)
        yield run


def _extract_run(run: list[ModelInput | CardFile | tuple[str, str]]) -> tuple[pa.Table, pa.Table, int]:
    """The facts and evidence of a run of cards as Arrow tables, and how many cards had parse problems. A worker
    builds the tables itself (the columns of a run are built in parallel, not by the writing process), and they
    travel back as Arrow buffers, which pickle far faster than rows of Python objects."""
    facts_schema, evidence_schema = output_schema("model_facts"), output_schema("evidence")
    facts, evidence = _Batch(facts_schema), _Batch(evidence_schema)
    with_problems = 0
    for item in run:
        if type(item) is tuple:  # a CardFile, as _in_order sends it
            item = CardFile(*item)
        model = item.read() if isinstance(item, CardFile) else item
        extraction = extract(model)
        facts.add(model.repo_id, [extraction.row])
        evidence.add(model.repo_id, extraction.evidence)
        with_problems += bool(extraction.facts.parse_problems)
    return facts.table(facts_schema), evidence.table(evidence_schema), with_problems


def _write(writer: pq.ParquetWriter, tables: list[pa.Table]) -> None:
    """The runs' tables waiting in `tables` as one row group (then `tables` is emptied)."""
    if tables:
        writer.write_table(pa.concat_tables(tables))
        tables.clear()


@contextlib.contextmanager
def _extracted(runs: Iterator[list[ModelInput | CardFile]], workers: int
               ) -> Iterator[Iterator[tuple[pa.Table, pa.Table, int]]]:
    """Each run's _extract_run, in input order: in this process, or by a pool of `workers` processes.

    The workers are forked on Linux (they start at once, the extractor already imported) and ignore Ctrl-C,
    which this process handles. At most RUNS_PER_WORKER runs per worker are read ahead, so memory stays bounded;
    on leaving, the runs not yet started are cancelled and the pool is shut down.
    """
    if workers == 1:
        yield map(_extract_run, runs)
        return
    # Objects that exist at the fork are moved out of the collector's reach (gc.freeze): a collection in a worker
    # would otherwise write to every one of them, and each page it writes to is copied for that worker.
    gc.freeze()
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork" if sys.platform == "linux" else None),
        initializer=_start_worker,
    )
    try:
        yield _in_order(pool, runs, workers * RUNS_PER_WORKER)
    finally:
        pool.shutdown(cancel_futures=True)
        gc.unfreeze()


def _start_worker() -> None:
    """A worker ignores Ctrl-C (the writing process handles it), and its pyarrow does without pandas.

    pyarrow's first pa.array() in a process imports pandas, when it is installed, to recognise pandas inputs
    (apache/arrow#34994): about 0.3 s in each worker, which never builds a table from pandas objects. A worker
    refuses that import, and pyarrow goes on without pandas. (A pandas that the writing process imported before
    the workers started is left as it is.)
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import finder that refuses pandas, as if it were not installed."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"extraction workers do not import {name}", name=name)
        return None


def _in_order(pool: ProcessPoolExecutor, runs: Iterator[list[ModelInput | CardFile]], ahead: int) -> Iterator[tuple]:
    """The pool's results in the order of the runs, with `ahead` runs submitted at most."""
    pending: collections.deque = collections.deque()
    for run in runs:
        # CardFiles travel as (repo_id, path) tuples: a tenth of the pickling cost, on each side
        pending.append(pool.submit(_extract_run, [(item.repo_id, item.path) if type(item) is CardFile else item
                                                  for item in run]))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@contextlib.contextmanager
def _fewer_full_collections() -> Iterator[None]:
    """Let the garbage collector run full passes rarely while extracting; restore its thresholds afterwards.

    The rows waiting to be written live long enough to trigger a full collection every few thousand cards,
    and each one walked every object of the process, mostly the imported libraries' (several tens of
    thousands): some 5-7% of extraction time, with nothing to find, as the rows hold no reference cycles and
    are freed by reference counting once written. Full collections are now considered after 1,000 collections
    of the middle generation instead of 10 (none in a run of tens of thousands of cards), and the younger
    generations after 20,000 allocations and 50 young collections instead of 700 and 10 (a card allocates
    thousands of short-lived objects that reference counting frees: collecting less often saved some 2% of
    extraction time, in one run).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 20000), max(thresholds[1], 50), max(thresholds[2], 1000))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class _Batch:
    """The rows of a run, with the repo id of each kept apart.

    Each row is kept as the tuple of its values in the schema's column order (one C-level itemgetter call),
    not as the extractor's dict, and zip(*rows) then turns the tuples into columns in C.
    """

    def __init__(self, schema: pa.Schema) -> None:
        self.names = [f.name for f in schema if f.name != "repo_id"]
        self._values = itemgetter(*self.names) if len(self.names) > 1 else lambda row: (row[self.names[0]],)
        self.repo_ids: list[str] = []
        self.rows: list[tuple] = []

    def add(self, repo_id: str, rows: list[dict]) -> None:
        self.repo_ids.extend([repo_id] * len(rows))
        try:
            self.rows.extend(map(self._values, rows))
        except KeyError:  # a row lacks a column: start over with .get, which gives None (a null) for it
            del self.rows[len(self.repo_ids) - len(rows):]
            self.rows.extend(tuple(map(row.get, self.names)) for row in rows)

    def table(self, schema: pa.Schema) -> pa.Table:
        """Built column by column: twice as fast as Table.from_pylist."""
        columns = dict(zip(self.names, zip(*self.rows))) if self.rows else {name: () for name in self.names}
        columns["repo_id"] = self.repo_ids
        return pa.Table.from_arrays([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)
