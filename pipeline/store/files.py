"""The observatory's folder: raw crawl data, staged tables, published snapshots and the analysts' database.

    HOME/
      raw/<table>/snapshot_date=YYYY-MM-DD/<table>.parquet        what the crawl saw (listing, details, texts)
      staging/<table>/snapshot_date=YYYY-MM-DD/<table>.parquet    derived tables waiting for their checks
      snapshots/<table>/snapshot_date=YYYY-MM-DD/<table>.parquet  published: checked, for researchers
      observatory.duckdb                                          published: for analysts (replaced whole, never written)
      work/observatory.duckdb                                     the copy runs write; released onto the one above
      hf-cache/                                                   huggingface_hub download cache (disposable)
      raw/backfill_states/hub_id=<id>/backfill_states.parquet     a repo's states dated from git history
      raw/backfill_texts/hub_id=<id>/{cards,license_texts}.parquet   the texts those states point to

Every file is written to a temporary name and renamed into place, so a crash never leaves half a file,
and writing a date again replaces that date's file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.store.tables import frame, table_schema

DATE_DIR = re.compile(r"^snapshot_date=(\d{4}-\d{2}-\d{2})$")
AREAS = ("raw", "staging", "snapshots")


@dataclass(frozen=True)
class Store:
    home: Path

    @classmethod
    def at(cls, home: str | os.PathLike) -> "Store":
        return cls(Path(home).expanduser().resolve())

    @property
    def duckdb_path(self) -> Path:
        return self.home / "observatory.duckdb"

    @property
    def work_duckdb_path(self) -> Path:
        """The database runs write; pipeline.store.release copies it onto duckdb_path after a publish."""
        return self.home / "work" / "observatory.duckdb"

    @property
    def hf_cache(self) -> Path:
        return self.home / "hf-cache"

    def partition_dir(self, area: str, table: str, date: str) -> Path:
        if area not in AREAS:
            raise ValueError(f"unknown area {area!r}")
        return self.home / area / table / f"snapshot_date={date}"

    def path(self, area: str, table: str, date: str) -> Path:
        return self.partition_dir(area, table, date) / f"{table}.parquet"

    def exists(self, area: str, table: str, date: str) -> bool:
        return self.path(area, table, date).is_file()

    def dates(self, area: str, table: str) -> list[str]:
        root = self.home / area / table
        if not root.is_dir():
            return []
        found = (DATE_DIR.match(p.name) for p in root.iterdir())
        return sorted(m.group(1) for m in found if m and (root / m.group(0) / f"{table}.parquet").is_file())

    def previous_date(self, area: str, table: str, before: str) -> str | None:
        earlier = [d for d in self.dates(area, table) if d < before]
        return earlier[-1] if earlier else None

    def write(self, area: str, table: str, date: str, rows: Any) -> Path:
        """Writes one date of a table with the columns and types of sql/schema.sql."""
        df = rows if isinstance(rows, pl.DataFrame) and rows.schema == table_schema(table) else frame(table, rows)
        return self.write_frame(area, table, date, df)

    def write_frame(self, area: str, table: str, date: str, df: pl.DataFrame) -> Path:
        return write_parquet(df, self.path(area, table, date))

    def backfill_file(self, folder: str, table: str, hub_id: str) -> Path:
        """raw/<folder>/hub_id=<hub_id>/<table>.parquet, one per backfilled repo (folder backfill_states or
        backfill_texts); the id is escaped as a hive partition value, so that it can never make a sub-folder."""
        return self.home / "raw" / folder / f"hub_id={urllib.parse.quote(hub_id, safe='')}" / f"{table}.parquet"

    def backfill_glob(self, folder: str, table: str) -> str:
        """Every backfilled repo's file of `table` in `folder`, as a glob for DuckDB's read_parquet."""
        return str(self.home / "raw" / folder / "hub_id=*" / f"{table}.parquet")

    def read(self, area: str, table: str, date: str, columns: list[str] | None = None) -> pl.DataFrame:
        path = self.path(area, table, date)
        if not path.is_file():
            raise FileNotFoundError(f"{table} for {date} has not been built yet ({path})")
        return pl.read_parquet(path, columns=columns)

    def read_or_empty(self, area: str, table: str, date: str | None) -> pl.DataFrame:
        if date is None or not self.exists(area, table, date):
            return frame(table, [])
        return self.read(area, table, date)

    def scan_dates(self, area: str, table: str, *, until: str | None = None) -> pl.LazyFrame:
        """All dates of a table (up to and including `until`) as one lazy frame."""
        dates = [d for d in self.dates(area, table) if until is None or d <= until]
        if not dates:
            return frame(table, []).lazy()
        return pl.scan_parquet([self.path(area, table, d) for d in dates])

    def copy(self, area_from: str, area_to: str, table: str, date: str) -> Path:
        source, target = self.path(area_from, table, date), self.path(area_to, table, date)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        return target

    # Small JSON notes per date (crawl statistics), written atomically like everything else.
    def write_json(self, area: str, name: str, date: str, data: dict[str, Any]) -> Path:
        target = self.partition_dir(area, name, date) / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
        os.replace(tmp, target)
        return target

    def read_json(self, area: str, name: str, date: str) -> dict[str, Any]:
        target = self.partition_dir(area, name, date) / f"{name}.json"
        return json.loads(target.read_text()) if target.is_file() else {}


def today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def write_parquet(df: pl.DataFrame, target: Path) -> Path:
    """Writes df to a temporary name beside target, then renames it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    df.write_parquet(tmp, compression="zstd", statistics=True)
    os.replace(tmp, target)
    return target
