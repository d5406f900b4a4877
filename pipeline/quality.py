"""Great Expectations suites (expectations/<table>.json) run against one date of a table.

GX validates a pandas batch: its SQL datasource cannot read DuckDB (it fetches after closing the
connection). Importing GX takes seconds, so it is imported inside `validate`, never at module load.
Suites may use `{"$PARAMETER": name}` for values known only at run time (the ids of another table,
for integrity between tables). A list of structs reaches GX as its JSON text (`[{"component":"code",...}]`),
so that regular expressions can check the values inside: GX's own JSON-schema check takes a second per
thousand rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipeline.paths import EXPECTATIONS_DIR

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
