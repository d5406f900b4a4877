"""Blocking Great Expectations checks: one suite per table, run on the staged date before it is published.

A failed suite stops `published_snapshot` in the same run, so analysts and researchers never see the date.
The check's metadata lists each failed expectation with a sample of the bad values.
"""


from collections.abc import Callable
from typing import Any

import dagster as dg
import polars as pl

from pipeline.defs.assets import model_facts, models_raw, openness
from pipeline.defs.resources import StoreResource
from pipeline.quality import SuiteResult, validate
from pipeline.store.files import Store

Parameters = Callable[[Store, str], dict[str, Any]]


def check_result(result: SuiteResult) -> dg.AssetCheckResult:
    table = "\n".join(
        f"| {f['expectation']} | {f['column'] or ''} | {f['severity']} | {f['unexpected_count'] if f['unexpected_count'] is not None else f['observed_value']} | {', '.join(map(str, f['sample']))} |"
        for f in result.failed
    )
    return dg.AssetCheckResult(
        passed=result.success,
        severity=dg.AssetCheckSeverity.WARN if result.only_warnings else dg.AssetCheckSeverity.ERROR,
        description=f"{len(result.failed)} of {result.evaluated} expectations failed" if result.failed else None,
        metadata={
            "suite": f"expectations/{result.suite}.json",
            "evaluated_expectations": result.evaluated,
            "failed_expectations": len(result.failed),
            "failures": dg.MetadataValue.json(result.failed),
            "failures_table": dg.MetadataValue.md(
                "| expectation | column | severity | unexpected | sample |\n|---|---|---|---|---|\n" + table
            )
            if result.failed
            else dg.MetadataValue.md("all expectations passed"),
            "gx_version": result.gx_version,
        },
    )


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


def expectation_check(asset: dg.AssetsDefinition, table: str, area: str, parameters: Parameters | None = None):
    @dg.asset_check(
        asset=asset,
        name=f"{table}_expectations",
        blocking=True,
        description=f"Great Expectations suite expectations/{table}.json on the date's {table} rows.",
    )
    def _check(context: dg.AssetCheckExecutionContext, store: StoreResource) -> dg.AssetCheckResult:
        files, date = store.store(), context.partition_key
        values = parameters(files, date) if parameters else {}
        return check_result(validate(files.read(area, table, date), table, values))

    return _check


crawl_runs_expectations = expectation_check(
    models_raw, "crawl_runs", "raw", lambda s, d: {"models_raw_rows": len(_hub_ids(s, "raw", "models_raw", d))}
)
crawl_errors_expectations = expectation_check(models_raw, "crawl_errors", "raw")
models_raw_expectations = expectation_check(
    models_raw,
    "models_raw",
    "raw",
    lambda s, d: {"card_hashes": _known_hashes(s, "cards", d), "license_hashes": _known_hashes(s, "license_texts", d)},
)
datasets_raw_expectations = expectation_check(models_raw, "datasets_raw", "raw")
cards_expectations = expectation_check(models_raw, "cards", "raw")
license_texts_expectations = expectation_check(models_raw, "license_texts", "raw")
model_facts_expectations = expectation_check(
    model_facts, "model_facts", "staging", lambda s, d: {"models_raw_ids": _ids(s, "raw", "models_raw", d)}
)
evidence_expectations = expectation_check(
    model_facts, "evidence", "staging", lambda s, d: {"model_facts_ids": _ids(s, "staging", "model_facts", d)}
)
openness_expectations = expectation_check(openness, "openness", "staging", _openness_parameters)
