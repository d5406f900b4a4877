"""Table schemas, taken from sql/schema.sql so that DuckDB and every Parquet file agree on one definition."""

from __future__ import annotations

from functools import cache
from typing import Any, Iterable

import duckdb
import polars as pl

from pipeline.store.arrow import arrow_schemas, declared_tables

# Texts keyed by content hash, stored once; every other published table has one partition per snapshot date.
TEXT_TABLES = ("cards", "license_texts")


def date_column(table: str) -> str:
    """The column that dates a published table's rows: the crawl date, or when a text was first seen."""
    return "first_seen" if table in TEXT_TABLES else "snapshot_date"


def table_schema(table: str) -> pl.Schema:
    """The polars schema of a table as sql/schema.sql declares it."""
    return _schemas()[table]


@cache
def _schemas() -> dict[str, pl.Schema]:
    """Every table of sql/schema.sql as polars types (from the Arrow schemas, built once per process)."""
    return {table: pl.from_arrow(schema.empty_table()).schema for table, schema in arrow_schemas().items()}


_COLUMNS = "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database()"


def add_new_columns(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Adds the columns that sql/schema.sql declares and the database's tables lack, and returns them as
    `table.column`. CREATE TABLE IF NOT EXISTS keeps a table made by an older schema.sql as it was, and a date's
    Parquet, inserted BY NAME, would not fit it; the rows already there get NULL."""
    with declared_tables() as declared:
        wanted = declared.execute(_COLUMNS + " ORDER BY table_name, column_index").fetchall()
    present = {(table, column) for table, column, _ in conn.execute(_COLUMNS).fetchall()}
    tables = {table for table, _ in present}
    added = []
    for table, column, data_type in wanted:
        if table in tables and (table, column) not in present:
            conn.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {data_type}')
            added.append(f"{table}.{column}")
    return added


def frame(table: str, rows: Iterable[dict[str, Any]] | pl.DataFrame) -> pl.DataFrame:
    """Rows as a DataFrame with exactly the table's columns and types (missing columns become null)."""
    schema = table_schema(table)
    if isinstance(rows, pl.DataFrame):
        df = rows
    else:
        rows = list(rows)
        if not rows:
            return pl.DataFrame(schema=schema)
        df = pl.DataFrame(rows, infer_schema_length=None)
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in schema.items() if name not in df.columns]
    if missing:
        df = df.with_columns(missing)
    return df.select([_cast(name, df.schema[name], dtype) for name, dtype in schema.items()])


def _cast(name: str, current: pl.DataType, target: pl.DataType) -> pl.Expr:
    # Polars 2 no longer casts text to dates: ISO strings (as in partition keys) are parsed explicitly.
    if current == pl.String and target == pl.Date:
        return pl.col(name).str.to_date("%Y-%m-%d")
    if current == pl.String and isinstance(target, pl.Datetime):
        return pl.col(name).str.to_datetime(time_unit="us")
    return pl.col(name).cast(target)
