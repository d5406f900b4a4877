"""Blocking Great Expectations checks: one suite per table, run on the staged date before it is published.

A failed suite stops `published_snapshot` in the same run, so analysts and researchers never see the date.
The check's metadata lists each failed expectation with a sample of the bad values.
"""


import dagster as dg

from pipeline.defs.assets import model_facts, models_raw, openness
from pipeline.defs.resources import StoreResource
from pipeline.quality import SuiteResult, check_table


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


def expectation_check(asset: dg.AssetsDefinition, table: str):
    @dg.asset_check(
        asset=asset,
        name=f"{table}_expectations",
        blocking=True,
        description=f"Great Expectations suite expectations/{table}.json on the date's {table} rows.",
    )
    def _check(context: dg.AssetCheckExecutionContext, store: StoreResource) -> dg.AssetCheckResult:
        return check_result(check_table(store.store(), table, context.partition_key))

    return _check


crawl_runs_expectations = expectation_check(models_raw, "crawl_runs")
crawl_errors_expectations = expectation_check(models_raw, "crawl_errors")
models_raw_expectations = expectation_check(models_raw, "models_raw")
datasets_raw_expectations = expectation_check(models_raw, "datasets_raw")
cards_expectations = expectation_check(models_raw, "cards")
license_texts_expectations = expectation_check(models_raw, "license_texts")
model_facts_expectations = expectation_check(model_facts, "model_facts")
evidence_expectations = expectation_check(model_facts, "evidence")
openness_expectations = expectation_check(openness, "openness")
