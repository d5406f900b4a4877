"""The tables of sql/schema.sql as Arrow schemas, typed as polars writes them (large strings and lists), without
importing polars: `openness extract` writes Parquet with pyarrow alone and starts that much sooner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import duckdb
import pyarrow as pa

from pipeline.paths import read_sql


@contextmanager
def declared_tables() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory database holding every table of sql/schema.sql, empty."""
    con = duckdb.connect()
    try:
        con.execute(read_sql("schema.sql"))
        yield con
    finally:
        con.close()


@cache
def arrow_schemas() -> dict[str, pa.Schema]:
    """Every table of sql/schema.sql, from one in-memory database built once per process."""
    with declared_tables() as con:
        tables = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: _as_polars_writes(con.sql(f"SELECT * FROM {t} LIMIT 0").to_arrow_table().schema) for t in tables}


def _as_polars_writes(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, _widened(f.type), f.nullable) for f in schema])


def _widened(kind: pa.DataType) -> pa.DataType:
    """DuckDB's Arrow type as a polars frame of it converts back: strings and lists large, structs field by field."""
    if pa.types.is_string(kind):
        return pa.large_string()
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pa.large_list(pa.field(kind.value_field.name, _widened(kind.value_type), kind.value_field.nullable))
    if pa.types.is_struct(kind):
        return pa.struct([pa.field(f.name, _widened(f.type), f.nullable) for f in kind])
    return kind
