"""Publishing for researchers: `openness export OUTDIR` copies what HOME has published into one folder.

    OUTDIR/
      snapshots/<table>/snapshot_date=YYYY-MM-DD/<table>.parquet   the published Parquet, stable hive layout
      history/model_history.parquet, history/openness_changes.parquet   the history: every row spans dates
      observatory.duckdb                                          the released analysts' database
      croissant.json                                              Croissant 1.0 metadata, checked with mlcroissant
      DATASHEET.md                                                what the data is, how it was made, its limits
      RUBRIC.md                                                   the rules behind the grades (docs/rubric.md)

The released database decides which dates are exported: the Parquet of exactly those dates is copied, and the
datasheet and the history files are computed from the copied database, so all parts describe the same data. The folder is built
under a temporary name next to OUTDIR and renamed into place when it is complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import string
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.history import backfill_versions, version_ranges
from pipeline.paths import REPO_ROOT, read_sql
from pipeline.store.files import Store
from pipeline.store.tables import date_column, table_schema

DATASET_NAME = "openness-observatory"
CREATOR = "openness-observatory contributors"
# The observatory's own outputs carry the project's license (pyproject.toml).
OUTPUT_LICENSE = "Apache-2.0"
OUTPUT_LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
RUBRIC_DOC = REPO_ROOT / "docs" / "rubric.md"
DATASHEET_TEMPLATE = REPO_ROOT / "docs" / "datasheet.md.template"
# Records read from every record set when checking the Croissant file: enough to run every field's reader.
RECORDS_CHECKED = 3

TABLE_DESCRIPTIONS = {
    "crawl_runs": "One row per snapshot date: where the crawl read the Hub, its scope, counts of requests, "
    "retries and errors, and whether it was complete.",
    "crawl_errors": "What could not be fetched on a date, at which stage, and whether the failure was transient.",
    "models_raw": "The Hub listing per model and date: ids, sha, dates, gating, downloads, likes, tags, card "
    "metadata, file and branch names, and the hashes of the README and LICENSE texts.",
    "datasets_raw": "The Hub datasets that model cards name, with their own declared license.",
    "cards": "README texts, stored once per content hash (first_seen: the date first crawled).",
    "license_texts": "LICENSE-like file texts, stored once per content hash.",
    "model_facts": "Facts extracted per model and date: normalised license, code links, datasets, data "
    "composition, checkpoints, papers, base model, gating, card size.",
    "evidence": "Why each fact holds: the metadata key, README line, branch or file it was read from, with a "
    "snippet and URL.",
    "openness": "Grades per dimension (open, partial, closed, unknown), the openness class, MOF and EOSAI-style "
    "estimates, lineage, and the rubric version that graded the row.",
    "model_history": "One row per model per distinct state (valid_from to valid_to), keyed by the Hub's stable id: "
    "the facts and grades that define the state, from crawls and from git history (source = backfill).",
    "openness_changes": "Events between consecutive states of a model: appeared, disappeared, renamed, license "
    "changed, gated or ungated, training code added or removed, checkpoints published, datasets disclosed, class "
    "changed.",
}
# Not partitioned by date (a history row spans dates): one Parquet file each, under history/.
HISTORY_TABLES = ("model_history", "openness_changes")
HISTORY_ORDER = {"model_history": "hub_id, valid_from", "openness_changes": "change_date, hub_id, change, source"}

EOSAI_CITATION = (
    'European Open Source AI Index database, doi:10.5281/zenodo.15386042, https://osai-index.eu/ (CC-BY-4.0); '
    "Andreas Liesenfeld and Mark Dingemanse. 2024. Rethinking open source generative AI: open-washing and the EU "
    "AI Act. In The 2024 ACM Conference on Fairness, Accountability, and Transparency (FAccT '24). "
    "https://doi.org/10.1145/3630106.3659005"
)
MOF_NOTICE = "Copyright 2024 The Model Openness Tool Authors (MIT License)"


class ExportError(Exception):
    """The export cannot be made: reported in one line."""


# ---- the export ---------------------------------------------------------------------------------------


def export(home: str | Path, outdir: str | Path, *, force: bool = False, url: str | None = None) -> dict[str, Any]:
    """Writes the published data of HOME, its Croissant metadata, datasheet and rubric into OUTDIR."""
    store = Store.at(home)
    outdir = Path(outdir).resolve()
    if not store.duckdb_path.is_file():
        raise ExportError(f"nothing published in {store.home} (no observatory.duckdb): run `openness run` first")
    if outdir == store.home or outdir in store.home.parents:  # --force would delete the observatory itself
        raise ExportError(f"{outdir} holds the observatory's own folder {store.home}: export somewhere else")
    if outdir.is_file() or (outdir.is_dir() and any(outdir.iterdir()) and not force):
        raise ExportError(f"{outdir} exists and is not an empty folder (pass --force to replace it)")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f"{outdir.name}.tmp-", dir=outdir.parent))
    building.chmod(0o755)  # mkdtemp makes it private; the export is meant to be shared
    try:
        summary = build_export(store, building, url=url)
        _move_into_place(building, outdir)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return {**summary, "outdir": outdir}


def build_export(store: Store, folder: Path, *, url: str | None = None) -> dict[str, Any]:
    # The database first: a run releasing meanwhile replaces the file whole, so this copy is one consistent state.
    database = folder / "observatory.duckdb"
    shutil.copyfile(store.duckdb_path, database)
    try:
        with duckdb.connect(str(database), read_only=True) as conn:
            facts = describe(conn)
    except duckdb.Error as error:
        raise ExportError(f"cannot read {store.duckdb_path}: {_innermost_message(error)}") from None
    if not facts["dates"]:
        raise ExportError(f"nothing published in {store.home} (observatory.duckdb holds no snapshot date)")
    for table in facts["tables"]:
        for date in facts["dates"]:
            source = store.path("snapshots", table, date)
            if not source.is_file():
                raise ExportError(f"{source} is missing although observatory.duckdb holds {date}")
            target = folder / source.relative_to(store.home)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    facts["history_files"] = write_history_parquet(database, folder, facts["history_tables"])
    croissant = folder / "croissant.json"
    write_croissant(croissant, facts, url=url)
    warnings = validate_croissant(croissant)
    (folder / "DATASHEET.md").write_text(datasheet(facts, url=url))
    shutil.copyfile(RUBRIC_DOC, folder / "RUBRIC.md")
    return {"dates": facts["dates"], "tables": facts["tables"], "history_tables": list(facts["history_tables"]),
            "croissant_warnings": warnings}


def write_history_parquet(database: Path, folder: Path, tables: dict[str, int]) -> dict[str, str]:
    """history/<table>.parquet for each history table of the copied database; returns each file's sha256."""
    written = {}
    with duckdb.connect(str(database), read_only=True) as conn:
        for table in tables:
            target = folder / "history" / f"{table}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            quoted = str(target).replace("'", "''")
            conn.execute(f"COPY (SELECT * FROM {table} ORDER BY {HISTORY_ORDER[table]}) TO '{quoted}' "
                         "(FORMAT parquet, COMPRESSION zstd)")
            written[table] = hashlib.sha256(target.read_bytes()).hexdigest()
    return written


def _move_into_place(building: Path, outdir: Path) -> None:
    if not outdir.exists():
        building.rename(outdir)
        return
    # --force (or an empty folder): the old folder steps aside first, so OUTDIR is never half written.
    old = outdir.with_name(f"{outdir.name}.old-{os.getpid()}")
    outdir.rename(old)
    building.rename(outdir)
    shutil.rmtree(old)


# ---- what the released database holds ------------------------------------------------------------------


def describe(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Everything the metadata and the datasheet say about the data, computed from the database."""
    from pipeline.snapshot import PUBLISHED_FROM

    def rows(sql: str, params: list | None = None) -> list[tuple]:
        return conn.execute(sql, params or []).fetchall()

    tables = list(PUBLISHED_FROM)
    dates = [d.isoformat() for (d,) in rows("SELECT DISTINCT snapshot_date FROM crawl_runs ORDER BY 1")]
    rows_per_date = {}
    for table in tables:
        counts = dict(rows(f"SELECT {date_column(table)}, count(*) FROM {table} GROUP BY 1"))
        rows_per_date[table] = {d: counts.get(dt.date.fromisoformat(d), 0) for d in dates}
    runs = [
        dict(zip(("date", "source", "scope", "status", "listed", "fetched", "carried", "failed", "requests",
                  "retries", "errors", "pipeline_version"), row))
        for row in rows(
            "SELECT snapshot_date, source, scope, status, models_listed, details_fetched, details_carried, "
            "details_failed, requests, retries, errors, pipeline_version FROM crawl_runs ORDER BY snapshot_date"
        )
    ]
    latest = dates[-1] if dates else None
    return {
        "tables": tables,
        "dates": dates,
        "rows_per_date": rows_per_date,
        "runs": runs,
        "versions": version_ranges(conn),  # the extractor and rubric versions of each run of dates
        "backfill_versions": backfill_versions(conn) if _has_table(conn, "backfill_states") else [],
        "classes_latest": rows(
            "SELECT openness_class, count(*) FROM openness WHERE snapshot_date = ? GROUP BY 1 ORDER BY 2 DESC, 1",
            [latest],
        ),
        "backfilled_states": _count_if_table(conn, "model_history", "source = 'backfill'"),
        "history_tables": {  # row counts of the history tables the database has (older releases have none)
            table: _count_if_table(conn, table, "true") for table in HISTORY_TABLES if _has_table(conn, table)
        },
        "primary_keys": dict(
            rows("SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                 "WHERE constraint_type = 'PRIMARY KEY'")
        ),
    }


def _has_table(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    # The history tables are built by the history stage; a database published before it has none.
    return conn.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchall()[0][0] > 0


def _count_if_table(conn: duckdb.DuckDBPyConnection, table: str, where: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchall()[0][0] if _has_table(conn, table) else 0


def rubric_versions(facts: dict[str, Any]) -> list[str]:
    """The rubric versions of the published dates, oldest first."""
    return list(dict.fromkeys(rubric for _, rubric, *_ in facts["versions"]))


def release_version(runs: list[dict[str, Any]]) -> str:
    """The pipeline version of the latest run: Croissant wants MAJOR.MINOR.PATCH."""
    version = runs[-1]["pipeline_version"] if runs else None
    return version if version and re.fullmatch(r"\d+\.\d+\.\d+", version) else "0.0.0"


# ---- Croissant ------------------------------------------------------------------------------------------


def croissant_data_type(dtype: pl.DataType) -> Any:
    """The Croissant type of a column type (DuckDB type in comments), or None when there is no plain match."""
    import mlcroissant as mlc

    if dtype == pl.String:  # VARCHAR
        return mlc.DataType.TEXT
    if dtype in (pl.Int64, pl.Int32):  # BIGINT, INTEGER
        return mlc.DataType.INTEGER
    if dtype == pl.Float64:  # DOUBLE
        return mlc.DataType.FLOAT
    if dtype == pl.Boolean:
        return mlc.DataType.BOOL
    if dtype == pl.Date:
        return mlc.DataType.DATE
    if isinstance(dtype, pl.Datetime):  # TIMESTAMP
        return mlc.DataType.DATETIME
    return None


def croissant_field(table: str, column: str, dtype: pl.DataType, files: Any, description: str | None):
    """A Field reading one Parquet column of `files` (a FileSet or a FileObject): lists become repeated fields,
    lists of structs repeated sub-fields."""
    import mlcroissant as mlc

    field_id = f"{table}/{column}"
    reads = {"file_set": files.id} if isinstance(files, mlc.FileSet) else {"file_object": files.id}

    def source(transforms: list | None = None):
        return mlc.Source(**reads, extract=mlc.Extract(column=column), transforms=transforms or [])

    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        # Each sub-field picks its key out of every element of the list (a JSONPath on the struct).
        sub_fields = [
            mlc.Field(id=f"{field_id}/{part.name}", name=part.name, data_types=[croissant_data_type(part.dtype)],
                      source=source([mlc.Transform(json_path=part.name)]))
            for part in dtype.inner.fields
        ]
        if any(sub.data_types == [None] for sub in sub_fields):
            return None
        return mlc.Field(id=field_id, name=column, description=description, repeated=True, sub_fields=sub_fields)
    repeated = isinstance(dtype, pl.List)
    data_type = croissant_data_type(dtype.inner if repeated else dtype)
    if data_type is None:
        return None
    return mlc.Field(id=field_id, name=column, description=description, data_types=[data_type],
                     repeated=repeated or None, source=source())


def croissant_record_set(table: str, files: Any, keys: list[str] | None):
    """The RecordSet of one table, every column read from `files` (a FileSet or a FileObject)."""
    import mlcroissant as mlc

    comments = column_comments(table)
    fields, left_out = [], []
    for column, dtype in table_schema(table).items():
        field = croissant_field(table, column, dtype, files, comments.get(column))
        if field is None:
            left_out.append(f"{column} ({dtype})")
        else:
            fields.append(field)
    description = TABLE_DESCRIPTIONS.get(table, table)
    if left_out:
        description += " Columns in the Parquet files but not described here: " + ", ".join(left_out) + "."
    return mlc.RecordSet(id=table, name=table, description=description, fields=fields,
                         key=[f"{table}/{column}" for column in keys] if keys else None)


def croissant_metadata(facts: dict[str, Any], *, url: str | None = None):
    """Croissant 1.0 metadata: a FileSet per dated table, a FileObject per history file, a RecordSet for each."""
    import mlcroissant as mlc

    distribution, record_sets = [], []
    for table in facts["tables"]:
        file_set = mlc.FileSet(
            id=f"{table}-parquet", name=f"{table}-parquet", encoding_formats=["application/x-parquet"],
            includes=[f"snapshots/{table}/*/*.parquet"],
            description=f"{table}, one Parquet file per snapshot date (hive layout snapshot_date=YYYY-MM-DD).",
        )
        distribution.append(file_set)
        record_sets.append(croissant_record_set(table, file_set, facts["primary_keys"].get(table)))
    for table, sha256 in facts.get("history_files", {}).items():
        file_object = mlc.FileObject(
            id=f"{table}-parquet", name=f"{table}-parquet", encoding_formats=["application/x-parquet"],
            content_url=f"history/{table}.parquet", sha256=sha256,
            description=f"{table}, all of it in one Parquet file (its rows span snapshot dates).",
        )
        distribution.append(file_object)
        record_sets.append(croissant_record_set(table, file_object, facts["primary_keys"].get(table)))
    first, last = facts["dates"][0], facts["dates"][-1]
    version = release_version(facts["runs"])
    return mlc.Metadata(
        name=DATASET_NAME,
        description=(
            "A longitudinal dataset of how open Hugging Face models are: for every model in scope and every crawl "
            "date, the license, code links, checkpoint and dataset disclosures, openness grades per dimension with "
            f"the evidence behind each, and the crawl's own record. Snapshot dates {first} to {last}. Rubric "
            f"{', '.join(rubric_versions(facts))}: see RUBRIC.md; limitations in DATASHEET.md."
        ),
        cite_as=citation(facts, url=url),
        url=url,
        license=[OUTPUT_LICENSE_URL],
        creators=[mlc.Organization(name=CREATOR)],
        date_published=dt.datetime.fromisoformat(last),
        version=version,
        keywords=["Hugging Face", "open source AI", "model openness", "licenses", "model cards", "longitudinal"],
        distribution=distribution,
        record_sets=record_sets,
    )


def write_croissant(path: Path, facts: dict[str, Any], *, url: str | None = None) -> Path:
    import mlcroissant as mlc

    try:
        metadata = croissant_metadata(facts, url=url)
    except mlc.ValidationError as error:
        raise ExportError(f"mlcroissant rejects the metadata: {_innermost_message(error)}") from None
    path.write_text(json.dumps(metadata.to_json(), indent=2, default=str) + "\n")
    return path


def validate_croissant(path: Path, records: int = RECORDS_CHECKED) -> list[str]:
    """Loads the file with mlcroissant and reads a few records of every record set; returns its warnings."""
    import mlcroissant as mlc

    try:
        dataset = mlc.Dataset(jsonld=path)
        for record_set in dataset.metadata.record_sets:
            for _, _record in zip(range(records), dataset.records(record_set=record_set.id)):
                pass
    except Exception as error:  # mlcroissant raises ValidationError, or whatever its readers raise
        raise ExportError(f"mlcroissant rejects {path.name}: {_innermost_message(error)}") from None
    return list(dataset.metadata.ctx.issues.warnings)


def column_comments(table: str) -> dict[str, str]:
    """The `-- comment` after each column in sql/schema.sql, as the Field descriptions."""
    block = re.search(rf"CREATE TABLE IF NOT EXISTS {table} \((.*?)\n\);", read_sql("schema.sql"), re.DOTALL)
    found = (re.match(r"\s*(\w+)\s[^-]*--\s*(.+)", line) for line in block.group(1).splitlines()) if block else ()
    return {m.group(1): m.group(2).strip() for m in found if m}


def citation(facts: dict[str, Any], *, url: str | None = None) -> str:
    first, last = facts["dates"][0], facts["dates"][-1]
    lines = [
        f"@misc{{openness_observatory_{last.replace('-', '')},",
        f"  title = {{Openness observatory: how open Hugging Face models are, snapshots {first} to {last}}},",
        f"  author = {{{{{CREATOR}}}}},",
        f"  year = {{{last[:4]}}},",
        f"  version = {{{release_version(facts['runs'])}}},",
        f"  note = {{Rubric {', '.join(rubric_versions(facts))}}},",
    ]
    if url:
        lines.append(f"  url = {{{url}}},")
    return "\n".join(lines + ["}"])


# ---- the datasheet ---------------------------------------------------------------------------------------


def datasheet(facts: dict[str, Any], *, url: str | None = None) -> str:
    """DATASHEET.md: docs/datasheet.md.template with the parts computed from the data filled in."""
    dates, runs = facts["dates"], facts["runs"]
    replayed = [run["date"].isoformat() for run in runs if source_kind(run["source"]) != "live Hub"]
    values = {
        "first_date": dates[0],
        "last_date": dates[-1],
        "date_count": len(dates),
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": release_version(runs),
        "url": url or "(not given: pass --url to `openness export` when publishing the folder)",
        "tables": _markdown_table(
            ["table", "rows", "what it holds"],
            [[f"`{t}`", f"{sum(facts['rows_per_date'][t].values()):,}", TABLE_DESCRIPTIONS.get(t, "")]
             for t in facts["tables"]],
        ),
        "rows_per_date": _markdown_table(
            ["snapshot date", *[f"`{t}`" for t in facts["tables"]]],
            [[d, *[f"{facts['rows_per_date'][t][d]:,}" for t in facts["tables"]]] for d in dates],
        ),
        "classes_latest": _markdown_table(
            ["openness class", "models"], [[f"`{c}`", f"{n:,}"] for c, n in facts["classes_latest"]]
        ),
        "crawl_runs": _markdown_table(
            ["date", "source", "endpoint", "status", "listed", "fetched", "carried", "failed", "requests",
             "retries", "errors"],
            [[run["date"].isoformat(), source_kind(run["source"]), f"`{run['source']}`", run["status"],
              *[f"{run[k]:,}" for k in ("listed", "fetched", "carried", "failed", "requests", "retries", "errors")]]
             for run in runs],
        ),
        "scopes": "\n".join(f"- `{scope}`" for scope in dict.fromkeys(run["scope"] for run in runs)),
        "replay_note": (
            f"**{len(replayed)} of {len(runs)} dates were crawled from a replay hub on loopback, not from the live "
            f"Hub** ({_date_span(replayed)}). A replay hub serves a recorded or a synthetic world: recorded worlds "
            "hold real Hub responses captured in the past, synthetic worlds hold fictional organisations and models. "
            "Both are test data; they are not observations of the Hub on those dates."
            if replayed else "Every date was crawled from the live Hub."
        ),
        "derivation_versions": _markdown_table(["derived", "extractor version", "rubric version"],
                                               _version_rows(facts)),
        "pipeline_versions": ", ".join(f"`{v}`" for v in dict.fromkeys(run["pipeline_version"] for run in runs)),
        "backfill_note": (
            f"This release holds {facts['backfilled_states']:,} states dated from git history "
            "(`model_history.source = 'backfill'`)."
            if facts["backfilled_states"] else "This release holds no states dated from git history."
        ),
        "history_files": (
            " and ".join(f"`history/{t}.parquet` ({n:,} rows)" for t, n in facts["history_tables"].items())
            + ": the history, one row per model per distinct state and the events between states"
            if facts["history_tables"] else "no history files (this release predates the history tables)"
        ),
        "output_license": OUTPUT_LICENSE,
        "eosai_citation": EOSAI_CITATION,
        "mof_notice": MOF_NOTICE,
        "citation": citation(facts, url=url),
    }
    return string.Template(DATASHEET_TEMPLATE.read_text()).substitute(values)


def _version_rows(facts: dict[str, Any]) -> list[list[str]]:
    """One row per run of snapshot dates derived with the same versions, then the states dated from git history."""
    rows = []
    for extractor, rubric, first, last, dates in facts["versions"]:
        span = first.isoformat() if first == last else f"{first} to {last}"
        rows.append([f"{dates:,} snapshot date{'s' if dates != 1 else ''}: {span}", f"`{extractor}`", f"`{rubric}`"])
    rows += [[f"{n:,} states dated from git history", f"`{e}`", f"`{r}`"] for e, r, n in facts["backfill_versions"]]
    return rows


def source_kind(endpoint: str) -> str:
    host = re.sub(r"^\w+://", "", endpoint or "").split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if host in ("127.0.0.1", "localhost", "::1") or host.startswith("127."):
        return "replay (loopback)"
    return "live Hub" if host == "huggingface.co" else "other endpoint"


def _markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _date_span(dates: list[str]) -> str:
    return dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"


def _innermost_message(error: BaseException) -> str:
    """mlcroissant wraps reader failures ("error during the operation Read(...)"): the cause says what failed."""
    while error.__cause__ is not None:
        error = error.__cause__
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return text or type(error).__name__
