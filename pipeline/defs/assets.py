"""The snapshot assets, one partition per crawl date. Logic lives in pipeline.snapshot; this is wiring."""


import logging

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline import snapshot
from pipeline.defs.partitions import snapshot_dates
from pipeline.defs.resources import HubResource, StoreResource

# Progress also goes to this logger, which the `openness` CLI prints; the Dagster UI shows context.log.
progress_log = logging.getLogger("openness.progress")


def _progress(context: dg.AssetExecutionContext):
    def report(message: str) -> None:
        context.log.info(message)
        progress_log.info("%s %s", context.partition_key, message)

    return report


@dg.asset(
    partitions_def=snapshot_dates,
    group_name="crawl",
    kinds={"huggingface", "parquet"},
    pool="hub",
    description="One listing sweep of the crawl scope (list_models with expand): ids, sha, tags, cardData, files.",
)
def hub_listing(context: dg.AssetExecutionContext, hub: HubResource, store: StoreResource) -> dg.MaterializeResult:
    date, files = context.partition_key, store.store()
    client = hub.client(date, files.hf_cache)
    stats = snapshot.crawl_listing(
        files, client, hub.scope(), date, run_id=context.run.run_id, fetch_bases=hub.fetch_missing_bases,
        max_base_depth=hub.max_base_depth, base_refresh_days=hub.base_refresh_days, progress=_progress(context),
    )
    return dg.MaterializeResult(
        metadata={"dagster/row_count": stats["models_listed"], "requests": stats["requests"],
                  "retries": stats["retries"], "errors": stats["errors"], "source": stats["source"]}
    )


@dg.asset(
    deps=[hub_listing],
    partitions_def=snapshot_dates,
    group_name="crawl",
    kinds={"huggingface", "parquet"},
    pool="hub",
    description="README (resolve route), branches and LICENSE, fetched only for repos whose sha changed since the "
    "previous snapshot. Retries 429/5xx with backoff; a repo that still fails is recorded, not dropped.",
)
def hub_details(context: dg.AssetExecutionContext, hub: HubResource, store: StoreResource) -> dg.MaterializeResult:
    date, files = context.partition_key, store.store()
    client = hub.client(date, files.hf_cache)
    stats = snapshot.crawl_details(files, client, date, progress=_progress(context))
    return dg.MaterializeResult(metadata={k: v for k, v in stats.items() if isinstance(v, int)})


@dg.asset(
    deps=[hub_listing],
    partitions_def=snapshot_dates,
    group_name="crawl",
    kinds={"huggingface", "parquet"},
    pool="hub",
    description="The Hub datasets that model cards name (front matter, dataset: tags), looked up once with "
    "dataset_info for their own license, then carried forward for `dataset_refresh_days`.",
)
def hub_datasets(context: dg.AssetExecutionContext, hub: HubResource, store: StoreResource) -> dg.MaterializeResult:
    date, files = context.partition_key, store.store()
    client = hub.client(date, files.hf_cache)
    stats = snapshot.crawl_datasets(files, client, date, refresh_days=hub.dataset_refresh_days,
                                    progress=_progress(context))
    return dg.MaterializeResult(metadata=stats)


@dg.asset(
    deps=[hub_details, hub_datasets],
    partitions_def=snapshot_dates,
    group_name="crawl",
    kinds={"polars", "parquet"},
    description="models_raw: the listing with details fetched today or carried forward; plus crawl_runs, "
    "crawl_errors, datasets_raw and the texts first seen today (cards, license_texts).",
)
def models_raw(context: dg.AssetExecutionContext, store: StoreResource) -> dg.MaterializeResult:
    run = snapshot.build_raw_snapshot(store.store(), context.partition_key)
    return dg.MaterializeResult(
        metadata={"dagster/row_count": run["models_listed"], **{k: v for k, v in run.items() if isinstance(v, int)},
                  "status": run["status"]}
    )


@dg.asset(
    deps=[models_raw],
    partitions_def=snapshot_dates,
    group_name="facts",
    kinds={"polars", "parquet"},
    description="model_facts and evidence: license, code links, datasets, data composition, checkpoints, papers, "
    "base model and gating per model, each fact backed by evidence rows.",
)
def model_facts(context: dg.AssetExecutionContext, store: StoreResource) -> dg.MaterializeResult:
    stats = snapshot.build_facts(store.store(), context.partition_key)
    return dg.MaterializeResult(metadata={"dagster/row_count": stats["models"], "evidence_rows": stats["evidence_rows"]})


@dg.asset(
    deps=[model_facts],
    partitions_def=snapshot_dates,
    group_name="facts",
    kinds={"polars", "parquet"},
    description="Openness grades per dimension and class per model, with the rubric version (docs/rubric.md), "
    "and lineage: each derivative's base chain and what its root base discloses.",
)
def openness(context: dg.AssetExecutionContext, store: StoreResource) -> dg.MaterializeResult:
    stats = snapshot.build_openness(store.store(), context.partition_key)
    return dg.MaterializeResult(metadata={"dagster/row_count": stats.pop("models"), **stats})


@dg.asset(
    deps=[models_raw, model_facts, openness],
    partitions_def=snapshot_dates,
    group_name="publish",
    kinds={"duckdb", "parquet"},
    pool="duckdb_writer",
    description="Publishes the date once every check passed: replaces the date in the DuckDB tables in one "
    "transaction, updates the history, releases the analysts' DuckDB file whole, and writes the Parquet snapshot "
    "(snapshots/<table>/snapshot_date=YYYY-MM-DD/). Warns (metadata `mixed_versions`) when the history then mixes "
    "extractor or rubric versions.",
)
def published_snapshot(context: dg.AssetExecutionContext, store: StoreResource, duckdb: DuckDBResource) -> dg.MaterializeResult:
    from pipeline.history import mixed_versions
    from pipeline.store.release import writing_then_release

    files = store.store()
    # The analysts' file is replaced whole, and only after a successful publish.
    with writing_then_release(files, duckdb.get_connection()) as conn:
        counts = snapshot.publish(files, conn, context.partition_key)
        mixed = mixed_versions(conn)
    metadata: dict[str, object] = {f"rows_{table}": n for table, n in counts.items()}
    if mixed:
        context.log.warning(mixed)
        metadata["mixed_versions"] = mixed
    return dg.MaterializeResult(metadata=metadata)


class HistoryBackfillConfig(dg.Config):
    repo_ids: list[str] = []  # model repos whose git history to backfill
    whole_scope: bool = False  # also every repo of the crawl scope on the latest published date


@dg.asset(
    group_name="history",
    kinds={"huggingface", "parquet"},
    pool="hub",
    description="Past states dated by git history: README and LICENSE read at every commit that changed them "
    "(raw/backfill_states/hub_id=.../). One commit listing per repo, one download per distinct file version. "
    "A repo that fails is logged and the others go on; the run then fails, naming it (what was written stays).",
)
def history_backfill(
    context: dg.AssetExecutionContext, config: HistoryBackfillConfig, hub: HubResource, store: StoreResource
) -> dg.MaterializeResult:
    from pipeline import backfill
    from pipeline.store.files import today

    files = store.store()
    try:
        repo_ids = backfill.repos_to_backfill(files, config.repo_ids, whole_scope=config.whole_scope)
    except backfill.BackfillError as error:
        raise dg.Failure(str(error)) from None

    def report(line: str, status: str) -> None:
        (context.log.info if status == "written" else context.log.warning)(line)

    run = backfill.backfill_repos(hub.client(today(), files.hf_cache), files, repo_ids, report=report)
    totals = run.totals()
    metadata = {"dagster/row_count": totals["states"], **totals}
    if run.failed or run.not_found:
        problems = run.failed + [f"{repo_id}: no such model repo on the Hub" for repo_id in run.not_found]
        raise dg.Failure(
            description=f"{len(problems)} of {len(repo_ids)} repos could not be backfilled: " + "; ".join(problems),
            metadata=metadata,
        )
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    deps=[history_backfill],
    group_name="history",
    kinds={"duckdb"},
    pool="duckdb_writer",
    description="Rebuilds model_history and openness_changes from every published date and backfilled state (states "
    "read by another extractor or rubric version are re-derived from their stored texts first), and releases the "
    "analysts' DuckDB file whole.",
)
def model_history(store: StoreResource, duckdb: DuckDBResource) -> dg.MaterializeResult:
    from pipeline.history import publish_history

    counts = publish_history(store.home, duckdb.get_connection())
    return dg.MaterializeResult(metadata={"dagster/row_count": counts["model_history_rebuilt"], **counts})
