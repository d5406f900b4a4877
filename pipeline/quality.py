"""Great Expectations suites (expectations/<table>.json) run against one date of a table.

GX validates a pandas batch: its SQL datasource cannot read DuckDB (it fetches after closing the
connection). Importing GX takes seconds, so it is imported inside `validate`, never at module load.
Suites may use `{"$PARAMETER": name}` for values known only at run time (the ids of another table,
for integrity between tables). `SUITES` says where each table is read and which parameters it needs: the
Dagster checks (pipeline/defs/checks.py) and `openness reprocess` run the same suites through `check_table`.
A list of structs reaches GX as its JSON text (`[{"component":"code",...}]`), so that regular expressions can
check the values inside: GX's own JSON-schema check takes a second per thousand rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipeline.paths import EXPECTATIONS_DIR
from pipeline.store.files import Store

SAMPLE_SIZE = 5


@dataclass
class SuiteResult:
    suite: str
    success: bool
    evaluated: int
    failed: list[dict[str, Any]] = field(default_factory=list)
    gx_version: str = ""

    @property
    def only_warnings(self) -> bool:
        return bool(self.failed) and all(f["severity"] == "warning" for f in self.failed)


def load_suite(name: str) -> dict[str, Any]:
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text())


def columns_used(suite: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for expectation in suite["expectations"]:
        kwargs = expectation.get("kwargs", {})
        for key in ("column", "column_A", "column_B"):
            if key in kwargs and kwargs[key] not in names:
                names.append(kwargs[key])
        for name in kwargs.get("column_list", []):
            if name not in names:
                names.append(name)
    return names


def validate(df: pl.DataFrame, suite_name: str, parameters: dict[str, Any] | None = None) -> SuiteResult:
    """Runs a suite on a frame and reports each failed expectation with a sample of the bad values."""
    import great_expectations as gx  # seconds to import: only when a check actually runs

    spec = load_suite(suite_name)
    # Only the columns the suite reads go to pandas: nested list columns are costly to convert.
    used = columns_used(spec)
    present = [c for c in used if c in df.columns]
    batch_frame = df.select(present or df.columns[:1]) if used else df  # (a batch needs one column at least)
    batch_frame = batch_frame.with_columns(
        _json_text(name) for name, dtype in batch_frame.schema.items() if _is_struct_list(dtype)
    )
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm bars in logs and terminals
    suite = context.suites.add(gx.ExpectationSuite(**spec))
    batch = (
        context.data_sources.add_pandas(name="pandas")
        .add_dataframe_asset(name=suite_name)
        .add_batch_definition_whole_dataframe("whole_dataframe")
        .get_batch(batch_parameters={"dataframe": batch_frame.to_pandas()})
    )
    result = batch.validate(suite, expectation_parameters=parameters or {})
    failed = []
    for r in result.results:
        if r.success:
            continue
        outcome = r.result or {}
        severity = getattr(r.expectation_config, "severity", "critical")
        failed.append(
            {
                "expectation": r.expectation_config.type,
                "column": r.expectation_config.kwargs.get("column"),
                "severity": getattr(severity, "value", str(severity)).lower(),
                "unexpected_count": outcome.get("unexpected_count"),
                "observed_value": _plain(outcome.get("observed_value")),
                "sample": [_plain(v) for v in (outcome.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]],
                "exception": _exception_message(r.exception_info),
            }
        )
    return SuiteResult(
        suite=suite_name,
        success=bool(result.success),
        evaluated=int(result.statistics["evaluated_expectations"]),
        failed=failed,
        gx_version=gx.__version__,
    )


def _is_struct_list(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)


def _json_text(column: str) -> pl.Expr:
    """A list of structs as JSON text; a null list stays null."""
    items = pl.col(column).list.eval(pl.element().struct.json_encode()).list.join(",")
    return pl.concat_str([pl.lit("["), items, pl.lit("]")]).alias(column)


Parameters = Callable[[Store, str], dict[str, Any]]


def _hub_ids(store: Store, area: str, table: str, date: str) -> pl.Series:
    """A table's hub_id column for the date (the only column read: the suites need ids and row counts)."""
    return store.read(area, table, date, columns=["hub_id"])["hub_id"]


def _ids(store: Store, area: str, table: str, date: str) -> list[str]:
    return _hub_ids(store, area, table, date).unique().to_list()


def _known_hashes(store: Store, table: str, date: str) -> list[str]:
    return store.scan_dates("raw", table, until=date).select("content_hash").collect()["content_hash"].to_list()


def _openness_parameters(store: Store, date: str) -> dict[str, Any]:
    ids = _hub_ids(store, "staging", "model_facts", date)  # read once for both
    return {"model_facts_ids": ids.unique().to_list(), "model_facts_rows": len(ids)}


# Each suite's table: the area it is read from on the date, and the run-time parameters of its suite.
SUITES: dict[str, tuple[str, Parameters | None]] = {
    "crawl_runs": ("raw", lambda s, d: {"models_raw_rows": len(_hub_ids(s, "raw", "models_raw", d))}),
    "crawl_errors": ("raw", None),
    "models_raw": ("raw", lambda s, d: {"card_hashes": _known_hashes(s, "cards", d),
                                        "license_hashes": _known_hashes(s, "license_texts", d)}),
    "datasets_raw": ("raw", None),
    "cards": ("raw", None),
    "license_texts": ("raw", None),
    "model_facts": ("staging", lambda s, d: {"models_raw_ids": _ids(s, "raw", "models_raw", d)}),
    "evidence": ("staging", lambda s, d: {"model_facts_ids": _ids(s, "staging", "model_facts", d)}),
    "openness": ("staging", _openness_parameters),
}


def check_table(store: Store, table: str, date: str) -> SuiteResult:
    """The table's suite on its rows of the date, with the parameters it needs."""
    area, parameters = SUITES[table]
    return validate(store.read(area, table, date), table, parameters(store, date) if parameters else {})


def blocks(result: SuiteResult) -> bool:
    """A failed suite stops publishing unless every failed expectation is only a warning (as in Dagster)."""
    return not result.success and not result.only_warnings


def _exception_message(info: Any) -> str | None:
    """GX reports errors either flat or keyed by metric; find the first message."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for nested in info.values():
        message = _exception_message(nested)
        if message:
            return message
    return None


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
