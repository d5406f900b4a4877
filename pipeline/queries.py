"""Named analyst queries: the SQL files in sql/queries/, run against the published DuckDB file.

A query's parameters are its `$name` placeholders; one not given is bound to NULL, and each query says in SQL
what NULL means (usually: no filter, or the first/latest crawl date). The first comment line describes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.paths import SQL_DIR

QUERIES_DIR = SQL_DIR / "queries"
PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    parameters: tuple[str, ...]
    sql: str


def load_query(path: Path) -> NamedQuery:
    sql = path.read_text()
    header = []
    for line in sql.splitlines():  # the leading comment lines describe the query
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    return NamedQuery(path.stem, " ".join(header), tuple(dict.fromkeys(PARAMETER.findall(sql))), sql)


def available_queries() -> dict[str, NamedQuery]:
    return {q.name: q for q in map(load_query, sorted(QUERIES_DIR.glob("*.sql")))}


def run_query(conn: duckdb.DuckDBPyConnection, query: NamedQuery, values: dict[str, str]) -> pl.DataFrame:
    unknown = set(values) - set(query.parameters)
    if unknown:
        known = ", ".join(query.parameters) or "none"
        raise ValueError(f"query {query.name} has no parameter {', '.join(sorted(unknown))} (it takes: {known})")
    params = {name: values.get(name) for name in query.parameters}
    return pl.from_arrow(conn.sql(query.sql, params=params).to_arrow_table())
